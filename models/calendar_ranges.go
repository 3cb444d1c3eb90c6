package models

import "quartier/internal/timespan"

// TimeRange is a half-open span of time [Start, End): the same type as the
// busy intervals an imported calendar gives (timespan.Span).
type TimeRange = timespan.Span

// MergeRanges returns the ranges sorted by start, overlapping and touching
// ranges merged, empty ones dropped. The input is not modified.
func MergeRanges(in []TimeRange) []TimeRange { return timespan.Merge(in) }

// SubtractRanges returns a minus b; both must be merged (see MergeRanges).
func SubtractRanges(a, b []TimeRange) []TimeRange { return timespan.Subtract(a, b) }
