package ical

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var updateGolden = flag.Bool("update", false, "rewrite the testdata/ics/*.golden files")

// goldenWindows gives each fixture the window and zone it is imported with.
var goldenWindows = map[string]struct{ from, to, tz string }{
	"outlook_windows_zones.ics":       {"2026-01-01", "2026-03-31", "Europe/Paris"},
	"google_utc_cancelled.ics":        {"2026-03-16", "2026-04-30", "Europe/Paris"},
	"nextcloud_floating_duration.ics": {"2026-01-01", "2026-04-30", "Indian/Reunion"},
	"rfc5545_examples.ics":            {"1997-09-01", "1998-12-31", "America/New_York"},
	"custom_vtimezone.ics":            {"2026-03-20", "2026-04-10", "Europe/Paris"},
	"hostile_rules.ics":               {"2026-05-04", "2026-05-10", "Europe/Paris"},
}

// mustWindow returns [from 00:00, the day after to 00:00) in tz, as the CLI does.
func mustWindow(t testing.TB, from, to, tz string) (time.Time, time.Time, *time.Location) {
	t.Helper()
	loc, err := time.LoadLocation(tz)
	if err != nil {
		t.Fatal(err)
	}
	f, err1 := time.ParseInLocation(time.DateOnly, from, loc)
	l, err2 := time.ParseInLocation(time.DateOnly, to, loc)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	return f, l.AddDate(0, 0, 1), loc
}

func formatIntervals(ivs []Interval) string {
	var b strings.Builder
	for _, iv := range ivs {
		line, _ := json.Marshal(map[string]string{"start": iv.Start.UTC().Format(time.RFC3339), "end": iv.End.UTC().Format(time.RFC3339)})
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.String()
}

// TestBusyIntervals_Golden imports each fixture (exports in the formats of
// Outlook, Google, Nextcloud, RFC 5545's examples) and compares with its
// golden file, reviewed by eye; run with -update to rewrite them.
func TestBusyIntervals_Golden(t *testing.T) {
	files, _ := filepath.Glob("testdata/ics/*.ics")
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, path := range files {
		name := filepath.Base(path)
		w, ok := goldenWindows[name]
		if !ok {
			continue
		}
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			from, to, loc := mustWindow(t, w.from, w.to, w.tz)
			got, err := BusyIntervals(bytes.NewReader(data), ImportOptions{From: from, To: to, Location: loc})
			if err != nil {
				t.Fatal(err)
			}
			golden := strings.TrimSuffix(path, ".ics") + ".golden"
			if *updateGolden {
				if err := os.WriteFile(golden, []byte(formatIntervals(got)), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if g := formatIntervals(got); g != string(want) {
				t.Errorf("busy intervals differ from %s:\ngot:\n%swant:\n%s", golden, g, want)
			}
		})
	}
}
