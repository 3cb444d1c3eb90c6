package mailer

import (
	"bytes"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"

	"quartier/models"
)

func feedComposer(t *testing.T) *Composer {
	t.Helper()
	c, err := NewComposer(ComposerConfig{BaseURL: "https://quartier.example.org", From: "ne-pas-repondre@quartier.example.org",
		FromName: "La santé mentale dans mon quartier", Now: func() time.Time { return time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func feedSessions() []models.ScheduledSession {
	return []models.ScheduledSession{
		{ID: 118, StartsAt: time.Date(2026, 12, 8, 13, 0, 0, 0, time.UTC), EndsAt: time.Date(2026, 12, 8, 16, 0, 0, 0, time.UTC),
			TimeZone: "Europe/Paris", VenueName: "Centre social de l'Alma", VenueAddress: "12 rue de l'Alma, 59100 Roubaix",
			CommuneINSEE: "59512", Format: "in_person", CLSMName: "CLSM de Roubaix", CoordinatorName: "Nadia Benali"},
		{ID: 131, StartsAt: time.Date(2027, 1, 19, 13, 0, 0, 0, time.UTC), EndsAt: time.Date(2027, 1, 19, 16, 0, 0, 0, time.UTC),
			TimeZone: "America/Martinique", VenueName: "Maison de quartier de Trénelle", VenueAddress: "Rue Lamartine, 97200 Fort-de-France",
			CommuneINSEE: "97209", Format: "in_person", CLSMName: "CLSM de Fort-de-France", CoordinatorName: "Maëlle Joseph"},
	}
}

var feedCommunes = map[string]string{"59512": "Roubaix", "97209": "Fort-de-France"}

func TestBookingsFeed_Golden(t *testing.T) {
	b, err := feedComposer(t).BookingsFeed("Camille Lefebvre", feedSessions(),
		func(insee string) string { return feedCommunes[insee] })
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "feed_bookings.ics", string(b))
}

// TestBookingsFeed_SubscribableAndStable decodes the feed back: no METHOD,
// one event per session in its own zone, UIDs that do not change when a
// session moves.
func TestBookingsFeed_SubscribableAndStable(t *testing.T) {
	c := feedComposer(t)
	sessions := feedSessions()
	first, err := c.BookingsFeed("Camille", sessions, nil)
	if err != nil {
		t.Fatal(err)
	}
	sessions[0].StartsAt = sessions[0].StartsAt.Add(24 * time.Hour)
	sessions[0].EndsAt = sessions[0].EndsAt.Add(24 * time.Hour)
	moved, err := c.BookingsFeed("Camille", sessions, nil)
	if err != nil {
		t.Fatal(err)
	}
	uids := func(b []byte) []string {
		cal, err := goical.NewDecoder(bytes.NewReader(b)).Decode()
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		if cal.Props.Get(goical.PropMethod) != nil {
			t.Errorf("a subscription feed carries no METHOD")
		}
		var out []string
		for _, ev := range cal.Events() {
			uid, _ := ev.Props.Text(goical.PropUID)
			out = append(out, uid)
			start := ev.Props.Get(goical.PropDateTimeStart)
			if start.Params.Get(goical.ParamTimezoneID) == "" {
				t.Errorf("%s: DTSTART without TZID", uid)
			}
		}
		return out
	}
	a, b := uids(first), uids(moved)
	if len(a) != 2 || strings.Join(a, ",") != strings.Join(b, ",") || a[0] != "seance-118@quartier.example.org" {
		t.Errorf("UIDs %v then %v", a, b)
	}
	if !strings.Contains(string(first), "BEGIN:VTIMEZONE\r\nTZID:America/Martinique") {
		t.Errorf("no VTIMEZONE for Martinique")
	}

	empty, err := c.BookingsFeed("Camille", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := goical.NewDecoder(bytes.NewReader(empty)).Decode(); err != nil {
		t.Errorf("empty feed does not decode: %v", err)
	}
}

// TestBookingsFeed_StoredNamesWithControls: a facilitator's or a
// coordinator's name stored with CR/LF or a double quote (from before
// names were checked) must not make the feed fail (the page answered 500).
func TestBookingsFeed_StoredNamesWithControls(t *testing.T) {
	sessions := feedSessions()
	sessions[0].CoordinatorName = "Nadia\r\nBenali \"NB\""
	sessions[1].CLSMName = "CLSM de\nFort-de-France\r"
	tests := []struct{ name, facilitator string }{
		{"CR LF in the facilitator's name", "Camille\r\nLefebvre"},
		{"quote in the facilitator's name", `Camille "Cam" Lefebvre`},
		{"lone CR and NUL", "Camille\rLefebvre\x00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := feedComposer(t).BookingsFeed(tt.facilitator, sessions, nil)
			if err != nil {
				t.Fatalf("BookingsFeed: %v", err)
			}
			cal, err := goical.NewDecoder(bytes.NewReader(b)).Decode()
			if err != nil {
				t.Fatalf("decode: %v\n%s", err, b)
			}
			if name := cal.Props.Get("X-WR-CALNAME"); name == nil || strings.ContainsAny(name.Value, "\r\n\x00") {
				t.Errorf("X-WR-CALNAME = %+v", name)
			}
			evs := cal.Events()
			if len(evs) != 2 {
				t.Fatalf("%d events", len(evs))
			}
			desc, _ := evs[0].Props.Text(goical.PropDescription)
			if !strings.Contains(desc, "(coordination\u00a0: Nadia Benali \"NB\")") {
				t.Errorf("DESCRIPTION = %q", desc)
			}
			desc, _ = evs[1].Props.Text(goical.PropDescription)
			if !strings.Contains(desc, "Co-organisation\u00a0: CLSM de Fort-de-France (coordination") {
				t.Errorf("DESCRIPTION = %q", desc)
			}
		})
	}
}
