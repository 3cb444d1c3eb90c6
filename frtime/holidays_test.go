package frtime

import (
	"testing"
	"time"
)

func TestHoliday_NationalRegionalOverseas(t *testing.T) {
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		day  time.Time
		dept string
		want string
	}{
		{d(2026, 12, 25), "59", "Noël"},
		{d(2027, 1, 1), "", "Jour de l’an"},
		{d(2027, 5, 6), "49", "Ascension"}, // Easter 2027 is 28 March
		{d(2027, 5, 17), "59", "Lundi de Pentecôte"},
		{d(2027, 7, 14), "974", "Fête nationale"},
		{d(2027, 3, 26), "67", "Vendredi saint"},
		{d(2027, 3, 26), "59", ""},
		{d(2026, 12, 26), "57", "Saint-Étienne"},
		{d(2026, 12, 26), "75", ""},
		{d(2027, 5, 27), "971", "Abolition de l’esclavage"},
		{d(2027, 5, 22), "972", "Abolition de l’esclavage"},
		{d(2027, 6, 10), "973", "Abolition de l’esclavage"},
		{d(2026, 12, 20), "974", "Abolition de l’esclavage"},
		{d(2027, 4, 27), "976", "Abolition de l’esclavage"},
		{d(2027, 5, 22), "971", ""},
		{d(2026, 12, 24), "59", ""},
		// The civil date counts, whatever the zone of the value.
		{time.Date(2026, 12, 25, 23, 30, 0, 0, time.FixedZone("UTC-4", -4*3600)), "972", "Noël"},
	}
	for _, tt := range tests {
		if got := Holiday(tt.day, tt.dept); got != tt.want {
			t.Errorf("Holiday(%s, %q) = %q, want %q", tt.day.Format(time.DateTime), tt.dept, got, tt.want)
		}
	}
}

func TestHolidays_ListsInOrder(t *testing.T) {
	got := Holidays(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC), "67")
	want := []string{"2026-12-25 Noël", "2026-12-26 Saint-Étienne", "2027-01-01 Jour de l’an"}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i, h := range got {
		if s := h.Date.Format(time.DateOnly) + " " + h.Name; s != want[i] {
			t.Errorf("%d: %s, want %s", i, s, want[i])
		}
	}
}

func TestDepartementOfCommune(t *testing.T) {
	for insee, want := range map[string]string{"59512": "59", "2A004": "2A", "97411": "974", "97209": "972", "": ""} {
		if got := DepartementOfCommune(insee); got != want {
			t.Errorf("%q → %q, want %q", insee, got, want)
		}
	}
}
