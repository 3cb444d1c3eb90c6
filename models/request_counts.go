package models

import (
	"context"
	"database/sql"
	"fmt"

	"gorm.io/gorm"
)

// RequestCounts counts the requests matching f by state, in one aggregate
// query (COUNT … GROUP BY): dashboards show figures without loading rows.
// Every state is in the map, at zero when no request is in it.
func (s *Store) RequestCounts(ctx context.Context, f RequestFilter) (map[RequestState]int, error) {
	var rows []struct {
		State RequestState
		N     int
	}
	q := s.requestsToCount(ctx, f)
	if err := q.Select("r.state AS state, COUNT(*) AS n").Group("r.state").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("count requests by state: %w", err)
	}
	out := make(map[RequestState]int, len(RequestStates()))
	for _, st := range RequestStates() {
		out[st] = 0
	}
	for _, r := range rows {
		out[r.State] = r.N
	}
	return out, nil
}

// FirstRequests returns at most limit requests matching f, as ListRequests
// lists them and in its order (those waiting for a review first, then the
// newest): ListRequests' first page of limit rows, one statement whatever
// the number of requests.
func (s *Store) FirstRequests(ctx context.Context, f RequestFilter, limit int) ([]RequestRow, error) {
	f.Limit, f.Offset = limit, 0
	out, err := s.ListRequests(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("first %d requests: %w", limit, err)
	}
	return out, nil
}

// whereRequests applies f to a query over "requests AS r" joined to
// "clsms c", with the meaning ListRequests gives each field.
func whereRequests(q *gorm.DB, f RequestFilter) *gorm.DB {
	if f.CoordinatorID != 0 {
		q = q.Where("c.coordinator_id = ?", f.CoordinatorID)
	}
	if f.CLSMID != 0 {
		q = q.Where("r.clsm_id = ?", f.CLSMID)
	}
	if f.State != "" {
		q = q.Where("r.state = ?", f.State)
	}
	if f.ExcludeDrafts {
		q = q.Where("r.state <> ? AND r.submitted_at IS NOT NULL", RequestDraft)
	}
	if f.RegionCode != "" {
		q = q.Where("c.region_code = ?", f.RegionCode)
	}
	if f.DepartementCode != "" {
		q = q.Where("c.departement_code = ?", f.DepartementCode)
	}
	if f.SeasonID != 0 {
		q = q.Where("r.season_id = ?", f.SeasonID)
	}
	if f.OutOfSeason {
		q = q.Where("r.season_id IS NULL")
	}
	if f.ExceptID != 0 {
		q = q.Where("r.id <> ?", f.ExceptID)
	}
	return q
}

// SeasonFigures sums up one season of a CLSM: its sent requests, how many
// were declined, and its sessions to come and held.
type SeasonFigures struct {
	SeasonID   *int64
	SeasonName string // "" out of season
	Requests   int
	Declined   int
	Scheduled  int
	Held       int // held or closed
}

// CLSMSeasonFigures returns a CLSM's figures season by season, the newest
// season first and the requests filed into no season last, in one
// aggregate query. Drafts are left out, as on the admin's lists.
func (s *Store) CLSMSeasonFigures(ctx context.Context, clsmID int64) ([]SeasonFigures, error) {
	out, err := scanSeasonFigures(s.clsmSeasonFiguresQuery(ctx, clsmID))
	if err != nil {
		return nil, fmt.Errorf("figures of CLSM %d by season: %w", clsmID, err)
	}
	return out, nil
}

// clsmSeasonFiguresQuery is the statement of CLSMSeasonFigures.
func (s *Store) clsmSeasonFiguresQuery(ctx context.Context, clsmID int64) *gorm.DB {
	return s.q(ctx).Raw(`SELECT r.season_id AS season_id, COALESCE(se.name, '') AS season_name, COUNT(*) AS requests,
			SUM(CASE WHEN r.state = 'declined' THEN 1 ELSE 0 END) AS declined,
			SUM(CASE WHEN ss.state = 'scheduled' THEN 1 ELSE 0 END) AS scheduled,
			SUM(CASE WHEN ss.state IN ('held', 'closed') THEN 1 ELSE 0 END) AS held
		FROM requests r
		LEFT JOIN seasons se ON se.id = r.season_id
		LEFT JOIN sessions ss ON ss.id = r.session_id
		WHERE r.clsm_id = ? AND r.state <> 'draft' AND r.submitted_at IS NOT NULL
		GROUP BY r.season_id, se.name
		ORDER BY MAX(se.starts_on) IS NULL, MAX(se.starts_on) DESC`, clsmID)
}

// scanSeasonFigures runs q (clsmSeasonFiguresQuery's columns, in their
// order) and scans its rows by hand, without gorm's reflection per row.
func scanSeasonFigures(q *gorm.DB) ([]SeasonFigures, error) {
	return scanRows(q, func(rows *sql.Rows, f *SeasonFigures) error {
		return rows.Scan(&f.SeasonID, &f.SeasonName, &f.Requests, &f.Declined, &f.Scheduled, &f.Held)
	})
}
