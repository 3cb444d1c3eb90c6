package ical

import (
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	goical "github.com/emersion/go-ical"
)

// locationFromVTimezone builds a location from a VTIMEZONE whose TZID is
// neither IANA nor Windows (say "(UTC+01:00) Bruxelles, Copenhague, Madrid,
// Paris" or a custom name). It keeps the observances in force today, the
// STANDARD and DAYLIGHT with the latest DTSTART, and turns their yearly
// rules into a POSIX TZ rule ("STD-1DST,M3.5.0/2,M10.5.0/3") inside a
// minimal TZif blob, which time.LoadLocationFromTZData then applies to every
// year. History (older observances) is not kept: the import only looks at
// the coming months. Without a usable DAYLIGHT rule the zone is the fixed
// standard offset. It returns nil when the VTIMEZONE has no usable offset.
func locationFromVTimezone(tzid string, comp *goical.Component) *time.Location {
	std, dst := latestObservance(comp, goical.CompTimezoneStandard), latestObservance(comp, goical.CompTimezoneDaylight)
	if std == nil {
		std, dst = dst, nil
	}
	if std == nil {
		return nil
	}
	stdOffset, ok := utcOffset(std, goical.PropTimezoneOffsetTo)
	if !ok {
		return nil
	}
	if dst != nil && observanceStart(dst) < observanceStart(std) && std.Props.Get(goical.PropRecurrenceRule) == nil {
		dst = nil // daylight saving abolished: the last standard observance rules
	}
	if dst != nil {
		dstOffset, ok1 := utcOffset(dst, goical.PropTimezoneOffsetTo)
		toDST, ok2 := posixRule(dst)
		toSTD, ok3 := posixRule(std)
		if ok1 && ok2 && ok3 && dstOffset != stdOffset {
			tz := fmt.Sprintf("STD%sDST%s,%s,%s", posixOffset(stdOffset), posixOffset(dstOffset), toDST, toSTD)
			if loc, err := time.LoadLocationFromTZData(tzid, tzifWithRule(stdOffset, tz)); err == nil {
				return loc
			}
		}
	}
	return time.FixedZone(tzid, stdOffset)
}

func latestObservance(comp *goical.Component, name string) *goical.Component {
	var best *goical.Component
	for _, c := range comp.Children {
		if c.Name == name && (best == nil || observanceStart(c) > observanceStart(best)) {
			best = c
		}
	}
	return best
}

func observanceStart(c *goical.Component) int64 {
	if p := c.Props.Get(goical.PropDateTimeStart); p != nil {
		if naive, _, _, err := parseTimeValue(p.Value, false); err == nil {
			return naive
		}
	}
	return 0
}

// utcOffset parses a TZOFFSETTO/TZOFFSETFROM value ("+0100", "-0400", "+053000").
func utcOffset(c *goical.Component, prop string) (int, bool) {
	p := c.Props.Get(prop)
	if p == nil {
		return 0, false
	}
	s := strings.TrimSpace(p.Value)
	if len(s) != 5 && len(s) != 7 || (s[0] != '+' && s[0] != '-') {
		return 0, false
	}
	n := 0
	parts := []int{0, 0, 0}
	for i := 1; i < len(s); i += 2 {
		if s[i] < '0' || s[i] > '9' || s[i+1] < '0' || s[i+1] > '9' {
			return 0, false
		}
		parts[n] = int(s[i]-'0')*10 + int(s[i+1]-'0')
		n++
	}
	off := parts[0]*3600 + parts[1]*60 + parts[2]
	if off >= 24*3600 {
		return 0, false
	}
	if s[0] == '-' {
		off = -off
	}
	return off, true
}

// posixOffset writes an offset east of UTC as POSIX does: west positive.
func posixOffset(off int) string {
	sign := "-"
	if off <= 0 {
		sign, off = "", -off
	}
	return fmt.Sprintf("%s%d:%02d:%02d", sign, off/3600, off/60%60, off%60)
}

// posixRule turns an observance's yearly rule (BYMONTH with BYDAY=-1SU,
// 2SU…, or BYMONTHDAY=8,…,14 with BYDAY=SU) and its DTSTART time into a
// POSIX "Mm.w.d/time" date.
func posixRule(c *goical.Component) (string, bool) {
	p := c.Props.Get(goical.PropRecurrenceRule)
	if p == nil {
		return "", false
	}
	rule, err := parseRecurrenceRule(p.Value)
	if err != nil || rule.freq != freqYearly || len(rule.byMonth) != 1 || len(rule.byDay) != 1 {
		return "", false
	}
	wd := rule.byDay[0]
	week := wd.n
	switch {
	case week == 0 && len(rule.byMonthDay) == 7 && rule.byMonthDay[0] > 0 && (rule.byMonthDay[0]-1)%7 == 0:
		week = (rule.byMonthDay[0]-1)/7 + 1
	case week == 0 && len(rule.byMonthDay) == 7 && rule.byMonthDay[0] == -7:
		week = 5
	case week < 0:
		if week != -1 {
			return "", false
		}
		week = 5
	case week == 0 || week > 4 || len(rule.byMonthDay) > 0:
		return "", false
	}
	at := observanceStart(c)
	sod := at - floorDiv(at, secondsPerDay)*secondsPerDay
	posixWeekday := (wd.day + 1) % 7 // POSIX counts from Sunday
	return fmt.Sprintf("M%d.%d.%d/%d:%02d:%02d", rule.byMonth[0], week, posixWeekday, sod/3600, sod/60%60, sod%60), true
}

// tzifWithRule returns a version 2 TZif blob with no transitions, one
// standard type and a POSIX TZ footer, which Go applies to all instants.
func tzifWithRule(stdOffset int, tz string) []byte {
	var b []byte
	block := func() {
		b = append(b, "TZif2"...)
		b = append(b, make([]byte, 15)...)
		// isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
		for _, n := range []uint32{0, 0, 0, 0, 1, 4} {
			b = binary.BigEndian.AppendUint32(b, n)
		}
		b = binary.BigEndian.AppendUint32(b, uint32(int32(stdOffset)))
		b = append(b, 0, 0) // isdst, abbreviation index
		b = append(b, "STD\x00"...)
	}
	block() // version 1 data
	block() // version 2 data (no 64-bit transitions either)
	b = append(b, '\n')
	b = append(b, tz...)
	return append(b, '\n')
}
