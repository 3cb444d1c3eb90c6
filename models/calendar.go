package models

import (
	"context"
	"fmt"
	"quartier/frtime"
	"strings"
	"time"

	"gorm.io/gorm"
)

// AvailabilitySlot is one span of the weekly working pattern: on ISO
// Weekday (1 = Monday … 7 = Sunday), from StartMinute to EndMinute after
// local midnight in the facilitator's zone.
type AvailabilitySlot struct {
	ID          int64
	UserID      int64
	Weekday     int
	StartMinute int
	EndMinute   int
}

// DayPattern is the working time of one weekday in a pattern being saved;
// Works false means a day off every week.
type DayPattern struct {
	Works       bool
	StartMinute int
	EndMinute   int
}

// AvailabilityInput is what a facilitator sets on the availability page:
// the weekly pattern (index 0 is Monday), home commune, zone and limits.
// HomeINSEE is checked against the commune directory by the caller
// (models knows no communes); models checks everything else.
type AvailabilityInput struct {
	Pattern    [7]DayPattern
	HomeINSEE  string
	TimeZone   string
	MaxPerDay  int
	MaxPerWeek int
}

// Validate returns field → French message, with the form's field names:
// "pattern.N.start" / "pattern.N.end" (N = 1 … 7), "time_zone",
// "max_per_day", "max_per_week", "home".
func (in AvailabilityInput) Validate() error {
	f := map[string]string{}
	for i, d := range in.Pattern {
		if !d.Works {
			continue
		}
		key := fmt.Sprintf("pattern.%d.", i+1)
		switch {
		case d.StartMinute < 0 || d.StartMinute >= 24*60:
			f[key+"start"] = "L'heure de début doit être comprise entre 0 h 00 et 23 h 59."
		case d.EndMinute <= 0 || d.EndMinute > 24*60:
			f[key+"end"] = "L'heure de fin doit être comprise entre 0 h 01 et 24 h 00."
		case d.EndMinute <= d.StartMinute:
			f[key+"end"] = "L'heure de fin doit être après l'heure de début."
		}
	}
	if strings.TrimSpace(in.HomeINSEE) == "" {
		f["home"] = "Indiquez votre commune de rattachement, d'où vous partez en déplacement."
	}
	if _, err := time.LoadLocation(in.TimeZone); err != nil || in.TimeZone == "" {
		f["time_zone"] = "Choisissez un fuseau horaire dans la liste."
	}
	checkLimits(in.MaxPerDay, in.MaxPerWeek, f)
	if len(f) > 0 {
		return &ValidationError{Fields: f}
	}
	return nil
}

// WeeklyPattern returns a facilitator's weekly pattern, Monday first.
func (s *Store) WeeklyPattern(ctx context.Context, userID int64) ([]AvailabilitySlot, error) {
	var out []AvailabilitySlot
	err := s.q(ctx).Where("user_id = ?", userID).Order("weekday, start_minute").Find(&out).Error
	return out, err
}

// SaveAvailability replaces a facilitator's weekly pattern and sets their
// home commune, zone and limits, all in one transaction.
func (s *Store) SaveAvailability(ctx context.Context, userID int64, in AvailabilityInput) error {
	if err := in.Validate(); err != nil {
		return err
	}
	now := s.Now()
	return s.tx(ctx, func(tx *gorm.DB) error {
		u, err := facilitatorIn(tx, userID)
		if err != nil {
			return err
		}
		if err := tx.Where("user_id = ?", userID).Delete(&AvailabilitySlot{}).Error; err != nil {
			return fmt.Errorf("clear pattern: %w", err)
		}
		var days []string
		for i, d := range in.Pattern {
			if !d.Works {
				continue
			}
			slot := AvailabilitySlot{UserID: userID, Weekday: i + 1, StartMinute: d.StartMinute, EndMinute: d.EndMinute}
			if err := tx.Create(&slot).Error; err != nil {
				return fmt.Errorf("save pattern: %w", err)
			}
			days = append(days, fmt.Sprintf("%d:%s-%s", i+1, MinuteClock(d.StartMinute), MinuteClock(d.EndMinute)))
		}
		if err := tx.Model(&User{}).Where("id = ?", userID).Updates(map[string]any{
			"home_insee": in.HomeINSEE, "time_zone": in.TimeZone,
			"max_per_day": in.MaxPerDay, "max_per_week": in.MaxPerWeek, "updated_at": now,
		}).Error; err != nil {
			return fmt.Errorf("save limits: %w", err)
		}
		detail := fmt.Sprintf("disponibilités : %s ; commune %s ; fuseau %s ; %d/jour, %d/semaine",
			strings.Join(days, " "), in.HomeINSEE, in.TimeZone, in.MaxPerDay, in.MaxPerWeek)
		return audit(tx, &u.ID, "user", userID, "availability", detail, now)
	})
}

// facilitatorIn loads an active facilitator inside tx.
func facilitatorIn(tx *gorm.DB, userID int64) (User, error) {
	var u User
	if err := tx.First(&u, userID).Error; err != nil {
		return u, notFound(err, "user")
	}
	if u.Role != RoleFacilitator {
		return u, ErrForbidden
	}
	return u, nil
}

// MinuteClock writes minutes after midnight as "08:30" (1440 is "24:00").
func MinuteClock(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// LocationOf loads an IANA zone, Europe/Paris when empty or unknown, through
// frtime.LoadZone's cache (a calendar asks for its facilitator's zone on
// every day it shows).
func LocationOf(zone string) *time.Location {
	if loc, err := frtime.LoadZone(zone); err == nil && zone != "" {
		return loc
	}
	loc, err := frtime.LoadZone("Europe/Paris")
	if err != nil {
		return time.UTC
	}
	return loc
}

// Facilitators returns the active facilitators, by name.
func (s *Store) Facilitators(ctx context.Context) ([]User, error) {
	var out []User
	err := s.q(ctx).Where("role = ? AND active", RoleFacilitator).Order("name, id").Find(&out).Error
	return out, err
}
