package handlers

import (
	"slices"
	"testing"
	"time"

	"quartier/models"
)

// TestCalDays_FreeTimeAsEachDayOnItsOwn: calDays cuts the period's free
// time at each midnight; each day's « Libre » items must be what the day
// computed on its own gives (working time minus busy time and sessions),
// across a DST change, a holiday, busy time over midnight, a day off, an
// extra day and a session, in Paris and overseas.
func TestCalDays_FreeTimeAsEachDayOnItsOwn(t *testing.T) {
	for _, zone := range []string{"Europe/Paris", "America/Cayenne", "Pacific/Noumea"} {
		loc := models.LocationOf(zone)
		c := models.FacilitatorCalendar{User: models.User{TimeZone: zone, HomeINSEE: "59350"}}
		for wd := 1; wd <= 7; wd++ {
			c.Pattern = append(c.Pattern, models.AvailabilitySlot{Weekday: wd, StartMinute: 0, EndMinute: 1440})
			if wd <= 5 {
				c.Pattern = append(c.Pattern, models.AvailabilitySlot{Weekday: wd, StartMinute: 8 * 60, EndMinute: 12 * 60})
			}
		}
		c.Pattern = c.Pattern[:len(c.Pattern)-1] // Sunday not worked
		day := func(m time.Month, d int) time.Time { return time.Date(2027, m, d, 0, 0, 0, 0, time.UTC) }
		c.Exceptions = []models.CalendarException{
			{Kind: models.ExceptionUnavailable, StartsOn: day(3, 24), EndsOn: day(3, 24), StartMinute: 0, EndMinute: 1440},
			{Kind: models.ExceptionUnavailable, StartsOn: day(3, 25), EndsOn: day(3, 25), StartMinute: 10 * 60, EndMinute: 11 * 60},
			{Kind: models.ExceptionAvailable, StartsOn: day(3, 28), EndsOn: day(3, 28), StartMinute: 9 * 60, EndMinute: 10 * 60},
		}
		c.Busy = []models.BusyTime{
			{StartsAt: time.Date(2027, 3, 26, 22, 0, 0, 0, loc), EndsAt: time.Date(2027, 3, 27, 7, 30, 0, 0, loc)},
			{StartsAt: time.Date(2027, 3, 29, 9, 15, 0, 0, loc), EndsAt: time.Date(2027, 3, 29, 9, 45, 0, 0, loc)},
		}
		c.Sessions = []models.ScheduledSession{{StartsAt: time.Date(2027, 3, 30, 14, 0, 0, 0, loc), EndsAt: time.Date(2027, 3, 30, 17, 0, 0, 0, loc)}}
		first := day(3, 22) // Monday; Paris changes to summer time on the 28th; Easter Monday is 29 March
		days := calDays(c, first, 14, first, func(string) string { return "" })
		booked := []models.TimeRange{{Start: c.Sessions[0].StartsAt, End: c.Sessions[0].EndsAt}}
		seen := 0
		for i, d := range days {
			start := time.Date(first.Year(), first.Month(), first.Day()+i, 0, 0, 0, 0, loc)
			end := time.Date(first.Year(), first.Month(), first.Day()+i+1, 0, 0, 0, 0, loc)
			var want, got []string
			for _, r := range models.SubtractRanges(c.Available(start, end), booked) {
				want = append(want, clockRange(r.Start, r.End, start, end, loc))
			}
			for _, it := range d.Items {
				if it.Class == "slot-available" {
					got = append(got, it.Time)
				}
			}
			seen += len(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s, %s: free %q, the day on its own %q", zone, d.Title, got, want)
			}
		}
		if seen < 10 {
			t.Errorf("%s: only %d free items: the fixture tests little", zone, seen)
		}
	}
}

func TestClockRange_SaysWhenASpanCrossesMidnight(t *testing.T) {
	paris := models.LocationOf("Europe/Paris")
	day := time.Date(2026, 12, 8, 0, 0, 0, 0, paris)
	next := day.AddDate(0, 0, 1)
	at := func(h, m int) time.Time { return time.Date(2026, 12, 8, h, m, 0, 0, paris) }
	for _, tt := range []struct {
		s, e time.Time
		want string
	}{
		{at(9, 0), at(12, 30), "9 h 00 – 12 h 30"},
		{at(-2, 0), at(8, 5), "la veille – 8 h 05"},
		{at(20, 0), at(26, 0), "20 h 00 – le lendemain"},
		{at(18, 0), next, "18 h 00 – 24 h 00"},
		{at(-1, 0), at(25, 0), "la veille – le lendemain"},
		{at(9, 0).UTC(), at(10, 0).UTC(), "9 h 00 – 10 h 00"}, // read in the day's zone
	} {
		if got := clockRange(tt.s, tt.e, day, next, paris); got != tt.want {
			t.Errorf("clockRange(%s, %s) = %q, want %q", tt.s, tt.e, got, tt.want)
		}
	}
}
