package models

import (
	"strings"
	"testing"
	"time"
)

func TestHolidayWarnings_DayRangeAndRegion(t *testing.T) {
	d := func(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }
	ws := []RequestWindow{
		{Kind: WindowDay, DateFrom: d("2027-05-06"), DateTo: d("2027-05-06"), Part: Morning},   // Ascension
		{Kind: WindowDay, DateFrom: d("2027-05-07"), DateTo: d("2027-05-07"), Part: Morning},   // a Friday
		{Kind: WindowRange, DateFrom: d("2027-05-03"), DateTo: d("2027-05-10"), Part: Morning}, // holds 6 and 8 May
		{Kind: WindowDay, DateFrom: d("2027-03-26"), DateTo: d("2027-03-26"), Part: Afternoon}, // Good Friday
	}
	lille := HolidayWarnings(ws, "59350")
	if !strings.Contains(lille[0], "jeudi 6 mai 2027 (Ascension)") || !strings.Contains(lille[0], "jour férié") {
		t.Errorf("day on Ascension: %q", lille[0])
	}
	if _, ok := lille[1]; ok {
		t.Errorf("a working Friday got a warning: %q", lille[1])
	}
	if !strings.Contains(lille[2], "jeudi 6 mai 2027 (Ascension)") || strings.Contains(lille[2], "8 mai") {
		t.Errorf("range (weekdays Monday–Friday; 8 May 2027 is a Saturday): %q", lille[2])
	}
	if _, ok := lille[3]; ok {
		t.Errorf("Good Friday is worked in Lille: %q", lille[3])
	}
	if strasbourg := HolidayWarnings(ws, "67482"); !strings.Contains(strasbourg[3], "Vendredi saint") {
		t.Errorf("Good Friday in Strasbourg: %q", strasbourg[3])
	}
}
