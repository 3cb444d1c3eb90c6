package handlers_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"html"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"quartier/handlers"
	"quartier/internal/dbtest"
	"quartier/mailer"
	"quartier/models"
)

// fingerprint counts the rows of every table a form may write, so that a
// test can tell that a refused form stored nothing.
func (e *env) fingerprint() string {
	e.t.Helper()
	db := dbtest.SQL(e.t, e.cfg.Database.DSN)
	defer db.Close()
	var b strings.Builder
	for _, table := range []string{"users", "seasons", "clsms", "audit_events", "qpvs", "qpv_communes", "clsm_communes", "clsm_qpvs",
		"requests", "request_qpvs", "request_windows", "request_events", "availability_slots", "calendar_exceptions", "busy_times",
		"facilitator_calendars", "outbox_messages", "organisations"} {
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
			e.t.Fatalf("count %s: %v", table, err)
		}
		fmt.Fprintf(&b, "%s=%d ", table, n)
	}
	var updated sql.NullString
	if err := db.QueryRow("SELECT MAX(updated_at) FROM users").Scan(&updated); err != nil {
		e.t.Fatal(err)
	}
	b.WriteString(updated.String)
	return b.String()
}

// lines is n lines « prefix 1 », « prefix 2 »… joined by sep.
func lines(prefix string, n int, sep string) string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s %d", prefix, i+1)
	}
	return strings.Join(out, sep)
}

// merge returns base with the fields of over set (over's slices replace).
func merge(base url.Values, over url.Values) url.Values {
	out := url.Values{}
	for k, v := range base {
		out[k] = append([]string(nil), v...)
	}
	for k, v := range over {
		out[k] = v
	}
	return out
}

// TestFormBounds_EveryFormNamesTheLimitAndKeepsWhatWasTyped posts, to
// every form, a text over its length limit or a list over its count: the
// form comes back (422) with a French message naming the limit next to the
// field, what was typed is still there, and nothing is stored.
func TestFormBounds_EveryFormNamesTheLimitAndKeepsWhatWasTyped(t *testing.T) {
	e := newRequestEnv(t)
	admin, coord, facil := e.as(&e.admin), e.as(&e.coord), e.as(&e.facil)
	submitted := e.createRequest(coord, validRequest(e))
	other := e.createRequest(coord, validRequest(e))
	qpvs := make([]string, 301)
	for i := range qpvs {
		qpvs[i] = fmt.Sprintf("QN%06dM", i)
	}
	person := url.Values{"name": {"Léa Picard"}, "email": {"lea.picard@exemple.fr"}, "role": {"coordinator"}, "time_zone": {"Europe/Paris"}}
	clsm := url.Values{"name": {"CLSM d'Amiens"}, "departement": {"80"}, "communes": {"Amiens"}, "territory": {"Amiens Nord"}}
	qpv := url.Values{"code": {"QN08001M"}, "name": {"Étouvie"}, "communes": {"Amiens"}}
	season := url.Values{"name": {"Saison 2027-2028"}, "starts_on": {"2027-09-01"}, "ends_on": {"2028-07-01"}}
	long := func(n int) string { return strings.Repeat("x", n) }
	cases := []struct {
		name  string
		c     *client
		path  string
		form  url.Values
		field string // the field whose message is expected
		limit string // the words of the message that name the limit
		typed string // something typed that must come back
	}{
		{"request: other quartiers", coord, "/demandes/nouvelle", merge(validRequest(e), url.Values{"other_qpvs": {lines("Quartier", 51, ", ")}}), "other_qpvs", "au plus 50 autres quartiers", "Quartier 51"},
		{"request: checked quartiers", coord, "/demandes/nouvelle", merge(validRequest(e), url.Values{"qpvs": qpvs}), "qpvs", "300 au plus", "Salle Watremez"},
		{"request: windows", coord, "/demandes/nouvelle", merge(validRequest(e), url.Values{"windows[20].date": {"2027-02-01"}, "windows[20].part": {"morning"}}), "windows", "20 au plus", "Salle Watremez"},
		{"request: partners", coord, "/demandes/nouvelle", merge(validRequest(e), url.Values{"partners": {lines("Structure", 101, "\n")}}), "partners", "au plus 100 structures partenaires", "Structure 101"},
		{"request: venue address", coord, "/demandes/nouvelle", merge(validRequest(e), url.Values{"venue_address": {long(501)}}), "venue_address", "500 caractères au plus", long(501)},
		{"request: remote link", coord, "/demandes/nouvelle", merge(validRequest(e), url.Values{"format": {"remote"}, "remote_url": {"https://exemple.fr/" + long(2000)}}), "remote_url", "2000 caractères au plus", "Salle Watremez"},
		{"request edit: notes", coord, fmt.Sprintf("/demandes/%d/modifier", submitted), merge(validRequest(e), url.Values{"notes": {long(2001)}}), "notes", "2000 caractères au plus", long(2001)},
		{"withdrawal: comment", coord, fmt.Sprintf("/demandes/%d/retirer", other), url.Values{"comment": {long(4001)}}, "comment", "4000 caractères au plus", long(4001)},
		{"decision: reason", admin, fmt.Sprintf("/admin/demandes/%d/refuser", submitted), url.Values{"comment": {long(4001)}}, "decline_comment", "4000 caractères au plus", long(4001)},
		{"person: name", admin, "/admin/personnes/nouvelle", merge(person, url.Values{"name": {long(121)}}), "name", "120 caractères au plus", long(121)},
		{"person: address", admin, "/admin/personnes/nouvelle", merge(person, url.Values{"email": {long(250) + "@exemple.fr"}}), "email", "254 caractères au plus", long(250)},
		{"person edit: name", admin, fmt.Sprintf("/admin/personnes/%d", e.coord.ID), merge(person, url.Values{"name": {long(151)}, "email": {"coord@exemple.fr"}}), "name", "caractères au plus", long(151)},
		{"CLSM: communes", admin, "/admin/clsm/nouveau", merge(clsm, url.Values{"communes": {lines("Amiens", 501, "\n")}}), "communes", "au plus 500 communes", "Amiens 501"},
		{"CLSM: quartiers", admin, fmt.Sprintf("/admin/clsm/%d", e.clsm.ID), merge(clsm, url.Values{"qpvs": qpvs}), "qpvs", "300 au plus", "Amiens Nord"},
		{"CLSM: territory", admin, "/admin/clsm/nouveau", merge(clsm, url.Values{"territory": {long(501)}}), "territory", "500 caractères au plus", long(501)},
		{"CLSM: name", admin, "/admin/clsm/nouveau", merge(clsm, url.Values{"name": {long(151)}}), "name", "150 caractères au plus", long(151)},
		{"season: name", admin, "/admin/saisons", merge(season, url.Values{"name": {long(151)}}), "name", "150 caractères au plus", long(151)},
		{"quartier: name", admin, "/admin/qpv", merge(qpv, url.Values{"name": {long(151)}}), "name", "150 caractères au plus", long(151)},
		{"quartier: communes", admin, "/admin/qpv", merge(qpv, url.Values{"communes": {lines("Amiens", 501, ", ")}}), "communes", "au plus 500 communes", "Amiens 501"},
		{"exception: label", facil, "/calendrier/exceptions", url.Values{"kind": {"unavailable"}, "from": {"2026-11-30"}, "all_day": {"1"}, "label": {long(121)}}, "label", "120 caractères au plus", long(121)},
		{"busy time: label", facil, "/calendrier/occupations", url.Values{"date": {"2026-12-01"}, "start": {"09:00"}, "end": {"10:00"}, "label": {long(121)}}, "label", "120 caractères au plus", long(121)},
		{"availability: home", facil, "/calendrier/disponibilites", merge(patternForm([2]string{"08:00", "12:00"}, long(201)), nil), "home", "200 caractères au plus", long(201)},
		{"subscription: address", facil, "/calendrier/abonnement", url.Values{"url": {"https://exemple.fr/" + long(2000)}}, "url", "2000 caractères au plus", long(2000)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := e.fingerprint()
			r := tc.c.post(tc.path, tc.form)
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", r.Status)
			}
			id := fieldIDOf(tc.field)
			msg := messageOf(r.Body, id)
			if msg == "" {
				t.Fatalf("no message next to %s", tc.field)
			}
			if !strings.Contains(msg, tc.limit) {
				t.Errorf("the message next to %s, %q, does not name the limit %q", tc.field, msg, tc.limit)
			}
			if !strings.Contains(r.Body, tc.typed) {
				t.Errorf("what was typed (%.40s…) is lost", tc.typed)
			}
			if after := e.fingerprint(); after != before {
				t.Errorf("a refused form stored something:\n before %s\n after  %s", before, after)
			}
		})
	}
}

// messageOf is the text of the field-error message with this id prefix.
func messageOf(body, id string) string {
	marker := `id="` + id + `-erreur">`
	i := strings.Index(body, marker)
	if i < 0 {
		return ""
	}
	rest := body[i+len(marker):]
	if j := strings.Index(rest, "</small>"); j >= 0 {
		rest = rest[:j]
	}
	return html.UnescapeString(rest)
}

// TestFormBounds_ActionsWithoutAFormRefuseOversizedFields checks the posts
// that do not show a form again: a field over its bound gets the French
// 422 page, and the action is not done.
func TestFormBounds_ActionsWithoutAFormRefuseOversizedFields(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	before := e.countMail("coord@exemple.fr")
	r := c.post("/connexion", url.Values{"email": {strings.Repeat("a", 300) + "@exemple.fr"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "254 caractères au plus") || !strings.Contains(r.Body, `lang="fr"`) {
		t.Fatalf("login with a 300-character address: %d\n%s", r.Status, r.Body)
	}
	admin := e.as(&e.admin)
	r = admin.post(fmt.Sprintf("/admin/personnes/%d/desactiver", e.coord.ID), url.Values{"confirm": {strings.Repeat("oui", 100)}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("deactivation with an oversized field: status %d", r.Status)
	}
	if u, _ := e.store.UserByID(t.Context(), e.coord.ID); !u.Active {
		t.Error("the refused action was done")
	}
	if e.countMail("coord@exemple.fr") != before {
		t.Error("a refused sign-in sent a link")
	}
}

// signInWith signs u in through a sign-in link posted with suite, and
// returns where the app sends the browser (or the status, if it does not).
func (c *client) signInWith(u models.User, suite string) string {
	c.e.t.Helper()
	if err := c.e.store.RequestSignInLink(context.Background(), u.Email, "", models.SignInPolicy{TTL: 15 * time.Minute}); err != nil {
		c.e.t.Fatal(err)
	}
	token := c.e.lastLink(u.Email)
	r := c.post("/connexion/lien/"+token, url.Values{"suite": {suite}})
	if r.Status != http.StatusSeeOther {
		return fmt.Sprintf("(status %d)", r.Status)
	}
	return r.Location
}

// TestLogin_NextIsASameOriginPathOnly: after signing in, the browser goes
// to suite only when it is a path of this site; anything a URL parser
// could resolve to another host sends it to the dashboard.
func TestLogin_NextIsASameOriginPathOnly(t *testing.T) {
	e := newEnv(t)
	cases := []struct{ suite, want string }{
		{"/demandes", "/demandes"},
		{"/admin/demandes/3?etat=submitted", "/admin/demandes/3?etat=submitted"},
		{"/calendrier?semaine=2026-W49#jour", "/calendrier?semaine=2026-W49#jour"},
		{"//evil.example", "/tableau-de-bord"},
		{"/\\evil.example", "/tableau-de-bord"},
		{"\\\\evil.example", "/tableau-de-bord"},
		{"/\t/evil.example", "/tableau-de-bord"},
		{"/%09/evil.example", "/tableau-de-bord"},
		{"/%2F/evil.example", "/tableau-de-bord"},
		{"/%5Cevil.example", "/tableau-de-bord"},
		{"https://evil.example/", "/tableau-de-bord"},
		{"https:/evil.example", "/tableau-de-bord"},
		{"javascript:alert(1)", "/tableau-de-bord"},
		{" /demandes", "/tableau-de-bord"},
		{"/demandes\r\nSet-Cookie: x=1", "/tableau-de-bord"},
		{"/x\r\n", "/tableau-de-bord"},
		{"/x y", "/tableau-de-bord"},
		{"/x\u00a0y", "/tableau-de-bord"},
		{"/x\u2028", "/tableau-de-bord"},
		{"/%E2%80%A8", "/tableau-de-bord"},
		{"", "/tableau-de-bord"},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%q", tc.suite), func(t *testing.T) {
			c := e.client()
			if got := c.signInWith(e.coord, tc.suite); got != tc.want {
				t.Errorf("after sign-in: Location %q, want %q", got, tc.want)
			}
		})
	}
	// The sign-in page keeps only a safe destination in its form.
	c := e.client()
	for _, bad := range []string{"/%09/evil.example", "//evil.example", "/\\evil"} {
		page := c.get("/connexion?suite=" + url.QueryEscape(bad))
		if strings.Contains(page.Body, "evil") {
			t.Errorf("the sign-in form carries %q on", bad)
		}
	}
}

// TestCLSM_CoordinatorMustBeACoordinator: creating or editing a CLSM with
// a coordinator who does not exist, or who is a facilitator or an admin,
// is refused next to the field, and nothing is stored.
func TestCLSM_CoordinatorMustBeACoordinator(t *testing.T) {
	e := newEnv(t)
	c := e.as(&e.admin)
	for _, path := range []string{"/admin/clsm/nouveau", fmt.Sprintf("/admin/clsm/%d", e.clsm.ID)} {
		for _, tc := range []struct{ name, id, want string }{
			{"unknown", "999999", "parmi les propositions"},
			{"facilitator", fmt.Sprint(e.facil.ID), "rôle de coordination"},
			{"admin", fmt.Sprint(e.admin.ID), "rôle de coordination"},
		} {
			t.Run(path+" "+tc.name, func(t *testing.T) {
				before := e.fingerprint()
				r := c.post(path, url.Values{"name": {"CLSM d'Amiens"}, "departement": {"80"}, "communes": {"Amiens"}, "coordinator": {tc.id}})
				if r.Status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422", r.Status)
				}
				if m := messageOf(r.Body, "f-coordinator"); !strings.Contains(m, tc.want) {
					t.Errorf("message next to the coordinator: %q, want %q", m, tc.want)
				}
				if !strings.Contains(r.Body, `value="CLSM d&#39;Amiens"`) {
					t.Error("the name typed is lost")
				}
				if after := e.fingerprint(); after != before {
					t.Errorf("stored something:\n%s\n%s", before, after)
				}
			})
		}
	}
}

// TestHEAD_AnswersLikeGETOnEveryRoute walks every GET route of the route
// table, as a role allowed in, and checks that HEAD gets GET's status and
// headers, without a body.
func TestHEAD_AnswersLikeGETOnEveryRoute(t *testing.T) {
	e := newEnv(t)
	as := map[handlers.Access]*client{
		handlers.AccessPublic: e.client(), handlers.AccessToken: e.client(), handlers.AccessSignedIn: e.as(&e.admin),
		handlers.AccessCoordinator: e.as(&e.coord), handlers.AccessFacilitator: e.as(&e.facil), handlers.AccessAdmin: e.as(&e.admin),
	}
	static := e.client().get("/")
	asset := regexp.MustCompile(`/static/[0-9a-f]+/css/app\.css`).FindString(static.Body)
	if asset == "" {
		t.Fatal("no stylesheet link on the home page")
	}
	paths := map[string]string{"/static/:version/*": asset}
	n := 0
	for _, r := range e.routes {
		if r.Method != http.MethodGet {
			continue
		}
		n++
		path := paths[r.Path]
		if path == "" {
			path = concretePath(r.Path)
		}
		t.Run(r.Path, func(t *testing.T) {
			c := as[r.Access]
			get := c.get(path)
			req, _ := http.NewRequest(http.MethodHead, e.srv.URL+path, nil)
			head := c.do(req)
			if head.Status != get.Status {
				t.Errorf("HEAD %s: status %d, GET %d", path, head.Status, get.Status)
			}
			if head.Body != "" {
				t.Errorf("HEAD %s has a body of %d bytes", path, len(head.Body))
			}
			if got, want := head.Header.Get("Content-Type"), get.Header.Get("Content-Type"); got != want {
				t.Errorf("HEAD %s: Content-Type %q, GET %q", path, got, want)
			}
		})
	}
	if n < 20 {
		t.Fatalf("only %d GET routes", n)
	}
	for _, path := range []string{"/healthz", asset} {
		req, _ := http.NewRequest(http.MethodHead, e.srv.URL+path, nil)
		if r := e.client().do(req); r.Status != http.StatusOK {
			t.Errorf("HEAD %s: status %d, want 200", path, r.Status)
		}
	}
}

// TestBadBytes_AreRefusedBeforeAnyHandler: a form field or a query that is
// not valid UTF-8, or holds a NUL byte, gets a French 422 page and nothing
// is stored or echoed.
func TestBadBytes_AreRefusedBeforeAnyHandler(t *testing.T) {
	e := newRequestEnv(t)
	admin, coord := e.as(&e.admin), e.as(&e.coord)
	person := url.Values{"email": {"lea.picard@exemple.fr"}, "role": {"coordinator"}, "time_zone": {"Europe/Paris"}}
	cases := []struct {
		name string
		c    *client
		path string
		form url.Values
	}{
		{"invalid UTF-8 in a name", admin, "/admin/personnes/nouvelle", merge(person, url.Values{"name": {"Léa \xff\xfe Picard"}})},
		{"NUL in a name", admin, "/admin/personnes/nouvelle", merge(person, url.Values{"name": {"Léa\x00Picard"}})},
		{"Latin-1 in the request notes", coord, "/demandes/nouvelle", merge(validRequest(e), url.Values{"notes": {"Pr\xe9voir un caf\xe9"}})},
		{"NUL in a field name", coord, "/demandes/nouvelle", merge(validRequest(e), url.Values{"notes\x00": {"x"}})},
		{"invalid UTF-8 in a season", admin, "/admin/saisons", url.Values{"name": {"Saison \xc3"}, "starts_on": {"2027-09-01"}, "ends_on": {"2028-07-01"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := e.fingerprint()
			r := tc.c.post(tc.path, tc.form)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Caractères non valides") || !strings.Contains(r.Body, `lang="fr"`) {
				t.Fatalf("status %d, want the French 422 page\n%.300s", r.Status, r.Body)
			}
			if strings.Contains(r.Body, "\xff") || strings.Contains(r.Body, "\x00") || strings.Contains(r.Body, "\xe9") {
				t.Error("the bad bytes are echoed")
			}
			if after := e.fingerprint(); after != before {
				t.Errorf("stored something:\n%s\n%s", before, after)
			}
		})
	}
	r := admin.get("/admin/personnes?q=" + url.QueryEscape("L\xe9a"))
	if r.Status != http.StatusUnprocessableEntity || strings.Contains(r.Body, "\xe9") {
		t.Errorf("a search with Latin-1 bytes: status %d", r.Status)
	}
}

// endless is a body of n bytes of form text with no announced length, so
// that the client sends it chunked.
type endless struct{ n int }

func (b *endless) Read(p []byte) (int, error) {
	if b.n <= 0 {
		return 0, io.EOF
	}
	k := min(len(p), b.n)
	for i := range p[:k] {
		p[i] = 'a'
	}
	b.n -= k
	return k, nil
}

// TestBodyLimit_ChunkedOrAnnouncedIsAFrench413: a body over the limit is
// refused with the French 413 page, whether its length is announced or it
// comes chunked (which used to answer « Formulaire expiré »).
func TestBodyLimit_ChunkedOrAnnouncedIsAFrench413(t *testing.T) {
	e := newEnv(t)
	c := e.as(&e.admin)
	token := c.csrf()
	for _, chunked := range []bool{true, false} {
		t.Run(fmt.Sprintf("chunked=%v", chunked), func(t *testing.T) {
			body := io.MultiReader(strings.NewReader("csrf_token="+token+"&name="), &endless{n: 13 << 20})
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/admin/saisons", body)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if !chunked {
				req.ContentLength = int64(len("csrf_token="+token+"&name=")) + 13<<20
			}
			r := c.do(req)
			if r.Status != http.StatusRequestEntityTooLarge || !strings.Contains(r.Body, "Envoi trop volumineux") || !strings.Contains(r.Body, "12 Mo") {
				t.Fatalf("status %d\n%.400s", r.Status, r.Body)
			}
		})
	}
}

// TestProtocolErrors_AreFrenchPages sends, on a raw connection, what
// net/http refuses before any handler runs: through the listener of
// internal/app (FrenchProtocolErrors), the page is French.
func TestProtocolErrors_AreFrenchPages(t *testing.T) {
	e := newEnv(t)
	srv := httptest.NewUnstartedServer(e.echo)
	srv.Config.MaxHeaderBytes = handlers.MaxHeaderBytes
	srv.Listener = handlers.FrenchProtocolErrors(srv.Listener)
	srv.Start()
	t.Cleanup(srv.Close)
	cases := []struct {
		name, request string
		status        int
		want          string
	}{
		{"malformed header", "GET / HTTP/1.1\r\nHost: x\r\nPas un en-tête\r\n\r\n", 400, "Demande incorrecte"},
		{"no Host", "GET / HTTP/1.1\r\n\r\n", 400, "Demande incorrecte"},
		{"headers too large", "GET / HTTP/1.1\r\nHost: x\r\nCookie: " + strings.Repeat("a", 2*handlers.MaxHeaderBytes) + "\r\n\r\n", 431, "En-têtes trop volumineux"},
		{"unknown transfer encoding", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: zip\r\n\r\n", 501, "non pris en charge"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", srv.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
			go func() { _, _ = io.WriteString(conn, tc.request) }()
			res, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != tc.status || !strings.Contains(string(body), tc.want) || !strings.Contains(string(body), `lang="fr"`) ||
				!strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
				t.Errorf("status %d, %s\n%s", res.StatusCode, res.Header.Get("Content-Type"), body)
			}
		})
	}
	// An ordinary answer goes through untouched.
	res, err := http.Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Date") == "" {
		t.Errorf("healthz through the wrapper: %d", res.StatusCode)
	}
}

// TestLogs_SignInAndItsMailHoldNoAddress signs in by the mailed link, with
// the outbox delivering through the file driver into the same log: the
// log names users and messages by id, never by address or name.
func TestLogs_SignInAndItsMailHoldNoAddress(t *testing.T) {
	e := newEnv(t)
	log := slog.New(slog.NewTextHandler(e.logs, nil))
	c := e.client()
	if r := c.post("/connexion", url.Values{"email": {"coord@exemple.fr"}}); r.Status != http.StatusOK {
		t.Fatalf("sign-in form: %d", r.Status)
	}
	token := e.lastLink("coord@exemple.fr") // before delivery, which empties the stored message
	file, err := mailer.NewFileDriver(e.cfg.Mail.Dir, log)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := mailer.NewWorker(e.store, file, mailer.WorkerOptions{Log: log}).RunOnce(context.Background()); n == 0 || err != nil {
		// The link, and the welcome emails of the fixture's accounts.
		t.Fatalf("outbox: %d sent, %v", n, err)
	}
	if r := c.post("/connexion/lien/"+token, nil); r.Status != http.StatusSeeOther {
		t.Fatalf("sign in: %d", r.Status)
	}
	c.get("/tableau-de-bord")
	logs := e.logs.String()
	if !strings.Contains(logs, "mail written to file") || !strings.Contains(logs, fmt.Sprintf("user_id=%d", e.coord.ID)) {
		t.Fatalf("the log misses the mail or the sign-in:\n%s", logs)
	}
	for _, personal := range []string{"coord@exemple.fr", "Nadia", "Coord"} {
		if strings.Contains(logs, personal) {
			t.Errorf("the log holds %q:\n%s", personal, logs)
		}
	}
}

// TestPersonName_OneLineAnyPunctuation: a name with a line break or
// another control character is refused next to the field; quotes,
// apostrophes and accents are kept as typed.
func TestPersonName_OneLineAnyPunctuation(t *testing.T) {
	e := newEnv(t)
	c := e.as(&e.admin)
	person := url.Values{"email": {"lea.picard@exemple.fr"}, "role": {"coordinator"}, "time_zone": {"Europe/Paris"}}
	for _, name := range []string{"Léa\r\nBcc: x@exemple.fr", "Léa\nPicard", "Léa\x07Picard", "Léa\u2028Picard"} {
		before := e.fingerprint()
		r := c.post("/admin/personnes/nouvelle", merge(person, url.Values{"name": {name}}))
		if r.Status != http.StatusUnprocessableEntity || messageOf(r.Body, "f-name") == "" {
			t.Errorf("%q: status %d, or no message next to the name", name, r.Status)
		}
		if e.fingerprint() != before {
			t.Errorf("%q: stored", name)
		}
	}
	r := c.post("/admin/personnes/nouvelle", merge(person, url.Values{"name": {`Léa "Lulu" O’Brien-d'Été`}}))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("an ordinary name: status %d\n%s", r.Status, r.Body)
	}
	u, err := e.store.UserByEmail(context.Background(), "lea.picard@exemple.fr")
	if err != nil || u.Name != `Léa "Lulu" O’Brien-d'Été` {
		t.Errorf("stored name %q (%v)", u.Name, err)
	}
}

// TestQPVImport_BoundsEachLine: an imported line whose name is too long or
// holds a control character is rejected with its reason, the other lines
// are imported.
func TestQPVImport_BoundsEachLine(t *testing.T) {
	e := newEnv(t)
	c := e.as(&e.admin)
	csv := "code_qp;lib_qp;insee_com\nQN05910M;Bon quartier;59512\nQN05911M;" + strings.Repeat("n", 151) + ";59512\nQN05912M;Nom\x07cloche;59512\n"
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("csrf_token", c.csrf())
	fw, _ := w.CreateFormFile("file", "qpv.csv")
	_, _ = io.WriteString(fw, csv)
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/admin/qpv/import", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	r := c.do(req)
	if r.Status != http.StatusOK {
		t.Fatalf("import: %d\n%s", r.Status, r.Body)
	}
	page := html.UnescapeString(r.Body)
	if !strings.Contains(page, "150 caractères au plus") || !strings.Contains(page, "ligne 3") {
		t.Errorf("the long name is not reported on its line:\n%s", page)
	}
	qpvs, err := e.store.QPVsByCode(context.Background(), []string{"QN05910M", "QN05911M", "QN05912M"})
	if err != nil {
		t.Fatal(err)
	}
	if len(qpvs) != 1 || qpvs[0].Code != "QN05910M" {
		t.Errorf("imported %+v, want only the good line", qpvs)
	}
}
