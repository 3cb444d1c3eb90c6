package ical

import (
	"fmt"
	"strconv"
	"strings"
)

type frequency int

const (
	freqYearly frequency = iota
	freqMonthly
	freqWeekly
	freqDaily
	freqSubDaily // HOURLY, MINUTELY, SECONDLY: not expanded, see expandRule
)

// weekdayNum is a BYDAY entry: a weekday (Monday = 0) and an optional
// ordinal (1MO, -1FR; 0 for every such weekday).
type weekdayNum struct {
	n, day int
}

// recurrenceRule is a parsed RRULE. Parts may come in any order; unknown
// extension parts are ignored.
type recurrenceRule struct {
	freq       frequency
	interval   int
	count      int // 0: no COUNT
	until      string
	wkst       int
	byMonth    []int
	byMonthDay []int
	byYearDay  []int
	byWeekNo   []int
	byDay      []weekdayNum
	byHour     []int
	byMinute   []int
	bySecond   []int
	bySetPos   []int
}

// maxRuleList bounds each BYxxx list; a real rule lists at most 366 values.
const maxRuleList = 400

var weekdayCodes = [...]string{"MO", "TU", "WE", "TH", "FR", "SA", "SU"}

func parseWeekday(s string) (int, bool) {
	for i, c := range weekdayCodes {
		if s == c {
			return i, true
		}
	}
	return 0, false
}

func parseRecurrenceRule(value string) (*recurrenceRule, error) {
	rule := &recurrenceRule{interval: 1, freq: -1}
	for _, part := range strings.Split(strings.TrimSpace(value), ";") {
		if part == "" {
			continue
		}
		key, val, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("RRULE: part without '='")
		}
		key, val = strings.ToUpper(strings.TrimSpace(key)), strings.ToUpper(strings.TrimSpace(val))
		var err error
		switch key {
		case "FREQ":
			switch val {
			case "YEARLY":
				rule.freq = freqYearly
			case "MONTHLY":
				rule.freq = freqMonthly
			case "WEEKLY":
				rule.freq = freqWeekly
			case "DAILY":
				rule.freq = freqDaily
			case "HOURLY", "MINUTELY", "SECONDLY":
				rule.freq = freqSubDaily
			default:
				return nil, fmt.Errorf("RRULE: unknown FREQ")
			}
		case "INTERVAL":
			rule.interval, err = ruleInt(val, 1, 1_000_000)
		case "COUNT":
			rule.count, err = ruleInt(val, 1, 1<<30)
		case "UNTIL":
			rule.until = val
		case "WKST":
			d, ok := parseWeekday(val)
			if !ok {
				return nil, fmt.Errorf("RRULE: bad WKST")
			}
			rule.wkst = d
		case "BYMONTH":
			rule.byMonth, err = ruleInts(val, 1, 12, false)
		case "BYMONTHDAY":
			rule.byMonthDay, err = ruleInts(val, 1, 31, true)
		case "BYYEARDAY":
			rule.byYearDay, err = ruleInts(val, 1, 366, true)
		case "BYWEEKNO":
			rule.byWeekNo, err = ruleInts(val, 1, 53, true)
		case "BYHOUR":
			rule.byHour, err = ruleInts(val, 0, 23, false)
		case "BYMINUTE":
			rule.byMinute, err = ruleInts(val, 0, 59, false)
		case "BYSECOND":
			rule.bySecond, err = ruleInts(val, 0, 60, false)
		case "BYSETPOS":
			rule.bySetPos, err = ruleInts(val, 1, 366, true)
		case "BYDAY":
			rule.byDay, err = ruleWeekdays(val)
		}
		if err != nil {
			return nil, fmt.Errorf("RRULE %s: %w", key, err)
		}
	}
	if rule.freq < 0 {
		return nil, fmt.Errorf("RRULE: no FREQ")
	}
	return rule, nil
}

func ruleInt(s string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(strings.TrimPrefix(s, "+"))
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("value out of range")
	}
	return n, nil
}

func ruleInts(s string, lo, hi int, signed bool) ([]int, error) {
	items := strings.Split(s, ",")
	if len(items) > maxRuleList {
		return nil, fmt.Errorf("too many values")
	}
	out := make([]int, 0, len(items))
	for _, item := range items {
		n, err := strconv.Atoi(strings.TrimPrefix(item, "+"))
		if err != nil {
			return nil, fmt.Errorf("bad value")
		}
		if signed && n < 0 {
			n = -n
			if n < lo || n > hi {
				return nil, fmt.Errorf("value out of range")
			}
			out = append(out, -n)
			continue
		}
		if n < lo || n > hi {
			return nil, fmt.Errorf("value out of range")
		}
		out = append(out, n)
	}
	return out, nil
}

func ruleWeekdays(s string) ([]weekdayNum, error) {
	items := strings.Split(s, ",")
	if len(items) > maxRuleList {
		return nil, fmt.Errorf("too many values")
	}
	out := make([]weekdayNum, 0, len(items))
	for _, item := range items {
		if len(item) < 2 {
			return nil, fmt.Errorf("bad weekday")
		}
		day, ok := parseWeekday(item[len(item)-2:])
		if !ok {
			return nil, fmt.Errorf("bad weekday")
		}
		n := 0
		if ord := item[:len(item)-2]; ord != "" {
			v, err := strconv.Atoi(strings.TrimPrefix(ord, "+"))
			if err != nil || v == 0 || v < -53 || v > 53 {
				return nil, fmt.Errorf("bad weekday ordinal")
			}
			n = v
		}
		out = append(out, weekdayNum{n: n, day: day})
	}
	return out, nil
}
