// Command plangen writes planning instances for scaling runs and tests:
// k seasons of a reference instance laid end to end (-scale), k times its
// demand and its team over the same weeks (-dense, with -seed), or a random
// instance (-random SEED).
//
//	go run ./planner/internal/plangen -in planner/testdata/season.json -scale 10 > season10.json
//	go run ./planner/internal/plangen -in planner/testdata/season.json -dense 10 > season-dense10.json
//	go run ./planner/internal/plangen -random 7 > random7.json
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"quartier/planner"
	"quartier/planner/internal/gen"
)

func main() {
	in := flag.String("in", "", "reference instance to scale")
	scale := flag.Int("scale", 0, "number of seasons to lay end to end")
	dense := flag.Int("dense", 0, "copies of the requests and facilitators over the same weeks")
	seed := flag.Uint64("seed", 1, "seed of the dense copies' jitter")
	random := flag.Int64("random", -1, "seed of a random instance to write instead")
	flag.Parse()
	var out *planner.Instance
	switch {
	case *random >= 0:
		out = gen.Random(uint64(*random))
	case *in != "" && (*scale > 0) != (*dense > 0):
		f, err := os.Open(*in)
		if err != nil {
			fail(err)
		}
		base, err := planner.Decode(f)
		f.Close()
		if err != nil {
			fail(err)
		}
		if *scale > 0 {
			out, err = gen.Scale(base, *scale)
		} else {
			out, err = gen.Dense(base, *dense, *seed)
		}
		if err != nil {
			fail(err)
		}
	default:
		flag.Usage()
		os.Exit(2)
	}
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(out); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "plangen:", err)
	os.Exit(1)
}
