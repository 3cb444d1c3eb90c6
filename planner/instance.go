// Package planner matches session requests to facilitators (mission
// officers) under hard rules — windows, availability, busy times, travel
// gaps, daily and weekly limits — maximising the total priority placed, then
// minimising travel by grouping nearby sessions into multi-day trips.
//
// The package is pure: no database, no network, no clock. The same Instance
// always gives the same Plan, on any machine: the search is bounded by a
// count of steps and driven by a seeded generator.
//
// The problem and its JSON format are described in shared/planning/FORMAT.md.
package planner

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	// Time zone rules are embedded so that "a day" and "a week" never depend
	// on the tzdata installed on the machine running the planner.
	_ "time/tzdata"
)

// Instance is one planning problem, as read from JSON.
type Instance struct {
	SessionMinutes int            `json:"session_minutes"`
	Travel         Travel         `json:"travel"`
	Facilitators   []Facilitator  `json:"facilitators"`
	Requests       []Request      `json:"requests"`
	Fixed          []FixedSession `json:"fixed,omitempty"`
}

// Travel holds the travel model: straight-line distance at a constant speed.
type Travel struct {
	SpeedKmh float64 `json:"speed_kmh"`
}

// Point is a place on Earth in decimal degrees.
type Point struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// Interval is a half-open span [Start, End) of RFC 3339 times with offsets.
// The times stay strings so that a parse error can name its field.
type Interval struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// Facilitator is a mission officer who leads sessions and travels from Home.
type Facilitator struct {
	ID   string `json:"id"`
	Home *Point `json:"home"`
	// Timezone is an IANA name fixing what a day and an ISO week mean for
	// the limits; empty means Europe/Paris.
	Timezone  string     `json:"timezone,omitempty"`
	Available []Interval `json:"available"`
	Busy      []Interval `json:"busy,omitempty"`
	// MaxPerDay and MaxPerWeek are optional limits (nil: no limit).
	MaxPerDay  *int `json:"max_per_day,omitempty"`
	MaxPerWeek *int `json:"max_per_week,omitempty"`
}

// Request is one session asked for by a neighbourhood partner.
type Request struct {
	ID       string `json:"id"`
	Location *Point `json:"location,omitempty"`
	// Remote sessions have no location and cost no travel.
	Remote  bool       `json:"remote,omitempty"`
	Windows []Interval `json:"windows"`
	// Facilitators restricts who may lead the session; empty means anyone.
	Facilitators []string `json:"facilitators,omitempty"`
	// Priority is a positive weight; nil means 1.
	Priority *int `json:"priority,omitempty"`
}

// FixedSession is a session already scheduled: the plan works around it.
type FixedSession struct {
	ID          string `json:"id"`
	Facilitator string `json:"facilitator"`
	Start       string `json:"start"`
	Location    *Point `json:"location,omitempty"`
	Remote      bool   `json:"remote,omitempty"`
}

// weight returns the request's priority, 1 when absent.
func (r *Request) weight() int {
	if r.Priority == nil {
		return 1
	}
	return *r.Priority
}

// Decode reads one instance from JSON and validates it. Unknown fields are
// refused, so that a misspelt key (say "max_per_weak") cannot silently drop
// a limit. The error names the offending field, e.g.
// "requests[3].windows[0].end: before start".
func Decode(r io.Reader) (*Instance, error) {
	// Lists are decoded element by element so that a type error names the
	// element: "requests[3]: priority: expected int, got JSON number 1.5".
	var raw struct {
		SessionMinutes int               `json:"session_minutes"`
		Travel         Travel            `json:"travel"`
		Facilitators   []json.RawMessage `json:"facilitators"`
		Requests       []json.RawMessage `json:"requests"`
		Fixed          []json.RawMessage `json:"fixed"`
	}
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, describeJSONError("instance", err)
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); err != io.EOF {
		return nil, errors.New("instance: unexpected data after the JSON object")
	}
	in := Instance{SessionMinutes: raw.SessionMinutes, Travel: raw.Travel}
	var err error
	if in.Facilitators, err = decodeList[Facilitator]("facilitators", raw.Facilitators); err != nil {
		return nil, err
	}
	if in.Requests, err = decodeList[Request]("requests", raw.Requests); err != nil {
		return nil, err
	}
	if in.Fixed, err = decodeList[FixedSession]("fixed", raw.Fixed); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return &in, nil
}

// decodeList decodes each element of a JSON list strictly.
func decodeList[T any](path string, items []json.RawMessage) ([]T, error) {
	out := make([]T, len(items))
	for i, item := range items {
		dec := json.NewDecoder(bytes.NewReader(item))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&out[i]); err != nil {
			return nil, describeJSONError(fmt.Sprintf("%s[%d]", path, i), err)
		}
	}
	return out, nil
}

// describeJSONError turns a decoding error into a message naming the field.
func describeJSONError(path string, err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		if typeErr.Field != "" {
			path += "." + typeErr.Field
		}
		return fmt.Errorf("%s: expected %s, got JSON %s", path, typeErr.Type, typeErr.Value)
	}
	var syntaxErr *json.SyntaxError
	if errors.As(err, &syntaxErr) {
		return fmt.Errorf("%s: invalid JSON at byte %d: %v", path, syntaxErr.Offset, err)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%s: truncated or empty JSON", path)
	}
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return fmt.Errorf("%s: unknown field %s", path, rest)
	}
	return fmt.Errorf("%s: %w", path, err)
}
