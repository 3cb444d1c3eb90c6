package models

import (
	"context"
	"fmt"
	"unicode/utf8"
)

// PeopleCounts are the figures of the people, counted by aggregate
// queries.
type PeopleCounts struct {
	// ActiveByRole counts the active accounts of each role.
	ActiveByRole map[Role]int
	// All counts every account, deactivated ones included.
	All int
}

// CountPeople counts the accounts (one COUNT … GROUP BY), without loading
// them.
func (s *Store) CountPeople(ctx context.Context) (PeopleCounts, error) {
	var rows []struct {
		Role   Role
		Active bool
		N      int
	}
	if err := s.q(ctx).Table("users").Select("role, active, COUNT(*) AS n").Group("role, active").Scan(&rows).Error; err != nil {
		return PeopleCounts{}, fmt.Errorf("count people: %w", err)
	}
	out := PeopleCounts{ActiveByRole: map[Role]int{RoleAdmin: 0, RoleCoordinator: 0, RoleFacilitator: 0}}
	for _, r := range rows {
		out.All += r.N
		if r.Active {
			out.ActiveByRole[r.Role] += r.N
		}
	}
	return out, nil
}

// NewestPeople returns the limit accounts created last, newest first.
func (s *Store) NewestPeople(ctx context.Context, limit int) ([]User, error) {
	var out []User
	if err := s.q(ctx).Order("created_at DESC, id DESC").Limit(limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("newest %d people: %w", limit, err)
	}
	return out, nil
}

// CountOutbox counts the outbox messages in one status, from the counter
// the triggers of migration 0018 keep: what the admin's dashboard needs of
// the outbox.
func (s *Store) CountOutbox(ctx context.Context, status OutboxStatus) (int64, error) {
	var n int64
	if err := s.q(ctx).Raw("SELECT COALESCE(SUM(n), 0) FROM outbox_status_counts WHERE status = ?", status).Scan(&n).Error; err != nil {
		return 0, fmt.Errorf("count %s outbox messages: %w", status, err)
	}
	return n, nil
}

// tooLongToSearch says a search text is longer than any name or address
// it could find (SQLite refuses a LIKE pattern over 50,000 bytes): such a
// search finds nothing, without asking the database.
func tooLongToSearch(text string) bool { return utf8.RuneCountInString(text) > MaxEmail }

// FindCLSMChoices returns at most limit CLSMs whose name contains query
// (case and accents aside), by name, with their coordinator's name: the suggestions
// and the server-side resolution of the CLSM search field. One statement
// whatever the number of CLSMs.
func (s *Store) FindCLSMChoices(ctx context.Context, query string, limit int) ([]CLSMRow, error) {
	var out []CLSMRow
	q := s.q(ctx).Table("clsms AS c").Select("c.id, c.name, COALESCE(u.name, '') AS coordinator_name").
		Joins("LEFT JOIN users u ON u.id = c.coordinator_id").
		Order("c.name, c.id").Limit(limit)
	err := whereSearch(q, "c.search_key", query).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("find CLSMs: %w", err)
	}
	return out, nil
}

// CLSMChoice returns one CLSM as FindCLSMChoices does, for the label of
// the field that names it.
func (s *Store) CLSMChoice(ctx context.Context, id int64) (CLSMRow, error) {
	var out []CLSMRow
	err := s.q(ctx).Table("clsms AS c").Select("c.id, c.name, COALESCE(u.name, '') AS coordinator_name").
		Joins("LEFT JOIN users u ON u.id = c.coordinator_id").Where("c.id = ?", id).Limit(1).Scan(&out).Error
	if err != nil {
		return CLSMRow{}, fmt.Errorf("CLSM %d: %w", id, err)
	}
	if len(out) == 0 {
		return CLSMRow{}, &NotFoundError{What: "CLSM"}
	}
	return out[0], nil
}

// FindCoordinators returns at most limit coordinators whose name or
// address contains query (case and accents aside), by name, with what a choice shows
// (id, name, address, active): the suggestions and the server-side
// resolution of the coordinator search field. One statement.
func (s *Store) FindCoordinators(ctx context.Context, query string, limit int) ([]User, error) {
	var out []User
	q := s.q(ctx).Select("id, name, email, active").Where("role = ?", RoleCoordinator).Order("name, id").Limit(limit)
	err := whereSearch(q, "search_key", query).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("find coordinators: %w", err)
	}
	return out, nil
}
