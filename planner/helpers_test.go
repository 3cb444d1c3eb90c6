package planner

import (
	"os"
	"path/filepath"
	"testing"
)

// loadInstance reads testdata/NAME.json (copies of the reference instances).
func loadInstance(tb testing.TB, name string) *Instance {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", name+".json"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	in, err := Decode(f)
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return in
}

func kmPerSession(plan *Plan) float64 {
	if plan.Stats.Assigned == 0 {
		return 0
	}
	return plan.Stats.TravelKm / float64(plan.Stats.Assigned)
}
