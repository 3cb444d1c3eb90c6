package models

import (
	"context"
	"reflect"
	"testing"
	"time"

	"gorm.io/gorm"
)

// TestListRequests_RowsCarryWhatListsShow checks the narrow rows of the
// lists: the first preferred day and the number of windows come from one
// aggregate (the earliest window, whatever its position), the columns the
// lists show are there and the texts they do not show are not read.
func TestListRequests_RowsCarryWhatListsShow(t *testing.T) {
	f := newReqFixture(t)
	ctx := context.Background()
	in := f.input()
	// The earliest window last: the first day is the minimum, not the first row.
	in.Windows[0], in.Windows[2] = in.Windows[2], in.Windows[0]
	r, err := f.s.CreateRequest(ctx, f.coord.ID, f.clsm.ID, in, true)
	if err != nil {
		t.Fatal(err)
	}
	later := f.input()
	later.Windows[0].DateFrom, later.Windows[1].DateFrom = later.Windows[0].DateFrom.AddDate(0, 0, 9), later.Windows[1].DateFrom.AddDate(0, 0, 9)
	r2, err := f.s.CreateRequest(ctx, f.coord.ID, f.clsm.ID, later, true)
	if err != nil {
		t.Fatal(err)
	}
	for name, list := range map[string]func() ([]RequestRow, error){
		"ListRequests":  func() ([]RequestRow, error) { return f.s.ListRequests(ctx, RequestFilter{CoordinatorID: f.coord.ID}) },
		"FirstRequests": func() ([]RequestRow, error) { return f.s.FirstRequests(ctx, RequestFilter{CLSMID: f.clsm.ID}, 10) },
	} {
		rows, err := list()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := map[int64]RequestRow{}
		for _, row := range rows {
			got[row.ID] = row
		}
		want := map[int64]struct {
			n     int
			first time.Time
		}{r.ID: {3, time.Date(2027, 1, 11, 0, 0, 0, 0, time.UTC)}, r2.ID: {3, time.Date(2027, 1, 18, 0, 0, 0, 0, time.UTC)}}
		for id, w := range want {
			row, ok := got[id]
			switch {
			case !ok:
				t.Errorf("%s: request %d not listed", name, id)
			case row.WindowCount != w.n || row.FirstDay == nil || !row.FirstDay.Equal(w.first):
				t.Errorf("%s: request %d: %d windows from %v, want %d from %v", name, id, row.WindowCount, row.FirstDay, w.n, w.first)
			case row.State != RequestSubmitted || row.CLSMName != "CLSM de Roubaix" || row.CommuneINSEE != "59512" ||
				row.VenueName == "" || row.SubmittedAt == nil || row.SeasonName == "" || row.TimeZone != "Europe/Paris":
				t.Errorf("%s: request %d lacks a listed column: %+v", name, id, row)
			case row.Partners != "" || row.VenueAddress != "":
				t.Errorf("%s: request %d read texts no list shows: %q, %q", name, id, row.Partners, row.VenueAddress)
			}
		}
	}
}

// TestScanRequestRows_SameAsGorm checks the hand-written scan of the
// lists' rows against gorm's reflection over the same statement: a column
// added to requestRowColumns, or two swapped, in one and not the other
// fails here.
func TestScanRequestRows_SameAsGorm(t *testing.T) {
	f := newReqFixture(t)
	ctx := context.Background()
	for i := range 3 {
		if _, err := f.s.CreateRequest(ctx, f.coord.ID, f.clsm.ID, f.input(), i != 1); err != nil {
			t.Fatal(err)
		}
	}
	q := func() *gorm.DB {
		return selectRequestRows(f.s.requestsMatching(ctx, RequestFilter{})).Order("r.id")
	}
	var want []RequestRow
	if err := q().Scan(&want).Error; err != nil {
		t.Fatal(err)
	}
	got, err := scanRequestRows(q())
	if err != nil {
		t.Fatal(err)
	}
	// gorm cannot read the first day (an aggregate is text on SQLite);
	// TestListRequests_RowsCarryWhatListsShow checks it.
	for i := range got {
		if got[i].FirstDay == nil || got[i].WindowCount != 3 {
			t.Errorf("row %d: %d windows from %v, want 3 from a day", got[i].ID, got[i].WindowCount, got[i].FirstDay)
		}
		got[i].FirstDay = nil
	}
	if len(want) != 3 || !reflect.DeepEqual(got, want) {
		t.Errorf("hand scan:\n%+v\ngorm scan:\n%+v", got, want)
	}
}
