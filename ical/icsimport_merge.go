package ical

import "quartier/internal/timespan"

// Interval is a half-open busy interval [Start, End) in UTC: the one time
// span of quartier (timespan.Span), the same type the store keeps busy
// time in.
type Interval = timespan.Span

// MergeIntervals returns the intervals sorted by start, with overlapping
// and touching intervals merged and empty ones (End not after Start)
// dropped. The input is not modified.
func MergeIntervals(in []Interval) []Interval { return timespan.Merge(in) }
