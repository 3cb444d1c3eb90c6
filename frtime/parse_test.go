package frtime

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	day := time.Date(2027, 1, 12, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2027-01-12", day, true},
		{" 2027-01-12 ", day, true},
		{"12/01/2027", day, true},
		{"12/1/2027", day, true},
		{"1/2/2027", time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC), true},
		{"32/13/2027", time.Time{}, false},
		{"2027-02-30", time.Time{}, false},
		{"12/01/27", time.Time{}, false},
		{"1999-12-31", time.Time{}, false},
		{"2100-01-01", time.Time{}, false},
		{"12 janvier 2027", time.Time{}, false},
		{"", time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := ParseDate(tt.in)
		if ok != tt.ok || (ok && !got.Equal(tt.want)) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
