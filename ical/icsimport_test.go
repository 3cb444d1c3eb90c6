package ical

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// cal wraps VEVENT/VTIMEZONE lines in a VCALENDAR.
func cal(body ...string) string {
	return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\n" + strings.Join(body, "\r\n") + "\r\nEND:VCALENDAR\r\n"
}

func vevent(lines ...string) string {
	return "BEGIN:VEVENT\r\n" + strings.Join(lines, "\r\n") + "\r\nEND:VEVENT"
}

// busyIn imports ics over [from, to] (whole days) in tz and returns
// "start/end" pairs in UTC.
func busyIn(t *testing.T, ics, from, to, tz string) []string {
	t.Helper()
	f, e, loc := mustWindow(t, from, to, tz)
	ivs, err := BusyIntervals(strings.NewReader(ics), ImportOptions{From: f, To: e, Location: loc})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, iv := range ivs {
		out = append(out, iv.Start.Format("01-02T15:04")+"/"+iv.End.Format("01-02T15:04"))
	}
	return out
}

func TestBusyIntervals_Rules(t *testing.T) {
	tests := []struct {
		name, ics, from, to, tz string
		want                    string
	}{
		{"weekly across the spring DST change keeps 10:00 Paris",
			cal(vevent("UID:a", "DTSTART;TZID=Europe/Paris:20260323T100000", "DTEND;TZID=Europe/Paris:20260323T110000", "RRULE:FREQ=WEEKLY;COUNT=2")),
			"2026-03-01", "2026-04-30", "Europe/Paris", "03-23T09:00/03-23T10:00 03-30T08:00/03-30T09:00"},
		{"EXDATE in UTC removes a Paris instance",
			cal(vevent("UID:a", "DTSTART;TZID=Europe/Paris:20260105T100000", "DTEND;TZID=Europe/Paris:20260105T110000", "RRULE:FREQ=DAILY;COUNT=3", "EXDATE:20260106T090000Z")),
			"2026-01-01", "2026-01-31", "Europe/Paris", "01-05T09:00/01-05T10:00 01-07T09:00/01-07T10:00"},
		{"EXDATE list and DATE value",
			cal(vevent("UID:a", "DTSTART:20260105T090000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=4", "EXDATE:20260105T090000Z,20260106T090000Z", "EXDATE;VALUE=DATE:20260107")),
			"2026-01-01", "2026-01-31", "UTC", "01-08T09:00/01-08T10:00"},
		{"RECURRENCE-ID in another zone moves the instance",
			cal(vevent("UID:a", "DTSTART;TZID=America/Martinique:20260105T100000", "DTEND;TZID=America/Martinique:20260105T110000", "RRULE:FREQ=DAILY;COUNT=2"),
				vevent("UID:a", "RECURRENCE-ID:20260106T140000Z", "DTSTART:20260106T200000Z", "DTEND:20260106T210000Z")),
			"2026-01-01", "2026-01-31", "America/Martinique", "01-05T14:00/01-05T15:00 01-06T20:00/01-06T21:00"},
		{"cancelled override frees the instance",
			cal(vevent("UID:a", "DTSTART:20260105T090000Z", "DTEND:20260105T100000Z", "RRULE:FREQ=DAILY;COUNT=2"),
				vevent("UID:a", "RECURRENCE-ID:20260106T090000Z", "DTSTART:20260106T090000Z", "DTEND:20260106T100000Z", "STATUS:CANCELLED")),
			"2026-01-01", "2026-01-31", "UTC", "01-05T09:00/01-05T10:00"},
		{"opaque override of a free series is busy",
			cal(vevent("UID:a", "DTSTART:20260105T090000Z", "DTEND:20260105T100000Z", "RRULE:FREQ=DAILY;COUNT=3", "TRANSP:TRANSPARENT"),
				vevent("UID:a", "RECURRENCE-ID:20260106T090000Z", "DTSTART:20260106T090000Z", "DTEND:20260106T100000Z", "TRANSP:OPAQUE")),
			"2026-01-01", "2026-01-31", "UTC", "01-06T09:00/01-06T10:00"},
		{"latest SEQUENCE of an override wins",
			cal(vevent("UID:a", "DTSTART:20260105T090000Z", "DTEND:20260105T100000Z", "RRULE:FREQ=DAILY;COUNT=2"),
				vevent("UID:a", "RECURRENCE-ID:20260106T090000Z", "SEQUENCE:2", "DTSTART:20260106T120000Z", "DTEND:20260106T130000Z"),
				vevent("UID:a", "RECURRENCE-ID:20260106T090000Z", "SEQUENCE:1", "DTSTART:20260106T150000Z", "DTEND:20260106T160000Z")),
			"2026-01-01", "2026-01-31", "UTC", "01-05T09:00/01-05T10:00 01-06T12:00/01-06T13:00"},
		{"tentative is busy, cancelled and transparent are not, VTODO ignored",
			cal(vevent("UID:a", "DTSTART:20260105T090000Z", "DTEND:20260105T100000Z", "STATUS:TENTATIVE"),
				vevent("UID:b", "DTSTART:20260105T110000Z", "DTEND:20260105T120000Z", "STATUS:CANCELLED"),
				vevent("UID:c", "DTSTART:20260105T130000Z", "DTEND:20260105T140000Z", "TRANSP:TRANSPARENT"),
				"BEGIN:VTODO\r\nUID:d\r\nDTSTART:20260105T150000Z\r\nDUE:20260105T160000Z\r\nEND:VTODO"),
			"2026-01-01", "2026-01-31", "UTC", "01-05T09:00/01-05T10:00"},
		{"date-time start without end takes no time; date start lasts a day",
			cal(vevent("UID:a", "DTSTART:20260105T090000Z"), vevent("UID:b", "DTSTART;VALUE=DATE:20260107")),
			"2026-01-01", "2026-01-31", "Indian/Reunion", "01-06T20:00/01-07T20:00"},
		{"all-day P1D over the DST change is 23 hours",
			cal(vevent("UID:a", "DTSTART;VALUE=DATE:20260329", "DURATION:P1D")),
			"2026-03-01", "2026-04-30", "Europe/Paris", "03-28T23:00/03-29T22:00"},
		{"floating time is read in the import zone",
			cal(vevent("UID:a", "DTSTART:20260105T090000", "DTEND:20260105T100000")),
			"2026-01-01", "2026-01-31", "America/Martinique", "01-05T13:00/01-05T14:00"},
		{"Windows zone without VTIMEZONE",
			cal(vevent("UID:a", "DTSTART;TZID=Mauritius Standard Time:20260105T090000", "DTEND;TZID=Mauritius Standard Time:20260105T100000")),
			"2026-01-01", "2026-01-31", "UTC", "01-05T05:00/01-05T06:00"},
		{"overlapping and touching intervals merge, window clips",
			cal(vevent("UID:a", "DTSTART:20260105T090000Z", "DTEND:20260105T100000Z"),
				vevent("UID:b", "DTSTART:20260105T100000Z", "DTEND:20260105T110000Z"),
				vevent("UID:c", "DTSTART:20260105T093000Z", "DTEND:20260105T103000Z"),
				vevent("UID:d", "DTSTART:20251231T220000Z", "DTEND:20260101T020000Z")),
			"2026-01-01", "2026-01-31", "UTC", "01-01T00:00/01-01T02:00 01-05T09:00/01-05T11:00"},
		{"a rule since 1998 without end finds its instances in the window",
			cal(vevent("UID:a", "DTSTART;TZID=Europe/Paris:19980105T180000", "DTEND;TZID=Europe/Paris:19980105T190000", "RRULE:FREQ=MONTHLY;INTERVAL=5;BYDAY=1MO")),
			"2026-01-01", "2026-12-31", "Europe/Paris", "05-04T16:00/05-04T17:00 10-05T16:00/10-05T17:00"},
		{"a fold inside a property name or parameter is unfolded first",
			cal(vevent("UID:a", "DTSTART;TZ\r\n ID=Europe/Paris:20260105T100000", "DT\r\n END;TZID=Europe/Pa\r\n\tris:20260105T110000"),
				"BE\r\n GIN:VEVENT\r\nUID:b\r\nD\r\n TSTART:20260106T090000Z\r\nDURA\r\n TION:PT1H\r\nEN\r\n D:VEVENT"),
			"2026-01-01", "2026-01-31", "Europe/Paris", "01-05T09:00/01-05T10:00 01-06T09:00/01-06T10:00"},
		{"RDATE adds an instance",
			cal(vevent("UID:a", "DTSTART:20260105T090000Z", "DTEND:20260105T100000Z", "RDATE;TZID=Indian/Reunion:20260110T080000")),
			"2026-01-01", "2026-01-31", "UTC", "01-05T09:00/01-05T10:00 01-10T04:00/01-10T05:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.Join(busyIn(t, tt.ics, tt.from, tt.to, tt.tz), " ")
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestBusyIntervals_Errors(t *testing.T) {
	from, to := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	deep := cal(strings.Repeat("BEGIN:X-DEEP\r\n", 50) + strings.Repeat("END:X-DEEP\r\n", 50))
	tests := []struct {
		name string
		in   string
		opts ImportOptions
		want error
	}{
		{"empty", "", ImportOptions{}, ErrNotICalendar},
		{"html", "<!DOCTYPE html><html></html>", ImportOptions{}, ErrNotICalendar},
		{"vcard", "BEGIN:VCARD\r\nEND:VCARD\r\n", ImportOptions{}, ErrNotICalendar},
		{"truncated", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20260105T090000Z\r\n", ImportOptions{}, ErrNotICalendar},
		{"bad parameter", cal(vevent("DTSTART;TZID=\"Europe/Paris:20260105T090000")), ImportOptions{}, ErrNotICalendar},
		{"deep nesting", deep, ImportOptions{}, ErrNotICalendar},
		{"too large", cal(vevent("DTSTART:20260105T090000Z")), ImportOptions{MaxBytes: 20}, ErrCalendarTooLarge},
		{"too many instances", cal(vevent("DTSTART:20260105T090000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY")), ImportOptions{MaxInstances: 100}, ErrCalendarTooComplex},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.From, tt.opts.To = from, to
			_, err := BusyIntervals(strings.NewReader(tt.in), tt.opts)
			var ie *ImportError
			if !errors.Is(err, tt.want) || !errors.As(err, &ie) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if ie.UserMessage() == "" || strings.Contains(ie.Error(), "VEVENT\r") {
				t.Errorf("messages: %q / %q", ie.UserMessage(), ie.Error())
			}
		})
	}
	if got := (&ImportError{Kind: ErrNotICalendar}).UserMessage(); got != "Ce fichier n'est pas un calendrier iCalendar (.ics) lisible." {
		t.Errorf("UserMessage = %q", got)
	}
}

// hostileCalendar is 1,200 rules without end since 1998 (sub-daily, never
// matching, BYSETPOS out of range, daily at nine intervals) plus a
// 200,000-line folded description.
func hostileCalendar() string {
	var events []string
	for i := range 300 {
		events = append(events,
			vevent("UID:s", "DTSTART:19980101T000000Z", "DTEND:19980101T000001Z", "RRULE:FREQ=SECONDLY"),
			vevent("UID:n", "DTSTART:19980101T000000Z", "DTEND:19980101T010000Z", "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"),
			vevent("UID:p", "DTSTART:19980101T000000Z", "DTEND:19980101T010000Z", "RRULE:FREQ=DAILY;BYSETPOS=2"),
			vevent("UID:d", "DTSTART:19980101T080000Z", "DTEND:19980101T080100Z", "RRULE:FREQ=DAILY;INTERVAL="+string(rune('1'+i%9))))
	}
	folded := "DESCRIPTION:x" + strings.Repeat("\r\n y", 200_000)
	return cal(append(events, vevent("UID:f", folded, "DTSTART:20260105T090000Z", "DTEND:20260105T100000Z"))...)
}

// TestBusyIntervals_Hostile checks that rules without end since 1998,
// sub-daily rules, rules that never match and deep folding are bounded:
// the import ends and finds the busy time. How long it takes is measured
// by BenchmarkBusyIntervals_Hostile (docs/PERFORMANCE.md), not here.
func TestBusyIntervals_Hostile(t *testing.T) {
	ics := hostileCalendar()
	start := time.Now()
	from, to := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	ivs, err := BusyIntervals(strings.NewReader(ics), ImportOptions{From: from, To: to})
	if err != nil {
		t.Fatal(err)
	}
	if len(ivs) == 0 {
		t.Error("no busy time found")
	}
	// A hang guard only, hundreds of times the measured time so that a
	// loaded machine never trips it: a runaway expansion takes minutes.
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("hostile calendar took %v (hang guard: 20 s)", d)
	}
}

// BenchmarkBusyIntervals_Hostile times one import of hostileCalendar over
// a one-year window: the figure of docs/PERFORMANCE.md.
func BenchmarkBusyIntervals_Hostile(b *testing.B) {
	ics := hostileCalendar()
	from, to := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	b.SetBytes(int64(len(ics)))
	b.ReportAllocs()
	var ivs []Interval
	for b.Loop() {
		var err error
		if ivs, err = BusyIntervals(strings.NewReader(ics), ImportOptions{From: from, To: to}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(ivs)), "intervals")
}

func TestMergeIntervals(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 1, 5, h, 0, 0, 0, time.UTC) }
	in := []Interval{{Start: at(9), End: at(10)}, {Start: at(12), End: at(12)}, {Start: at(8), End: at(9)}, {Start: at(14), End: at(16)}, {Start: at(15), End: at(15)}, {Start: at(11), End: at(10)}}
	got := MergeIntervals(in)
	want := []Interval{{Start: at(8), End: at(10)}, {Start: at(14), End: at(16)}}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if !got[i].Start.Equal(want[i].Start) || !got[i].End.Equal(want[i].End) {
			t.Errorf("got[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	if !in[0].Start.Equal(at(9)) {
		t.Error("input modified")
	}
}
