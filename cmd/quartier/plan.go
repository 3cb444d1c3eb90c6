package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"quartier/planner"
)

// runPlan implements `quartier plan --in instance.json --out plan.json`
// (shared/planning/FORMAT.md): it reads one instance, plans it and writes
// the plan. Exit 0 when a plan was written, even one placing nothing; 2 on
// bad flags or an invalid instance, with a message naming the bad field; 1
// when a file cannot be read or written.
func runPlan(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	var help bytes.Buffer
	fs.SetOutput(&help)
	inPath := fs.String("in", "", "the instance to plan, JSON as in FORMAT.md (- for standard input)")
	outPath := fs.String("out", "", "where to write the plan, JSON (- for standard output)")
	steps := fs.Int64("steps", 0, "search budget in steps (0: "+strconv.Itoa(planner.DefaultStepsPerRequest)+" per request); the plan depends on it, never on the clock")
	seed := fs.Uint64("seed", 0, "seed of the search; each seed gives a reproducible plan")
	baseline := fs.Bool("baseline", false, "use the first-fit baseline instead of the solver (for comparisons)")
	fs.Usage = func() {
		fmt.Fprintln(&help, "Usage: quartier plan --in instance.json --out plan.json")
		fmt.Fprintln(&help)
		fmt.Fprintln(&help, "Matches requests to facilitators: as much priority as possible, then as little travel.")
		fmt.Fprintln(&help, "Exit status: 0 plan written, 1 file unreadable or unwritable, 2 bad flags or invalid instance.")
		fmt.Fprintln(&help)
		fmt.Fprintln(&help, "Flags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			io.Copy(stdout, &help)
			return exitOK
		}
		io.Copy(stderr, &help)
		return exitUsage
	}
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "quartier plan: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	case *inPath == "":
		fmt.Fprintln(stderr, "quartier plan: --in is required (the instance to plan)")
		return exitUsage
	case *outPath == "":
		fmt.Fprintln(stderr, "quartier plan: --out is required (where to write the plan; - for standard output)")
		return exitUsage
	}

	in, code := readInstance(*inPath, os.Stdin, stderr)
	if in == nil {
		return code
	}
	var plan *planner.Plan
	var err error
	if *baseline {
		plan, err = planner.FirstFit(in)
	} else {
		plan, err = planner.Solve(ctx, in, planner.Options{Steps: *steps, Seed: *seed})
	}
	if err != nil {
		fmt.Fprintf(stderr, "quartier plan: %v\n", err)
		return exitError
	}
	if err := writePlan(*outPath, plan, stdout); err != nil {
		fmt.Fprintf(stderr, "quartier plan: %v\n", err)
		return exitError
	}
	fmt.Fprintln(stderr, summary(plan, len(in.Requests)))
	return exitOK
}

// readInstance reads and validates the instance at path ("-": stdin). On
// failure it prints why and returns nil with the exit status to use.
func readInstance(path string, stdin io.Reader, stderr io.Writer) (*planner.Instance, int) {
	r := stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			fmt.Fprintf(stderr, "quartier plan: %v\n", err)
			return nil, exitError
		}
		defer f.Close()
		r = f
	}
	in, err := planner.Decode(r)
	if err != nil {
		fmt.Fprintf(stderr, "quartier plan: invalid instance %s: %v\n", path, err)
		return nil, exitUsage
	}
	return in, exitOK
}

// writePlan writes the plan as indented JSON to path ("-": stdout), through
// a temporary file renamed into place so that a reader never sees half a
// plan.
func writePlan(path string, plan *planner.Plan, stdout io.Writer) error {
	data, err := json.MarshalIndent(plan, "", "  ")
	if err != nil {
		return fmt.Errorf("encode plan: %w", err)
	}
	data = append(data, '\n')
	if path == "-" {
		_, err := stdout.Write(data)
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write plan: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write plan: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write plan: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write plan: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write plan: %w", err)
	}
	return nil
}

// summary is the one-line French report printed once the plan is written.
func summary(plan *planner.Plan, requests int) string {
	return fmt.Sprintf("Planning\u00a0: %d demande%s placée%s sur %d (priorité %d), %s km de trajets, %d sans créneau.",
		plan.Stats.Assigned, plural(plan.Stats.Assigned), plural(plan.Stats.Assigned), requests,
		plan.Stats.PriorityAssigned, groupThousands(int64(plan.Stats.TravelKm+0.5)), len(plan.Unassigned))
}

func plural(n int) string {
	if n > 1 {
		return "s"
	}
	return ""
}

// groupThousands writes 24458 as « 24 458 » with narrow no-break spaces.
func groupThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteRune(c)
	}
	return b.String()
}
