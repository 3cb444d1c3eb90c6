package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"quartier/models"
	"quartier/territory"
)

// TestSeed_ReportPathIsTheCurrentSeasonsReport: demo.json's report_path is
// the admin's report of the current season, and that report compares two
// seasons that both held sessions with people present.
func TestSeed_ReportPathIsTheCurrentSeasonsReport(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	s, err := models.Open(filepath.Join(t.TempDir(), "q.db"), models.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	geo, err := territory.Load()
	if err != nil {
		t.Fatal(err)
	}
	m, err := Seed(ctx, Deps{Store: s, Geo: geo, Now: now})
	if err != nil {
		t.Fatal(err)
	}
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
