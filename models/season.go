package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// SeasonStatus is open or closed; closing freezes the report and starts the
// retention clock of the season's personal data (DESIGN §3).
type SeasonStatus string

// Season statuses.
const (
	SeasonOpen   SeasonStatus = "open"
	SeasonClosed SeasonStatus = "closed"
)

// Label is the status in French, as the seasons' badges show it.
func (s SeasonStatus) Label() string {
	switch s {
	case SeasonOpen:
		return "ouverte"
	case SeasonClosed:
		return "clôturée"
	}
	return string(s)
}

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

// SeasonByID loads one season.
func (s *Store) SeasonByID(ctx context.Context, id int64) (Season, error) {
	var out Season
	err := s.q(ctx).First(&out, id).Error
	return out, notFound(err, "season")
}

// CreateSeason opens a new season; the first one becomes current.
func (s *Store) CreateSeason(ctx context.Context, actorID int64, name string, starts, ends time.Time) (Season, error) {
	name = strings.TrimSpace(name)
	f := map[string]string{}
	if name == "" {
		f["name"] = "Saisissez le nom de la saison, par exemple « Saison 2026-2027 »."
	} else {
		checkLine(f, "name", name, MaxTitle)
	}
	if starts.IsZero() {
		f["starts_on"] = "Saisissez la date de début."
	}
	if ends.IsZero() {
		f["ends_on"] = "Saisissez la date de fin."
	} else if !starts.IsZero() && !ends.After(starts) {
		f["ends_on"] = "La date de fin doit être postérieure à la date de début."
	}
	if len(f) > 0 {
		return Season{}, &ValidationError{Fields: f}
	}
	var out Season
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Season{}).Where("name = ?", name).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return invalid("name", "Une saison porte déjà ce nom.")
		}
		var current int64
		if err := tx.Model(&Season{}).Where("is_current").Count(&current).Error; err != nil {
			return err
		}
		now := s.Now()
		out = Season{Name: name, StartsOn: starts, EndsOn: ends, Status: SeasonOpen, IsCurrent: current == 0, CreatedAt: now}
		if err := tx.Create(&out).Error; err != nil {
			return err
		}
		return audit(tx, &actorID, "season", out.ID, "create", fmt.Sprintf("saison créée : %s", name), now)
	})
	return out, err
}

// SetCurrentSeason marks an open season as the current one.
func (s *Store) SetCurrentSeason(ctx context.Context, actorID, id int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		var se Season
		if err := tx.First(&se, id).Error; err != nil {
			return notFound(err, "season")
		}
		if se.Status == SeasonClosed {
			return &ConflictError{Message: "Une saison clôturée ne peut pas redevenir la saison en cours."}
		}
		if se.IsCurrent {
			return nil
		}
		if err := tx.Model(&Season{}).Where("is_current").Update("is_current", false).Error; err != nil {
			return err
		}
		if err := tx.Model(&Season{}).Where("id = ?", id).Update("is_current", true).Error; err != nil {
			return err
		}
		return audit(tx, &actorID, "season", id, "current", "marquée comme saison en cours", s.Now())
	})
}

// CloseSeason closes a season: its report is frozen and the retention clock
// of its participants' personal data starts at ClosedAt.
func (s *Store) CloseSeason(ctx context.Context, actorID, id int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		var se Season
		if err := tx.First(&se, id).Error; err != nil {
			return notFound(err, "season")
		}
		if se.Status == SeasonClosed {
			return &ConflictError{Message: "Cette saison est déjà clôturée."}
		}
		now := s.Now()
		if err := tx.Model(&Season{}).Where("id = ?", id).Updates(map[string]any{"status": SeasonClosed, "closed_at": now, "is_current": false}).Error; err != nil {
			return err
		}
		return audit(tx, &actorID, "season", id, "close", "saison clôturée : bilan figé, début du délai de conservation des données personnelles", now)
	})
}
