package models

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// RequestByID loads a request with its quartiers and windows. Callers
// that act for a coordinator use RequestOfCoordinator instead.
func (s *Store) RequestByID(ctx context.Context, id int64) (Request, error) {
	var r Request
	if err := s.q(ctx).Take(&r, id).Error; err != nil {
		return r, notFound(err, "request")
	}
	return r, s.loadRequestParts(ctx, &r)
}

// RequestOfCoordinator loads a request of a CLSM the user coordinates. Any
// other request is "not found", so that ids do not leak.
func (s *Store) RequestOfCoordinator(ctx context.Context, userID, id int64) (Request, error) {
	r, err := coordinatorsRequest(s.q(ctx), userID, id)
	if err != nil {
		return r, err
	}
	return r, s.loadRequestParts(ctx, &r)
}

func (s *Store) loadRequestParts(ctx context.Context, r *Request) error {
	if r.SessionID != nil {
		var se Session
		if err := s.q(ctx).Take(&se, *r.SessionID).Error; err != nil {
			return fmt.Errorf("load session %d of request %d: %w", *r.SessionID, r.ID, err)
		}
		r.Session = &se
	}
	if err := s.q(ctx).Table("request_qpvs").Where("request_id = ?", r.ID).Order("qpv_code").Pluck("qpv_code", &r.QPVs).Error; err != nil {
		return err
	}
	return s.q(ctx).Where("request_id = ?", r.ID).Order("position").Find(&r.Windows).Error
}

// RequestEvents returns a request's history, oldest first, with each
// actor's name (kept even when the account was deactivated).
func (s *Store) RequestEvents(ctx context.Context, id int64) ([]RequestEvent, error) {
	var out []RequestEvent
	err := s.q(ctx).Table("request_events AS e").
		Select("e.*, COALESCE(u.name, 'Système') AS actor_name").
		Joins("LEFT JOIN users u ON u.id = e.actor_id").
		Where("e.request_id = ?", id).
		Order("e.created_at, e.id").
		Scan(&out).Error
	return out, err
}

// RequestFilter narrows a list of requests. Zero values do not filter.
type RequestFilter struct {
	// CoordinatorID keeps the requests of the CLSMs this user coordinates.
	CoordinatorID int64
	CLSMID        int64
	State         RequestState
	// ExcludeDrafts hides drafts, which are their coordinator's own business
	// until sent, whatever State asks for: requests never submitted (a
	// draft, or a draft withdrawn) are left out.
	ExcludeDrafts   bool
	RegionCode      string
	DepartementCode string
	SeasonID        int64
	// OutOfSeason keeps the requests filed into no season (« Hors saison »).
	OutOfSeason bool
	ExceptID    int64
	// Limit and Offset select one page of the list; a Limit of 0 lists
	// every match.
	Limit, Offset int
}

// RequestRow is a request as listed, with its CLSM's name, its season, its
// first preferred day, its number of windows and the start of its session
// (if any). Only the columns a list shows are loaded (requestRowColumns):
// of the Request, ID, CLSMID, SeasonID, CreatedBy, State, CommuneINSEE,
// VenueName, TimeZone, SubmittedAt and UpdatedAt. Its texts, format, session
// id and the other timestamps stay empty: every column read is converted
// by the driver, row after row (a timestamp is parsed), and no list shows
// them.
type RequestRow struct {
	Request
	SessionStartsAt *time.Time `gorm:"->"`
	CLSMName        string     `gorm:"->;column:clsm_name"`
	SeasonName      string     `gorm:"->"`
	FirstDay        *time.Time `gorm:"-"` // MIN() is text on SQLite: scanRequestRows reads it
	WindowCount     int        `gorm:"->"`
}

// requestRowColumns is what a list of requests reads (RequestRow), in
// scanRequestRows' order. The two correlated subqueries run for the rows
// of the page only, on the covering index of migration 0019; a second
// statement with the page's 50 ids cost more than the subqueries
// (handlers' BenchmarkPagesAtScale).
const requestRowColumns = `r.id, r.clsm_id, r.season_id, r.created_by, r.state, r.commune_insee, r.venue_name,
	r.time_zone, r.submitted_at, r.updated_at,
	c.name AS clsm_name, COALESCE(se.name, '') AS season_name, ss.starts_at AS session_starts_at,
	(SELECT COUNT(*) FROM request_windows w WHERE w.request_id = r.id) AS window_count,
	(SELECT MIN(w.date_from) FROM request_windows w WHERE w.request_id = r.id) AS first_day`

// selectRequestRows adds to q (over "requests AS r" joined to "clsms c")
// the columns and joins of a RequestRow.
func selectRequestRows(q *gorm.DB) *gorm.DB {
	return q.Select(requestRowColumns).
		Joins("LEFT JOIN sessions ss ON ss.id = r.session_id").
		Joins("LEFT JOIN seasons se ON se.id = r.season_id")
}

// dateValue reads the date at the start of a date column read as text
// (an aggregate loses the column's type: « 2027-01-18 00:00:00+00:00 »
// on SQLite, an RFC 3339 time on PostgreSQL).
func dateValue(s string) (time.Time, bool) {
	const layout = "2006-01-02"
	if len(s) < len(layout) {
		return time.Time{}, false
	}
	d, err := time.Parse(layout, s[:len(layout)])
	return d, err == nil
}

// requestsMatching is the FROM and WHERE of a list of requests: what
// ListRequests pages through (CountRequests counts the same WHERE, and
// joins the CLSMs only when the filter reads them).
func (s *Store) requestsMatching(ctx context.Context, f RequestFilter) *gorm.DB {
	q := s.q(ctx).Table("requests AS r").Joins("JOIN clsms c ON c.id = r.clsm_id")
	return whereRequests(q, f)
}

// requestsToCount is requestsMatching for a count: the CLSMs joined only
// when f reads them, so that a count reads the requests' indexes alone
// (migration 0015's partial index for the sent ones).
func (s *Store) requestsToCount(ctx context.Context, f RequestFilter) *gorm.DB {
	q := s.q(ctx).Table("requests AS r")
	if f.filtersOnCLSM() {
		q = q.Joins("JOIN clsms c ON c.id = r.clsm_id")
	}
	return whereRequests(q, f)
}

// filtersOnCLSM says whether f reads a column of the request's CLSM; a
// count that does not need not join the CLSMs (every request has one).
func (f RequestFilter) filtersOnCLSM() bool {
	return f.CoordinatorID != 0 || f.RegionCode != "" || f.DepartementCode != ""
}

// CountRequests counts the requests matching f (Limit and Offset aside),
// in one statement.
func (s *Store) CountRequests(ctx context.Context, f RequestFilter) (int64, error) {
	var n int64
	if err := s.requestsToCount(ctx, f).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count requests: %w", err)
	}
	return n, nil
}

// requestListOrder puts the requests waiting for a review first, then the
// newest, id breaking ties so that pages never overlap. When the filter
// fixes the state the first key is constant and is left out, so that the
// index on (state, sent, id) serves the order (migration 0008).
func requestListOrder(f RequestFilter) string {
	const newest = "COALESCE(r.submitted_at, r.created_at) DESC, r.id DESC"
	if f.State != "" {
		return newest
	}
	return "(CASE r.state WHEN 'submitted' THEN 0 ELSE 1 END), " + newest
}

// ListRequests returns the requests matching f, those waiting for a review
// first, then the newest: one statement, whatever the number of rows.
func (s *Store) ListRequests(ctx context.Context, f RequestFilter) ([]RequestRow, error) {
	q := selectRequestRows(s.requestsMatching(ctx, f)).Order(requestListOrder(f))
	if f.Limit > 0 {
		q = q.Limit(f.Limit).Offset(max(f.Offset, 0))
	}
	return scanRequestRows(q)
}

// scanRequestRows runs q (selectRequestRows' columns, in their order) and
// scans its rows by hand: gorm's Scan matched each column to a field by
// reflection, row after row, and was a quarter of the admin's list of
// requests (a page of 50 rows) in a CPU profile.
func scanRequestRows(q *gorm.DB) ([]RequestRow, error) {
	var first sql.NullString // one for every row: a variable per row escaped to the heap
	return scanRows(q, func(rows *sql.Rows, r *RequestRow) error {
		err := rows.Scan(&r.ID, &r.CLSMID, &r.SeasonID, &r.CreatedBy, (*string)(&r.State), &r.CommuneINSEE, &r.VenueName,
			&r.TimeZone, &r.SubmittedAt, &r.UpdatedAt,
			&r.CLSMName, &r.SeasonName, &r.SessionStartsAt, &r.WindowCount, &first)
		if d, ok := dateValue(first.String); ok {
			r.FirstDay = &d
		}
		return err
	})
}

// RequestsToPlan returns the accepted requests of a season (all seasons
// when seasonID is 0), oldest first, each with its windows: what the
// planner is asked to place.
func (s *Store) RequestsToPlan(ctx context.Context, seasonID int64) ([]Request, error) {
	q := s.q(ctx).Where("state = ?", RequestAccepted).Order("id")
	if seasonID != 0 {
		q = q.Where("season_id = ?", seasonID)
	}
	var out []Request
	if err := q.Find(&out).Error; err != nil {
		return nil, fmt.Errorf("requests to plan: %w", err)
	}
	return s.withWindows(ctx, out)
}

// RequestsWithWindows returns the requests of ids, by id, each with its
// windows: a replan places the requests of the sessions it moves.
func (s *Store) RequestsWithWindows(ctx context.Context, ids []int64) ([]Request, error) {
	if len(ids) == 0 {
		return []Request{}, nil
	}
	var out []Request
	if err := s.q(ctx).Where("id IN ?", ids).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("requests %v: %w", ids, err)
	}
	return s.withWindows(ctx, out)
}

// withWindows loads the windows of the requests, in one query.
func (s *Store) withWindows(ctx context.Context, out []Request) ([]Request, error) {
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]int64, len(out))
	at := map[int64]int{}
	for i, r := range out {
		ids[i], at[r.ID] = r.ID, i
	}
	var ws []RequestWindow
	if err := s.q(ctx).Where("request_id IN ?", ids).Order("request_id, position").Find(&ws).Error; err != nil {
		return nil, fmt.Errorf("windows of the requests to plan: %w", err)
	}
	for _, w := range ws {
		r := &out[at[w.RequestID]]
		r.Windows = append(r.Windows, w)
	}
	return out, nil
}
