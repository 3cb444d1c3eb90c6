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

// SeasonPage returns limit seasons, the latest first, after the first
// offset (all of them when limit <= 0).
func (s *Store) SeasonPage(ctx context.Context, limit, offset int) ([]Season, error) {
	q := s.q(ctx).Order("starts_on DESC, id DESC")
	if limit > 0 {
		q = q.Limit(limit).Offset(max(offset, 0))
	}
	var out []Season
	if err := q.Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list seasons: %w", err)
	}
	return out, nil
}

// CountSeasons returns the number of seasons.
func (s *Store) CountSeasons(ctx context.Context) (int64, error) {
	var n int64
	if err := s.q(ctx).Model(&Season{}).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count seasons: %w", err)
	}
	return n, nil
}

// SeasonByID loads one season.
func (s *Store) SeasonByID(ctx context.Context, id int64) (Season, error) {
	var out Season
	err := s.q(ctx).First(&out, id).Error
	return out, notFound(err, "season")
}

// checkSeason returns what is wrong with a season's name and dates, keyed
// by the season form's field names.
func checkSeason(name string, starts, ends time.Time) map[string]string {
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
	return f
}

// checkSeasonNameAndDates refuses a name already taken and dates that
// overlap another season (exceptID is the season being edited): a day
// belongs to one season at most, so every request has one season.
func checkSeasonNameAndDates(tx *gorm.DB, exceptID int64, name string, starts, ends time.Time) error {
	var n int64
	if err := tx.Model(&Season{}).Where("name = ? AND id <> ?", name, exceptID).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return invalid("name", "Une saison porte déjà ce nom.")
	}
	var other []Season
	if err := tx.Where("starts_on <= ? AND ends_on >= ? AND id <> ?", ends, starts, exceptID).
		Order("starts_on").Limit(1).Find(&other).Error; err != nil {
		return err
	}
	if len(other) > 0 {
		o := other[0]
		return invalid("starts_on", fmt.Sprintf("Ces dates chevauchent la saison « %s » (du %s au %s) : choisissez des dates qui ne recouvrent aucune autre saison.",
			o.Name, o.StartsOn.Format("02/01/2006"), o.EndsOn.Format("02/01/2006")))
	}
	return nil
}

// CreateSeason opens a new season; the first one becomes current. Its dates
// may not overlap another season's. Requests out of season whose first
// window falls in it are filed into it.
func (s *Store) CreateSeason(ctx context.Context, actorID int64, name string, starts, ends time.Time) (Season, error) {
	name = strings.TrimSpace(name)
	starts, ends = dayOrZero(starts), dayOrZero(ends)
	if f := checkSeason(name, starts, ends); len(f) > 0 {
		return Season{}, &ValidationError{Fields: f}
	}
	var out Season
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := checkSeasonNameAndDates(tx, 0, name, starts, ends); err != nil {
			return err
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
		if err := refileRequests(tx); err != nil {
			return err
		}
		return audit(tx, &actorID, "season", out.ID, "create", fmt.Sprintf("saison créée : %s", name), now)
	})
	return out, err
}

// UpdateSeason renames an open or closed season and moves an open season's
// dates, refusing overlaps. A closed season's dates are frozen with its
// report: only its name may change. Requests are filed again, so that each
// open request stays in the season holding its first window.
func (s *Store) UpdateSeason(ctx context.Context, actorID, id int64, name string, starts, ends time.Time) (Season, error) {
	name = strings.TrimSpace(name)
	starts, ends = dayOrZero(starts), dayOrZero(ends)
	if f := checkSeason(name, starts, ends); len(f) > 0 {
		return Season{}, &ValidationError{Fields: f}
	}
	var out Season
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.First(&out, id).Error; err != nil {
			return notFound(err, "season")
		}
		moved := !out.StartsOn.Equal(starts) || !out.EndsOn.Equal(ends)
		if moved && out.Status == SeasonClosed {
			return invalid("starts_on", "Cette saison est clôturée : son bilan est figé, ses dates ne peuvent plus changer. Vous pouvez encore corriger son nom.")
		}
		if err := checkSeasonNameAndDates(tx, id, name, starts, ends); err != nil {
			return err
		}
		if name == out.Name && !moved {
			return nil
		}
		detail := fmt.Sprintf("saison modifiée : %s, du %s au %s", name, starts.Format("02/01/2006"), ends.Format("02/01/2006"))
		if err := tx.Model(&Season{}).Where("id = ?", id).Updates(map[string]any{"name": name, "starts_on": starts, "ends_on": ends}).Error; err != nil {
			return fmt.Errorf("update season %d: %w", id, err)
		}
		out.Name, out.StartsOn, out.EndsOn = name, starts, ends
		if moved {
			if err := refileRequests(tx); err != nil {
				return err
			}
		}
		return audit(tx, &actorID, "season", id, "update", detail, s.Now())
	})
	return out, err
}

// SeasonRequestCount is the number of requests filed into a season, drafts
// included: a season that holds any cannot be deleted.
func (s *Store) SeasonRequestCount(ctx context.Context, id int64) (int64, error) {
	var n int64
	err := s.q(ctx).Model(&Request{}).Where("season_id = ?", id).Count(&n).Error
	return n, err
}

// DeleteSeason deletes a season that holds no request (a mistake, say). A
// season holding requests stays: its report depends on it.
func (s *Store) DeleteSeason(ctx context.Context, actorID, id int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		var se Season
		if err := tx.First(&se, id).Error; err != nil {
			return notFound(err, "season")
		}
		var n int64
		if err := tx.Model(&Request{}).Where("season_id = ?", id).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return &ConflictError{Message: SeasonNotEmptyMessage(n)}
		}
		if err := tx.Delete(&Season{}, id).Error; err != nil {
			return fmt.Errorf("delete season %d: %w", id, err)
		}
		return audit(tx, &actorID, "season", id, "delete", fmt.Sprintf("saison supprimée : %s", se.Name), s.Now())
	})
}

// SeasonNotEmptyMessage explains, in French, why a season holding n
// requests cannot be deleted.
func SeasonNotEmptyMessage(n int64) string {
	if n == 1 {
		return "Cette saison contient 1 demande : elle ne peut pas être supprimée, car son bilan en dépend."
	}
	return fmt.Sprintf("Cette saison contient %d demandes : elle ne peut pas être supprimée, car son bilan en dépend.", n)
}

// dayOrZero is the calendar day of t, keeping the zero time zero.
func dayOrZero(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return CalendarDay(t)
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
