package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"quartier/frtime"
)

// ExceptionKind says whether an exception removes or adds working time.
type ExceptionKind string

// Kinds of exception.
const (
	ExceptionUnavailable ExceptionKind = "unavailable" // day off, leave, training
	ExceptionAvailable   ExceptionKind = "available"   // extra working time
)

// CalendarException changes the weekly pattern on every day of
// [StartsOn, EndsOn] (dates at UTC midnight), from StartMinute to EndMinute
// local time (0–1440 is the whole day).
type CalendarException struct {
	ID          int64
	UserID      int64
	Kind        ExceptionKind
	StartsOn    time.Time
	EndsOn      time.Time
	StartMinute int
	EndMinute   int
	Label       string
	CreatedAt   time.Time
}

// AllDay reports whether the exception covers whole days.
func (e CalendarException) AllDay() bool { return e.StartMinute == 0 && e.EndMinute == 24*60 }

// describe says when an exception applies, in French: « le lundi 30
// novembre 2026, de 9 h 00 à 12 h 00 ».
func (e CalendarException) describe() string {
	when := "le " + frtime.Date(e.StartsOn)
	if !e.EndsOn.Equal(e.StartsOn) {
		when = "du " + frtime.Date(e.StartsOn) + " au " + frtime.Date(e.EndsOn)
	}
	if !e.AllDay() {
		when += fmt.Sprintf(", de %d h %02d à %d h %02d", e.StartMinute/60, e.StartMinute%60, e.EndMinute/60, e.EndMinute%60)
	}
	return "(" + when + ")"
}

// ExceptionInput is a new exception. From and To are dates (any time of
// day is ignored); AllDay ignores the minutes.
type ExceptionInput struct {
	Kind        ExceptionKind
	From, To    time.Time
	AllDay      bool
	StartMinute int
	EndMinute   int
	Label       string
}

// maxExceptionDays bounds one exception: a long leave, not a whole career.
const maxExceptionDays = 366

func (in ExceptionInput) normalize() (ExceptionInput, error) {
	f := map[string]string{}
	if in.Kind != ExceptionUnavailable && in.Kind != ExceptionAvailable {
		f["kind"] = "Choisissez le type d'exception."
	}
	in.From, in.To = civilDate(in.From), civilDate(in.To)
	switch {
	case in.From.IsZero():
		f["from"] = "Indiquez la date de début, par exemple 14/12/2026."
	case in.To.IsZero():
		in.To = in.From
	}
	if !in.From.IsZero() && in.To.Before(in.From) {
		f["to"] = "La date de fin doit être le même jour que la date de début, ou après."
	} else if !in.From.IsZero() && in.To.Sub(in.From) > maxExceptionDays*24*time.Hour {
		f["to"] = "Une exception ne peut pas dépasser un an : découpez-la en plusieurs."
	}
	if in.AllDay {
		in.StartMinute, in.EndMinute = 0, 24*60
	} else if in.EndMinute <= in.StartMinute {
		f["end"] = "L'heure de fin doit être après l'heure de début."
	}
	in.Label = strings.TrimSpace(in.Label)
	checkLine(f, "label", in.Label, MaxLabel)
	if len(f) > 0 {
		return in, &ValidationError{Fields: f}
	}
	return in, nil
}

// civilDate keeps the calendar date of t, at UTC midnight.
func civilDate(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// AddException records an exception to a facilitator's pattern, made by
// the facilitator themself.
func (s *Store) AddException(ctx context.Context, userID int64, in ExceptionInput) (CalendarException, error) {
	return s.DeclareException(ctx, userID, userID, in)
}

// DeclareException records an exception in facilitator userID's calendar
// on behalf of actorID: the facilitator themself, or an active admin (an
// absence declared from the planning page). The audit trail names the
// actor; anyone else is refused with ErrForbidden.
func (s *Store) DeclareException(ctx context.Context, actorID, userID int64, in ExceptionInput) (CalendarException, error) {
	in, err := in.normalize()
	if err != nil {
		return CalendarException{}, err
	}
	now := s.Now()
	e := CalendarException{
		UserID: userID, Kind: in.Kind, StartsOn: in.From, EndsOn: in.To,
		StartMinute: in.StartMinute, EndMinute: in.EndMinute, Label: in.Label, CreatedAt: now,
	}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		u, err := facilitatorIn(tx, userID)
		if err != nil {
			return err
		}
		// Whose calendar the messages speak of: « vous » to the
		// facilitator, their name to an admin.
		yours, then := "Vous avez déjà", "supprimez-la d’abord, ou choisissez d’autres dates ou horaires."
		if actorID != userID {
			var actor User
			if err := tx.First(&actor, actorID).Error; err != nil {
				return notFound(err, "user")
			}
			if actor.Role != RoleAdmin || !actor.Active {
				return ErrForbidden
			}
			yours, then = "L’agenda de "+u.Name+" a déjà", "seule la chargée de mission peut la supprimer, depuis son agenda ; déclarez l’absence sur les autres jours."
		}
		// Days wholly in the past would be saved and never shown: the
		// list starts today, in the facilitator's time zone.
		if today := civilDate(now.In(LocationOf(u.TimeZone))); e.EndsOn.Before(today) {
			field := "from"
			if !e.EndsOn.Equal(e.StartsOn) {
				field = "to"
			}
			return invalid(field, "Cette date est passée : une exception ne peut porter que sur aujourd’hui ou des jours à venir.")
		}
		// One stretch of a day holds one exception: two that overlap
		// would contradict each other or repeat themselves.
		var clash CalendarException
		err = tx.Where("user_id = ? AND starts_on <= ? AND ends_on >= ? AND start_minute < ? AND end_minute > ?",
			userID, e.EndsOn, e.StartsOn, e.EndMinute, e.StartMinute).Order("starts_on").Limit(1).Find(&clash).Error
		if err != nil {
			return fmt.Errorf("find overlapping exceptions: %w", err)
		}
		if clash.ID != 0 {
			return invalid("from", yours+" une exception qui couvre ces horaires "+clash.describe()+
				" : "+then)
		}
		if err := tx.Create(&e).Error; err != nil {
			return fmt.Errorf("insert exception: %w", err)
		}
		return audit(tx, &actorID, "user", userID, "calendar_exception",
			fmt.Sprintf("%s du %s au %s", e.Kind, e.StartsOn.Format("2006-01-02"), e.EndsOn.Format("2006-01-02")), now)
	})
	return e, err
}

// DeleteException removes one of the facilitator's own exceptions.
func (s *Store) DeleteException(ctx context.Context, userID, id int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		res := tx.Where("id = ? AND user_id = ?", id, userID).Delete(&CalendarException{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return &NotFoundError{What: "calendar exception"}
		}
		return audit(tx, &userID, "user", userID, "calendar_exception_delete", fmt.Sprintf("exception %d", id), s.Now())
	})
}

// Exceptions returns a facilitator's exceptions that end on or after from
// (a date), soonest first.
func (s *Store) Exceptions(ctx context.Context, userID int64, from time.Time) ([]CalendarException, error) {
	var out []CalendarException
	err := s.q(ctx).Where("user_id = ? AND ends_on >= ?", userID, civilDate(from)).
		Order("starts_on, start_minute, id").Find(&out).Error
	return out, err
}

// BusySource says where busy time comes from.
type BusySource string

// Sources of busy time.
const (
	BusyManual       BusySource = "manual"
	BusyFile         BusySource = "file"
	BusySubscription BusySource = "subscription"
)

// Imported reports whether the busy time came from the facilitator's own calendar.
func (b BusySource) Imported() bool { return b == BusyFile || b == BusySubscription }

// BusyTime is a span when a facilitator cannot lead a session.
type BusyTime struct {
	ID        int64
	UserID    int64
	Source    BusySource
	StartsAt  time.Time
	EndsAt    time.Time
	Label     string
	CreatedAt time.Time
}

// BusyInput is busy time typed by hand.
type BusyInput struct {
	Start, End time.Time
	Label      string
}

// maxManualBusy bounds one hand-typed busy span; leave is an exception.
const maxManualBusy = 14 * 24 * time.Hour

// AddBusyTime records busy time typed by hand.
func (s *Store) AddBusyTime(ctx context.Context, userID int64, in BusyInput) (BusyTime, error) {
	f := map[string]string{}
	in.Label = strings.TrimSpace(in.Label)
	switch {
	case in.Start.IsZero() || in.End.IsZero():
		f["start"] = "Indiquez le début et la fin."
	case !in.End.After(in.Start):
		f["end"] = "La fin doit être après le début."
	case in.End.Sub(in.Start) > maxManualBusy:
		f["end"] = "Une occupation ne peut pas dépasser deux semaines : pour un congé, ajoutez plutôt une exception."
	}
	checkLine(f, "label", in.Label, MaxLabel)
	now := s.Now()
	// Busy time already over would be saved and never shown (the list
	// starts now) and cannot matter to the planner.
	if len(f) == 0 && !in.End.After(now) {
		if civilDate(in.End).Before(civilDate(now.In(in.End.Location()))) {
			f["date"] = "Cette date est passée : une occupation ne peut porter que sur aujourd’hui ou des jours à venir."
		} else {
			f["end"] = "Cette heure est passée : une occupation doit se terminer plus tard qu’à présent."
		}
	}
	if len(f) > 0 {
		return BusyTime{}, &ValidationError{Fields: f}
	}
	b := BusyTime{UserID: userID, Source: BusyManual, StartsAt: in.Start.UTC(), EndsAt: in.End.UTC(), Label: in.Label, CreatedAt: now}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if _, err := facilitatorIn(tx, userID); err != nil {
			return err
		}
		if err := tx.Create(&b).Error; err != nil {
			return fmt.Errorf("insert busy time: %w", err)
		}
		return audit(tx, &userID, "user", userID, "busy_time", b.StartsAt.Format(time.RFC3339)+" – "+b.EndsAt.Format(time.RFC3339), now)
	})
	return b, err
}

// DeleteBusyTime removes one of the facilitator's hand-typed busy times.
func (s *Store) DeleteBusyTime(ctx context.Context, userID, id int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		res := tx.Where("id = ? AND user_id = ? AND source = ?", id, userID, BusyManual).Delete(&BusyTime{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return &NotFoundError{What: "busy time"}
		}
		return audit(tx, &userID, "user", userID, "busy_time_delete", fmt.Sprintf("occupation %d", id), s.Now())
	})
}

// ManualBusyTimes returns the hand-typed busy times ending after from, soonest first.
func (s *Store) ManualBusyTimes(ctx context.Context, userID int64, from time.Time) ([]BusyTime, error) {
	var out []BusyTime
	err := s.q(ctx).Where("user_id = ? AND source = ? AND ends_at > ?", userID, BusyManual, from.UTC()).
		Order("starts_at, id").Find(&out).Error
	return out, err
}
