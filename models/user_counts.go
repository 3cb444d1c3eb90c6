package models

import (
	"context"
	"fmt"
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
