package models

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"
)

// TestCalendarScans_SameAsGorm: each of the calendars' hand-written scans
// against gorm's reflection over the same statement, on rows of every
// kind (two facilitators, their patterns, an all-day and a timed
// exception, busy time, a proposed session): a column added to a select,
// or two swapped, in one and not the scan fails here.
func TestCalendarScans_SameAsGorm(t *testing.T) {
	f := newSessFixture(t)
	ctx := context.Background()
	day := func(d int) time.Time { return time.Date(2027, 1, d, 0, 0, 0, 0, time.UTC) }
	for _, in := range []ExceptionInput{
		{Kind: ExceptionUnavailable, From: day(12), To: day(13), AllDay: true, Label: "Congés"},
		{Kind: ExceptionAvailable, From: day(16), To: day(16), StartMinute: 9 * 60, EndMinute: 12 * 60},
	} {
		if _, err := f.s.AddException(ctx, f.fac.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.s.AddBusyTime(ctx, f.fac2.ID, BusyInput{Start: day(11).Add(9 * time.Hour), End: day(11).Add(10 * time.Hour), Label: "Réunion « équipe »"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.ProposeSession(ctx, f.admin.ID, f.req.ID, f.slot()); err != nil {
		t.Fatal(err)
	}
	uids := []int64{f.fac.ID, f.fac2.ID}
	from, to := day(4), day(25)

	var users []User
	if err := f.s.facilitatorUsersQuery(ctx, nil).Scan(&users).Error; err != nil {
		t.Fatal(err)
	}
	same(t, "users", len(users) == 2, users, func() (any, error) { return scanRows(f.s.facilitatorUsersQuery(ctx, nil), scanUser) })
	var slots []AvailabilitySlot
	if err := f.s.slotsQuery(ctx, uids).Scan(&slots).Error; err != nil {
		t.Fatal(err)
	}
	same(t, "slots", len(slots) == 10, slots, func() (any, error) { return scanRows(f.s.slotsQuery(ctx, uids), scanSlot) })
	var exc []CalendarException
	if err := f.s.exceptionsQuery(ctx, uids, from, to).Scan(&exc).Error; err != nil {
		t.Fatal(err)
	}
	same(t, "exceptions", len(exc) == 2, exc, func() (any, error) { return scanRows(f.s.exceptionsQuery(ctx, uids, from, to), scanException) })
	var busy []BusyTime
	if err := f.s.busyQuery(ctx, uids, from, to).Scan(&busy).Error; err != nil {
		t.Fatal(err)
	}
	same(t, "busy", len(busy) == 1, busy, func() (any, error) { return scanRows(f.s.busyQuery(ctx, uids, from, to), scanBusy) })
	states := []SessionState{SessionProposed, SessionScheduled}
	var sessions []ScheduledSession
	if err := f.s.sessionsInQuery(ctx, states, uids, from, to).Scan(&sessions).Error; err != nil {
		t.Fatal(err)
	}
	same(t, "sessions", len(sessions) == 1 && sessions[0].CoordinatorName != "" && sessions[0].StepFree != "", sessions,
		func() (any, error) { return scanRows(f.s.sessionsInQuery(ctx, states, uids, from, to), scanSession) })
}

// same fails unless the fixture's rows are there (enough) and the hand
// scan gives what gorm gave.
func same(t *testing.T, what string, enough bool, want any, scan func() (any, error)) {
	t.Helper()
	got, err := scan()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if !enough {
		t.Errorf("%s: the fixture lacks rows: %+v", what, want)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s, hand scan:\n%+v\ngorm scan:\n%+v", what, got, want)
	}
}

// TestFacilitatorCalendarPage_CountsAllOnEveryPage: the page's active
// facilitators by name, with their calendars, and the count of every
// active one, on a full page, the last one and one past the end.
func TestFacilitatorCalendarPage_CountsAllOnEveryPage(t *testing.T) {
	f := newSessFixture(t)
	ctx := context.Background()
	var made []User
	for _, n := range []string{"Aline Zed", "Bruno Off"} {
		u, err := f.s.CreateUser(ctx, f.admin.ID, NewUser{Email: n[:4] + "@exemple.fr", Name: n, Role: RoleFacilitator, HomeINSEE: "59350"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, u)
	}
	if err := f.s.SetUserActive(ctx, f.admin.ID, made[1].ID, false); err != nil {
		t.Fatal(err)
	}
	from := time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 0, 9)
	all, err := f.s.FacilitatorCalendars(ctx, []int64{made[0].ID, f.fac.ID, f.fac2.ID}, from, to)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		offset, limit int
		want          []FacilitatorCalendar
	}{{0, 2, all[:2]}, {2, 2, all[2:]}, {4, 2, nil}, {0, 5, all}, {1, 5, all[1:]}} {
		cals, total, err := f.s.FacilitatorCalendarPage(ctx, c.offset, c.limit, from, to)
		if err != nil || total != 3 || !reflect.DeepEqual(cals, c.want) {
			var names []string
			for _, cal := range cals {
				names = append(names, cal.User.Name)
			}
			t.Errorf("from %d by %d: %v of %d (%v), want %d calendars of 3", c.offset, c.limit, names, total, err, len(c.want))
		}
	}
	if len(all) != 3 || all[0].User.ID != made[0].ID || len(all[1].Pattern) == 0 {
		t.Fatalf("calendars by name with their patterns: %+v", all)
	}
}

func TestRowsHint_IsTheLimitBounded(t *testing.T) {
	s := newSessFixture(t).s
	q := func() *gorm.DB { return s.q(context.Background()).Table("users") }
	for _, tt := range []struct {
		q    *gorm.DB
		want int
	}{
		{q(), 0},
		{q().Limit(50).Offset(100), 50},
		{q().Limit(100000), maxRowsHint},
		{q().Limit(-1), 0},
	} {
		if got := rowsHint(tt.q); got != tt.want {
			t.Errorf("rowsHint = %d, want %d", got, tt.want)
		}
	}
}

// TestCalendarQueries_ReadInIndexOrder: the calendars' statements read
// their rows in the order of their index (a page of facilitators by name,
// then each user's rows together: FacilitatorCalendars hands each its
// run), without sorting them in a temporary B-tree; the weekly patterns from their index alone (migration
// 0022). SQLite's plans: the file is SQLite whatever the test database.
func TestCalendarQueries_ReadInIndexOrder(t *testing.T) {
	f := newSessFixtureOn(t, filepath.Join(t.TempDir(), "plan.db"))
	ctx := context.Background()
	uids := []int64{f.fac.ID, f.fac2.ID}
	from, to := time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 25, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, index string
		covering    bool
		q           *gorm.DB
	}{
		{"page of facilitators", "users_role_name", false, f.s.facilitatorUsersQuery(ctx, nil).Offset(15).Limit(15)},
		{"slots", "availability_slots_user", true, f.s.slotsQuery(ctx, uids)},
		{"exceptions", "calendar_exceptions_user", false, f.s.exceptionsQuery(ctx, uids, from, to)},
		{"busy", "busy_times_user", false, f.s.busyQuery(ctx, uids, from, to)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stmt := tc.q.Session(&gorm.Session{DryRun: true}).Find(&[]map[string]any{}).Statement
			var plan []struct{ Detail string }
			if err := f.s.q(ctx).Raw("EXPLAIN QUERY PLAN "+stmt.SQL.String(), stmt.Vars...).Scan(&plan).Error; err != nil {
				t.Fatal(err)
			}
			var lines []string
			for _, p := range plan {
				lines = append(lines, p.Detail)
			}
			text := strings.Join(lines, "\n")
			want := "USING INDEX " + tc.index
			if tc.covering {
				want = "USING COVERING INDEX " + tc.index
			}
			if !strings.Contains(text, want+" ") {
				t.Errorf("%s\nplan:\n%s\nwant %q", stmt.SQL.String(), text, want)
			}
			if strings.Contains(text, "TEMP B-TREE") {
				t.Errorf("%s\nplan:\n%s\nwant no sort", stmt.SQL.String(), text)
			}
		})
	}
}

// TestByUser: each user's run of rows, capped so that appending to one
// cannot write over the next, and rows not ordered by user refused.
func TestByUser(t *testing.T) {
	type row struct{ user, n int64 }
	rows := []row{{3, 1}, {3, 2}, {5, 3}, {9, 4}, {9, 5}, {9, 6}}
	got := map[int64][]row{}
	if err := byUser(rows, func(r row) int64 { return r.user }, func(uid int64, run []row) { got[uid] = run }); err != nil {
		t.Fatal(err)
	}
	want := map[int64][]row{3: {{3, 1}, {3, 2}}, 5: {{5, 3}}, 9: {{9, 4}, {9, 5}, {9, 6}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("runs %v, want %v", got, want)
	}
	_ = append(got[3], row{3, 99})
	if rows[2] != (row{5, 3}) {
		t.Fatalf("appending to user 3's run wrote over user 5's row: %v", rows[2])
	}
	for _, bad := range [][]row{{{3, 1}, {5, 2}, {3, 3}}, {{5, 1}, {3, 2}}} {
		if err := byUser(bad, func(r row) int64 { return r.user }, func(int64, []row) {}); err == nil {
			t.Errorf("%v: no error, want one (not ordered by user)", bad)
		}
	}
	if err := byUser([]row(nil), func(r row) int64 { return r.user }, func(int64, []row) { t.Error("called on no rows") }); err != nil {
		t.Fatal(err)
	}
}
