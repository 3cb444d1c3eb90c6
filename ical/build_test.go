package ical

import (
	"bytes"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"
)

// storedEvent is an event whose texts hold what stored data may hold: line
// breaks, a stray double quote, other control characters.
func storedEvent(t *testing.T) Event {
	t.Helper()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 12, 8, 14, 0, 0, 0, paris)
	return Event{
		UID: "seance-1@quartier.example.org", Sequence: 2, Stamp: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC),
		Start: start, End: start.Add(3 * time.Hour), Zone: paris,
		Summary:     "Séance\r\nde \"sensibilisation\"\x00",
		Location:    "Centre social\rde l'Alma\n12 rue\x1b de l'Alma",
		Description: "Première ligne\r\nCoordination : Nadia\r\nBenali \"NB\"\x07",
		Organizer:   Address{Name: "La santé mentale\r\ndans mon quartier", Email: "ne-pas-repondre@quartier.example.org"},
		Attendee:    Address{Name: "Zoé \"Zozo\"\r\nN’Diaye; Paris, 75", Email: "zoe@example.org\r\n"},
	}
}

// checkCalendar decodes b with go-ical and checks the lines: folded to 75
// octets, no control character but the CRLF that ends each line.
func checkCalendar(t *testing.T, b []byte) *goical.Calendar {
	t.Helper()
	for i, line := range strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line %d is %d octets", i+1, len(line))
		}
		if strings.ContainsFunc(line, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			t.Errorf("line %d holds a control character: %q", i+1, line)
		}
	}
	cal, err := goical.NewDecoder(bytes.NewReader(b)).Decode()
	if err != nil {
		t.Fatalf("go-ical cannot read the output: %v\n%s", err, b)
	}
	return cal
}

// TestBuilders_StoredTextWithControls: neither an invitation nor a feed
// fails on stored text holding CR, LF, a double quote or another control
// character; one-line values get a space for each line break, the
// description keeps its lines, the CN loses its quotes and is quoted.
func TestBuilders_StoredTextWithControls(t *testing.T) {
	tests := []struct {
		name  string
		build func(Event) ([]byte, error)
	}{
		{"invitation", func(ev Event) ([]byte, error) { return Invitation(ev, MethodRequest) }},
		{"cancellation", func(ev Event) ([]byte, error) { return Invitation(ev, MethodCancel) }},
		{"feed", func(ev Event) ([]byte, error) {
			return Feed(FeedInput{Name: "Mes séances — Camille\r\nLefebvre \"CL\"", Description: "Les séances\r\nque vous animez\x00",
				Stamp: ev.Stamp, Events: []Event{ev}})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.build(storedEvent(t))
			if err != nil {
				t.Fatalf("build: %v", err)
			}
			cal := checkCalendar(t, b)
			evs := cal.Events()
			if len(evs) != 1 {
				t.Fatalf("%d events", len(evs))
			}
			ev := evs[0]
			text := func(name string) string {
				v, err := ev.Props.Text(name)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				return v
			}
			if got := text(goical.PropSummary); got != `Séance de "sensibilisation"` {
				t.Errorf("SUMMARY = %q", got)
			}
			if got := text(goical.PropLocation); got != "Centre social de l'Alma 12 rue de l'Alma" {
				t.Errorf("LOCATION = %q", got)
			}
			if got := text(goical.PropDescription); got != "Première ligne\nCoordination : Nadia\nBenali \"NB\"" {
				t.Errorf("DESCRIPTION = %q", got)
			}
			if tt.name == "feed" {
				name := cal.Props.Get("X-WR-CALNAME")
				if name == nil || name.Value != `Mes séances — Camille Lefebvre "CL"` {
					t.Errorf("X-WR-CALNAME = %+v", name)
				}
				return
			}
			att, org := ev.Props.Get(goical.PropAttendee), ev.Props.Get(goical.PropOrganizer)
			if att == nil || org == nil {
				t.Fatal("no ATTENDEE or ORGANIZER")
			}
			if got := att.Params.Get(goical.ParamCommonName); got != "Zoé Zozo N’Diaye; Paris, 75" {
				t.Errorf("ATTENDEE CN = %q", got)
			}
			if att.Value != "mailto:zoe@example.org" {
				t.Errorf("ATTENDEE = %q", att.Value)
			}
			if got := org.Params.Get(goical.ParamCommonName); got != "La santé mentale dans mon quartier" {
				t.Errorf("ORGANIZER CN = %q", got)
			}
			if !bytes.Contains(b, []byte(`CN="Zoé Zozo N’Diaye; Paris, 75"`)) {
				t.Errorf("the CN holding ';' and ',' is not quoted:\n%s", b)
			}
		})
	}
}
