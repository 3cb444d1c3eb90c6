package ical

import (
	"errors"
	"fmt"
)

// Kinds of import failure, matched with errors.Is on an *ImportError.
var (
	// ErrNotICalendar means the file is not a readable iCalendar stream.
	ErrNotICalendar = errors.New("not an iCalendar file")
	// ErrCalendarTooLarge means the file, or one of its lines, is over the limit.
	ErrCalendarTooLarge = errors.New("calendar too large")
	// ErrCalendarTooComplex means the expansion needs more instances or
	// work than the import allows.
	ErrCalendarTooComplex = errors.New("calendar too complex")
)

// ImportError reports why a calendar could not be imported. Error gives the
// internal detail for logs; UserMessage gives a safe French sentence for
// the facilitator.
type ImportError struct {
	// Kind is ErrNotICalendar, ErrCalendarTooLarge or ErrCalendarTooComplex.
	Kind error
	// Line is the 1-based line of the file where the problem was seen, or 0.
	Line int
	// Detail is an English explanation for logs; it never quotes the file.
	Detail string
}

// Error implements error.
func (e *ImportError) Error() string {
	msg := "import calendar: " + e.Kind.Error()
	if e.Line > 0 {
		msg += fmt.Sprintf(" (line %d)", e.Line)
	}
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

// Unwrap lets errors.Is match the kind.
func (e *ImportError) Unwrap() error { return e.Kind }

// UserMessage returns the French message shown to the person who gave the file.
func (e *ImportError) UserMessage() string {
	switch e.Kind {
	case ErrCalendarTooLarge:
		return "Ce calendrier est trop volumineux pour être importé."
	case ErrCalendarTooComplex:
		return "Ce calendrier contient trop d'événements sur la période pour être importé."
	default:
		return "Ce fichier n'est pas un calendrier iCalendar (.ics) lisible."
	}
}
