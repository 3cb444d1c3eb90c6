package mailer

import (
	"quartier/models"
	"time"
)

// MergeIntervals returns the intervals sorted by start, with overlapping
// and touching intervals merged and empty ones (End not after Start)
// dropped. The input is not modified.
func MergeIntervals(in []Interval) []Interval { return models.MergeRanges(in) }

// clipIntervals cuts sorted intervals to [from, to), dropping what is left empty.
func clipIntervals(in []Interval, from, to time.Time) []Interval {
	from, to = from.UTC(), to.UTC()
	out := in[:0]
	for _, iv := range in {
		if iv.Start.Before(from) {
			iv.Start = from
		}
		if iv.End.After(to) {
			iv.End = to
		}
		if iv.End.After(iv.Start) {
			out = append(out, iv)
		}
	}
	return out
}
