package mailer

import (
	"slices"
	"time"
)

// MergeIntervals returns the intervals sorted by start, with overlapping
// and touching intervals merged and empty ones (End not after Start)
// dropped. The input is not modified.
func MergeIntervals(in []Interval) []Interval {
	sorted := make([]Interval, 0, len(in))
	for _, iv := range in {
		if iv.End.After(iv.Start) {
			sorted = append(sorted, iv)
		}
	}
	slices.SortFunc(sorted, func(a, b Interval) int { return a.Start.Compare(b.Start) })
	out := sorted[:0]
	for _, iv := range sorted {
		if n := len(out); n > 0 && !iv.Start.After(out[n-1].End) {
			if iv.End.After(out[n-1].End) {
				out[n-1].End = iv.End
			}
			continue
		}
		out = append(out, iv)
	}
	return out
}

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
