package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"quartier/config"
	"quartier/models"
)

var linkInPayload = regexp.MustCompile(`/connexion/lien/([A-Za-z0-9_-]{40,})`)

// lastLink returns the sign-in link token of the newest message to addr.
func (e *env) lastLink(addr string) string {
	e.t.Helper()
	msgs, _, err := e.store.ListOutbox(context.Background(), models.OutboxFilter{Limit: 100})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, m := range msgs {
		if m.Recipient == addr && (m.Kind == "magic_link" || m.Kind == "welcome") {
			full, err := e.store.OutboxMessageByID(context.Background(), m.ID)
			if err != nil {
				e.t.Fatal(err)
			}
			if sm := linkInPayload.FindStringSubmatch(full.Payload); sm != nil {
				return sm[1]
			}
		}
	}
	e.t.Fatalf("no sign-in link mailed to %s", addr)
	return ""
}

func (e *env) countMail(addr string) int { return e.countKind(addr, "") }

// countLinks counts the sign-in emails (not the welcome) sent to addr.
func (e *env) countLinks(addr string) int { return e.countKind(addr, "magic_link") }

// countKind counts the messages of one kind ("" for all) to addr.
func (e *env) countKind(addr, kind string) int {
	msgs, _, err := e.store.ListOutbox(context.Background(), models.OutboxFilter{Limit: 1000})
	if err != nil {
		e.t.Fatal(err)
	}
	n := 0
	for _, m := range msgs {
		if m.Recipient == addr && (kind == "" || m.Kind == kind) {
			n++
		}
	}
	return n
}

func TestPublicPages(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	home := c.get("/")
	if home.Status != http.StatusOK || !strings.Contains(home.Body, `<html lang="fr"`) || !strings.Contains(home.Body, "Aller au contenu") {
		t.Fatalf("home: %d", home.Status)
	}
	csp := home.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP = %q", csp)
	}
	if home.Header.Get("X-Content-Type-Options") != "nosniff" || home.Header.Get("X-Request-Id") == "" {
		t.Errorf("missing hardening headers: %v", home.Header)
	}
	nf := c.get("/pas-de-page-ici")
	if nf.Status != http.StatusNotFound || !strings.Contains(nf.Body, "Page introuvable") {
		t.Errorf("404: %d %q", nf.Status, nf.Body[:min(200, len(nf.Body))])
	}
	if hz := c.get("/healthz"); hz.Status != http.StatusOK {
		t.Errorf("healthz: %d", hz.Status)
	}
	for _, p := range []string{"/confidentialite", "/accessibilite", "/connexion"} {
		if r := c.get(p); r.Status != http.StatusOK {
			t.Errorf("%s: %d", p, r.Status)
		}
	}
}

func TestStaticAssetsAreVersioned(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	home := c.get("/")
	m := regexp.MustCompile(`/static/([0-9a-f]{12})/css/app.css`).FindStringSubmatch(home.Body)
	if m == nil {
		t.Fatal("no versioned stylesheet link")
	}
	r := c.get(m[0])
	if r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Cache-Control"), "immutable") || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/css") {
		t.Errorf("css: %d %v", r.Status, r.Header)
	}
	if r := c.get("/static/" + m[1] + "/css/PICO-LICENSE.md"); r.Status != http.StatusNotFound {
		t.Errorf("licence file served: %d", r.Status)
	}
	if r := c.get("/static/" + m[1] + "/../assets.go"); r.Status != http.StatusNotFound {
		t.Errorf("path traversal: %d", r.Status)
	}
}

func TestLogin_NeutralAnswerAndLinkOnlyForActiveUsers(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	known := c.post("/connexion", url.Values{"email": {"  Coord@Exemple.FR "}})
	unknown := c.post("/connexion", url.Values{"email": {"personne@exemple.fr"}})
	if known.Status != http.StatusOK || unknown.Status != http.StatusOK {
		t.Fatalf("statuses %d %d", known.Status, unknown.Status)
	}
	neutral := "Si un compte correspond"
	if !strings.Contains(known.Body, neutral) || !strings.Contains(unknown.Body, neutral) {
		t.Fatal("answers are not the same neutral message")
	}
	if n := e.countLinks("coord@exemple.fr"); n != 1 {
		t.Errorf("links to the coordinator: %d, want 1", n)
	}
	if n := e.countMail("personne@exemple.fr"); n != 0 {
		t.Errorf("mails to an unknown address: %d", n)
	}
	if err := e.store.SetUserActive(context.Background(), e.admin.ID, e.facil.ID, false); err != nil {
		t.Fatal(err)
	}
	c.post("/connexion", url.Values{"email": {"facil@exemple.fr"}})
	if n := e.countLinks("facil@exemple.fr"); n != 0 {
		t.Errorf("a deactivated user got a sign-in link")
	}
	bad := c.post("/connexion", url.Values{"email": {"pas-une-adresse"}})
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "adresse électronique valide") || !strings.Contains(bad.Body, `value="pas-une-adresse"`) {
		t.Errorf("bad address: %d", bad.Status)
	}
}

func TestLogin_LinkOpensButtonThenSignsInOnce(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.post("/connexion", url.Values{"email": {"coord@exemple.fr"}})
	token := e.lastLink("coord@exemple.fr")

	// A mail scanner opening the link does not burn it.
	for range 2 {
		r := c.get("/connexion/lien/" + token)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "Se connecter") {
			t.Fatalf("link page: %d", r.Status)
		}
	}
	before := cookieValue(c, e, "quartier_session")
	r := c.post("/connexion/lien/"+token, nil)
	if r.Status != http.StatusSeeOther || r.Location != "/tableau-de-bord" {
		t.Fatalf("sign in: %d → %q", r.Status, r.Location)
	}
	after := cookieValue(c, e, "quartier_session")
	if after == "" || after == before {
		t.Fatal("no new session cookie")
	}
	dash := c.get("/tableau-de-bord")
	if dash.Status != http.StatusOK || !strings.Contains(dash.Body, "CLSM de Roubaix") || !strings.Contains(dash.Body, "Se déconnecter") {
		t.Fatalf("dashboard: %d", dash.Status)
	}

	// Replayed: friendly page, no session.
	other := e.client()
	replay := other.post("/connexion/lien/"+token, nil)
	if replay.Status != http.StatusGone || !strings.Contains(replay.Body, "déjà servi") {
		t.Errorf("replay: %d", replay.Status)
	}
	if r := other.get("/tableau-de-bord"); r.Status != http.StatusSeeOther {
		t.Errorf("replay gave a session: %d", r.Status)
	}
	if r := other.get("/connexion/lien/" + strings.Repeat("x", 43)); r.Status != http.StatusNotFound || !strings.Contains(r.Body, "pas valable") {
		t.Errorf("unknown link: %d", r.Status)
	}
}

func TestLogin_ExpiredLink(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.post("/connexion", url.Values{"email": {"coord@exemple.fr"}})
	token := e.lastLink("coord@exemple.fr")
	e.clock.Add(15*time.Minute + time.Second)
	r := c.post("/connexion/lien/"+token, nil)
	if r.Status != http.StatusGone || !strings.Contains(r.Body, "expiré") {
		t.Fatalf("expired link: %d", r.Status)
	}
	if r := c.get("/tableau-de-bord"); r.Status != http.StatusSeeOther {
		t.Errorf("expired link gave a session: %d", r.Status)
	}
}

func TestLogout(t *testing.T) {
	e := newEnv(t)
	c := e.as(&e.admin)
	if r := c.post("/deconnexion", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.Status)
	}
	if r := c.get("/tableau-de-bord"); r.Status != http.StatusSeeOther {
		t.Errorf("still signed in after logout: %d", r.Status)
	}
}

func TestCSRF_MissingOrWrongTokenIsRefused(t *testing.T) {
	e := newEnv(t)
	c := e.as(&e.admin)
	for _, token := range []string{"", "forged"} {
		r := c.post("/deconnexion", url.Values{"csrf_token": {token}})
		if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "Formulaire expiré") {
			t.Errorf("token %q: %d", token, r.Status)
		}
	}
	if r := c.get("/tableau-de-bord"); r.Status != http.StatusOK {
		t.Errorf("refused logout still signed out: %d", r.Status)
	}
	// Another browser's token does not work either.
	other := e.client()
	r := c.post("/deconnexion", url.Values{"csrf_token": {other.csrf()}})
	if r.Status != http.StatusForbidden {
		t.Errorf("cross-browser token accepted: %d", r.Status)
	}
}

func TestSessionExpiry(t *testing.T) {
	e := newEnv(t, func(c *config.Config) {
		c.Auth.SessionIdle = config.Duration{Duration: time.Hour}
		c.Auth.SessionAbsolute = config.Duration{Duration: 3 * time.Hour}
	})
	c := e.as(&e.coord)
	e.clock.Add(59 * time.Minute)
	if r := c.get("/tableau-de-bord"); r.Status != http.StatusOK {
		t.Fatalf("within idle: %d", r.Status)
	}
	e.clock.Add(61 * time.Minute)
	if r := c.get("/tableau-de-bord"); r.Status != http.StatusSeeOther {
		t.Fatalf("idle expiry not enforced: %d", r.Status)
	}
	c = e.as(&e.coord)
	for range 6 { // active every 30 minutes, but past the absolute limit
		e.clock.Add(30 * time.Minute)
		c.get("/tableau-de-bord")
	}
	e.clock.Add(time.Minute)
	if r := c.get("/tableau-de-bord"); r.Status != http.StatusSeeOther {
		t.Fatalf("absolute expiry not enforced: %d", r.Status)
	}
}

func TestRateLimits(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	neutral := "Si un compte correspond"
	for i := range 5 {
		if r := c.post("/connexion", url.Values{"email": {"coord@exemple.fr"}}); r.Status != http.StatusOK {
			t.Fatalf("attempt %d: %d", i+1, r.Status)
		}
	}
	// Anyone can ask for a person's links: past the limit, the person is
	// not refused (no 429 in their face), the mail silently stops.
	r := c.post("/connexion", url.Values{"email": {"coord@exemple.fr"}})
	if r.Status != http.StatusOK || !strings.Contains(r.Body, neutral) {
		t.Fatalf("6th email to one address: %d, want the neutral page", r.Status)
	}
	if n := e.countLinks("coord@exemple.fr"); n != 5 {
		t.Errorf("links sent: %d, want 5", n)
	}
	// An unknown address gets the very same answer (no enumeration).
	for range 5 {
		c.post("/connexion", url.Values{"email": {"x@exemple.fr"}})
	}
	if r := c.post("/connexion", url.Values{"email": {"x@exemple.fr"}}); r.Status != http.StatusOK || !strings.Contains(r.Body, neutral) {
		t.Errorf("unknown address past the limit: %d", r.Status)
	}
	// 30 posts per client: 12 so far.
	for i := range 18 {
		c.post("/connexion", url.Values{"email": {"n" + string(rune('a'+i)) + "@exemple.fr"}})
	}
	if r := c.post("/connexion", url.Values{"email": {"last@exemple.fr"}}); r.Status != http.StatusTooManyRequests {
		t.Errorf("31st post from one client: %d", r.Status)
	}
	e.clock.Add(16 * time.Minute)
	if r := c.post("/connexion", url.Values{"email": {"coord@exemple.fr"}}); r.Status != http.StatusOK {
		t.Errorf("after the window: %d", r.Status)
	}
	if n := e.countLinks("coord@exemple.fr"); n != 6 {
		t.Errorf("after the window, links sent: %d, want 6", n)
	}
}

func TestClientAddressFromTrustedProxyOnly(t *testing.T) {
	e := newEnv(t, func(c *config.Config) { c.Auth.LoginPostsPerIP = 2 })
	c := e.client()
	post := func(xff string) int {
		form := url.Values{"email": {"z@exemple.fr"}, "csrf_token": {c.csrf()}}
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/connexion", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", xff)
		return c.do(req).Status
	}
	// No trusted proxy: a forged header does not reset the per-client count.
	post("203.0.113.1")
	post("203.0.113.2")
	if s := post("203.0.113.3"); s != http.StatusTooManyRequests {
		t.Errorf("X-Forwarded-For believed without a trusted proxy: %d", s)
	}
}

func cookieValue(c *client, e *env, name string) string {
	u, _ := url.Parse(e.srv.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

func TestLogsNeverHoldTokens(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.post("/connexion", url.Values{"email": {"coord@exemple.fr"}})
	token := e.lastLink("coord@exemple.fr")
	c.get("/connexion/lien/" + token)
	c.post("/connexion/lien/"+token, nil)
	c.get("/tableau-de-bord")
	logs := e.logs.String()
	if !strings.Contains(logs, "route=/connexion/lien/:token") || !strings.Contains(logs, "request_id=") {
		t.Fatalf("request lines missing:\n%s", logs)
	}
	session := cookieValue(c, e, "quartier_session")
	for name, secret := range map[string]string{"sign-in token": token, "session cookie": session} {
		if secret == "" || strings.Contains(logs, secret) {
			t.Errorf("the %s appears in the logs (or is empty)", name)
		}
	}
}

func TestCookiesAreSecureOnHTTPS(t *testing.T) {
	e := newEnv(t, func(c *config.Config) { c.Server.BaseURL = "https://quartier.example.org" })
	c := e.client()
	r := c.get("/connexion")
	for _, ck := range r.Header.Values("Set-Cookie") {
		if !strings.Contains(ck, "Secure") || !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Lax") {
			t.Errorf("cookie %q lacks Secure, HttpOnly or SameSite=Lax", ck)
		}
	}
	if len(r.Header.Values("Set-Cookie")) == 0 {
		t.Fatal("no cookie set")
	}
	if !strings.Contains(r.Header.Get("Strict-Transport-Security"), "max-age=") {
		t.Error("no HSTS header on an https site")
	}
}

func TestClientAddressThroughTrustedProxy(t *testing.T) {
	e := newEnv(t, func(c *config.Config) {
		c.Auth.LoginPostsPerIP = 2
		c.Server.TrustedProxies = []string{"127.0.0.1"}
	})
	c := e.client()
	post := func(xff string) int {
		form := url.Values{"email": {"z@exemple.fr"}, "csrf_token": {c.csrf()}}
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/connexion", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", xff)
		return c.do(req).Status
	}
	post("203.0.113.1")
	post("203.0.113.1")
	if s := post("203.0.113.1"); s != http.StatusTooManyRequests {
		t.Errorf("third post from one client behind the proxy: %d", s)
	}
	if s := post("203.0.113.2"); s != http.StatusOK {
		t.Errorf("another client behind the proxy was limited: %d", s)
	}
}
