package gen

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"testing"
	"time"

	"quartier/planner"
)

func TestDense(t *testing.T) {
	f, err := os.Open("../../testdata/season.json")
	if err != nil {
		t.Fatal(err)
	}
	base, err := planner.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	first, last, err := span(base)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []int{1, 3, 10} {
		d, err := Dense(base, k, 7)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Requests) != k*len(base.Requests) || len(d.Facilitators) != k*len(base.Facilitators) {
			t.Fatalf("k=%d: %d requests, %d facilitators; want %d, %d", k, len(d.Requests), len(d.Facilitators),
				k*len(base.Requests), k*len(base.Facilitators))
		}
		// The output is a valid instance (unique ids, windows in order…).
		data, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := planner.Decode(bytes.NewReader(data)); err != nil {
			t.Fatalf("k=%d: %v", k, err)
		}
		moved := 0
		for i, r := range d.Requests {
			orig := base.Requests[i%len(base.Requests)]
			if weight(r) != weight(orig) || r.Remote != orig.Remote || len(r.Windows) != len(orig.Windows) {
				t.Fatalf("k=%d: request %s changed priority, remoteness or windows count", k, r.ID)
			}
			if orig.Location != nil {
				dLat, dLon := r.Location.Lat-orig.Location.Lat, r.Location.Lon-orig.Location.Lon
				if dLat > 0.02 || dLat < -0.02 || dLon > 0.02 || dLon < -0.02 {
					t.Errorf("k=%d: request %s moved %.3f°, %.3f° away from its town", k, r.ID, dLat, dLon)
				}
			}
			for j, w := range r.Windows {
				s, _ := time.Parse(time.RFC3339, w.Start)
				e, _ := time.Parse(time.RFC3339, w.End)
				os, _ := time.Parse(time.RFC3339, orig.Windows[j].Start)
				oe, _ := time.Parse(time.RFC3339, orig.Windows[j].End)
				if s.Before(first) || e.After(last) {
					t.Errorf("k=%d: request %s window %d leaves the season", k, r.ID, j)
				}
				if s.Equal(os) && e.Equal(oe) {
					continue
				}
				moved++
				// A week earlier or later at the same wall-clock time.
				ok := false
				for _, days := range []int{-7, 7} {
					ok = ok || s.Equal(os.In(paris).AddDate(0, 0, days)) && e.Equal(oe.In(paris).AddDate(0, 0, days))
				}
				if !ok {
					t.Errorf("k=%d: request %s window %d moved from %s to %s, want ±1 week", k, r.ID, j, orig.Windows[j].Start, w.Start)
				}
			}
		}
		if k > 1 && moved == 0 {
			t.Errorf("k=%d: no window moved: the copies are the same requests", k)
		}
		again, _ := Dense(base, k, 7)
		if !reflect.DeepEqual(d, again) {
			t.Errorf("k=%d: two runs with the same seed differ", k)
		}
	}
}

func weight(r planner.Request) int {
	if r.Priority == nil {
		return 1
	}
	return *r.Priority
}
