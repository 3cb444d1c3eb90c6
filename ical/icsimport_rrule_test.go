package ical

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/teambition/rrule-go"
)

// expandNaive expands rule from dtstart (UTC wall clock) and returns the
// first n instances as "2006-01-02T15:04" strings.
func expandNaive(t *testing.T, rule, dtstart string, n int) []string {
	t.Helper()
	r, err := parseRecurrenceRule(rule)
	if err != nil {
		t.Fatalf("parse %q: %v", rule, err)
	}
	start, date, _, err := parseTimeValue(dtstart, false)
	if err != nil {
		t.Fatal(err)
	}
	x := ruleExpansion{rule: r, start: start, date: date, lo: start, hi: start + 40*366*secondsPerDay}
	if r.until != "" {
		u, udate, _, err := parseTimeValue(r.until, false)
		if err != nil {
			t.Fatal(err)
		}
		if udate && !date {
			u += secondsPerDay - 1
		}
		x.until, x.hasUntil = u, true
	}
	var got []string
	budget := 1 << 30
	stop := fmt.Errorf("enough")
	err = expandRule(x, &budget, func(naive int64) error {
		got = append(got, toInstant(naive, time.UTC).Format("2006-01-02T15:04"))
		if len(got) == n {
			return stop
		}
		return nil
	})
	if err != nil && err != stop {
		t.Fatal(err)
	}
	return got
}

// TestExpandRule_RFC5545Examples checks the recurrence examples of RFC 5545
// §3.8.5.3 (times in the series' wall clock).
func TestExpandRule_RFC5545Examples(t *testing.T) {
	tests := []struct {
		name, dtstart, rule string
		n                   int
		want                string // space-separated
	}{
		{"daily count", "19970902T090000", "FREQ=DAILY;COUNT=10", 20,
			"1997-09-02T09:00 1997-09-03T09:00 1997-09-04T09:00 1997-09-05T09:00 1997-09-06T09:00 1997-09-07T09:00 1997-09-08T09:00 1997-09-09T09:00 1997-09-10T09:00 1997-09-11T09:00"},
		{"every other day", "19970902T090000", "FREQ=DAILY;INTERVAL=2", 4,
			"1997-09-02T09:00 1997-09-04T09:00 1997-09-06T09:00 1997-09-08T09:00"},
		{"weekly until UTC", "19970902T090000", "FREQ=WEEKLY;UNTIL=19971007T000000Z", 20,
			"1997-09-02T09:00 1997-09-09T09:00 1997-09-16T09:00 1997-09-23T09:00 1997-09-30T09:00"},
		{"weekly TU,TH until date", "19970902T090000", "FREQ=WEEKLY;UNTIL=19970911;WKST=SU;BYDAY=TU,TH", 20,
			"1997-09-02T09:00 1997-09-04T09:00 1997-09-09T09:00 1997-09-11T09:00"},
		{"wkst MO", "19970805T090000", "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO", 10,
			"1997-08-05T09:00 1997-08-10T09:00 1997-08-19T09:00 1997-08-24T09:00"},
		{"wkst SU", "19970805T090000", "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU", 10,
			"1997-08-05T09:00 1997-08-17T09:00 1997-08-19T09:00 1997-08-31T09:00"},
		{"first friday", "19970905T090000", "FREQ=MONTHLY;COUNT=10;BYDAY=1FR", 20,
			"1997-09-05T09:00 1997-10-03T09:00 1997-11-07T09:00 1997-12-05T09:00 1998-01-02T09:00 1998-02-06T09:00 1998-03-06T09:00 1998-04-03T09:00 1998-05-01T09:00 1998-06-05T09:00"},
		{"first and last sunday, every other month", "19970907T090000", "FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU", 20,
			"1997-09-07T09:00 1997-09-28T09:00 1997-11-02T09:00 1997-11-30T09:00 1998-01-04T09:00 1998-01-25T09:00 1998-03-01T09:00 1998-03-29T09:00 1998-05-03T09:00 1998-05-31T09:00"},
		{"second-to-last monday", "19970922T090000", "FREQ=MONTHLY;COUNT=6;BYDAY=-2MO", 20,
			"1997-09-22T09:00 1997-10-20T09:00 1997-11-17T09:00 1997-12-22T09:00 1998-01-19T09:00 1998-02-16T09:00"},
		{"third-to-last day", "19970928T090000", "FREQ=MONTHLY;BYMONTHDAY=-3", 6,
			"1997-09-28T09:00 1997-10-29T09:00 1997-11-28T09:00 1997-12-29T09:00 1998-01-29T09:00 1998-02-26T09:00"},
		{"2nd and 15th", "19970902T090000", "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15", 20,
			"1997-09-02T09:00 1997-09-15T09:00 1997-10-02T09:00 1997-10-15T09:00 1997-11-02T09:00 1997-11-15T09:00 1997-12-02T09:00 1997-12-15T09:00 1998-01-02T09:00 1998-01-15T09:00"},
		{"first and last day", "19970930T090000", "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1", 20,
			"1997-09-30T09:00 1997-10-01T09:00 1997-10-31T09:00 1997-11-01T09:00 1997-11-30T09:00 1997-12-01T09:00 1997-12-31T09:00 1998-01-01T09:00 1998-01-31T09:00 1998-02-01T09:00"},
		{"june and july", "19970610T090000", "FREQ=YEARLY;COUNT=10;BYMONTH=6,7", 20,
			"1997-06-10T09:00 1997-07-10T09:00 1998-06-10T09:00 1998-07-10T09:00 1999-06-10T09:00 1999-07-10T09:00 2000-06-10T09:00 2000-07-10T09:00 2001-06-10T09:00 2001-07-10T09:00"},
		{"20th monday of the year", "19970519T090000", "FREQ=YEARLY;BYDAY=20MO", 3,
			"1997-05-19T09:00 1998-05-18T09:00 1999-05-17T09:00"},
		{"monday of week 20", "19970512T090000", "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", 3,
			"1997-05-12T09:00 1998-05-11T09:00 1999-05-17T09:00"},
		{"thursdays in march", "19970313T090000", "FREQ=YEARLY;BYMONTH=3;BYDAY=TH", 6,
			"1997-03-13T09:00 1997-03-20T09:00 1997-03-27T09:00 1998-03-05T09:00 1998-03-12T09:00 1998-03-19T09:00"},
		{"friday 13th", "19980213T090000", "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", 5,
			"1998-02-13T09:00 1998-03-13T09:00 1998-11-13T09:00 1999-08-13T09:00 2000-10-13T09:00"},
		{"election day", "19961105T090000", "FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8", 3,
			"1996-11-05T09:00 2000-11-07T09:00 2004-11-02T09:00"},
		{"third weekday-ish", "19970904T090000", "FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3", 10,
			"1997-09-04T09:00 1997-10-07T09:00 1997-11-06T09:00"},
		{"last workday", "19970930T090000", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", 7,
			"1997-09-30T09:00 1997-10-31T09:00 1997-11-28T09:00 1997-12-31T09:00 1998-01-30T09:00 1998-02-27T09:00 1998-03-31T09:00"},
		{"31st skips short months", "20070115T090000", "FREQ=MONTHLY;BYMONTHDAY=31;COUNT=5", 10,
			"2007-01-15T09:00 2007-01-31T09:00 2007-03-31T09:00 2007-05-31T09:00 2007-07-31T09:00"},
		{"parts in any order, lower case", "19970905T090000", "count=3;byday=1fr;freq=monthly;", 10,
			"1997-09-05T09:00 1997-10-03T09:00 1997-11-07T09:00"},
		{"DTSTART off-rule is the first instance", "19970929T090000", "FREQ=MONTHLY;BYDAY=-1FR;COUNT=3", 10,
			"1997-09-29T09:00 1997-10-31T09:00 1997-11-28T09:00"},
		{"all-day yearly", "19971102", "FREQ=YEARLY;BYHOUR=9", 3,
			"1997-11-02T00:00 1998-11-02T00:00 1999-11-02T00:00"},
		{"sub-daily is DTSTART only", "19970902T090000", "FREQ=MINUTELY;INTERVAL=15", 10,
			"1997-09-02T09:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.Join(expandNaive(t, tt.rule, tt.dtstart, tt.n), " ")
			if got != tt.want {
				t.Errorf("%s from %s:\ngot  %s\nwant %s", tt.rule, tt.dtstart, got, tt.want)
			}
		})
	}
}

// TestExpandRule_MatchesRRuleGo compares the expander with rrule-go (a port
// of python-dateutil) on random daily to yearly rules whose DTSTART matches.
func TestExpandRule_MatchesRRuleGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(5545, 2026))
	freqs := []string{"YEARLY", "MONTHLY", "WEEKLY", "DAILY"}
	days := []string{"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
	pick := func(n, lo, hi int, signed bool) string {
		var parts []string
		for range n {
			v := lo + rng.IntN(hi-lo+1)
			if signed && rng.IntN(3) == 0 {
				v = -v
			}
			parts = append(parts, fmt.Sprint(v))
		}
		return strings.Join(parts, ",")
	}
	for i := range 200 {
		freq := freqs[rng.IntN(len(freqs))]
		parts := []string{"FREQ=" + freq, "COUNT=40"}
		if rng.IntN(2) == 0 {
			parts = append(parts, fmt.Sprintf("INTERVAL=%d", 1+rng.IntN(3)))
		}
		if rng.IntN(3) == 0 {
			parts = append(parts, "BYMONTH="+pick(1+rng.IntN(3), 1, 12, false))
		}
		if rng.IntN(3) == 0 {
			parts = append(parts, "BYMONTHDAY="+pick(1+rng.IntN(3), 1, 31, true))
		}
		if rng.IntN(2) == 0 {
			var bd []string
			for range 1 + rng.IntN(3) {
				d := days[rng.IntN(7)]
				if rng.IntN(3) == 0 {
					d = fmt.Sprint([]int{1, 2, 3, -1, -2}[rng.IntN(5)]) + d
				}
				bd = append(bd, d)
			}
			parts = append(parts, "BYDAY="+strings.Join(bd, ","))
		}
		if rng.IntN(4) == 0 && (freq == "YEARLY" || freq == "MONTHLY") {
			// rrule-go runs to year 9999 on some daily BYSETPOS rules; ours stops at the window.
			parts = append(parts, "BYSETPOS="+pick(1, 1, 3, true))
		}
		if rng.IntN(4) == 0 {
			parts = append(parts, "WKST="+days[rng.IntN(7)])
		}
		rng.Shuffle(len(parts), func(a, b int) { parts[a], parts[b] = parts[b], parts[a] })
		rule := strings.Join(parts, ";")

		opt, err := rrule.StrToROption(rule)
		if err != nil {
			t.Fatal(err)
		}
		opt.Dtstart = time.Date(2001+rng.IntN(30), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 9, 30, 0, 0, time.UTC)
		opt.Until = opt.Dtstart.AddDate(12, 0, 0) // within expandNaive's horizon; bounds rrule-go too
		rule += ";UNTIL=" + opt.Until.Format("20060102T150405")
		ref, err := rrule.NewRRule(*opt)
		if err != nil {
			t.Fatal(err)
		}
		want := ref.All()
		if len(want) == 0 || !want[0].Equal(opt.Dtstart) {
			continue // rrule-go leaves out a DTSTART off the rule; RFC 5545 keeps it
		}
		var wantS []string
		for _, w := range want {
			wantS = append(wantS, w.Format("2006-01-02T15:04"))
		}
		got := expandNaive(t, rule, opt.Dtstart.Format("20060102T150405"), 100)
		if !slices.Equal(got, wantS) {
			t.Errorf("case %d: %s from %s:\ngot  %v\nwant %v", i, rule, opt.Dtstart.Format(time.DateOnly), got, wantS)
		}
	}
}
