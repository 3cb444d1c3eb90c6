package ical

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"quartier/internal/timespan"

	goical "github.com/emersion/go-ical"
)

// Defaults applied by BusyIntervals when an ImportOptions bound is zero.
const (
	// DefaultImportMaxBytes bounds the size of an imported calendar file.
	DefaultImportMaxBytes int64 = 16 << 20
	// DefaultImportMaxInstances bounds the number of event instances that
	// may fall in the window, before merging.
	DefaultImportMaxInstances = 100_000
)

// workPerInstance scales MaxInstances into the budget of elementary
// expansion steps (days examined, candidates generated), so that a hostile
// rule that matches rarely or never still finishes quickly.
const workPerInstance = 200

// ImportOptions bounds and interprets an import.
type ImportOptions struct {
	// From and To delimit the expansion window [From, To). Only busy time
	// inside the window is returned.
	From, To time.Time
	// Location reads all-day events (VALUE=DATE) and floating times, and is
	// the last resort for a TZID that names no zone known to the file, to
	// IANA or to the CLDR Windows table. Nil means UTC.
	Location *time.Location
	// MaxBytes bounds the file size; zero means DefaultImportMaxBytes.
	MaxBytes int64
	// MaxInstances bounds the instances in the window; zero means
	// DefaultImportMaxInstances.
	MaxInstances int
}

// BusyIntervals parses the iCalendar stream r and returns the busy intervals
// of its events in [opts.From, opts.To): recurrences expanded (RRULE, RDATE,
// EXDATE, RECURRENCE-ID overrides), free (TRANSP:TRANSPARENT) and cancelled
// instances left out, sorted, merged when they overlap or touch, clipped to
// the window, in UTC. Nothing but time is kept from the file.
//
// A stream that is not iCalendar, too large or too complex yields an
// *ImportError.
func BusyIntervals(r io.Reader, opts ImportOptions) ([]Interval, error) {
	if !opts.From.Before(opts.To) {
		return nil, fmt.Errorf("import calendar: empty window [%s, %s)", opts.From.Format(time.RFC3339), opts.To.Format(time.RFC3339))
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultImportMaxBytes
	}
	if opts.MaxInstances <= 0 {
		opts.MaxInstances = DefaultImportMaxInstances
	}

	data, err := io.ReadAll(io.LimitReader(r, opts.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("import calendar: read: %w", err)
	}
	if int64(len(data)) > opts.MaxBytes {
		return nil, &ImportError{Kind: ErrCalendarTooLarge, Detail: fmt.Sprintf("more than %d bytes", opts.MaxBytes)}
	}
	filtered, err := prefilter(data)
	if err != nil {
		return nil, err
	}
	cals, err := decodeCalendars(filtered)
	if err != nil {
		return nil, err
	}

	imp := newImport(opts, cals)
	if err := imp.run(); err != nil {
		return nil, err
	}
	return timespan.Clip(timespan.Merge(imp.busy), opts.From, opts.To), nil
}

// decodeCalendars decodes the filtered stream with go-goical. The prefilter
// has already checked the structure; the recover is a last guard against a
// decoder panic on input we did not foresee.
func decodeCalendars(filtered []byte) (cals []*goical.Calendar, err error) {
	defer func() {
		if p := recover(); p != nil {
			cals, err = nil, &ImportError{Kind: ErrNotICalendar, Detail: fmt.Sprintf("decoder: %v", p)}
		}
	}()
	dec := goical.NewDecoder(bytes.NewReader(filtered))
	for {
		cal, err := dec.Decode()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, &ImportError{Kind: ErrNotICalendar, Detail: err.Error()}
		}
		cals = append(cals, cal)
	}
	if len(cals) == 0 {
		return nil, &ImportError{Kind: ErrNotICalendar, Detail: "no VCALENDAR"}
	}
	return cals, nil
}
