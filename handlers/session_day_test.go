package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"quartier/internal/dbtest"
	"quartier/models"
)

// dayEnv is a request env with a scheduled session (Monday 11 January
// 2027, 14:00 Paris, led by e.facil) and people signed up through two
// partners: three confirmed, one waiting, one cancelled.
type dayEnv struct {
	*env
	requestID int64
	session   models.Session
	regs      []int64 // the confirmed registrations, in insertion order
}

func newDayEnv(t *testing.T) *dayEnv {
	t.Helper()
	e := newRequestEnv(t)
	ctx := context.Background()
	id := e.createRequest(e.as(&e.coord), validRequest(e))
	if _, err := e.store.DecideRequest(ctx, e.admin.ID, id, models.RequestAccepted, ""); err != nil {
		t.Fatal(err)
	}
	e.workWeek(e.facil.ID)
	start := time.Date(2027, 1, 11, 13, 0, 0, 0, time.UTC)
	if _, err := e.store.ProposeSession(ctx, e.admin.ID, id, models.SessionSlot{FacilitatorID: e.facil.ID, Start: start, End: start.Add(3 * time.Hour), TimeZone: "Europe/Paris"}); err != nil {
		t.Fatal(err)
	}
	se, err := e.store.ConfirmSession(ctx, e.coord.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	d := &dayEnv{env: e, requestID: id, session: se}
	partner := func(name string, kind models.OrgKind) int64 {
		p, err := e.store.InvitePartner(ctx, e.admin.ID, se.ID, 0, models.OrganisationInput{Name: name, Kind: kind, ContactEmail: "contact@" + strings.ToLower(string(kind)) + ".fr"})
		if err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	ml, formula := partner("Mission locale de Roubaix", models.OrgYouthJob), partner("=HYPERLINK(\"x\")", models.OrgAssociation)
	db := dbtest.SQL(t, e.cfg.Database.DSN)
	at := time.Date(2026, 11, 20, 13, 5, 0, 0, time.UTC)
	for _, r := range []struct {
		partner      int64
		first, last  string
		email, state string
	}{
		{ml, "Amina", "Benali", "amina@exemple.fr", "confirmed"},
		{ml, "Yanis", "Durand", "yanis@exemple.fr", "confirmed"},
		{formula, "@SUM(1+1)", "-2+3", "formule@exemple.fr", "confirmed"},
		{ml, "Lou", "Attente", "lou@exemple.fr", "waiting"},
		{ml, "Max", "Parti", "max@exemple.fr", "cancelled"},
	} {
		rid, err := db.Insert(`INSERT INTO registrations (session_id, partner_id, first_name, last_name, email, category, role, state, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 'professionnel', 'conseillère', ?, ?, ?)`, se.ID, r.partner, r.first, r.last, r.email, r.state, at, at)
		if err != nil {
			t.Fatal(err)
		}
		if r.state == "confirmed" {
			d.regs = append(d.regs, rid)
		}
	}
	return d
}

// startSession moves the clock to ten minutes after the session's start.
func (d *dayEnv) startSession() {
	d.clock.Add(d.session.StartsAt.Add(10 * time.Minute).Sub(d.clock.Now()))
}

func (d *dayEnv) paths() (sheet, csv, count, phones, attendance, debrief string) {
	base := fmt.Sprintf("/demandes/%d", d.requestID)
	at := fmt.Sprintf("/seances/%d", d.session.ID)
	return base + "/emargement", base + "/inscrits.csv", base + "/presences", base + "/telephones", at + "/presences", at + "/bilan"
}

func TestSheet_ParticipantsByOrganisationForTheCLSMOnly(t *testing.T) {
	d := newDayEnv(t)
	sheet, _, _, _, _, _ := d.paths()
	r := d.as(&d.coord).get(sheet)
	if r.Status != http.StatusOK {
		t.Fatalf("sheet: %d\n%s", r.Status, r.Body)
	}
	for _, want := range []string{"Feuille d’émargement", "lundi 11 janvier 2027, 14 h 00 – 17 h 00 (heure de Paris)", "Salle Watremez",
		"Mission locale de Roubaix", "Benali Amina", "Durand Yanis", "Signature", "Personnes venues sans inscription",
		"Action financée par", "<thead>", "data-print", "Personnes inscrites (3)"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("sheet lacks %q", want)
		}
	}
	for _, absent := range []string{"Attente", "Parti"} {
		if strings.Contains(r.Body, absent) {
			t.Errorf("sheet lists %q, who is not confirmed", absent)
		}
	}
	if n := strings.Count(r.Body, `class="sheet-blank"`); n != 10 {
		t.Errorf("%d blank rows, want 10", n)
	}
	if strings.Index(r.Body, "=HYPERLINK") > strings.Index(r.Body, "Mission locale de Roubaix") {
		t.Error("organisations not in order")
	}
	if r := d.as(&d.coord2).get(sheet); r.Status != http.StatusNotFound {
		t.Errorf("another CLSM's coordinator: %d, want 404", r.Status)
	}
	if r := d.as(&d.admin).get("/admin" + sheet); r.Status != http.StatusOK || !strings.Contains(r.Body, "Benali Amina") {
		t.Errorf("admin's sheet: %d", r.Status)
	}
	// A request without a session has no sheet: a French 409.
	other := d.createRequest(d.as(&d.coord), validRequest(d.env))
	if r := d.as(&d.coord).get(fmt.Sprintf("/demandes/%d/emargement", other)); r.Status != http.StatusConflict || !strings.Contains(r.Body, "pas de séance programmée") {
		t.Errorf("sheet of a request without a session: %d", r.Status)
	}
	// The request page links to the day.
	if r := d.as(&d.coord).get(fmt.Sprintf("/demandes/%d", d.requestID)); !strings.Contains(r.Body, sheet) || !strings.Contains(r.Body, "inscrits.csv") {
		t.Error("the request page does not link to the sheet and the CSV")
	}
}

func TestParticipantsCSV_ForAFrenchSpreadsheet(t *testing.T) {
	d := newDayEnv(t)
	_, csvPath, _, _, _, _ := d.paths()
	r := d.as(&d.coord).get(csvPath)
	if r.Status != http.StatusOK {
		t.Fatalf("csv: %d\n%s", r.Status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, fmt.Sprintf(`filename="inscrits-seance-%d-2027-01-11.csv"`, d.session.ID)) {
		t.Errorf("Content-Disposition %q", cd)
	}
	if !strings.HasPrefix(r.Body, "\ufeffStructure;Type de structure;Nom;Prénom;Catégorie;Fonction;Courriel;Inscription;Inscrit·e le;Présence\r\n") {
		t.Errorf("header line: %q", strings.SplitN(r.Body, "\n", 2)[0])
	}
	lines := strings.Split(strings.TrimSpace(r.Body), "\r\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines, want the header, 3 confirmed and 1 waiting:\n%s", len(lines), r.Body)
	}
	for _, want := range []string{
		`"'=HYPERLINK(""x"")";association;'-2+3;'@SUM(1+1);professionnel·le;conseillère;formule@exemple.fr;confirmée;20/11/2026 14:05;`,
		"Mission locale de Roubaix;mission locale;Attente;Lou;professionnel·le;conseillère;lou@exemple.fr;liste d’attente;20/11/2026 14:05;",
	} {
		if !strings.Contains(r.Body, want+"\r\n") {
			t.Errorf("csv lacks the line %q:\n%s", want, r.Body)
		}
	}
	if strings.Contains(r.Body, "max@exemple.fr") {
		t.Error("the cancelled registration is listed")
	}
	if r := d.as(&d.coord2).get(csvPath); r.Status != http.StatusNotFound {
		t.Errorf("another CLSM's coordinator: %d", r.Status)
	}
}

var checkedBox = regexp.MustCompile(`name="present" value="(\d+)"[^>]*?( checked)?( disabled)?>`)

// ticks reads which registrations the attendance page shows ticked, and
// whether its boxes are disabled.
func ticks(t *testing.T, body string) (map[string]bool, bool) {
	t.Helper()
	out := map[string]bool{}
	disabled := false
	for _, m := range checkedBox.FindAllStringSubmatch(body, -1) {
		out[m[1]] = m[2] != ""
		disabled = disabled || m[3] != ""
	}
	return out, disabled
}

func TestAttendance_OnePhoneTickAtATime(t *testing.T) {
	d := newDayEnv(t)
	_, _, _, _, page, _ := d.paths()
	fac := d.as(&d.facil)
	r := fac.get(page)
	got, disabled := ticks(t, r.Body)
	if r.Status != http.StatusOK || len(got) != 3 || !disabled || !strings.Contains(r.Body, "pas encore commencé") {
		t.Fatalf("before the start: %d, ticks %v, disabled %v", r.Status, got, disabled)
	}
	tick := func(c *client, reg int64, present bool) (int, map[string]any) {
		t.Helper()
		v := url.Values{"registration": {fmt.Sprint(reg)}, "present": {"0"}}
		if present {
			v.Set("present", "1")
		}
		res := c.post(page+"/coche", v)
		var out map[string]any
		if err := json.Unmarshal([]byte(res.Body), &out); err != nil {
			t.Fatalf("tick answer %d is not JSON: %s", res.Status, res.Body)
		}
		return res.Status, out
	}
	if st, out := tick(fac, d.regs[0], true); st != http.StatusConflict || !strings.Contains(fmt.Sprint(out["message"]), "pas encore commencé") {
		t.Errorf("tick before the start: %d %v", st, out)
	}

	d.startSession()
	fac = d.as(&d.facil)
	if st, out := tick(fac, d.regs[0], true); st != http.StatusOK || out["ok"] != true {
		t.Fatalf("tick: %d %v", st, out)
	}
	got, disabled = ticks(t, fac.get(page).Body)
	if !got[fmt.Sprint(d.regs[0])] || got[fmt.Sprint(d.regs[1])] || disabled {
		t.Errorf("after a tick and a reload: %v, disabled %v", got, disabled)
	}
	if se, _ := d.store.SessionByID(context.Background(), d.session.ID); se.State != models.SessionHeld {
		t.Errorf("session after the first tick: %s", se.State)
	}
	if st, _ := tick(fac, 999999, true); st != http.StatusNotFound {
		t.Errorf("tick of an unknown registration: %d", st)
	}
	// Without the CSRF token, nothing is saved.
	if res := fac.post(page+"/coche", url.Values{"csrf_token": {"x"}, "registration": {fmt.Sprint(d.regs[1])}, "present": {"1"}}); res.Status != http.StatusForbidden {
		t.Errorf("tick without CSRF: %d", res.Status)
	}

	// Another facilitator does not find the session.
	other, err := d.store.CreateUser(context.Background(), d.admin.ID, models.NewUser{Email: "autre@exemple.fr", Name: "Autre Animatrice", Role: models.RoleFacilitator}, nil)
	if err != nil {
		t.Fatal(err)
	}
	oc := d.as(&other)
	if r := oc.get(page); r.Status != http.StatusNotFound {
		t.Errorf("another facilitator's GET: %d", r.Status)
	}
	if res := oc.post(page+"/coche", url.Values{"registration": {fmt.Sprint(d.regs[0])}, "present": {"0"}}); res.Status != http.StatusNotFound {
		t.Errorf("another facilitator's tick: %d", res.Status)
	}

	// Without JavaScript: the whole list at once.
	if res := fac.post(page, url.Values{"present": {fmt.Sprint(d.regs[1]), fmt.Sprint(d.regs[2])}}); res.Status != http.StatusSeeOther {
		t.Fatalf("whole list: %d\n%s", res.Status, res.Body)
	}
	got, _ = ticks(t, fac.get(page).Body)
	if got[fmt.Sprint(d.regs[0])] || !got[fmt.Sprint(d.regs[1])] || !got[fmt.Sprint(d.regs[2])] {
		t.Errorf("after the whole list: %v", got)
	}
	// Refused, the list comes back as it was ticked.
	res := fac.post(page, url.Values{"present": {fmt.Sprint(d.regs[0]), "999999"}})
	got, _ = ticks(t, res.Body)
	if res.Status != http.StatusConflict || !got[fmt.Sprint(d.regs[0])] || got[fmt.Sprint(d.regs[1])] || !strings.Contains(res.Body, "coches ci-dessous sont conservées") {
		t.Errorf("refused list: %d, ticks %v", res.Status, got)
	}
}

func TestAttendance_WalkIns(t *testing.T) {
	d := newDayEnv(t)
	_, _, _, _, page, _ := d.paths()
	d.startSession()
	fac := d.as(&d.facil)
	res := fac.post(page+"/sur-place", url.Values{"first_name": {""}, "last_name": {"Kaci"}, "organisation": {"Centre social"}, "category": {"autre"}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Saisissez le prénom") ||
		!strings.Contains(res.Body, "Choisissez la catégorie") || !strings.Contains(res.Body, `value="Kaci"`) || !strings.Contains(res.Body, `value="Centre social"`) {
		t.Errorf("bad walk-in: %d\n%s", res.Status, summaryOf(res.Body))
	}
	if res := fac.post(page+"/sur-place", url.Values{"first_name": {strings.Repeat("é", 121)}, "last_name": {"Kaci"}, "category": {"habitant"}}); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "120 caractères au plus") {
		t.Errorf("walk-in over its bound: %d", res.Status)
	}
	if res := fac.post(page+"/sur-place", url.Values{"first_name": {"Nora"}, "last_name": {"Kaci"}, "organisation": {"Centre social"}, "category": {"habitant"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("walk-in: %d\n%s", res.Status, summaryOf(res.Body))
	}
	body := fac.get(page).Body
	if !strings.Contains(body, "Nora Kaci") || !strings.Contains(body, "Personnes venues sans inscription (1)") {
		t.Errorf("walk-in not listed")
	}
	ws, _ := d.store.WalkIns(context.Background(), d.session.ID)
	if len(ws) != 1 {
		t.Fatalf("walk-ins: %+v", ws)
	}
	if res := fac.post(fmt.Sprintf("%s/sur-place/%d/supprimer", page, ws[0].ID), nil); res.Status != http.StatusSeeOther {
		t.Errorf("remove walk-in: %d", res.Status)
	}
	if strings.Contains(fac.get(page).Body, "Nora Kaci") {
		t.Error("walk-in still listed after its removal")
	}
}

func TestDebrief_FormKeepsWhatWasTyped(t *testing.T) {
	d := newDayEnv(t)
	_, _, _, _, _, page := d.paths()
	d.startSession()
	fac := d.as(&d.facil)
	if r := fac.get(page); r.Status != http.StatusOK || !strings.Contains(r.Body, "Ambiance de la séance") || !strings.Contains(r.Body, "Ressources locales repérées") {
		t.Fatalf("debrief page: %d", r.Status)
	}
	res := fac.post(page, url.Values{"atmosphere": {""}, "topics": {"Isolement des aînés"}, "resources": {"CMP"}, "follow_up": {""}, "notes": {""}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Décrivez en quelques mots") || !strings.Contains(res.Body, "Isolement des aînés") {
		t.Errorf("debrief without atmosphere: %d", res.Status)
	}
	res = fac.post(page, url.Values{"atmosphere": {"Bonne"}, "topics": {strings.Repeat("a", 2001)}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "2000 caractères au plus") {
		t.Errorf("debrief over its bound: %d", res.Status)
	}
	res = fac.post(page, url.Values{"atmosphere": {"Très participative"}, "topics": {"Isolement"}, "resources": {"CMP de Roubaix"},
		"follow_up": {"Séance pour les gardiens d’immeuble"}, "notes": {"Salle un peu petite."}})
	if res.Status != http.StatusSeeOther || res.Location != "/tableau-de-bord" {
		t.Fatalf("debrief: %d → %s", res.Status, res.Location)
	}
	if body := fac.get(page).Body; !strings.Contains(body, "CMP de Roubaix") || !strings.Contains(body, "Le bilan est enregistré") {
		t.Error("the saved debrief is not shown back")
	}
	if se, _ := d.store.SessionByID(context.Background(), d.session.ID); se.State != models.SessionHeld {
		t.Errorf("session after the debrief: %s", se.State)
	}
	dash := fac.get("/tableau-de-bord").Body
	if !strings.Contains(dash, fmt.Sprintf("/seances/%d/presences", d.session.ID)) || !strings.Contains(dash, "Revoir le bilan") {
		t.Error("the dashboard does not list the session with its attendance and debrief")
	}
}

func TestSheetCountAndPhones_Coordinator(t *testing.T) {
	d := newDayEnv(t)
	_, _, count, phones, _, _ := d.paths()
	coord := d.as(&d.coord)
	if res := coord.post(count, url.Values{"count": {"12"}}); res.Status != http.StatusConflict || !strings.Contains(res.Body, "pas encore commencé") {
		t.Errorf("count before the session: %d", res.Status)
	}
	res := coord.post(phones, url.Values{"facilitator_phone": {"06 12 34"}, "coordinator_phone": {"03.20.12.34.56"}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "numéro de téléphone français") || !strings.Contains(res.Body, `value="06 12 34"`) {
		t.Errorf("bad phone: %d", res.Status)
	}
	if res := coord.post(phones, url.Values{"facilitator_phone": {"+33612345678"}, "coordinator_phone": {"03.20.12.34.56"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("phones: %d\n%s", res.Status, summaryOf(res.Body))
	}
	if body := coord.get(phones).Body; !strings.Contains(body, `value="&#43;33 6 12 34 56 78"`) || !strings.Contains(body, `value="03 20 12 34 56"`) {
		t.Error("phones not shown back the French way")
	}
	if res := d.as(&d.coord2).post(phones, url.Values{"facilitator_phone": {""}}); res.Status != http.StatusNotFound {
		t.Errorf("another CLSM's coordinator: %d", res.Status)
	}

	d.startSession()
	d.clock.Add(4 * time.Hour)
	coord = d.as(&d.coord)
	if res := coord.post(count, url.Values{"count": {"douze"}}); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "nombre entier") || !strings.Contains(res.Body, `value="douze"`) {
		t.Errorf("count not a number: %d", res.Status)
	}
	if res := coord.post(count, url.Values{"count": {"501"}}); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("count over its bound: %d", res.Status)
	}
	if res := coord.post(count, url.Values{"count": {"14"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("count: %d\n%s", res.Status, summaryOf(res.Body))
	}
	if se, _ := d.store.SessionByID(context.Background(), d.session.ID); se.State != models.SessionHeld {
		t.Errorf("session after the count: %s", se.State)
	}
	if body := coord.get(count).Body; !strings.Contains(body, `value="14"`) {
		t.Error("count not shown back")
	}
}

// presentCount reads the count of the attendance page as rendered.
var presentCount = regexp.MustCompile(`(?s)id="presences-compte"[^>]*aria-live="polite"[^>]*>\s*<strong class="count-present">(\d+)</strong> <span class="count-present-word">([^<]*)</span>\s*sur (\d+) ([^<,]*?)(?:, et (\d+) [^<]*)?</p>`)

// TestAttendance_CountWithoutJavaScript: the page says how many of the
// registered are ticked present, in French with its agreement, in a live
// region, correct as the server renders it (walk-ins told apart), also
// when a refused post shows the list back as it was ticked.
func TestAttendance_CountWithoutJavaScript(t *testing.T) {
	d := newDayEnv(t)
	_, _, _, _, page, _ := d.paths()
	d.startSession()
	fac := d.as(&d.facil)
	count := func(body string) string {
		t.Helper()
		m := presentCount.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no count on the page:\n%s", body)
		}
		return strings.Join(m[1:], "|")
	}
	if got := count(fac.get(page).Body); got != "0|présent·e|3|inscrit·e·s|" {
		t.Errorf("before any tick: %q", got)
	}
	if res := fac.post(page, url.Values{"present": {fmt.Sprint(d.regs[1])}}); res.Status != http.StatusSeeOther {
		t.Fatalf("whole list: %d", res.Status)
	}
	if got := count(fac.get(page).Body); got != "1|présent·e|3|inscrit·e·s|" {
		t.Errorf("after one tick: %q", got)
	}
	if res := fac.post(page, url.Values{"present": {fmt.Sprint(d.regs[0]), fmt.Sprint(d.regs[2])}}); res.Status != http.StatusSeeOther {
		t.Fatalf("whole list: %d", res.Status)
	}
	if res := fac.post(page+"/sur-place", url.Values{"first_name": {"Nora"}, "last_name": {"Kaci"}, "category": {"habitant"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("walk-in: %d", res.Status)
	}
	if got := count(fac.get(page).Body); got != "2|présent·e·s|3|inscrit·e·s|1" {
		t.Errorf("after two ticks and a walk-in: %q", got)
	}
	// Refused, the count is that of the boxes shown ticked.
	res := fac.post(page, url.Values{"present": {fmt.Sprint(d.regs[0]), fmt.Sprint(d.regs[1]), fmt.Sprint(d.regs[2]), "999999"}})
	if got := count(res.Body); res.Status != http.StatusConflict || got != "3|présent·e·s|3|inscrit·e·s|1" {
		t.Errorf("refused list: %d, count %q", res.Status, got)
	}
}

// TestSheetCount_ShowsTheTicksAndIsFinalOnceClosed: the coordinator's
// count page tells what the facilitator ticked; once the session is
// closed it says its figures are final and offers no form.
func TestSheetCount_ShowsTheTicksAndIsFinalOnceClosed(t *testing.T) {
	d := newDayEnv(t)
	_, _, count, _, page, _ := d.paths()
	ctx := context.Background()
	d.startSession()
	fac := d.as(&d.facil)
	if res := fac.post(page, url.Values{"present": {fmt.Sprint(d.regs[0]), fmt.Sprint(d.regs[1])}}); res.Status != http.StatusSeeOther {
		t.Fatalf("attendance: %d", res.Status)
	}
	if res := fac.post(page+"/sur-place", url.Values{"first_name": {"Nora"}, "last_name": {"Kaci"}, "category": {"habitant"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("walk-in: %d", res.Status)
	}
	body := d.as(&d.coord).get(count).Body
	if !strings.Contains(body, "<strong>2 présent·e·s</strong> sur 3 inscrit·e·s, et 1 personne venue sans inscription") || !strings.Contains(body, `name="count"`) {
		t.Errorf("held: the count page does not tell the ticks or lacks its form:\n%s", summaryOf(body))
	}
	if _, err := d.store.SaveDebrief(ctx, d.facil.ID, d.session.ID, models.Debrief{Atmosphere: "Attentive"}); err != nil {
		t.Fatal(err)
	}
	d.clock.Add(d.store.FeedbackPeriod() + 4*time.Hour)
	if n, err := d.store.CloseDueSessions(ctx); err != nil || n != 1 {
		t.Fatalf("close: %d %v", n, err)
	}
	body = d.as(&d.coord).get(count).Body
	if !strings.Contains(body, "La séance est clôturée") || strings.Contains(body, `name="count"`) || !strings.Contains(body, "<strong>2 présent·e·s</strong>") {
		t.Errorf("closed: the count page is not final:\n%s", summaryOf(body))
	}
	if res := d.as(&d.coord).post(count, url.Values{"count": {"12"}}); res.Status != http.StatusConflict || !strings.Contains(res.Body, "Clôturée") {
		t.Errorf("a count posted to a closed session: %d\n%s", res.Status, summaryOf(res.Body))
	}
}
