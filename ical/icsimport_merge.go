package ical

import (
	"slices"
	"time"
)

// Interval is a half-open busy interval [Start, End) in UTC.
type Interval struct {
	Start, End time.Time
}

// MergeIntervals returns the intervals sorted by start, with overlapping
// and touching intervals merged and empty ones (End not after Start)
// dropped. The input is not modified.
func MergeIntervals(in []Interval) []Interval {
	out := make([]Interval, 0, len(in))
	for _, iv := range in {
		if iv.End.After(iv.Start) {
			out = append(out, iv)
		}
	}
	slices.SortFunc(out, func(a, b Interval) int { return a.Start.Compare(b.Start) })
	merged := out[:0]
	for _, iv := range out {
		if n := len(merged); n > 0 && !iv.Start.After(merged[n-1].End) {
			if iv.End.After(merged[n-1].End) {
				merged[n-1].End = iv.End
			}
			continue
		}
		merged = append(merged, iv)
	}
	return merged
}

// clipIntervals cuts the intervals to [from, to), dropping what falls
// outside.
func clipIntervals(in []Interval, from, to time.Time) []Interval {
	from, to = from.UTC(), to.UTC()
	var out []Interval
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
