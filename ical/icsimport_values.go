package ical

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	goical "github.com/emersion/go-ical"
)

// The expansion works on naive wall-clock times: seconds since
// 1970-01-01T00:00 on the proleptic Gregorian calendar, read in a zone only
// when an instance becomes an instant. RFC 5545 recurrences step in local
// time, so a 10:00 meeting stays at 10:00 across a DST change.
const secondsPerDay = 86400

// daysFromCivil returns the day number of y-m-d (1970-01-01 is 0).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int64) (y, m, d int64) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	y = yoe + era*400
	if m <= 2 {
		y++
	}
	return y, m, d
}

// weekdayOf returns the weekday of a day number, Monday = 0.
func weekdayOf(days int64) int { return int(floorMod(days+3, 7)) }

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

func isLeap(y int64) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysInMonth(y, m int64) int64 {
	switch m {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// toInstant reads a naive wall-clock time in loc.
func toInstant(naive int64, loc *time.Location) time.Time {
	days := floorDiv(naive, secondsPerDay)
	sod := naive - days*secondsPerDay
	y, m, d := civilFromDays(days)
	return time.Date(int(y), time.Month(m), int(d), 0, 0, int(sod), 0, loc)
}

// toNaive returns the wall-clock reading of t in loc.
func toNaive(t time.Time, loc *time.Location) int64 {
	t = t.In(loc)
	y, m, d := t.Date()
	return daysFromCivil(int64(y), int64(m), int64(d))*secondsPerDay + int64(t.Hour()*3600+t.Minute()*60+t.Second())
}

// icsTime is a parsed DATE or DATE-TIME value.
type icsTime struct {
	naive int64          // wall clock in loc
	date  bool           // VALUE=DATE: an all-day value
	loc   *time.Location // UTC for "Z", the TZID's zone, or the import's zone
}

func (t icsTime) instant() time.Time { return toInstant(t.naive, t.loc) }

// sameFrame reports whether two values read their wall clock in the same
// zone, so that their difference is a nominal (wall-clock) duration.
func (t icsTime) sameFrame(u icsTime) bool { return t.loc == u.loc }

// parseTimeValue parses one DATE or DATE-TIME string ("20260512",
// "20260512T140000", "20260512T120000Z").
func parseTimeValue(s string, forceDate bool) (naive int64, date, utc bool, err error) {
	s = strings.TrimSpace(s)
	bad := fmt.Errorf("bad date-time %q", truncate(s, 32))
	digits := func(from, to int) (int64, bool) {
		n := int64(0)
		for i := from; i < to; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int64(c-'0')
		}
		return n, true
	}
	if len(s) < 8 {
		return 0, false, false, bad
	}
	y, ok1 := digits(0, 4)
	m, ok2 := digits(4, 6)
	d, ok3 := digits(6, 8)
	if !ok1 || !ok2 || !ok3 || y < 1 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m) {
		return 0, false, false, bad
	}
	day := daysFromCivil(y, m, d)
	if len(s) == 8 {
		return day * secondsPerDay, true, false, nil
	}
	if len(s) < 15 || s[8] != 'T' {
		return 0, false, false, bad
	}
	hh, ok1 := digits(9, 11)
	mm, ok2 := digits(11, 13)
	ss, ok3 := digits(13, 15)
	if !ok1 || !ok2 || !ok3 || hh > 23 || mm > 59 || ss > 60 {
		return 0, false, false, bad
	}
	if ss == 60 {
		ss = 59 // a leap second: Go has none
	}
	rest := s[15:]
	if rest != "" && rest != "Z" && rest != "z" {
		return 0, false, false, bad
	}
	if forceDate {
		return day * secondsPerDay, true, false, nil
	}
	return day*secondsPerDay + hh*3600 + mm*60 + ss, false, rest != "", nil
}

// parseDuration parses an RFC 5545 duration into nominal days (weeks and
// days, which follow the wall clock) and exact seconds.
func parseDuration(s string) (days, secs int64, err error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if !strings.HasPrefix(s, "P") || len(s) < 3 {
		return 0, 0, fmt.Errorf("bad duration")
	}
	s = s[1:]
	inTime := false
	for s != "" {
		if s[0] == 'T' {
			inTime, s = true, s[1:]
			continue
		}
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || i > 9 || i == len(s) {
			return 0, 0, fmt.Errorf("bad duration")
		}
		n, _ := strconv.ParseInt(s[:i], 10, 64)
		switch unit := s[i]; {
		case !inTime && unit == 'W':
			days += 7 * n
		case !inTime && unit == 'D':
			days += n
		case inTime && unit == 'H':
			secs += 3600 * n
		case inTime && unit == 'M':
			secs += 60 * n
		case inTime && unit == 'S':
			secs += n
		default:
			return 0, 0, fmt.Errorf("bad duration")
		}
		s = s[i+1:]
	}
	if neg {
		return -days, -secs, nil
	}
	return days, secs, nil
}

// timeValues parses the comma-separated values of a DTSTART, DTEND,
// RECURRENCE-ID, EXDATE or RDATE property, in the zone its TZID names.
// RDATE periods keep their start only.
func (imp *importer) timeValues(p *goical.Prop) ([]icsTime, error) {
	forceDate := strings.EqualFold(p.Params.Get(goical.ParamValue), "DATE")
	var out []icsTime
	for _, raw := range strings.Split(p.Value, ",") {
		if i := strings.IndexByte(raw, '/'); i >= 0 {
			raw = raw[:i]
		}
		naive, date, utc, err := parseTimeValue(raw, forceDate)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.Name, err)
		}
		v := icsTime{naive: naive, date: date, loc: imp.opts.Location}
		switch {
		case utc:
			v.loc = time.UTC
		case !date:
			if tzid := p.Params.Get(goical.PropTimezoneID); tzid != "" {
				v.loc = imp.zones.location(tzid)
			}
		}
		out = append(out, v)
	}
	return out, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
