package frtime

import (
	"testing"
	"time"
)

func TestRange(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	mq, _ := time.LoadLocation("America/Martinique")
	tests := []struct {
		name       string
		start, end time.Time
		loc        *time.Location
		want       string
	}{
		{"summer time in Paris", time.Date(2026, 5, 12, 12, 0, 0, 0, time.UTC), time.Date(2026, 5, 12, 15, 0, 0, 0, time.UTC), paris,
			"mardi 12 mai 2026, 14 h 00 – 17 h 00 (heure de Paris)"},
		{"winter time in Paris", time.Date(2026, 12, 1, 13, 30, 0, 0, time.UTC), time.Date(2026, 12, 1, 16, 30, 0, 0, time.UTC), paris,
			"mardi 1er décembre 2026, 14 h 30 – 17 h 30 (heure de Paris)"},
		{"Martinique", time.Date(2026, 3, 10, 13, 0, 0, 0, time.UTC), time.Date(2026, 3, 10, 16, 0, 0, 0, time.UTC), mq,
			"mardi 10 mars 2026, 9 h 00 – 12 h 00 (heure de la Martinique)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Range(tt.start, tt.end, tt.loc); got != tt.want {
				t.Errorf("Range = %q, want %q", got, tt.want)
			}
		})
	}
}
