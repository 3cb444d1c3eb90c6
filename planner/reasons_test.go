package planner_test

import (
	"context"
	"strings"
	"testing"

	"quartier/planner"
)

// TestSolve_ReasonsAreActionable: each request left out says why, in
// French, naming the week or day and the limit that stopped it.
func TestSolve_ReasonsAreActionable(t *testing.T) {
	const instance = `{
  "session_minutes": 180,
  "travel": {"speed_kmh": 70},
  "facilitators": [{"id": "camille", "home": {"lat": 50.63, "lon": 3.06},
    "available": [
      {"start": "2026-10-12T08:00:00+02:00", "end": "2026-10-12T20:00:00+02:00"},
      {"start": "2026-10-13T08:00:00+02:00", "end": "2026-10-13T20:00:00+02:00"},
      {"start": "2026-10-20T08:00:00+02:00", "end": "2026-10-20T20:00:00+02:00"}],
    "busy": [{"start": "2026-10-20T08:00:00+02:00", "end": "2026-10-20T20:00:00+02:00"}],
    "max_per_day": 1, "max_per_week": 2}],
  "requests": [
    {"id": "a-lille", "location": {"lat": 50.63, "lon": 3.06}, "priority": 2,
     "windows": [{"start": "2026-10-12T09:00:00+02:00", "end": "2026-10-12T12:30:00+02:00"}]},
    {"id": "b-roubaix", "location": {"lat": 50.69, "lon": 3.17}, "priority": 2,
     "windows": [{"start": "2026-10-13T09:00:00+02:00", "end": "2026-10-13T12:30:00+02:00"}]},
    {"id": "c-lens-week-full", "location": {"lat": 50.43, "lon": 2.83},
     "windows": [{"start": "2026-10-13T13:30:00+02:00", "end": "2026-10-13T17:30:00+02:00"}]},
    {"id": "d-arras-sunday", "location": {"lat": 50.29, "lon": 2.78},
     "windows": [{"start": "2026-10-18T13:30:00+02:00", "end": "2026-10-18T17:30:00+02:00"}]},
    {"id": "e-douai-meeting", "location": {"lat": 50.37, "lon": 3.08},
     "windows": [{"start": "2026-10-20T13:30:00+02:00", "end": "2026-10-20T17:30:00+02:00"}]},
    {"id": "f-short-window", "remote": true,
     "windows": [{"start": "2026-10-12T13:30:00+02:00", "end": "2026-10-12T15:30:00+02:00"}]}
  ]
}`
	in, err := planner.Decode(strings.NewReader(instance))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := planner.Solve(context.Background(), in, planner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	validate(t, []byte(instance), plan)
	want := map[string]string{
		"c-lens-week-full": "Plafond hebdomadaire atteint la semaine du 12\u00a0octobre",
		"d-arras-sunday":   "Aucune fenêtre ne croise la disponibilité d’une chargée de mission",
		"e-douai-meeting":  "indisponibilités (réunions, congés)",
		"f-short-window":   "Aucune fenêtre ne dure les 3\u00a0h d’une séance",
	}
	got := map[string]string{}
	for _, u := range plan.Unassigned {
		got[u.Request] = u.Reason
	}
	if len(got) != len(want) {
		t.Errorf("unassigned %v, want exactly %d", got, len(want))
	}
	for id, r := range got {
		t.Logf("%s: %s", id, r)
	}
	for id, w := range want {
		if !strings.Contains(got[id], w) {
			t.Errorf("%s: reason %q, want it to contain %q", id, got[id], w)
		}
	}
}
