package mailer

import "quartier/models"

// MergeIntervals returns the intervals sorted by start, with overlapping
// and touching intervals merged and empty ones (End not after Start)
// dropped. The input is not modified.
func MergeIntervals(in []Interval) []Interval { return models.MergeRanges(in) }
