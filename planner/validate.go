package planner

import (
	"fmt"
	"math"
	"time"
)

// Validate checks the instance against FORMAT.md and returns an error naming
// the first bad field, e.g. "requests[3].windows[0].end: before start".
func (in *Instance) Validate() error {
	_, err := compile(in)
	return err
}

// fieldError is a validation error located at a JSON path.
type fieldError struct {
	path string
	msg  string
}

func (e *fieldError) Error() string { return e.path + ": " + e.msg }

func bad(path, format string, args ...any) error {
	return &fieldError{path: path, msg: fmt.Sprintf(format, args...)}
}

// parseTime reads an RFC 3339 time with an offset into Unix seconds.
func parseTime(path, s string) (int64, error) {
	if s == "" {
		return 0, bad(path, "missing")
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return 0, bad(path, "not an RFC 3339 time with an offset: %q", s)
	}
	return t.Unix(), nil
}

// parseInterval reads one [start, end) interval and checks end > start.
func parseInterval(path string, iv Interval) (span, error) {
	s, err := parseTime(path+".start", iv.Start)
	if err != nil {
		return span{}, err
	}
	e, err := parseTime(path+".end", iv.End)
	if err != nil {
		return span{}, err
	}
	if e < s {
		return span{}, bad(path+".end", "before start")
	}
	if e == s {
		return span{}, bad(path+".end", "equal to start (empty interval)")
	}
	return span{s, e}, nil
}

// parseIntervals reads a list of intervals.
func parseIntervals(path string, ivs []Interval) ([]span, error) {
	out := make([]span, 0, len(ivs))
	for i, iv := range ivs {
		sp, err := parseInterval(fmt.Sprintf("%s[%d]", path, i), iv)
		if err != nil {
			return nil, err
		}
		out = append(out, sp)
	}
	return out, nil
}

// checkPoint validates coordinates; a nil point is reported as missing.
func checkPoint(path string, p *Point) error {
	if p == nil {
		return bad(path, "missing")
	}
	if math.IsNaN(p.Lat) || p.Lat < -90 || p.Lat > 90 {
		return bad(path+".lat", "out of range [-90, 90]: %v", p.Lat)
	}
	if math.IsNaN(p.Lon) || p.Lon < -180 || p.Lon > 180 {
		return bad(path+".lon", "out of range [-180, 180]: %v", p.Lon)
	}
	return nil
}

// checkLimit validates an optional per-day or per-week limit.
func checkLimit(path string, n *int) error {
	if n != nil && *n < 0 {
		return bad(path, "negative: %d", *n)
	}
	return nil
}

// checkHeader validates the instance-wide settings.
func checkHeader(in *Instance) error {
	if in.SessionMinutes <= 0 {
		return bad("session_minutes", "must be a positive number of minutes, got %d", in.SessionMinutes)
	}
	if in.SessionMinutes >= 24*60 {
		return bad("session_minutes", "must be shorter than a day, got %d", in.SessionMinutes)
	}
	if !(in.Travel.SpeedKmh > 0) || math.IsInf(in.Travel.SpeedKmh, 0) {
		return bad("travel.speed_kmh", "must be a positive speed, got %v", in.Travel.SpeedKmh)
	}
	return nil
}
