package ical

import (
	"bytes"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"
)

func TestVTimezone_Rules(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	trs := tzTransitions(paris, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	if len(trs) != 2 || !trs[0].at.Equal(time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC)) ||
		!trs[1].at.Equal(time.Date(2026, 10, 25, 1, 0, 0, 0, time.UTC)) {
		t.Fatalf("Paris 2026 transitions = %+v", trs)
	}
	var buf bytes.Buffer
	cal := goical.NewCalendar()
	cal.Props.SetText(goical.PropVersion, "2.0")
	cal.Props.SetText(goical.PropProductID, "x")
	for _, z := range []string{"Europe/Paris", "Indian/Reunion", "Africa/Casablanca"} {
		loc, _ := time.LoadLocation(z)
		cal.Children = append(cal.Children, buildVTimezone(loc, time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)))
	}
	if err := goical.NewEncoder(&buf).Encode(cal); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
		"TZID:Indian/Reunion\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0400\r\nTZOFFSETTO:+0400\r\nEND:STANDARD"} {
		if !strings.Contains(out, want) {
			t.Errorf("VTIMEZONE lacks %q:\n%s", want, out)
		}
	}
	// Morocco's Ramadan changes follow no yearly rule: one observance each.
	casa := out[strings.Index(out, "TZID:Africa/Casablanca"):]
	if strings.Contains(casa, "RRULE") || strings.Count(casa, "BEGIN:") < 4 {
		t.Errorf("Casablanca should be listed change by change:\n%s", casa)
	}
}
