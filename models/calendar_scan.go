package models

import (
	"context"
	"database/sql"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The calendars' statements, scanned by hand: the admin's calendars show a
// page of facilitators, and gorm's reflection per row of their users,
// patterns, exceptions, busy time and sessions was half the page's time.
// calendar_scan_test.go holds each scan against gorm's over the same
// statement.

// scanRows runs q and scans each row with scan.
func scanRows[T any](q *gorm.DB, scan func(*sql.Rows, *T) error) ([]T, error) {
	rows, err := q.Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]T, 0, rowsHint(q))
	var zero T
	for rows.Next() {
		// Scan into the slice's own element: a local v passed to scan
		// escaped, one heap copy of the row per row.
		out = append(out, zero)
		if err := scan(rows, &out[len(out)-1]); err != nil {
			return nil, err
		}
	}
	return out, rows.Err()
}

// rowsHint is q's LIMIT when it has one (a page of a list): the rows to
// make room for at once, instead of growing the slice row after row.
func rowsHint(q *gorm.DB) int {
	if c, ok := q.Statement.Clauses["LIMIT"]; ok {
		if l, ok := c.Expression.(clause.Limit); ok && l.Limit != nil && *l.Limit > 0 {
			return min(*l.Limit, maxRowsHint)
		}
	}
	return 0
}

// maxRowsHint bounds the room made before any row is read.
const maxRowsHint = 200

// facilitatorUsersQuery selects the facilitators of FacilitatorCalendars:
// those of ids, or every active one when ids is empty, by name.
func (s *Store) facilitatorUsersQuery(ctx context.Context, ids []int64) *gorm.DB {
	q := s.q(ctx).Table("users AS u").Select(calendarUserColumns).Where("u.role = ?", RoleFacilitator).Order("u.name, u.id")
	if len(ids) > 0 {
		return q.Where("u.id IN ?", ids)
	}
	return q.Where("u.active")
}

// calendarUserColumns are the users columns a calendar reads (and the
// planner): a page of calendars scans them for every facilitator shown.
const calendarUserColumns = `u.id, u.name, u.role, u.active, u.home_insee, u.time_zone, u.max_per_day, u.max_per_week`

func scanUser(rows *sql.Rows, u *User) error {
	return rows.Scan(&u.ID, &u.Name, (*string)(&u.Role), &u.Active, &u.HomeINSEE, &u.TimeZone, &u.MaxPerDay, &u.MaxPerWeek)
}

// The calendars' statements return each user's rows together, in their
// index's order (user, then time): FacilitatorCalendars hands each
// facilitator its run of rows (byUser) without copying them, and SQLite
// reads them in order from the index, without sorting them.

// slotsQuery selects the weekly patterns of the users uids, from the
// index alone (migration 0022).
func (s *Store) slotsQuery(ctx context.Context, uids []int64) *gorm.DB {
	return s.q(ctx).Table("availability_slots").Select("id, user_id, weekday, start_minute, end_minute").
		Where("user_id IN ?", uids).Order("user_id, weekday, start_minute, end_minute")
}

func scanSlot(rows *sql.Rows, sl *AvailabilitySlot) error {
	return rows.Scan(&sl.ID, &sl.UserID, &sl.Weekday, &sl.StartMinute, &sl.EndMinute)
}

// exceptionsQuery selects the exceptions of the users uids that touch the
// days [first, last]. No exception lasts longer than maxExceptionDays:
// the lower bound on starts_on keeps the index range to the period, not
// every past one.
func (s *Store) exceptionsQuery(ctx context.Context, uids []int64, first, last time.Time) *gorm.DB {
	return s.q(ctx).Table("calendar_exceptions").
		Select("id, user_id, kind, starts_on, ends_on, start_minute, end_minute, label").
		Where("user_id IN ? AND ends_on >= ? AND starts_on <= ? AND starts_on >= ?", uids,
			first, last, first.AddDate(0, 0, -maxExceptionDays-1)).Order("user_id, starts_on, id")
}

func scanException(rows *sql.Rows, e *CalendarException) error {
	return rows.Scan(&e.ID, &e.UserID, (*string)(&e.Kind), &e.StartsOn, &e.EndsOn, &e.StartMinute, &e.EndMinute, &e.Label)
}

// busyQuery selects the busy time of the users uids that overlaps
// [from, to).
func (s *Store) busyQuery(ctx context.Context, uids []int64, from, to time.Time) *gorm.DB {
	return s.q(ctx).Table("busy_times").Select("id, user_id, source, starts_at, ends_at, label").
		Where("user_id IN ? AND starts_at < ? AND ends_at > ?", uids, to.UTC(), from.UTC()).Order("user_id, starts_at, id")
}

func scanBusy(rows *sql.Rows, b *BusyTime) error {
	return rows.Scan(&b.ID, &b.UserID, (*string)(&b.Source), &b.StartsAt, &b.EndsAt, &b.Label)
}

// sessionColumns are the columns of sessionsIn, in scanSession's order.
const sessionColumns = `s.id, s.id AS session_id, s.request_id, s.facilitator_id, s.starts_at, s.ends_at, s.time_zone, s.state,
			s.venue_name, s.venue_address, s.step_free, s.remote_url, s.sequence,
			r.commune_insee, r.format, r.clsm_id, c.name AS clsm_name, COALESCE(u.name, '') AS coordinator_name`

func scanSession(rows *sql.Rows, x *ScheduledSession) error {
	return rows.Scan(&x.ID, &x.SessionID, &x.RequestID, &x.FacilitatorID, &x.StartsAt, &x.EndsAt, &x.TimeZone, &x.State,
		&x.VenueName, &x.VenueAddress, (*string)(&x.StepFree), &x.RemoteURL, &x.Sequence,
		&x.CommuneINSEE, &x.Format, &x.CLSMID, &x.CLSMName, &x.CoordinatorName)
}
