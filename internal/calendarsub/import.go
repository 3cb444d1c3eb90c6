package calendarsub

import (
	"io"
	"time"

	"quartier/ical"
	"quartier/models"
)

// Import reads the busy time of an iCalendar stream (ical.BusyIntervals)
// as the store keeps it. It is the one import function: a file, a
// subscription and the demo differ only by their options.
func Import(r io.Reader, opts ical.ImportOptions) ([]models.TimeRange, error) {
	return ical.BusyIntervals(r, opts) // ical.Interval is models.TimeRange (timespan.Span)
}

// ImportWindow is the expansion window of a calendar import for a
// facilitator in zone loc: [today, today + months), from local midnight.
func ImportWindow(now time.Time, loc *time.Location, months int) (from, to time.Time) {
	y, m, d := now.In(loc).Date()
	from = time.Date(y, m, d, 0, 0, 0, 0, loc)
	return from, from.AddDate(0, months, 0)
}
