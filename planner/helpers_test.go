package planner_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"quartier/planner"
)

// loadInstance reads testdata/NAME.json, a copy of a reference instance of
// shared/planning/instances, so that tests need nothing outside the repo.
func loadInstance(tb testing.TB, name string) (*planner.Instance, []byte) {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	if err != nil {
		tb.Fatal(err)
	}
	in, err := planner.Decode(bytes.NewReader(data))
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return in, data
}

// mustJSON encodes v or fails the test.
func mustJSON(tb testing.TB, v any) []byte {
	tb.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// validate checks a plan with the independent checker and fails the test
// on any breach; it returns the checker's figures.
func validate(tb testing.TB, instJSON []byte, plan *planner.Plan) figures {
	tb.Helper()
	fig, err := checkPlan(instJSON, mustJSON(tb, plan))
	if err != nil {
		tb.Fatal(err)
	}
	for i, b := range fig.breaches {
		if i == 10 {
			tb.Errorf("… and %d more breaches", len(fig.breaches)-10)
			break
		}
		tb.Errorf("BREACH %s", b)
	}
	return fig
}

func kmPerSession(plan *planner.Plan) float64 {
	if plan.Stats.Assigned == 0 {
		return 0
	}
	return plan.Stats.TravelKm / float64(plan.Stats.Assigned)
}
