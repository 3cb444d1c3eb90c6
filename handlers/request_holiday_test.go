package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestRequestForm_HolidayWindowWarnsButSaves: a window on Ascension Day is
// accepted (a warning, not a refusal), and the warning stands next to the
// field on the form, on a refused form, and on the request's page.
func TestRequestForm_HolidayWindowWarnsButSaves(t *testing.T) {
	e := newRequestEnv(t)
	c := e.as(&e.coord)
	f := with(validRequest(e), "windows[1].date", "2027-05-06")

	refused := c.post("/demandes/nouvelle", with(f, "expected_count", "beaucoup"))
	if refused.Status != http.StatusUnprocessableEntity || !strings.Contains(refused.Body, `class="field-warning" id="f-windows-1-date-alerte"`) ||
		!strings.Contains(refused.Body, "jeudi 6 mai 2027 (Ascension)") {
		t.Fatalf("refused form: %d, warning missing:\n%s", refused.Status, summaryOf(refused.Body))
	}
	id := e.createRequest(c, f)
	page := c.get(fmt.Sprintf("/demandes/%d", id))
	if !strings.Contains(page.Body, "jour férié") || !strings.Contains(page.Body, "Ascension") {
		t.Errorf("request page does not warn of the holiday")
	}
	if !strings.Contains(page.Body, "tombe un jour férié") {
		t.Errorf("no flash about the holiday after saving")
	}
	edit := c.get(fmt.Sprintf("/demandes/%d/modifier", id))
	if !strings.Contains(edit.Body, `id="f-windows-1-date-alerte"`) || strings.Contains(edit.Body, `id="f-windows-0-date-alerte"`) {
		t.Errorf("edit form: the warning is not on window 2 only")
	}
}

// TestCalendar_HolidaysShowAsJourFerie: Christmas week shows Friday 25
// December as « Jour férié : Noël », never as « Libre ».
func TestCalendar_HolidaysShowAsJourFerie(t *testing.T) {
	e := newEnv(t)
	c := e.as(&e.facil)
	if r := c.post("/calendrier/disponibilites", patternForm([2]string{"08:00", "19:00"}, "Lille (59350)")); r.Status != http.StatusSeeOther {
		t.Fatalf("pattern: %d", r.Status)
	}
	week := c.get("/calendrier?semaine=2026-W52")
	i := strings.Index(week.Body, "vendredi 25 décembre")
	if i < 0 {
		t.Fatalf("no Friday 25 December in the week:\n%s", week.Body)
	}
	day := week.Body[i:]
	if j := strings.Index(day, "</section>"); j > 0 {
		day = day[:j]
	}
	if !strings.Contains(day, "Jour férié</strong> : Noël") || strings.Contains(day, "Libre") {
		t.Errorf("25 December:\n%s", day)
	}
	if month := c.get("/calendrier/mois?mois=2026-12"); !strings.Contains(month.Body, "Jour férié : Noël") {
		t.Errorf("month view lacks the holiday")
	}
}
