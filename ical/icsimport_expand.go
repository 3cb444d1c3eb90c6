package ical

import (
	"slices"
)

// ruleExpansion is one series to expand, in naive wall-clock seconds of the
// series' zone.
type ruleExpansion struct {
	rule     *recurrenceRule
	start    int64 // DTSTART
	date     bool  // all-day series: BYHOUR/BYMINUTE/BYSECOND ignored
	until    int64
	hasUntil bool
	// lo and hi bound the useful instances: without COUNT the expansion
	// jumps to the period holding lo, and it stops after hi.
	lo, hi int64
}

// expandRule calls emit for DTSTART, then for each instance of the rule
// after it, in order, until COUNT, UNTIL or hi. Its cost is bounded by the
// window, not by the rule: a rule since 1998 without end starts near lo,
// and a rule that never matches stops at hi. Every day examined and every
// candidate counts against *budget; running out is ErrCalendarTooComplex.
//
// Sub-daily frequencies (HOURLY, MINUTELY, SECONDLY), which no calendar
// client offers for meetings, are not expanded: the series is its DTSTART.
func expandRule(x ruleExpansion, budget *int, emit func(naive int64) error) error {
	r := x.rule
	if err := emit(x.start); err != nil {
		return err
	}
	if r.freq == freqSubDaily || r.count == 1 {
		return nil
	}
	remaining := r.count - 1 // DTSTART counts as the first instance; <0 means no COUNT
	startDay := floorDiv(x.start, secondsPerDay)
	times := ruleTimes(r, x.start-startDay*secondsPerDay, x.date)
	filter := newDayFilter(r, startDay)

	step := int64(r.interval)
	p := periodOf(r.freq, startDay, r.wkst)
	if r.count == 0 {
		if target := periodOf(r.freq, floorDiv(x.lo, secondsPerDay), r.wkst); target > p {
			p += floorDiv(target-p, step) * step
		}
	}
	var cands []int64
	for ; ; p += step {
		first, end := periodDays(r.freq, p, r.wkst)
		if first*secondsPerDay > x.hi || x.hasUntil && first*secondsPerDay > x.until {
			return nil
		}
		if *budget -= int(end - first); *budget < 0 {
			return &ImportError{Kind: ErrCalendarTooComplex, Detail: "recurrence expansion over budget"}
		}
		cands = cands[:0]
		for d := first; d < end; d++ {
			if !filter.match(d) {
				continue
			}
			if *budget -= len(times); *budget < 0 {
				return &ImportError{Kind: ErrCalendarTooComplex, Detail: "recurrence expansion over budget"}
			}
			for _, t := range times {
				cands = append(cands, d*secondsPerDay+t)
			}
		}
		if len(r.bySetPos) > 0 {
			cands = selectSetPos(cands, r.bySetPos)
		}
		for _, c := range cands {
			switch {
			case c <= x.start:
				continue
			case x.hasUntil && c > x.until, c > x.hi:
				return nil
			}
			if err := emit(c); err != nil {
				return err
			}
			if remaining > 0 {
				if remaining--; remaining == 0 {
					return nil
				}
			}
		}
	}
}

// ruleTimes returns the sorted times of day (seconds) of each instance.
func ruleTimes(r *recurrenceRule, sod int64, date bool) []int64 {
	if date {
		return []int64{0}
	}
	or := func(list []int, def int64) []int64 {
		if len(list) == 0 {
			return []int64{def}
		}
		out := make([]int64, len(list))
		for i, v := range list {
			out[i] = int64(v)
		}
		return out
	}
	hours, minutes, seconds := or(r.byHour, sod/3600), or(r.byMinute, sod/60%60), or(r.bySecond, sod%60)
	times := make([]int64, 0, len(hours)*len(minutes)*len(seconds))
	for _, h := range hours {
		for _, m := range minutes {
			for _, s := range seconds {
				if s == 60 {
					s = 59
				}
				times = append(times, h*3600+m*60+s)
			}
		}
	}
	slices.Sort(times)
	return slices.Compact(times)
}

func selectSetPos(cands []int64, positions []int) []int64 {
	out := make([]int64, 0, len(positions))
	for _, pos := range positions {
		i := pos - 1
		if pos < 0 {
			i = len(cands) + pos
		}
		if i >= 0 && i < len(cands) {
			out = append(out, cands[i])
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// periodOf numbers the period (year, month, week starting on wkst, day)
// holding a day, so that consecutive periods have consecutive numbers.
func periodOf(f frequency, day int64, wkst int) int64 {
	switch f {
	case freqYearly:
		y, _, _ := civilFromDays(day)
		return y
	case freqMonthly:
		y, m, _ := civilFromDays(day)
		return y*12 + m - 1
	case freqWeekly:
		return floorDiv(day-weekAnchor(wkst), 7)
	}
	return day
}

// periodDays returns the days [first, end) of a period.
func periodDays(f frequency, p int64, wkst int) (first, end int64) {
	switch f {
	case freqYearly:
		return daysFromCivil(p, 1, 1), daysFromCivil(p+1, 1, 1)
	case freqMonthly:
		y := floorDiv(p, 12)
		m := p - y*12 + 1
		first = daysFromCivil(y, m, 1)
		return first, first + daysInMonth(y, m)
	case freqWeekly:
		first = weekAnchor(wkst) + 7*p
		return first, first + 7
	}
	return p, p + 1
}

// weekAnchor is a day number falling on wkst (day 0, 1970-01-01, is a Thursday).
func weekAnchor(wkst int) int64 { return int64(wkst) - 3 }

// dayFilter holds the BYxxx parts that select days, with RFC 5545's
// defaults taken from DTSTART filled in.
type dayFilter struct {
	byMonth, byMonthDay, byYearDay, byWeekNo []int
	byDay                                    []weekdayNum
	wkst                                     int
	ordinals                                 bool // BYDAY ordinals count (MONTHLY, YEARLY)
	ordinalInYear                            bool // YEARLY without BYMONTH: 20MO is the year's 20th Monday
}

func newDayFilter(r *recurrenceRule, startDay int64) *dayFilter {
	f := &dayFilter{
		byMonth: r.byMonth, byMonthDay: r.byMonthDay, byYearDay: r.byYearDay, byWeekNo: r.byWeekNo,
		byDay: r.byDay, wkst: r.wkst,
		ordinals:      r.freq == freqYearly || r.freq == freqMonthly,
		ordinalInYear: r.freq == freqYearly && len(r.byMonth) == 0,
	}
	if len(r.byWeekNo) == 0 && len(r.byYearDay) == 0 && len(r.byMonthDay) == 0 && len(r.byDay) == 0 {
		_, m, d := civilFromDays(startDay)
		switch r.freq {
		case freqYearly:
			if len(f.byMonth) == 0 {
				f.byMonth = []int{int(m)}
			}
			f.byMonthDay = []int{int(d)}
		case freqMonthly:
			f.byMonthDay = []int{int(d)}
		case freqWeekly:
			f.byDay = []weekdayNum{{day: weekdayOf(startDay)}}
		}
	}
	return f
}

func (f *dayFilter) match(day int64) bool {
	y, m, d := civilFromDays(day)
	if len(f.byMonth) > 0 && !slices.Contains(f.byMonth, int(m)) {
		return false
	}
	dim := daysInMonth(y, m)
	if len(f.byMonthDay) > 0 && !slices.Contains(f.byMonthDay, int(d)) && !slices.Contains(f.byMonthDay, int(d-dim-1)) {
		return false
	}
	var doy, ylen int64
	if len(f.byYearDay) > 0 || f.ordinalInYear {
		doy = day - daysFromCivil(y, 1, 1) + 1
		ylen = 365
		if isLeap(y) {
			ylen = 366
		}
	}
	if len(f.byYearDay) > 0 && !slices.Contains(f.byYearDay, int(doy)) && !slices.Contains(f.byYearDay, int(doy-ylen-1)) {
		return false
	}
	if len(f.byWeekNo) > 0 {
		no, total := weekNumber(day, f.wkst)
		if !slices.Contains(f.byWeekNo, no) && !slices.Contains(f.byWeekNo, no-total-1) {
			return false
		}
	}
	if len(f.byDay) == 0 {
		return true
	}
	wd := weekdayOf(day)
	for _, w := range f.byDay {
		if w.day != wd {
			continue
		}
		if w.n == 0 || !f.ordinals {
			return true
		}
		pos, length := d, dim
		if f.ordinalInYear {
			pos, length = doy, ylen
		}
		if w.n == int((pos-1)/7+1) || w.n == -int((length-pos)/7+1) {
			return true
		}
	}
	return false
}

// weekNumber returns the RFC 5545 week number of a day (week 1 is the first
// week, starting on wkst, with at least four days in the year) and the
// number of weeks in its week-numbering year.
func weekNumber(day int64, wkst int) (no, total int) {
	y, _, _ := civilFromDays(day)
	start := week1Start(y, wkst)
	if day < start {
		y--
		start = week1Start(y, wkst)
	} else if next := week1Start(y+1, wkst); day >= next {
		y++
		start = next
	}
	return int((day-start)/7 + 1), int((week1Start(y+1, wkst) - start) / 7)
}

func week1Start(y int64, wkst int) int64 {
	jan1 := daysFromCivil(y, 1, 1)
	off := floorMod(int64(weekdayOf(jan1)-wkst), 7)
	if off <= 3 {
		return jan1 - off
	}
	return jan1 + 7 - off
}
