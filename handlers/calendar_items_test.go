package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Exceptions and busy time wholly in the past are refused next to their
// field, rather than « enregistrées » and never shown; two exceptions
// cannot cover the same hours of a day. The clock is at 25 November 2026.
func TestCalendar_PastAndOverlappingEntriesRefused(t *testing.T) {
	e := newEnv(t)
	c := e.as(&e.facil)
	tests := []struct {
		name, path string
		form       url.Values
		status     int
		want       string // in the page, with the field's error id
		errID      string
	}{
		{"past day off", "/calendrier/exceptions", url.Values{"kind": {"unavailable"}, "from": {"2026-11-20"}, "all_day": {"1"}},
			http.StatusUnprocessableEntity, "Cette date est passée", "f-from-erreur"},
		{"past leave", "/calendrier/exceptions", url.Values{"kind": {"unavailable"}, "from": {"2026-11-02"}, "to": {"2026-11-06"}, "all_day": {"1"}},
			http.StatusUnprocessableEntity, "Cette date est passée", "f-to-erreur"},
		{"leave running into the future", "/calendrier/exceptions", url.Values{"kind": {"unavailable"}, "from": {"2026-11-23"}, "to": {"2026-11-27"}, "all_day": {"1"}},
			http.StatusSeeOther, "", ""},
		{"a morning", "/calendrier/exceptions", url.Values{"kind": {"available"}, "from": {"2026-12-02"}, "start": {"08:00"}, "end": {"12:00"}},
			http.StatusSeeOther, "", ""},
		{"overlapping the morning", "/calendrier/exceptions", url.Values{"kind": {"unavailable"}, "from": {"2026-12-02"}, "start": {"11:00"}, "end": {"14:00"}},
			http.StatusUnprocessableEntity, "Vous avez déjà une exception qui couvre ces horaires (le mercredi 2 décembre 2026, de 8 h 00 à 12 h 00)", "f-from-erreur"},
		{"the afternoon of the same day", "/calendrier/exceptions", url.Values{"kind": {"unavailable"}, "from": {"2026-12-02"}, "start": {"14:00"}, "end": {"17:00"}},
			http.StatusSeeOther, "", ""},
		{"past busy time", "/calendrier/occupations", url.Values{"date": {"2026-11-24"}, "start": {"09:00"}, "end": {"10:00"}},
			http.StatusUnprocessableEntity, "Cette date est passée", "f-date-erreur"},
		{"future busy time", "/calendrier/occupations", url.Values{"date": {"2026-11-26"}, "start": {"09:00"}, "end": {"10:00"}},
			http.StatusSeeOther, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := c.post(tc.path, tc.form)
			if r.Status != tc.status {
				t.Fatalf("status %d, want %d\n%s", r.Status, tc.status, r.Body)
			}
			if tc.want != "" && (!strings.Contains(r.Body, tc.want) || !strings.Contains(r.Body, `id="`+tc.errID+`"`)) {
				t.Errorf("page lacks %q next to %s", tc.want, tc.errID)
			}
		})
	}
	// What was accepted is listed.
	list := c.get("/calendrier/exceptions").Body
	for _, want := range []string{"du lundi 23 novembre 2026 au vendredi 27 novembre 2026", "de 14 h 00 à 17 h 00"} {
		if !strings.Contains(list, want) {
			t.Errorf("exceptions list lacks %q", want)
		}
	}
}

// A refused calendar file does not claim to be kept: the browser forgets
// a chosen file, so the summary asks to choose it again.
func TestCalendarImport_RefusedFileAsksToChooseAgain(t *testing.T) {
	e := newEnv(t)
	r := e.as(&e.facil).upload("/calendrier/import", "pas-un-agenda.ics", []byte("bonjour"))
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", r.Status)
	}
	if !strings.Contains(r.Body, "choisissez-le à nouveau") || !strings.Contains(r.Body, `href="#f-ics"`) || strings.Contains(r.Body, "est conservé") {
		t.Errorf("the summary of a refused file is wrong:\n%s", r.Body)
	}
}
