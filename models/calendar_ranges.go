package models

import (
	"slices"
	"time"
)

// TimeRange is a half-open span of time [Start, End).
type TimeRange struct {
	Start, End time.Time
}

// MergeRanges returns the ranges sorted by start, overlapping and touching
// ranges merged, empty ones dropped. The input is not modified.
func MergeRanges(in []TimeRange) []TimeRange {
	out := make([]TimeRange, 0, len(in))
	for _, r := range in {
		if r.End.After(r.Start) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b TimeRange) int { return a.Start.Compare(b.Start) })
	merged := out[:0]
	for _, r := range out {
		if n := len(merged); n > 0 && !r.Start.After(merged[n-1].End) {
			if r.End.After(merged[n-1].End) {
				merged[n-1].End = r.End
			}
			continue
		}
		merged = append(merged, r)
	}
	return merged
}

// SubtractRanges returns a minus b; both must be merged (see MergeRanges).
func SubtractRanges(a, b []TimeRange) []TimeRange {
	var out []TimeRange
	j := 0
	for _, r := range a {
		cur := r
		for j < len(b) && !b[j].End.After(cur.Start) {
			j++
		}
		for k := j; k < len(b) && b[k].Start.Before(cur.End); k++ {
			if b[k].Start.After(cur.Start) {
				out = append(out, TimeRange{cur.Start, b[k].Start})
			}
			if b[k].End.After(cur.Start) {
				cur.Start = b[k].End
			}
		}
		if cur.End.After(cur.Start) {
			out = append(out, cur)
		}
	}
	return out
}

// ClipRanges cuts merged ranges to [from, to), dropping what is left empty.
func ClipRanges(in []TimeRange, from, to time.Time) []TimeRange {
	from, to = from.UTC(), to.UTC()
	var out []TimeRange
	for _, r := range in {
		if r.Start.Before(from) {
			r.Start = from
		}
		if r.End.After(to) {
			r.End = to
		}
		if r.End.After(r.Start) {
			out = append(out, r)
		}
	}
	return out
}
