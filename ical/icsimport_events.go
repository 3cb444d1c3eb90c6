package ical

import (
	"strconv"
	"strings"
	"time"

	goical "github.com/emersion/go-ical"
)

// importer holds one import's state; nothing outlives BusyIntervals.
type importer struct {
	opts      ImportOptions
	cals      []*goical.Calendar
	zones     *zoneResolver
	budget    int // elementary expansion steps left
	instances int // instances kept in the window
	busy      []Interval
}

func newImport(opts ImportOptions, cals []*goical.Calendar) *importer {
	return &importer{
		opts:   opts,
		cals:   cals,
		zones:  newZoneResolver(opts.Location, cals),
		budget: opts.MaxInstances * workPerInstance,
	}
}

// endKind says how an event gives its end.
type endKind int

const (
	endNone endKind = iota
	endAt
	endDuration
)

// event is what the import keeps of a VEVENT: times and busyness only.
type event struct {
	uid          string
	start        icsTime
	end          endKind
	endAt        icsTime
	durDays      int64 // nominal days of DURATION
	durSecs      int64 // exact seconds of DURATION
	rule         *recurrenceRule
	rdates       []icsTime
	exdates      []icsTime
	recurrenceID *icsTime
	busy         bool
	sequence     int
}

func (imp *importer) run() error {
	var masters []*event
	overrides := make(map[string]map[int64]*event) // UID → instant → override
	var standalone []*event
	for _, cal := range imp.cals {
		for _, child := range cal.Children {
			if child.Name != goical.CompEvent {
				continue
			}
			ev, ok := imp.readEvent(child)
			if !ok {
				continue
			}
			if ev.recurrenceID == nil {
				masters = append(masters, ev)
				continue
			}
			byInstant := overrides[ev.uid]
			if byInstant == nil {
				byInstant = make(map[int64]*event)
				overrides[ev.uid] = byInstant
			}
			key := ev.recurrenceID.instant().Unix()
			if prev := byInstant[key]; prev == nil || ev.sequence >= prev.sequence {
				byInstant[key] = ev // the latest revision of an instance wins
			}
		}
	}
	for _, m := range masters {
		if err := imp.expandSeries(m, overrides[m.uid]); err != nil {
			return err
		}
	}
	for _, byInstant := range overrides {
		for _, ov := range byInstant {
			standalone = append(standalone, ov)
		}
	}
	// Overrides stand on their own: a moved instance is busy where it went,
	// judged by its own STATUS and TRANSP, whether or not its series is here.
	for _, ov := range standalone {
		if ov.busy {
			if err := imp.addInstance(ov, ov.start.naive); err != nil {
				return err
			}
		}
	}
	return nil
}

// readEvent extracts an event's times; it reports false for an event
// without a usable DTSTART, which cannot be placed in time.
func (imp *importer) readEvent(c *goical.Component) (*event, bool) {
	ev := &event{busy: true}
	if p := c.Props.Get(goical.PropUID); p != nil {
		ev.uid = p.Value
	}
	if p := c.Props.Get(goical.PropSequence); p != nil {
		ev.sequence, _ = strconv.Atoi(strings.TrimSpace(p.Value))
	}
	if p := c.Props.Get(goical.PropRecurrenceID); p != nil {
		if ts, err := imp.timeValues(p); err == nil {
			ev.recurrenceID = &ts[0]
		}
	}
	if p := c.Props.Get(goical.PropDateTimeStart); p != nil {
		ts, err := imp.timeValues(p)
		if err != nil {
			return nil, false
		}
		ev.start = ts[0]
	} else if ev.recurrenceID != nil {
		ev.start = *ev.recurrenceID // a sparse override: it stays where it was
	} else {
		return nil, false
	}
	if p := c.Props.Get(goical.PropDateTimeEnd); p != nil {
		if ts, err := imp.timeValues(p); err == nil {
			ev.end, ev.endAt = endAt, ts[0]
		}
	} else if p := c.Props.Get(goical.PropDuration); p != nil {
		if days, secs, err := parseDuration(p.Value); err == nil {
			ev.end, ev.durDays, ev.durSecs = endDuration, days, secs
		}
	}
	if p := c.Props.Get(goical.PropStatus); p != nil && strings.EqualFold(strings.TrimSpace(p.Value), "CANCELLED") {
		ev.busy = false
	}
	if p := c.Props.Get(goical.PropTransparency); p != nil && strings.EqualFold(strings.TrimSpace(p.Value), "TRANSPARENT") {
		ev.busy = false
	}
	if ev.recurrenceID != nil {
		return ev, true // an override is one instance; RANGE=THISANDFUTURE is not followed
	}
	if p := c.Props.Get(goical.PropRecurrenceRule); p != nil {
		if rule, err := parseRecurrenceRule(p.Value); err == nil {
			ev.rule = rule // an unreadable rule leaves the single DTSTART instance
		}
	}
	for _, p := range c.Props.Values(goical.PropRecurrenceDates) {
		if ts, err := imp.timeValues(&p); err == nil {
			ev.rdates = append(ev.rdates, ts...)
		}
	}
	for _, p := range c.Props.Values(goical.PropExceptionDates) {
		if ts, err := imp.timeValues(&p); err == nil {
			ev.exdates = append(ev.exdates, ts...)
		}
	}
	return ev, true
}

// expandSeries adds the busy instances of a master event, minus EXDATEs and
// the instances its overrides replace (matched by instant, whatever zone
// either is written in; a DATE value matches the instances of that day).
func (imp *importer) expandSeries(m *event, overrides map[int64]*event) error {
	loc := m.start.loc
	exInstant := make(map[int64]bool, len(m.exdates))
	exDay := make(map[int64]bool)
	for _, ex := range m.exdates {
		exInstant[ex.instant().Unix()] = true
		if ex.date && !m.start.date {
			exDay[floorDiv(ex.naive, secondsPerDay)] = true
		}
	}
	ovDay := make(map[int64]bool)
	for _, ov := range overrides {
		if ov.recurrenceID.date && !m.start.date {
			ovDay[floorDiv(ov.recurrenceID.naive, secondsPerDay)] = true
		}
	}
	var seen map[int64]bool
	if len(m.rdates) > 0 {
		seen = make(map[int64]bool)
	}
	handle := func(naive int64) error {
		if imp.budget--; imp.budget < 0 {
			return &ImportError{Kind: ErrCalendarTooComplex, Detail: "too many instances"}
		}
		u := toInstant(naive, loc).Unix()
		day := floorDiv(naive, secondsPerDay)
		if seen != nil {
			if seen[u] {
				return nil
			}
			seen[u] = true
		}
		if exInstant[u] || exDay[day] || overrides[u] != nil || ovDay[day] || !m.busy {
			return nil
		}
		return imp.addInstance(m, naive)
	}

	if m.rule == nil {
		if err := handle(m.start.naive); err != nil {
			return err
		}
	} else {
		slack := m.maxLength() + 2*secondsPerDay // instances that began before From, zone shifts
		x := ruleExpansion{
			rule:  m.rule,
			start: m.start.naive,
			date:  m.start.date,
			lo:    toNaive(imp.opts.From, loc) - slack,
			hi:    toNaive(imp.opts.To, loc) + 2*secondsPerDay,
		}
		x.until, x.hasUntil = m.untilNaive()
		if err := expandRule(x, &imp.budget, handle); err != nil {
			return err
		}
	}
	for _, rd := range m.rdates {
		naive := rd.naive
		if rd.loc != loc {
			naive = toNaive(rd.instant(), loc)
		}
		if err := handle(naive); err != nil {
			return err
		}
	}
	return nil
}

// untilNaive reads UNTIL in the series' wall clock: a UTC UNTIL is
// converted, a DATE UNTIL on a timed series includes its whole day.
func (ev *event) untilNaive() (int64, bool) {
	if ev.rule.until == "" {
		return 0, false
	}
	naive, date, utc, err := parseTimeValue(ev.rule.until, false)
	if err != nil {
		return 0, false
	}
	switch {
	case utc:
		return toNaive(toInstant(naive, time.UTC), ev.start.loc), true
	case date && !ev.start.date:
		return naive + secondsPerDay - 1, true
	}
	return naive, true
}

// maxLength bounds an instance's length in seconds, for the lookback.
func (ev *event) maxLength() int64 {
	var n int64
	switch ev.end {
	case endAt:
		n = int64(ev.endAt.instant().Sub(ev.start.instant()) / time.Second)
		if ev.endAt.sameFrame(ev.start) {
			n = max(n, ev.endAt.naive-ev.start.naive)
		}
	case endDuration:
		n = ev.durDays*secondsPerDay + ev.durSecs
	default:
		if ev.start.date {
			n = secondsPerDay
		}
	}
	return max(n, 0)
}

// instanceEnd returns the end of the instance starting at naive: DTEND
// keeps its wall-clock distance when written in the start's zone (a
// 10:00–11:00 meeting stays so across DST), else its exact one; DURATION
// counts days on the wall clock and hours exactly (RFC 5545 §3.3.6).
func (ev *event) instanceEnd(naive int64, start time.Time) time.Time {
	loc := ev.start.loc
	switch ev.end {
	case endAt:
		if ev.endAt.sameFrame(ev.start) {
			return toInstant(naive+ev.endAt.naive-ev.start.naive, loc)
		}
		return start.Add(ev.endAt.instant().Sub(ev.start.instant()))
	case endDuration:
		return toInstant(naive+ev.durDays*secondsPerDay, loc).Add(time.Duration(ev.durSecs) * time.Second)
	}
	if ev.start.date {
		return toInstant(naive+secondsPerDay, loc)
	}
	return start
}

// addInstance keeps the instance starting at naive if it is busy time in
// the window.
func (imp *importer) addInstance(ev *event, naive int64) error {
	start := toInstant(naive, ev.start.loc)
	end := ev.instanceEnd(naive, start)
	if !end.After(start) || !end.After(imp.opts.From) || !start.Before(imp.opts.To) {
		return nil
	}
	if imp.instances++; imp.instances > imp.opts.MaxInstances {
		return &ImportError{Kind: ErrCalendarTooComplex, Detail: "too many instances in the window"}
	}
	imp.busy = append(imp.busy, Interval{Start: start.UTC(), End: end.UTC()})
	return nil
}
