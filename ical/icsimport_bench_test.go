package ical

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

// outlookYear builds a year of a busy Outlook calendar: Windows zone names,
// a VTIMEZONE, 40 weekly series with exceptions and moved instances, 15
// monthly ones, 900 single meetings with descriptions and attendees, and
// all-day events.
func outlookYear() []byte {
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nPRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\r\nVERSION:2.0\r\nMETHOD:PUBLISH\r\n")
	b.WriteString("BEGIN:VTIMEZONE\r\nTZID:Romance Standard Time\r\nBEGIN:STANDARD\r\nDTSTART:16011028T030000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:16010325T020000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n")
	tz := `TZID="Romance Standard Time"`
	desc := "DESCRIPTION:" + strings.Repeat("Ordre du jour\\, compte rendu et suivi des actions. ", 4) + "\r\n"
	event := func(uid, start, end string, extra ...string) {
		b.WriteString("BEGIN:VEVENT\r\nCLASS:PUBLIC\r\n")
		b.WriteString(desc)
		fmt.Fprintf(&b, "DTSTART;%s:%s\r\nDTEND;%s:%s\r\n", tz, start, tz, end)
		for _, x := range extra {
			b.WriteString(x + "\r\n")
		}
		fmt.Fprintf(&b, "SUMMARY;LANGUAGE=fr-fr:Réunion %s\r\nUID:%s\r\nATTENDEE;CN=Prénom Nom;RSVP=TRUE:mailto:p.nom@example.org\r\nX-MICROSOFT-CDO-BUSYSTATUS:BUSY\r\nBEGIN:VALARM\r\nTRIGGER:-PT15M\r\nACTION:DISPLAY\r\nDESCRIPTION:Reminder\r\nEND:VALARM\r\nEND:VEVENT\r\n", uid, uid)
	}
	day := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	for i := range 40 {
		d := day.AddDate(0, 0, i%5)
		h := 8 + i%9
		start, end := d.Add(time.Duration(h)*time.Hour), d.Add(time.Duration(h)*time.Hour+45*time.Minute)
		uid := fmt.Sprintf("weekly-%d", i)
		event(uid, start.Format("20060102T150405"), end.Format("20060102T150405"),
			"RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY="+[]string{"MO", "TU", "WE", "TH", "FR"}[i%5]+";WKST=MO",
			fmt.Sprintf("EXDATE;%s:%s", tz, start.AddDate(0, 0, 7*(2+i%20)).Format("20060102T150405")))
		moved := start.AddDate(0, 0, 7*(5+i%30))
		event(uid, moved.Add(2*time.Hour).Format("20060102T150405"), moved.Add(3*time.Hour).Format("20060102T150405"),
			fmt.Sprintf("RECURRENCE-ID;%s:%s", tz, moved.Format("20060102T150405")))
	}
	for i := range 15 {
		start := day.AddDate(0, 0, i).Add(14 * time.Hour)
		event(fmt.Sprintf("monthly-%d", i), start.Format("20060102T150405"), start.Add(2*time.Hour).Format("20060102T150405"),
			fmt.Sprintf("RRULE:FREQ=MONTHLY;BYDAY=%d%s", 1+i%4, []string{"MO", "TU", "WE", "TH", "FR"}[i%5]))
	}
	for i := range 900 {
		start := day.AddDate(0, 0, i*365/900).Add(time.Duration(8+i%10) * time.Hour)
		event(fmt.Sprintf("single-%d", i), start.Format("20060102T150405"), start.Add(90*time.Minute).Format("20060102T150405"))
	}
	for i := range 20 {
		d := day.AddDate(0, 0, 17*i)
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:%s\r\nDTEND;VALUE=DATE:%s\r\nSUMMARY:Congé\r\nUID:allday-%d\r\nTRANSP:TRANSPARENT\r\nEND:VEVENT\r\n", d.Format("20060102"), d.AddDate(0, 0, 1).Format("20060102"), i)
	}
	b.WriteString("END:VCALENDAR\r\n")
	return []byte(b.String())
}

// BenchmarkBusyIntervals_OutlookYear imports a year of a busy Outlook
// calendar, as the scheduled import does.
func BenchmarkBusyIntervals_OutlookYear(b *testing.B) {
	data := outlookYear()
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	opts := ImportOptions{From: from, To: from.AddDate(1, 0, 0), Location: time.UTC}
	ivs, err := BusyIntervals(bytes.NewReader(data), opts)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := BusyIntervals(bytes.NewReader(data), opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(data)), "file-bytes")
	b.ReportMetric(float64(len(ivs)), "intervals")
}
