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

func TestSpanAndWeekdays(t *testing.T) {
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	cases := []struct{ got, want string }{
		{Span(d(2027, 1, 18), d(2027, 1, 29)), "du lundi 18 au vendredi 29 janvier 2027"},
		{Span(d(2027, 2, 1), d(2027, 3, 5)), "du lundi 1er février au vendredi 5 mars 2027"},
		{Span(d(2026, 12, 28), d(2027, 1, 8)), "du lundi 28 décembre 2026 au vendredi 8 janvier 2027"},
		{Weekdays([]int{1, 2, 3, 4, 5}), "du lundi au vendredi"},
		{Weekdays([]int{2, 4}), "les mardis et jeudis"},
		{Weekdays([]int{1, 3, 5}), "les lundis, mercredis et vendredis"},
		{Weekdays([]int{6}), "les samedis"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestClock(t *testing.T) {
	for _, tt := range []struct {
		h, m int
		want string
	}{{0, 0, "0 h 00"}, {8, 5, "8 h 05"}, {14, 30, "14 h 30"}, {23, 59, "23 h 59"}} {
		if got := Clock(time.Date(2026, 12, 1, tt.h, tt.m, 0, 0, time.UTC)); got != tt.want {
			t.Errorf("Clock(%d:%02d) = %q, want %q", tt.h, tt.m, got, tt.want)
		}
	}
	if got := string(AppendClock([]byte("de "), time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))); got != "de 9 h 00" {
		t.Errorf("AppendClock = %q, want %q", got, "de 9 h 00")
	}
}

func TestShortDate(t *testing.T) {
	for _, tt := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2026, 5, 12, 23, 59, 0, 0, time.UTC), "12 mai 2026"},
		{time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC), "1er février 2027"},
		{time.Date(2026, 12, 31, 8, 0, 0, 0, time.UTC), "31 décembre 2026"},
	} {
		if got := ShortDate(tt.t); got != tt.want {
			t.Errorf("ShortDate(%v) = %q, want %q", tt.t, got, tt.want)
		}
		if got := string(AppendShortDate([]byte("le "), tt.t)); got != "le "+tt.want {
			t.Errorf("AppendShortDate(%v) = %q", tt.t, got)
		}
	}
}
