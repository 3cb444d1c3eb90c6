package ical

import (
	"fmt"
	"time"

	goical "github.com/emersion/go-ical"
)

// A VTIMEZONE is derived from Go's time zone database rather than written
// by hand: the transitions of the zone around the event are found by
// scanning, then written as yearly rules when they follow one (Europe/Paris:
// last Sunday of March and of October), or one by one when they do not. A
// zone without transitions (Martinique, La Réunion, …) gets one STANDARD
// observance with its fixed offset.

const icalLocalFormat = "20060102T150405"

// tzTransition is a change of UTC offset at an instant.
type tzTransition struct {
	at                 time.Time // the instant, UTC
	fromOffset, offset int       // seconds east of UTC, before and after
	name               string    // abbreviation after
	dst                bool      // daylight saving time after
}

// tzTransitions finds every change of offset or of DST flag in
// [from, to), to the second: a daily scan, then a bisection.
func tzTransitions(loc *time.Location, from, to time.Time) []tzTransition {
	var out []tzTransition
	state := func(t time.Time) (int, bool) {
		lt := t.In(loc)
		_, off := lt.Zone()
		return off, lt.IsDST()
	}
	prev := from
	prevOff, prevDST := state(prev)
	for t := from.Add(24 * time.Hour); !t.After(to); t = t.Add(24 * time.Hour) {
		off, dst := state(t)
		if off == prevOff && dst == prevDST {
			prev = t
			continue
		}
		lo, hi := prev, t // state(lo) is the old one, state(hi) the new one
		for hi.Sub(lo) > time.Second {
			mid := lo.Add(hi.Sub(lo) / 2).Truncate(time.Second)
			if o, d := state(mid); o == prevOff && d == prevDST {
				lo = mid
			} else {
				hi = mid
			}
		}
		name, _ := hi.In(loc).Zone()
		out = append(out, tzTransition{at: hi.UTC(), fromOffset: prevOff, offset: off, name: name, dst: dst})
		prev, prevOff, prevDST = t, off, dst
	}
	return out
}

// vtimezone builds the VTIMEZONE for loc, valid at least from the year
// before start to the year after end.
func buildVTimezone(loc *time.Location, start, end time.Time) *goical.Component {
	from := time.Date(start.Year()-1, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(end.Year()+2, 1, 1, 0, 0, 0, 0, time.UTC)
	tz := goical.NewComponent(goical.CompTimezone)
	tz.Props.SetText(goical.PropTimezoneID, loc.String())
	trs := tzTransitions(loc, from, to)
	if len(trs) == 0 {
		name, off := start.In(loc).Zone()
		obs := tzObservance(false, off, off, name)
		setObservanceStart(obs, time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC))
		tz.Children = append(tz.Children, obs)
		return tz
	}
	for _, group := range [][]tzTransition{transitionsWithDST(trs, true), transitionsWithDST(trs, false)} {
		if len(group) == 0 {
			continue
		}
		if rule, ok := tzYearlyRule(group); ok {
			obs := tzObservance(group[0].dst, group[0].fromOffset, group[0].offset, group[0].name)
			setObservanceStart(obs, group[0].at.Add(time.Duration(group[0].fromOffset)*time.Second))
			obs.Props.Set(rule)
			tz.Children = append(tz.Children, obs)
			continue
		}
		for _, tr := range group {
			obs := tzObservance(tr.dst, tr.fromOffset, tr.offset, tr.name)
			setObservanceStart(obs, tr.at.Add(time.Duration(tr.fromOffset)*time.Second))
			tz.Children = append(tz.Children, obs)
		}
	}
	return tz
}

func transitionsWithDST(trs []tzTransition, dst bool) []tzTransition {
	var out []tzTransition
	for _, tr := range trs {
		if tr.dst == dst {
			out = append(out, tr)
		}
	}
	return out
}

// tzYearlyRule returns the RRULE that reproduces every tzTransition of group
// (same month, same nth or last weekday, same local time, same offsets,
// one a year in consecutive years), if there is one. The value is written
// as rrule-go writes it (go-ical's SetRecurrenceRule), "BYDAY=-1SU" or
// "BYDAY=+2SU", without importing it.
func tzYearlyRule(group []tzTransition) (*goical.Prop, bool) {
	if len(group) < 2 {
		return nil, false
	}
	first := group[0]
	local := func(tr tzTransition) time.Time { return tr.at.Add(time.Duration(tr.fromOffset) * time.Second) }
	l0 := local(first)
	nth := tzWeekOfMonth(l0)
	for i, tr := range group {
		l := local(tr)
		if l.Year() != l0.Year()+i || l.Month() != l0.Month() || l.Weekday() != l0.Weekday() ||
			tzWeekOfMonth(l) != nth || l.Hour() != l0.Hour() || l.Minute() != l0.Minute() || l.Second() != l0.Second() ||
			tr.fromOffset != first.fromOffset || tr.offset != first.offset {
			return nil, false
		}
	}
	weekday := weekdayCodes[(int(l0.Weekday())+6)%7]
	p := goical.NewProp(goical.PropRecurrenceRule)
	p.SetValueType(goical.ValueRecurrence)
	p.Value = fmt.Sprintf("FREQ=YEARLY;BYMONTH=%d;BYDAY=%+d%s", int(l0.Month()), nth, weekday)
	return p, true
}

// tzWeekOfMonth is -1 for the last such weekday of its month, else 1 to 4.
func tzWeekOfMonth(t time.Time) int {
	if t.AddDate(0, 0, 7).Month() != t.Month() {
		return -1
	}
	return (t.Day()-1)/7 + 1
}

func tzObservance(dst bool, from, to int, name string) *goical.Component {
	kind := goical.CompTimezoneStandard
	if dst {
		kind = goical.CompTimezoneDaylight
	}
	obs := goical.NewComponent(kind)
	obs.Props.Set(tzOffsetProp(goical.PropTimezoneOffsetFrom, from))
	obs.Props.Set(tzOffsetProp(goical.PropTimezoneOffsetTo, to))
	// Go names zones without an abbreviation "+04", "-03": not worth a TZNAME.
	if name != "" && name[0] != '+' && name[0] != '-' {
		obs.Props.SetText(goical.PropTimezoneName, name)
	}
	return obs
}

// setLocal sets the observance's DTSTART, a local time without zone.
func setObservanceStart(obs *goical.Component, local time.Time) {
	p := goical.NewProp(goical.PropDateTimeStart)
	p.Value = local.Format(icalLocalFormat)
	obs.Props.Set(p)
}

func tzOffsetProp(name string, seconds int) *goical.Prop {
	p := goical.NewProp(name)
	sign := '+'
	if seconds < 0 {
		sign, seconds = '-', -seconds
	}
	p.Value = fmt.Sprintf("%c%02d%02d", sign, seconds/3600, seconds%3600/60)
	if s := seconds % 60; s != 0 {
		p.Value += fmt.Sprintf("%02d", s)
	}
	return p
}
