package planner_test

import (
	"strings"
	"testing"

	"quartier/planner"
)

// baseInstance is a small valid instance that the cases below break one
// field at a time.
const baseInstance = `{
  "session_minutes": 180,
  "travel": {"speed_kmh": 70},
  "facilitators": [{"id": "camille", "home": {"lat": 50.63, "lon": 3.06},
    "available": [{"start": "2026-10-12T08:00:00+02:00", "end": "2026-10-12T20:00:00+02:00"}],
    "busy": [{"start": "2026-10-12T09:00:00+02:00", "end": "2026-10-12T10:00:00+02:00"}],
    "max_per_day": 2, "max_per_week": 4}],
  "requests": [{"id": "lens", "location": {"lat": 50.43, "lon": 2.83},
    "windows": [{"start": "2026-10-12T13:30:00+02:00", "end": "2026-10-12T17:30:00+02:00"}],
    "facilitators": ["camille"], "priority": 2}],
  "fixed": [{"id": "s-1", "facilitator": "camille", "start": "2026-10-12T18:00:00+02:00", "remote": true}]
}`

// TestDecode_NamesTheBadField: an invalid instance is refused with the
// path of the offending field.
func TestDecode_NamesTheBadField(t *testing.T) {
	tests := []struct {
		name, from, to, want string
	}{
		{"window end before start", `"end": "2026-10-12T17:30:00+02:00"}],
    "facilitators"`, `"end": "2026-10-12T12:30:00+02:00"}],
    "facilitators"`, "requests[0].windows[0].end: before start"},
		{"unknown facilitator", `"facilitators": ["camille"]`, `"facilitators": ["camile"]`, `requests[0].facilitators[0]: unknown facilitator "camile"`},
		{"bad time", `"start": "2026-10-12T08:00:00+02:00"`, `"start": "2026-10-12 08:00"`, "facilitators[0].available[0].start: not an RFC 3339 time"},
		{"time without offset", `"start": "2026-10-12T13:30:00+02:00"`, `"start": "2026-10-12T13:30:00"`, "requests[0].windows[0].start"},
		{"zero priority", `"priority": 2`, `"priority": 0`, "requests[0].priority: must be a positive integer"},
		{"fractional priority", `"priority": 2`, `"priority": 1.5`, "requests[0].priority: expected int"},
		{"missing location", `"location": {"lat": 50.43, "lon": 2.83},`, ``, "requests[0].location: missing"},
		{"latitude out of range", `"lat": 50.43`, `"lat": 95`, "requests[0].location.lat: out of range"},
		{"unknown time zone", `"max_per_day": 2`, `"max_per_day": 2, "timezone": "Europe/Lile"`, `facilitators[0].timezone: unknown time zone "Europe/Lile"`},
		{"negative limit", `"max_per_week": 4`, `"max_per_week": -1`, "facilitators[0].max_per_week: negative"},
		{"misspelt key", `"max_per_week": 4`, `"max_per_weak": 4`, `facilitators[0]: unknown field "max_per_weak"`},
		{"fixed unknown facilitator", `"facilitator": "camille"`, `"facilitator": "dominique"`, `fixed[0].facilitator: unknown facilitator "dominique"`},
		{"zero speed", `"speed_kmh": 70`, `"speed_kmh": 0`, "travel.speed_kmh: must be a positive speed"},
		{"no session length", `"session_minutes": 180`, `"session_minutes": 0`, "session_minutes: must be a positive number"},
		{"duplicate request", `"requests": [{"id": "lens"`, `"requests": [{"id": "x", "remote": true, "windows": []}, {"id": "x"`, `requests[1].id: duplicate "x"`},
		{"bad JSON", `"travel": {"speed_kmh": 70},`, `"travel": {"speed_kmh": 70}`, "invalid JSON"},
	}
	if _, err := planner.Decode(strings.NewReader(baseInstance)); err != nil {
		t.Fatalf("base instance: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(baseInstance, tt.from) {
				t.Fatalf("test bug: %q not in the base instance", tt.from)
			}
			_, err := planner.Decode(strings.NewReader(strings.Replace(baseInstance, tt.from, tt.to, 1)))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Decode error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
