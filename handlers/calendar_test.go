package handlers_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"quartier/config"
	"quartier/internal/dbtest"
)

// calICS is one meeting on Wednesday 2 December 2026, 10:00–11:00 Paris.
const calICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//FR\r\nBEGIN:VEVENT\r\nUID:m1@test\r\nDTSTAMP:20261101T000000Z\r\n" +
	"DTSTART;TZID=Europe/Paris:20261202T100000\r\nDTEND;TZID=Europe/Paris:20261202T110000\r\nSUMMARY:Réunion\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"

// addScheduledSession inserts a scheduled session of the facilitator
// (Tuesday 1 December 2026, 14:00–17:00 Paris, Roubaix) with its
// request; the calendar only reads it.
func (e *env) addScheduledSession() {
	e.t.Helper()
	e.addSession("scheduled")
}

// addSession inserts that session in the given state (its request in the
// same one: proposed or scheduled).
func (e *env) addSession(state string) {
	e.t.Helper()
	db := dbtest.SQL(e.t, e.cfg.Database.DSN)
	now := e.clock.Now()
	rid, err := db.Insert(`INSERT INTO requests (clsm_id, created_by, state, commune_insee, venue_name, venue_address,
		created_at, updated_at) VALUES (?, ?, ?, '59512', 'Centre social de l''Alma', '12 rue de l''Alma', ?, ?)`,
		e.clsm.ID, e.admin.ID, state, now, now)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO sessions (request_id, facilitator_id, state, starts_at, ends_at, venue_name, venue_address,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'Centre social de l''Alma', '12 rue de l''Alma', ?, ?)`, rid, e.facil.ID, state,
		time.Date(2026, 12, 1, 13, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 16, 0, 0, 0, time.UTC), now, now); err != nil {
		e.t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE requests SET session_id = (SELECT MAX(id) FROM sessions) WHERE id = ?`, rid); err != nil {
		e.t.Fatal(err)
	}
}

func patternForm(mon [2]string, home string) url.Values {
	return url.Values{"pattern.1.works": {"1"}, "pattern.1.start": {mon[0]}, "pattern.1.end": {mon[1]},
		"pattern.2.works": {"1"}, "pattern.2.start": {"08:00"}, "pattern.2.end": {"19:00"},
		"home": {home}, "time_zone": {"Europe/Paris"}, "max_per_day": {"1"}, "max_per_week": {"3"}}
}

func TestCalendar_PatternBadInputKeepsValuesAndSavesNothing(t *testing.T) {
	e := newEnv(t)
	c := e.as(&e.facil)
	r := c.post("/calendrier/disponibilites", patternForm([2]string{"19:00", "08:00"}, "Lille (59350)"))
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "L&#39;heure de fin doit être après l&#39;heure de début.") ||
		!strings.Contains(r.Body, `id="f-pattern-1-end-erreur"`) || !strings.Contains(r.Body, `value="19:00"`) {
		t.Fatalf("end before start: %d\n%s", r.Status, r.Body)
	}
	r = c.post("/calendrier/disponibilites", patternForm([2]string{"8h", "12 h 30"}, "Nulle-Part-sur-Mer"))
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Aucune commune ne s’appelle") {
		t.Fatalf("unknown commune: %d", r.Status)
	}
	if slots, _ := e.store.WeeklyPattern(context.Background(), e.facil.ID); len(slots) != 0 {
		t.Fatalf("half-saved pattern: %+v", slots)
	}
	r = c.post("/calendrier/disponibilites", patternForm([2]string{"8h", "12 h 30"}, "Lille (59350)"))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("good pattern: %d\n%s", r.Status, r.Body)
	}
	if slots, _ := e.store.WeeklyPattern(context.Background(), e.facil.ID); len(slots) != 2 || slots[0].EndMinute != 12*60+30 {
		t.Errorf("pattern = %+v", slots)
	}
}

func TestCalendar_WeekShowsSessionsBusyAndDayOff(t *testing.T) {
	e := newEnv(t)
	e.addScheduledSession()
	c := e.as(&e.facil)
	if r := c.post("/calendrier/disponibilites", patternForm([2]string{"08:00", "19:00"}, "Lille (59350)")); r.Status != http.StatusSeeOther {
		t.Fatalf("pattern: %d", r.Status)
	}
	if r := c.post("/calendrier/exceptions", url.Values{"kind": {"unavailable"}, "from": {"2026-11-30"}, "all_day": {"1"}, "label": {"RTT"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("exception: %d %s", r.Status, r.Body)
	}
	if r := c.post("/calendrier/exceptions", url.Values{"kind": {"unavailable"}, "from": {"2026-12-10"}, "to": {"2026-12-01"}, "all_day": {"1"}}); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "La date de fin doit être le même jour que la date de début, ou après.") {
		t.Errorf("exception backwards: %d", r.Status)
	}
	if r := c.post("/calendrier/occupations", url.Values{"date": {"2026-12-01"}, "start": {"09:00"}, "end": {"10:00"}, "label": {"Réunion d'équipe"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("busy: %d %s", r.Status, r.Body)
	}
	week := c.get("/calendrier?semaine=2026-W49")
	for _, want := range []string{"Semaine du 30 novembre au 6 décembre 2026", "RTT", "Occupé : Réunion d&#39;équipe",
		"Séance à Roubaix", "avec Nadia Coord (CLSM de Roubaix)", "14 h 00 – 17 h 00", "10 h 00 – 14 h 00"} {
		if !strings.Contains(week.Body, want) {
			t.Errorf("week view lacks %q", want)
		}
	}
	if r := c.get("/calendrier?semaine=2026-W60"); r.Status != http.StatusBadRequest {
		t.Errorf("bad week: %d", r.Status)
	}
	if r := c.get("/calendrier/mois?mois=2026-12"); r.Status != http.StatusOK || !strings.Contains(r.Body, "Décembre 2026") {
		t.Errorf("month: %d", r.Status)
	}
	admin := e.as(&e.admin).get("/admin/calendriers?semaine=2026-W49")
	if admin.Status != http.StatusOK || !strings.Contains(admin.Body, "Camille Facil") || !strings.Contains(admin.Body, "Séance à Roubaix") {
		t.Errorf("admin week: %d", admin.Status)
	}
}

// TestCalendar_ProposedSessionHoldsItsTime: a session proposed to its
// coordinator and not yet answered shows in the facilitator's and the
// admin's weeks as such, and its time is not shown free (the store's
// overlap rule counts it, and the planner reads the same calendar).
func TestCalendar_ProposedSessionHoldsItsTime(t *testing.T) {
	e := newEnv(t)
	e.addSession("proposed")
	c := e.as(&e.facil)
	if r := c.post("/calendrier/disponibilites", patternForm([2]string{"08:00", "19:00"}, "Lille (59350)")); r.Status != http.StatusSeeOther {
		t.Fatalf("pattern: %d", r.Status)
	}
	week := c.get("/calendrier?semaine=2026-W49")
	for _, want := range []string{"Séance proposée à Roubaix (en attente de réponse)", "8 h 00 – 14 h 00", "17 h 00 – 19 h 00"} {
		if !strings.Contains(week.Body, want) {
			t.Errorf("week view lacks %q", want)
		}
	}
	admin := e.as(&e.admin).get("/admin/calendriers?semaine=2026-W49")
	if admin.Status != http.StatusOK || !strings.Contains(admin.Body, "Séance proposée à Roubaix (en attente de réponse)") {
		t.Errorf("admin week: %d", admin.Status)
	}
}

// upload posts an .ics file as the browser does.
func (c *client) upload(path, name string, content []byte) resp {
	c.e.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("csrf_token", c.csrf())
	fw, _ := w.CreateFormFile("ics", name)
	fw.Write(content)
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, c.e.srv.URL+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req)
}

func TestCalendar_ImportFile(t *testing.T) {
	e := newEnv(t)
	c := e.as(&e.facil)
	if r := c.upload("/calendrier/import", "pas-un-agenda.ics", []byte("bonjour")); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "n&#39;est pas un calendrier iCalendar (.ics) lisible") {
		t.Errorf("not a calendar: %d", r.Status)
	}
	if r := c.upload("/calendrier/import", "enorme.ics", bytes.Repeat([]byte("X"), int(e.cfg.Calendar.MaxBytes)+1)); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "trop volumineux") {
		t.Errorf("huge: %d", r.Status)
	}
	if r := c.upload("/calendrier/import", "agenda.ics", []byte(calICS)); r.Status != http.StatusSeeOther {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
	if page := c.get("/calendrier/import"); !strings.Contains(page.Body, "agenda.ics") || !strings.Contains(page.Body, "1 plage occupée") {
		t.Errorf("import page does not show the file")
	}
	if week := c.get("/calendrier?semaine=2026-W49"); !strings.Contains(week.Body, "10 h 00 – 11 h 00</span> <span class=\"slot-label\">Occupé (agenda importé)") {
		t.Errorf("week view lacks the imported busy time")
	}
}

// TestCalendar_Subscription drives the subscription form against a local
// calendar server: SSRF refused without loopback allowed, then (loopback
// allowed, as in tests only) a first import, a 304 that keeps the data,
// a failure that keeps it and is shown with its reason.
func TestCalendar_Subscription(t *testing.T) {
	var mu sync.Mutex
	fail := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case fail:
			http.Error(w, "nope", http.StatusNotFound)
		case r.Header.Get("If-None-Match") == `"a1"`:
			w.WriteHeader(http.StatusNotModified)
		default:
			w.Header().Set("ETag", `"a1"`)
			w.Write([]byte(calICS))
		}
	}))
	defer srv.Close()

	strict := newEnv(t)
	r := strict.as(&strict.facil).post("/calendrier/abonnement", url.Values{"url": {srv.URL + "/secret.ics"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "réseau privé ou local") || !strings.Contains(r.Body, srv.URL+"/secret.ics") {
		t.Fatalf("SSRF: %d", r.Status)
	}
	if st, _ := strict.store.CalendarSettingsOf(context.Background(), strict.facil.ID); st.SubURL != "" {
		t.Fatalf("refused address saved")
	}
	if r := strict.as(&strict.facil).post("/calendrier/abonnement", url.Values{"url": {"ftp://exemple.fr/a.ics"}}); !strings.Contains(r.Body, "doit commencer par https://") {
		t.Errorf("ftp: %d", r.Status)
	}

	e := newEnv(t, func(c *config.Config) { c.Calendar.AllowLoopback = true })
	c := e.as(&e.facil)
	if r := c.post("/calendrier/abonnement", url.Values{"url": {srv.URL + "/secret.ics"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("subscribe: %d %s", r.Status, r.Body)
	}
	if r := c.post("/calendrier/abonnement/actualiser", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("refresh (304): %d", r.Status)
	}
	mu.Lock()
	fail = true
	mu.Unlock()
	e.clock.Add(time.Minute)
	c.post("/calendrier/abonnement/actualiser", nil)
	page := c.get("/calendrier/import")
	for _, want := range []string{"Dernière mise à jour réussie : mercredi 25 novembre 2026 à 10 h 00", "Échec de la dernière tentative",
		"ne trouve pas cette adresse (erreur 404)", "1 plage occupée"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("import page lacks %q", want)
		}
	}
	if strings.Contains(page.Body, "secret.ics") {
		t.Errorf("the secret address is shown in full")
	}
	if week := c.get("/calendrier?semaine=2026-W49"); !strings.Contains(week.Body, "Occupé (agenda importé)") {
		t.Errorf("busy time lost after a failed fetch")
	}
}
