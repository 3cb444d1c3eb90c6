package models

import (
	"fmt"
	"time"

	"gorm.io/gorm"

	"quartier/frtime"
)

// SlotRule names one hard rule of a session's slot, as SlotRuleError
// reports it.
type SlotRule string

// The hard rules checked inside the transaction that writes a slot
// (ProposeSession, ConfirmSession, MoveSession).
const (
	// RuleFacilitator: the facilitator is an active facilitator.
	RuleFacilitator SlotRule = "facilitator"
	// RuleOverlap: no other live session of theirs overlaps the slot.
	RuleOverlap SlotRule = "overlap"
	// RuleAvailability: the slot lies within their working time (weekly
	// pattern and exceptions, public holidays excluded) and outside their
	// busy time.
	RuleAvailability SlotRule = "availability"
	// RuleDayLimit and RuleWeekLimit: their sessions per day and per ISO
	// week (in their zone) stay within their limits. Only confirmed
	// sessions count: a proposal holds its slot, not a place in the limits.
	RuleDayLimit  SlotRule = "day_limit"
	RuleWeekLimit SlotRule = "week_limit"
	// RuleTravel: two in-person sessions of theirs on one day leave the
	// travel time between their places (see UseTravel).
	RuleTravel SlotRule = "travel"
)

// SlotRuleError says a slot breaks a hard rule. It unwraps both to a
// ConflictError (a 409 with its French message) and to a ValidationError
// on the field the rule concerns ("start" or "facilitator"), so that a form
// shows it next to the field.
type SlotRuleError struct {
	Rule    SlotRule
	Message string
}

func (e *SlotRuleError) Error() string {
	return fmt.Sprintf("slot breaks rule %s: %s", e.Rule, e.Message)
}

// UserMessage implements UserError.
func (e *SlotRuleError) UserMessage() string { return e.Message }

// Unwrap makes errors.As find a ConflictError and a ValidationError.
func (e *SlotRuleError) Unwrap() []error {
	field := "start"
	if e.Rule == RuleFacilitator {
		field = "facilitator"
	}
	return []error{&ConflictError{Message: e.Message}, invalid(field, e.Message)}
}

// committedStates are the session states that count in a facilitator's
// limits.
var committedStates = []SessionState{SessionScheduled, SessionHeld, SessionClosed}

// checkCalendarRules checks the slot against the facilitator's calendar
// inside the caller's transaction: availability and limits. except is the
// session being moved or confirmed (0 for a new one). The overlap with
// other sessions is checked by checkSlot.
func checkCalendarRules(tx *gorm.DB, sl SessionSlot, u User, except int64) error {
	cal := FacilitatorCalendar{User: u}
	if err := tx.Where("user_id = ?", u.ID).Order("weekday, start_minute").Find(&cal.Pattern).Error; err != nil {
		return fmt.Errorf("load pattern of %d: %w", u.ID, err)
	}
	if err := tx.Where("user_id = ? AND ends_on >= ? AND starts_on <= ?", u.ID,
		civilDate(sl.Start.Add(-24*time.Hour)), civilDate(sl.End.Add(24*time.Hour))).Find(&cal.Exceptions).Error; err != nil {
		return fmt.Errorf("load exceptions of %d: %w", u.ID, err)
	}
	if err := tx.Where("user_id = ? AND starts_at < ? AND ends_at > ?", u.ID, sl.End, sl.Start).Find(&cal.Busy).Error; err != nil {
		return fmt.Errorf("load busy time of %d: %w", u.ID, err)
	}
	loc := LocationOf(sl.TimeZone)
	if avail := cal.Available(sl.Start, sl.End); len(avail) != 1 || !avail[0].Start.Equal(sl.Start) || !avail[0].End.Equal(sl.End) {
		msg := fmt.Sprintf("%s n’est pas disponible le %s : ce créneau sort de ses disponibilités (horaires, absences, jours fériés ou occupations de son agenda).",
			u.Name, frtime.Range(sl.Start, sl.End, loc))
		if day := frtime.Holiday(sl.Start.In(loc), frtime.DepartementOfCommune(u.HomeINSEE)); day != "" {
			msg = fmt.Sprintf("Le %s est un jour férié (%s) : aucune séance ne peut avoir lieu ce jour-là.", frtime.Date(sl.Start.In(loc)), day)
		}
		return &SlotRuleError{Rule: RuleAvailability, Message: msg}
	}
	home := LocationOf(u.TimeZone)
	y, m, d := sl.Start.In(home).Date()
	dayStart := time.Date(y, m, d, 0, 0, 0, 0, home)
	wd := (int(dayStart.Weekday()) + 6) % 7 // Monday 0
	weekStart := dayStart.AddDate(0, 0, -wd)
	for _, lim := range []struct {
		rule     SlotRule
		max      int
		from, to time.Time
		msg      string
	}{
		{RuleDayLimit, u.MaxPerDay, dayStart, dayStart.AddDate(0, 0, 1), "%s anime déjà %d séance(s) ce jour-là : c’est sa limite par jour."},
		{RuleWeekLimit, u.MaxPerWeek, weekStart, weekStart.AddDate(0, 0, 7), "%s anime déjà %d séance(s) cette semaine-là : c’est sa limite par semaine."},
	} {
		if lim.max <= 0 {
			continue
		}
		var n int64
		if err := tx.Model(&Session{}).Where("facilitator_id = ? AND state IN ? AND starts_at >= ? AND starts_at < ? AND id <> ?",
			u.ID, committedStates, lim.from.UTC(), lim.to.UTC(), except).Count(&n).Error; err != nil {
			return fmt.Errorf("count sessions of %d: %w", u.ID, err)
		}
		if int(n) >= lim.max {
			return &SlotRuleError{Rule: lim.rule, Message: fmt.Sprintf(lim.msg, u.Name, n)}
		}
	}
	return nil
}
