package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"quartier/frtime"
	"quartier/internal/timespan"
)

// ScheduledSession is a session a facilitator leads (scheduled, or
// already held or closed), as calendars and the bookings feed show it: the
// venue from the session's snapshot, the CLSM, commune and format from its
// request. The co-organiser is the coordinator of the request's CLSM.
type ScheduledSession struct {
	// ID is the session's id (the same as SessionID): what the feed's UID
	// and the planner's fixed sessions are named after. (Before sessions
	// were records of their own it was the request's id; migration 0006
	// gave each existing session its request's id, so UIDs did not move.)
	ID              int64
	FacilitatorID   int64
	StartsAt        time.Time
	EndsAt          time.Time
	TimeZone        string
	State           string
	VenueName       string
	VenueAddress    string
	CommuneINSEE    string `gorm:"column:commune_insee"`
	Format          string // in_person or remote
	RemoteURL       string
	CLSMID          int64  `gorm:"column:clsm_id"`
	CLSMName        string `gorm:"column:clsm_name"`
	CoordinatorName string
	SessionID       int64
	RequestID       int64
	// Sequence is the iCalendar SEQUENCE of the session's invitations.
	Sequence int
	StepFree StepFree
}

// Remote reports whether the session is held online.
func (s ScheduledSession) Remote() bool { return s.Format == "remote" }

// ScheduledSessions returns the sessions (scheduled, held or closed) of
// the given facilitators (all of them when ids is empty) that overlap
// [from, to), in time order.
func (s *Store) ScheduledSessions(ctx context.Context, ids []int64, from, to time.Time) ([]ScheduledSession, error) {
	return s.sessionsIn(ctx, []SessionState{SessionScheduled, SessionHeld, SessionClosed}, ids, from, to)
}

// sessionsIn returns the sessions in states of the given facilitators
// (all when ids is empty) that overlap [from, to), in time order.
func (s *Store) sessionsIn(ctx context.Context, states []SessionState, ids []int64, from, to time.Time) ([]ScheduledSession, error) {
	out, err := scanRows(s.sessionsInQuery(ctx, states, ids, from, to), scanSession)
	if err != nil {
		return nil, fmt.Errorf("scheduled sessions: %w", err)
	}
	return out, nil
}

// sessionsInQuery is the statement of sessionsIn.
func (s *Store) sessionsInQuery(ctx context.Context, states []SessionState, ids []int64, from, to time.Time) *gorm.DB {
	q := s.q(ctx).Table("sessions AS s").Select(sessionColumns).
		Joins("JOIN requests r ON r.id = s.request_id").
		Joins("JOIN clsms c ON c.id = r.clsm_id").
		Joins("LEFT JOIN users u ON u.id = c.coordinator_id").
		Where("s.state IN ?", states).
		// No session lasts longer than MaxSessionLength: the lower bound on
		// starts_at keeps the index range to the period, not every
		// session ever started before its end.
		Where("s.starts_at < ? AND s.starts_at > ? AND s.ends_at > ?", to.UTC(), from.Add(-MaxSessionLength).UTC(), from.UTC()).
		Order("s.starts_at, s.id")
	if len(ids) > 0 {
		q = q.Where("s.facilitator_id IN ?", ids)
	}
	return q
}

// FacilitatorCalendar is everything that decides when one facilitator may
// lead a session over a period: the pattern and exceptions (local times in
// the facilitator's zone), busy time and sessions (instants). Sessions
// holds every session that takes the facilitator's time: proposed ones
// (they hold their slot until the coordinator answers, and the store's
// overlap rule counts them), scheduled, held and closed ones.
// FacilitatorCalendars loads what calendars and the planner read: User
// without its email, dates and search key, busy time and exceptions
// without their CreatedAt.
type FacilitatorCalendar struct {
	User       User
	Pattern    []AvailabilitySlot
	Exceptions []CalendarException
	Busy       []BusyTime
	Sessions   []ScheduledSession
}

// FacilitatorCalendarPage returns the calendars of at most limit active
// facilitators from offset, by name, with what touches [from, to), and
// how many active facilitators there are: a page of the admin's
// calendars. The page's users come in the index's order (users_role_name),
// without a sort; the count is a statement of its own only when the page
// cannot tell it (a full page, or one past the end).
func (s *Store) FacilitatorCalendarPage(ctx context.Context, offset, limit int, from, to time.Time) ([]FacilitatorCalendar, int, error) {
	users, err := scanRows(s.facilitatorUsersQuery(ctx, nil).Offset(offset).Limit(limit), scanUser)
	if err != nil {
		return nil, 0, fmt.Errorf("page of facilitators: %w", err)
	}
	total := int64(offset + len(users))
	if len(users) == limit || (len(users) == 0 && offset > 0) {
		if err := s.q(ctx).Model(&User{}).Where("role = ? AND active", RoleFacilitator).Count(&total).Error; err != nil {
			return nil, 0, fmt.Errorf("count facilitators: %w", err)
		}
	}
	cals, err := s.calendarsOf(ctx, users, from, to)
	return cals, int(total), err
}

// FacilitatorCalendars loads the calendars of the given facilitators (all
// active facilitators when ids is empty), by name, with what touches
// [from, to).
func (s *Store) FacilitatorCalendars(ctx context.Context, ids []int64, from, to time.Time) ([]FacilitatorCalendar, error) {
	users, err := scanRows(s.facilitatorUsersQuery(ctx, ids), scanUser)
	if err != nil {
		return nil, fmt.Errorf("facilitators' calendars: %w", err)
	}
	return s.calendarsOf(ctx, users, from, to)
}

// calendarsOf loads the calendars of users (in their order) with what
// touches [from, to): four statements, whatever the number of users.
func (s *Store) calendarsOf(ctx context.Context, users []User, from, to time.Time) ([]FacilitatorCalendar, error) {
	if len(users) == 0 {
		return nil, nil
	}
	idx := make(map[int64]int, len(users))
	uids := make([]int64, len(users))
	out := make([]FacilitatorCalendar, len(users))
	for i, u := range users {
		idx[u.ID], uids[i], out[i].User = i, u.ID, u
	}
	slots, err := scanRows(s.slotsQuery(ctx, uids), scanSlot)
	if err != nil {
		return nil, fmt.Errorf("facilitators' patterns: %w", err)
	}
	if err := byUser(slots, func(sl AvailabilitySlot) int64 { return sl.UserID }, func(uid int64, run []AvailabilitySlot) {
		out[idx[uid]].Pattern = run
	}); err != nil {
		return nil, fmt.Errorf("facilitators' patterns: %w", err)
	}
	// Dates are compared a day wider each side: zones run from UTC−10 to UTC+14.
	exc, err := scanRows(s.exceptionsQuery(ctx, uids, civilDate(from.Add(-24*time.Hour)), civilDate(to.Add(24*time.Hour))), scanException)
	if err != nil {
		return nil, fmt.Errorf("facilitators' exceptions: %w", err)
	}
	if err := byUser(exc, func(e CalendarException) int64 { return e.UserID }, func(uid int64, run []CalendarException) {
		out[idx[uid]].Exceptions = run
	}); err != nil {
		return nil, fmt.Errorf("facilitators' exceptions: %w", err)
	}
	busy, err := scanRows(s.busyQuery(ctx, uids, from, to), scanBusy)
	if err != nil {
		return nil, fmt.Errorf("facilitators' busy time: %w", err)
	}
	if err := byUser(busy, func(b BusyTime) int64 { return b.UserID }, func(uid int64, run []BusyTime) {
		out[idx[uid]].Busy = run
	}); err != nil {
		return nil, fmt.Errorf("facilitators' busy time: %w", err)
	}
	sessions, err := s.sessionsIn(ctx, []SessionState{SessionProposed, SessionScheduled, SessionHeld, SessionClosed}, uids, from, to)
	if err != nil {
		return nil, err
	}
	for _, x := range sessions {
		if i, ok := idx[x.FacilitatorID]; ok {
			out[i].Sessions = append(out[i].Sessions, x)
		}
	}
	return out, nil
}

// byUser calls each for every run of rows of one user in rows, which its
// statement ordered by user id first. A run is a slice of rows capped at
// its end: appending to one facilitator's rows cannot write over the next
// one's. Rows out of that order are an error: a user's second run would
// replace the first.
func byUser[T any](rows []T, user func(T) int64, each func(uid int64, run []T)) error {
	var prev int64
	for i := 0; i < len(rows); {
		uid, j := user(rows[i]), i+1
		if i > 0 && uid <= prev {
			return fmt.Errorf("rows of user %d after those of user %d: not ordered by user", uid, prev)
		}
		for j < len(rows) && user(rows[j]) == uid {
			j++
		}
		each(uid, rows[i:j:j])
		prev, i = uid, j
	}
	return nil
}

// WorkingTime returns the facilitator's working time in [from, to): on each
// local day, the weekly pattern minus the "unavailable" exceptions, plus
// the "available" ones (an explicit extra wins over a day off). Public
// holidays (national, and those of the facilitator's home département) are
// never worked, whatever the pattern or an exception says: venues and
// partners are closed. Local
// times are read in the facilitator's zone on each day's own offset, so a
// pattern of 8:00–19:00 stays 8:00–19:00 across a DST change.
func (c FacilitatorCalendar) WorkingTime(from, to time.Time) []TimeRange {
	loc := LocationOf(c.User.TimeZone)
	dept := frtime.DepartementOfCommune(c.User.HomeINSEE)
	// One array for the result and two scratch ones for every day: the
	// planner and every calendar page call this for each facilitator.
	var work, off []TimeRange
	days := max(0, int(to.Sub(from).Hours()/24)+2)
	all := make([]TimeRange, 0, (days/7+1)*len(c.Pattern)+len(c.Exceptions))
	y, m, d := from.In(loc).Date()
	for day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC); ; day = day.AddDate(0, 0, 1) {
		dy, dm, dd := day.Date()
		at := func(minute int) time.Time { return time.Date(dy, dm, dd, 0, minute, 0, 0, loc) }
		if !at(0).Before(to) {
			break
		}
		if frtime.Holiday(day, dept) != "" {
			continue
		}
		wd := int(day.Weekday())
		if wd == 0 {
			wd = 7
		}
		work, off = work[:0], off[:0]
		for _, sl := range c.Pattern {
			if sl.Weekday == wd {
				work = append(work, TimeRange{Start: at(sl.StartMinute), End: at(sl.EndMinute)})
			}
		}
		extra := len(all) // the day's own pieces start here
		hasExtra := false
		for _, e := range c.Exceptions {
			if day.Before(civilDate(e.StartsOn)) || day.After(civilDate(e.EndsOn)) || e.Kind == ExceptionAvailable {
				continue
			}
			off = append(off, TimeRange{Start: at(e.StartMinute), End: at(e.EndMinute)})
		}
		all = timespan.AppendSubtract(all, timespan.MergeInPlace(work), timespan.MergeInPlace(off))
		for _, e := range c.Exceptions {
			if e.Kind == ExceptionAvailable && !day.Before(civilDate(e.StartsOn)) && !day.After(civilDate(e.EndsOn)) {
				all, hasExtra = append(all, TimeRange{Start: at(e.StartMinute), End: at(e.EndMinute)}), true
			}
		}
		if hasExtra {
			// Extra availability wins over the day's unavailability.
			all = append(all[:extra], timespan.MergeInPlace(all[extra:])...)
		}
	}
	return clipOwn(timespan.MergeInPlace(all), from, to)
}

// clipOwn clips ranges the caller owns in place; nil when nothing is left,
// as timespan.Clip.
func clipOwn(rs []TimeRange, from, to time.Time) []TimeRange {
	if rs = timespan.AppendClip(rs[:0], rs, from, to); len(rs) == 0 {
		return nil
	}
	return rs
}

// BusyRanges returns the busy time in [from, to), merged.
func (c FacilitatorCalendar) BusyRanges(from, to time.Time) []TimeRange {
	rs := make([]TimeRange, 0, len(c.Busy))
	for _, b := range c.Busy {
		if b.EndsAt.After(from) && b.StartsAt.Before(to) {
			rs = append(rs, TimeRange{Start: b.StartsAt, End: b.EndsAt})
		}
	}
	return clipOwn(timespan.MergeInPlace(rs), from, to)
}

// Available returns the time in [from, to) when the facilitator works and
// is not busy: WorkingTime minus BusyRanges. Scheduled sessions are not
// taken out: the planner receives them as fixed sessions.
func (c FacilitatorCalendar) Available(from, to time.Time) []TimeRange {
	return SubtractRanges(c.WorkingTime(from, to), c.BusyRanges(from, to))
}
