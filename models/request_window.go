package models

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// WindowKind says whether a preferred window is one day or a date range.
type WindowKind string

// Window kinds.
const (
	WindowDay   WindowKind = "day"
	WindowRange WindowKind = "range"
)

// DayPart is the part of the day a window covers.
type DayPart string

// Parts of the day.
const (
	Morning   DayPart = "morning"
	Afternoon DayPart = "afternoon"
	Evening   DayPart = "evening"
)

// DayParts lists the parts of the day in order.
func DayParts() []DayPart { return []DayPart{Morning, Afternoon, Evening} }

// Valid reports whether p is a known part of the day.
func (p DayPart) Valid() bool { return p == Morning || p == Afternoon || p == Evening }

// Label is the part's French name.
func (p DayPart) Label() string {
	switch p {
	case Morning:
		return "matin"
	case Afternoon:
		return "après-midi"
	case Evening:
		return "soirée"
	}
	return string(p)
}

// LabelWithHours names the part with its usual hours, as the request
// form offers it: « Matin (9 h – 12 h) ».
func (p DayPart) LabelWithHours() string {
	switch p {
	case Morning:
		return "Matin (9 h – 12 h)"
	case Afternoon:
		return "Après-midi (14 h – 17 h)"
	case Evening:
		return "Soirée (18 h – 21 h)"
	}
	return string(p)
}

// MaxWindowDays is the longest date range one window may span; longer
// availability is several windows, so that the planner's choice stays
// meaningful.
const MaxWindowDays = 92

// RequestWindow is one preferred time window: a day and a part of it, or
// a date range (DateFrom..DateTo, both included) restricted to weekdays.
// Dates are calendar days at midnight UTC; they mean that day in the
// request's own time zone.
type RequestWindow struct {
	ID        int64
	RequestID int64
	Position  int
	Kind      WindowKind
	DateFrom  time.Time
	DateTo    time.Time
	Part      DayPart
	// Weekdays are ISO numbers ("1,2,4" = Monday, Tuesday, Thursday); empty
	// means Monday to Friday. Only ranges use them.
	Weekdays string
}

// TableName is the table of windows.
func (RequestWindow) TableName() string { return "request_windows" }

// WeekdayList returns the window's weekdays as ISO numbers (1 = Monday),
// Monday to Friday when none is set.
func (w RequestWindow) WeekdayList() []int {
	var out []int
	for _, f := range strings.Split(w.Weekdays, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil && n >= 1 && n <= 7 {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		out = []int{1, 2, 3, 4, 5}
	}
	return out
}

// Includes reports whether the window covers calendar day d (any part).
func (w RequestWindow) Includes(d time.Time) bool {
	d = CalendarDay(d)
	if w.Kind != WindowRange {
		return d.Equal(CalendarDay(w.DateFrom))
	}
	if d.Before(CalendarDay(w.DateFrom)) || d.After(CalendarDay(w.DateTo)) {
		return false
	}
	iso := int(d.Weekday())
	if iso == 0 {
		iso = 7
	}
	for _, n := range w.WeekdayList() {
		if n == iso {
			return true
		}
	}
	return false
}

// Days returns the calendar days the window covers, in order.
func (w RequestWindow) Days() []time.Time {
	var out []time.Time
	last := CalendarDay(w.DateTo)
	if w.Kind != WindowRange {
		last = CalendarDay(w.DateFrom)
	}
	for d := CalendarDay(w.DateFrom); !d.After(last) && len(out) <= MaxWindowDays; d = d.AddDate(0, 0, 1) {
		if w.Includes(d) {
			out = append(out, d)
		}
	}
	return out
}

// Overlaps reports whether both windows offer the same part of a same day.
func (w RequestWindow) Overlaps(o RequestWindow) bool {
	if w.Part != o.Part {
		return false
	}
	for _, d := range w.Days() {
		if o.Includes(d) {
			return true
		}
	}
	return false
}

// CalendarDay truncates t to its calendar day, at midnight UTC.
func CalendarDay(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// WindowProblem is what is wrong with one window: Index in the list, the
// Field at fault ("date", "until" or "weekdays") and a French Message.
// With is the index of the window it overlaps, -1 for other problems.
type WindowProblem struct {
	Index   int
	Field   string
	Message string
	With    int
}

// MinWindows is how many preferred windows a submitted request needs.
const MinWindows = 3

// CheckWindows applies the rules a submitted request's windows obey: at
// least three; none in the past (before today) nor starting before
// earliest (today plus the minimum lead time); a range ends after it
// starts, spans at most MaxWindowDays and contains one of its weekdays;
// no two windows offer the same part of a same day. It returns the
// problems window by window, and a message about the list as a whole
// ("" when the list is fine).
func CheckWindows(ws []RequestWindow, today, earliest time.Time) (problems []WindowProblem, overall string) {
	today, earliest = CalendarDay(today), CalendarDay(earliest)
	if len(ws) < MinWindows {
		overall = fmt.Sprintf("Indiquez au moins %d créneaux souhaités : cela laisse une vraie marge pour trouver une date.", MinWindows)
		if len(ws) > 0 {
			overall = fmt.Sprintf("Indiquez au moins %d créneaux souhaités (vous en avez indiqué %d) : cela laisse une vraie marge pour trouver une date.", MinWindows, len(ws))
		}
	}
	bad := map[int]bool{}
	add := func(i int, field, msg string) {
		problems = append(problems, WindowProblem{Index: i, Field: field, Message: msg, With: -1})
		bad[i] = true
	}
	for i, w := range ws {
		from := CalendarDay(w.DateFrom)
		switch {
		case from.Before(today):
			add(i, "date", fmt.Sprintf("Cette date (%s) est déjà passée.", numericFrDate(from)))
			continue
		case from.Before(earliest):
			add(i, "date", fmt.Sprintf("Cette date est trop proche : il faut au moins %d semaines pour organiser une séance. Choisissez une date à partir du %s.",
				int(earliest.Sub(today).Hours()/24/7), numericFrDate(earliest)))
			continue
		}
		if w.Kind != WindowRange {
			continue
		}
		to := CalendarDay(w.DateTo)
		switch {
		case !to.After(from):
			add(i, "until", "La fin de la période doit être postérieure à son début.")
		case to.Sub(from) > MaxWindowDays*24*time.Hour:
			add(i, "until", fmt.Sprintf("Une période ne peut pas dépasser %d jours : découpez-la en plusieurs créneaux.", MaxWindowDays))
		case len(w.Days()) == 0:
			add(i, "weekdays", "Cette période ne contient aucun des jours de la semaine cochés.")
		}
	}
	for j := range ws {
		if bad[j] {
			continue
		}
		for i := 0; i < j; i++ {
			if !bad[i] && ws[j].Overlaps(ws[i]) {
				add(j, "date", OverlapMessage(i+1))
				problems[len(problems)-1].With = i
				break
			}
		}
	}
	return problems, overall
}

// OverlapMessage says a window overlaps window number n (from 1).
func OverlapMessage(n int) string {
	return fmt.Sprintf("Ce créneau chevauche le créneau n°\u00a0%d (même jour, même moment de la journée) : choisissez un autre jour ou un autre moment.", n)
}

// numericFrDate writes a day the short French way, « 23/12/2026 ».
func numericFrDate(d time.Time) string { return d.Format("02/01/2006") }
