// Package timespan is the one half-open time interval of quartier and the
// three operations on lists of them: merge, subtract, clip. Imported
// calendars (ical) and the store's availability (models) both use it, so
// busy time read from a file and busy time in the database are the same
// values, merged by the same function.
package timespan

import (
	"slices"
	"time"
)

// Span is a half-open span of time [Start, End).
type Span struct {
	Start, End time.Time
}

// Merge returns the spans sorted by start, overlapping and touching spans
// merged, empty ones (End not after Start) dropped. The input is not
// modified.
func Merge(in []Span) []Span {
	out := make([]Span, 0, len(in))
	for _, r := range in {
		if r.End.After(r.Start) {
			out = append(out, r)
		}
	}
	return MergeInPlace(out)
}

// MergeInPlace is Merge reusing in's array: it returns a prefix of in, whose
// spans it overwrites. For a caller's own scratch slices.
func MergeInPlace(in []Span) []Span {
	slices.SortFunc(in, func(a, b Span) int { return a.Start.Compare(b.Start) })
	merged := in[:0]
	for _, r := range in {
		if !r.End.After(r.Start) {
			continue
		}
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

// Subtract returns a minus b; both must be merged (see Merge).
func Subtract(a, b []Span) []Span {
	if len(a) == 0 {
		return nil
	}
	// Each span of b cuts at most one span of a in two.
	if out := AppendSubtract(make([]Span, 0, len(a)+len(b)), a, b); len(out) > 0 {
		return out
	}
	return nil
}

// AppendSubtract appends a minus b to dst and returns the extended slice;
// a and b must be merged (see Merge) and must not share dst's array.
func AppendSubtract(dst, a, b []Span) []Span {
	j := 0
	for _, r := range a {
		cur := r
		for j < len(b) && !b[j].End.After(cur.Start) {
			j++
		}
		for k := j; k < len(b) && b[k].Start.Before(cur.End); k++ {
			if b[k].Start.After(cur.Start) {
				dst = append(dst, Span{cur.Start, b[k].Start})
			}
			if b[k].End.After(cur.Start) {
				cur.Start = b[k].End
			}
		}
		if cur.End.After(cur.Start) {
			dst = append(dst, cur)
		}
	}
	return dst
}

// Clip cuts spans to [from, to) in UTC, dropping what is left empty.
func Clip(in []Span, from, to time.Time) []Span { return AppendClip(nil, in, from, to) }

// AppendClip appends in cut to [from, to) (in UTC) to dst, dropping what is
// left empty. dst may be in[:0]: clipping then happens in place.
func AppendClip(dst, in []Span, from, to time.Time) []Span {
	from, to = from.UTC(), to.UTC()
	for _, r := range in {
		if r.Start.Before(from) {
			r.Start = from
		}
		if r.End.After(to) {
			r.End = to
		}
		if r.End.After(r.Start) {
			dst = append(dst, r)
		}
	}
	return dst
}
