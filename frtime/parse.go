package frtime

import (
	"strings"
	"time"
)

// dateLayouts are what ParseDate reads: what <input type="date"> sends,
// then dates typed by hand where date inputs are not supported.
var dateLayouts = []string{time.DateOnly, "02/01/2006", "2/1/2006"}

// ParseDate reads a calendar day typed in a form: « 2027-01-12 » (a date
// input) or « 12/01/2027 », « 12/1/2027 » (typed by hand), spaces around
// ignored. The day is returned at midnight UTC. Years outside 2000–2099
// are refused: they are typing mistakes (« 12/01/27 », « 20277-01-12 »)
// in a programme that books sessions.
func ParseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			if t.Year() < 2000 || t.Year() >= 2100 {
				return time.Time{}, false
			}
			return t, true
		}
	}
	return time.Time{}, false
}
