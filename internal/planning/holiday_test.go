package planning

import (
	"testing"

	"quartier/models"
	"quartier/planner"
)

// TestConvert_HolidaysAreNotAvailable: the availability given to the
// planner over Christmas week holds Thursday 24 but not Friday 25 December,
// and over the Martinique abolition day (22 May 2027, a Saturday worked in
// this pattern) nothing for a facilitator based in Fort-de-France.
func TestConvert_HolidaysAreNotAvailable(t *testing.T) {
	var week []models.AvailabilitySlot
	for wd := 1; wd <= 6; wd++ {
		week = append(week, slot(wd, 9*60, 17*60))
	}
	lille := models.FacilitatorCalendar{User: user(1, "Europe/Paris", "59350"), Pattern: week}
	got := Convert([]models.FacilitatorCalendar{lille}, testPlaces, utc("2026-12-24T00:00:00+01:00"), utc("2026-12-26T00:00:00+01:00"))
	want := []planner.Interval{iv("2026-12-24T09:00:00+01:00", "2026-12-24T17:00:00+01:00")}
	if len(got.Facilitators) != 1 || len(got.Facilitators[0].Available) != 1 || got.Facilitators[0].Available[0] != want[0] {
		t.Errorf("Lille, 24–25 December: %+v, want only %v", got.Facilitators, want)
	}
	fdf := models.FacilitatorCalendar{User: user(2, "America/Martinique", "97209"), Pattern: week}
	got = Convert([]models.FacilitatorCalendar{fdf}, testPlaces, utc("2027-05-22T00:00:00-04:00"), utc("2027-05-23T00:00:00-04:00"))
	if len(got.Facilitators) != 1 || len(got.Facilitators[0].Available) != 0 {
		t.Errorf("Fort-de-France, 22 May: %+v, want nothing available", got.Facilitators)
	}
}

// TestWindows_HolidaysOfTheCommuneAreLeftOut: a request in Strasbourg
// offering Thursday 25 to Saturday 27 March 2027 (Monday–Saturday) loses
// Good Friday; the same window in Lille keeps it.
func TestWindows_HolidaysOfTheCommuneAreLeftOut(t *testing.T) {
	w := models.RequestWindow{Kind: models.WindowRange, DateFrom: day("2027-03-25"), DateTo: day("2027-03-27"),
		Part: models.Morning, Weekdays: "1,2,3,4,5,6"}
	from, to := utc("2027-03-01T00:00:00Z"), utc("2027-04-01T00:00:00Z")
	strasbourg := windows(models.Request{CommuneINSEE: "67482", TimeZone: "Europe/Paris", Windows: []models.RequestWindow{w}}, from, to)
	lille := windows(models.Request{CommuneINSEE: "59350", TimeZone: "Europe/Paris", Windows: []models.RequestWindow{w}}, from, to)
	if len(lille) != 3 || len(strasbourg) != 2 {
		t.Fatalf("Lille %v, Strasbourg %v: want 3 and 2 mornings", lille, strasbourg)
	}
	for _, iv := range strasbourg {
		if iv.Start[:10] == "2027-03-26" {
			t.Errorf("Good Friday offered in Strasbourg: %v", iv)
		}
	}
}
