package models

import (
	"context"
	"testing"
	"time"
)

// TestSessionsOfFacilitator_KeepsToItsBounds checks the facilitator's
// dashboard list: a session that ended before since, or starts after
// until, is not read; one that started before since and ends after it is.
func TestSessionsOfFacilitator_KeepsToItsBounds(t *testing.T) {
	f := newSessFixture(t)
	ctx := context.Background()
	workWeek(t, f.s, f.fac.ID, 1, 5)
	paris := LocationOf("Europe/Paris")
	days := []int{11, 13, 15, 19, 21}
	byDay := map[int]int64{}
	for i, id := range f.scheduledOn(t, days...) {
		byDay[days[i]] = id
	}
	// From the 13th at 10:00 (its session is under way) to the 19th at 9:00
	// (its session starts then): the 13th, 15th and 19th.
	since := time.Date(2027, 1, 13, 10, 0, 0, 0, paris)
	until := time.Date(2027, 1, 19, 9, 0, 0, 0, paris)
	got, err := f.s.SessionsOfFacilitator(ctx, f.fac.ID, since, until)
	if err != nil {
		t.Fatal(err)
	}
	want := []int64{byDay[13], byDay[15], byDay[19]}
	if len(got) != len(want) {
		t.Fatalf("%d sessions, want %d: %+v", len(got), len(want), got)
	}
	for i, se := range got {
		if se.ID != want[i] || se.CLSMName == "" {
			t.Errorf("session %d: %+v, want id %d with its CLSM", i, se, want[i])
		}
	}
}
