package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"quartier/models"
)

// TestSeed_ReportPathIsTheCurrentSeasonsReport: demo.json's report_path is
// the admin's report of the current season, and that report compares two
// seasons that both held sessions with people present.
func TestSeed_ReportPathIsTheCurrentSeasonsReport(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	s, _, m := seedDemo(t, now, nil)
	cur, err := s.CurrentSeason(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("/admin/saisons/%d/bilan", cur.ID); m.ReportPath != want {
		t.Errorf("report_path = %q, want %q", m.ReportPath, want)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"accounts"`, `"people"`, `"planning_path"`, `"report_path"`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("demo.json has no %s key", key)
		}
	}
	rep, err := s.SeasonReport(ctx, models.ReportFilter{SeasonID: cur.ID}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Previous == nil || rep.Figures.SessionsHeld == 0 || rep.PreviousFigures.SessionsHeld == 0 ||
		rep.Figures.Attended == 0 || rep.PreviousFigures.Attended == 0 {
		t.Errorf("the demo's report compares nothing: previous %v, held %d / %d, present %d / %d", rep.Previous,
			rep.Figures.SessionsHeld, rep.PreviousFigures.SessionsHeld, rep.Figures.Attended, rep.PreviousFigures.Attended)
	}
}
