package models

import (
	"context"
	"time"
)

// SeasonStatus is open or closed; closing freezes the report and starts the
// retention clock of the season's personal data (DESIGN §3).
type SeasonStatus string

// Season statuses.
const (
	SeasonOpen   SeasonStatus = "open"
	SeasonClosed SeasonStatus = "closed"
)

// Season is one programme season, reported to funders as a whole.
type Season struct {
	ID        int64
	Name      string
	StartsOn  time.Time
	EndsOn    time.Time
	Status    SeasonStatus
	IsCurrent bool
	ClosedAt  *time.Time
	CreatedAt time.Time
}

// CurrentSeason returns the season marked current.
func (s *Store) CurrentSeason(ctx context.Context) (Season, error) {
	var out Season
	err := s.q(ctx).Where("is_current").First(&out).Error
	return out, notFound(err, "season")
}

// Seasons returns every season, newest first.
func (s *Store) Seasons(ctx context.Context) ([]Season, error) {
	var out []Season
	err := s.q(ctx).Order("starts_on DESC").Find(&out).Error
	return out, err
}
