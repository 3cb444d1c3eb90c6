package models

import (
	"testing"
	"time"
)

// TestWorkingTime_PublicHolidaysAreNotWorked: a Monday-to-Friday pattern
// gives nothing on Christmas Day, nor on Good Friday for a facilitator based
// in Alsace (67), while Good Friday is a working day in Lille (59).
func TestWorkingTime_PublicHolidaysAreNotWorked(t *testing.T) {
	var pattern []AvailabilitySlot
	for wd := 1; wd <= 5; wd++ {
		pattern = append(pattern, AvailabilitySlot{Weekday: wd, StartMinute: 9 * 60, EndMinute: 17 * 60})
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	day := func(y int, m time.Month, d int) (time.Time, time.Time) {
		s := time.Date(y, m, d, 0, 0, 0, 0, paris)
		return s, s.AddDate(0, 0, 1)
	}
	tests := []struct {
		name  string
		home  string
		y     int
		m     time.Month
		d     int
		works bool
	}{
		{"Christmas in Lille", "59350", 2026, time.December, 25, false},
		{"Christmas Eve in Lille", "59350", 2026, time.December, 24, true},
		{"Good Friday in Strasbourg", "67482", 2027, time.March, 26, false},
		{"Good Friday in Lille", "59350", 2027, time.March, 26, true},
		{"Ascension Day anywhere", "", 2027, time.May, 6, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := FacilitatorCalendar{User: User{TimeZone: "Europe/Paris", HomeINSEE: tt.home}, Pattern: pattern}
			from, to := day(tt.y, tt.m, tt.d)
			got := c.WorkingTime(from, to)
			if works := len(got) > 0; works != tt.works {
				t.Errorf("WorkingTime = %v, want working %v", got, tt.works)
			}
			if avail := c.Available(from, to); (len(avail) > 0) != tt.works {
				t.Errorf("Available = %v, want working %v", avail, tt.works)
			}
		})
	}
}
