package models

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// TestCreateSeason_RefusesOverlap: the fixture's season runs from
// 2026-09-01 to 2027-07-02 (both days included); any other season sharing a
// day with it is refused with a message on the dates.
func TestCreateSeason_RefusesOverlap(t *testing.T) {
	cases := []struct {
		name         string
		starts, ends time.Time
		overlaps     bool
	}{
		{"inside", day(2026, 10, 1), day(2026, 12, 1), true},
		{"around", day(2026, 1, 1), day(2027, 12, 31), true},
		{"straddles the start", day(2026, 6, 1), day(2026, 9, 1), true},
		{"straddles the end", day(2027, 7, 2), day(2028, 6, 30), true},
		{"the day after", day(2027, 7, 3), day(2028, 7, 2), false},
		{"the day before", day(2025, 9, 1), day(2026, 8, 31), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newReqFixture(t)
			_, err := f.s.CreateSeason(context.Background(), f.admin.ID, "Autre saison", tc.starts, tc.ends)
			if !tc.overlaps {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("an overlapping season was created")
			}
			if msg := fieldsOf(t, err)["starts_on"]; !strings.Contains(msg, "chevauchent la saison « Saison 2026-2027 »") {
				t.Errorf("message = %q", msg)
			}
		})
	}
}

// TestUpdateSeason_OverlapAndClosedDates: an edit may not overlap another
// season; a closed season's dates are frozen but its name is not.
func TestUpdateSeason_OverlapAndClosedDates(t *testing.T) {
	f := newReqFixture(t)
	ctx := context.Background()
	first, err := f.s.CurrentSeason(ctx)
	if err != nil {
		t.Fatal(err)
	}
	next, err := f.s.CreateSeason(ctx, f.admin.ID, "Saison 2027-2028", day(2027, 9, 1), day(2028, 7, 1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.UpdateSeason(ctx, f.admin.ID, next.ID, next.Name, day(2027, 6, 1), day(2028, 7, 1)); err == nil || fieldsOf(t, err)["starts_on"] == "" {
		t.Errorf("an overlapping edit was saved: %v", err)
	}
	if _, err := f.s.UpdateSeason(ctx, f.admin.ID, next.ID, first.Name, next.StartsOn, next.EndsOn); err == nil || fieldsOf(t, err)["name"] == "" {
		t.Errorf("a duplicate name was saved: %v", err)
	}
	got, err := f.s.UpdateSeason(ctx, f.admin.ID, next.ID, "Saison 3", day(2027, 8, 15), day(2028, 6, 30))
	if err != nil || !got.StartsOn.Equal(day(2027, 8, 15)) || got.Name != "Saison 3" {
		t.Fatalf("edit = %+v, %v", got, err)
	}
	if err := f.s.CloseSeason(ctx, f.admin.ID, first.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.UpdateSeason(ctx, f.admin.ID, first.ID, first.Name, first.StartsOn, day(2027, 7, 10)); err == nil || fieldsOf(t, err)["starts_on"] == "" {
		t.Errorf("a closed season's dates moved: %v", err)
	}
	if got, err := f.s.UpdateSeason(ctx, f.admin.ID, first.ID, "Première saison", first.StartsOn, first.EndsOn); err != nil || got.Name != "Première saison" {
		t.Errorf("rename a closed season = %+v, %v", got, err)
	}
}

// TestRequestSeason_FirstWindow: a request is filed into the season that
// contains its earliest window, whatever the windows' order; without one it
// is out of season (nil); it follows its windows when they change and is
// filed when a season covering it is created or moved.
func TestRequestSeason_FirstWindow(t *testing.T) {
	f := newReqFixture(t)
	ctx := context.Background()
	first, _ := f.s.CurrentSeason(ctx)
	next, err := f.s.CreateSeason(ctx, f.admin.ID, "Saison 2027-2028", day(2027, 9, 1), day(2028, 7, 1))
	if err != nil {
		t.Fatal(err)
	}
	seasonOfRequest := func(id int64) int64 {
		t.Helper()
		r, err := f.s.RequestByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if r.SeasonID == nil {
			return 0
		}
		return *r.SeasonID
	}
	windows := func(days ...time.Time) []RequestWindow {
		var ws []RequestWindow
		for _, d := range days {
			ws = append(ws, RequestWindow{Kind: WindowDay, DateFrom: d, Part: Morning})
		}
		return ws
	}
	cases := []struct {
		name string
		days []time.Time
		want int64
	}{
		{"all in the first season", []time.Time{day(2027, 1, 11), day(2027, 1, 12), day(2027, 1, 13)}, first.ID},
		{"earliest listed last", []time.Time{day(2027, 9, 20), day(2027, 9, 21), day(2027, 6, 30)}, first.ID},
		{"all in the next season", []time.Time{day(2027, 9, 20), day(2027, 9, 21), day(2027, 9, 22)}, next.ID},
		{"earliest between seasons", []time.Time{day(2027, 8, 2), day(2027, 9, 21), day(2027, 9, 22)}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := f.input()
			in.Windows = windows(tc.days...)
			r, err := f.s.CreateRequest(ctx, f.coord.ID, f.clsm.ID, in, true)
			if err != nil {
				t.Fatal(err)
			}
			if got := seasonOfRequest(r.ID); got != tc.want {
				t.Errorf("season %d, want %d", got, tc.want)
			}
		})
	}

	in := f.input()
	in.Windows = windows(day(2027, 2, 1), day(2027, 2, 2), day(2027, 2, 3))
	r, err := f.s.CreateRequest(ctx, f.coord.ID, f.clsm.ID, in, true)
	if err != nil {
		t.Fatal(err)
	}
	in.Windows = windows(day(2027, 8, 10), day(2027, 9, 2), day(2027, 9, 3))
	if _, err := f.s.UpdateRequest(ctx, f.coord.ID, r.ID, in, false); err != nil {
		t.Fatal(err)
	}
	if got := seasonOfRequest(r.ID); got != 0 {
		t.Errorf("after its windows moved between seasons: season %d, want none", got)
	}
	if _, err := f.s.UpdateSeason(ctx, f.admin.ID, next.ID, next.Name, day(2027, 8, 1), next.EndsOn); err != nil {
		t.Fatal(err)
	}
	if got := seasonOfRequest(r.ID); got != next.ID {
		t.Errorf("after the next season was moved to cover it: season %d, want %d", got, next.ID)
	}
}

// TestDeleteSeason_OnlyWhenEmpty: a season holding a request (a draft even)
// stays; an empty one is deleted, and its deletion audited.
func TestDeleteSeason_OnlyWhenEmpty(t *testing.T) {
	f := newReqFixture(t)
	ctx := context.Background()
	first, _ := f.s.CurrentSeason(ctx)
	if _, err := f.s.CreateRequest(ctx, f.coord.ID, f.clsm.ID, f.input(), false); err != nil {
		t.Fatal(err)
	}
	var conflict *ConflictError
	if err := f.s.DeleteSeason(ctx, f.admin.ID, first.ID); !errors.As(err, &conflict) || !strings.Contains(conflict.Message, "1 demande") {
		t.Errorf("delete a season holding a request: %v", err)
	}
	empty, err := f.s.CreateSeason(ctx, f.admin.ID, "Erreur", day(2030, 1, 1), day(2030, 6, 1))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.DeleteSeason(ctx, f.admin.ID, empty.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.SeasonByID(ctx, empty.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted season still loads: %v", err)
	}
	if trail, _ := f.s.AuditTrail(ctx, "season", empty.ID); len(trail) == 0 || trail[0].Action != "delete" {
		t.Errorf("deletion not audited: %+v", trail)
	}
}

// TestDeleteDraft: a never-sent draft goes with its windows, quartiers and
// history, leaving an audit line without content; a sent request, or a
// draft of another CLSM, stays.
func TestDeleteDraft(t *testing.T) {
	f := newReqFixture(t)
	ctx := context.Background()
	in := f.input()
	in.Notes = "Note très personnelle"
	draft, err := f.s.CreateRequest(ctx, f.coord.ID, f.clsm.ID, in, false)
	if err != nil {
		t.Fatal(err)
	}
	sent, err := f.s.CreateRequest(ctx, f.coord.ID, f.clsm.ID, f.input(), true)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.DeleteDraft(ctx, f.coord2.ID, draft.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("another coordinator deleted the draft: %v", err)
	}
	var conflict *ConflictError
	if err := f.s.DeleteDraft(ctx, f.coord.ID, sent.ID); !errors.As(err, &conflict) {
		t.Errorf("a sent request was deleted: %v", err)
	}
	if err := f.s.DeleteDraft(ctx, f.coord.ID, draft.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.RequestByID(ctx, draft.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("the draft still loads: %v", err)
	}
	for _, table := range []string{"request_windows", "request_qpvs", "request_events"} {
		var n int64
		if err := f.s.db.Table(table).Where("request_id = ?", draft.ID).Count(&n).Error; err != nil || n != 0 {
			t.Errorf("%s keeps %d rows of the draft (%v)", table, n, err)
		}
	}
	trail, err := f.s.AuditTrail(ctx, "request", draft.ID)
	if err != nil || len(trail) != 1 || trail[0].Action != "delete_draft" || strings.Contains(trail[0].Detail, "personnelle") || strings.Contains(trail[0].Detail, "Alma") {
		t.Errorf("audit = %+v, %v", trail, err)
	}
	if r, err := f.s.RequestByID(ctx, sent.ID); err != nil || len(r.Windows) != 3 {
		t.Errorf("the sent request was touched: %+v, %v", r, err)
	}
}
