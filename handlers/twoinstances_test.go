package handlers_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"quartier/config"
	"quartier/handlers"
	"quartier/links"
	"quartier/mailer"
	"quartier/models"
)

// secondInstance is another quartier on e's database, configuration and
// secret, with a store (a connection pool) and a handler of its own, as a
// second instance behind a load balancer: nothing is shared with e but
// the database and the configuration.
func (e *env) secondInstance() *env {
	t := e.t
	t.Helper()
	store, err := models.Open(e.cfg.Database.DSN, models.WithClock(e.clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	l, err := links.New([]byte(e.cfg.Server.Secret), e.cfg.Server.BaseURL)
	if err != nil {
		t.Fatal(err)
	}
	composer, err := mailer.NewComposer(mailer.ComposerConfig{BaseURL: e.cfg.Server.BaseURL, From: e.cfg.Mail.From, FromName: e.cfg.Mail.FromName, Links: l})
	if err != nil {
		t.Fatal(err)
	}
	store.UseMail(composer)
	h, err := handlers.New(handlers.Deps{
		Config: e.cfg, Store: store, Mail: composer, Links: l, Territory: geo, Secret: []byte(e.cfg.Server.Secret),
		Log: slog.New(slog.NewTextHandler(io.MultiWriter(e.logs, warnings{testLog{t}}), nil)), Now: e.clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	router, routes := h.Router()
	b := *e
	b.store, b.echo, b.routes = store, router, routes
	b.srv = httptest.NewServer(router)
	t.Cleanup(b.srv.Close)
	return &b
}

// on is the same browser (its cookies) talking to another instance.
func (c *client) on(e *env) *client { return &client{e: e, http: c.http} }

// TestTwoInstances_AgreeOnSessionsTokensFlashesAndLimits: a browser whose
// requests alternate between two instances on one database stays signed
// in; a sign-in link asked on one works on the other, once; a form's CSRF
// token from one is accepted by the other; the flash set by one shows on
// the other's next page; and the per-client limit on the sign-in form
// counts the posts made to both. Nothing a page relies on is kept in one
// process.
func TestTwoInstances_AgreeOnSessionsTokensFlashesAndLimits(t *testing.T) {
	const perClient = 4
	a := newEnv(t, func(c *config.Config) { c.Auth.LoginPostsPerIP = perClient })
	b := a.secondInstance()
	onA := a.client()
	onB := onA.on(b)

	// The link is asked on A (post 1 of the client's limit) and used on B.
	if r := onA.post("/connexion", url.Values{"email": {a.admin.Email}}); r.Status != http.StatusOK {
		t.Fatalf("ask for a link on A: %d", r.Status)
	}
	token := a.lastLink(a.admin.Email)
	if r := onB.post("/connexion/lien/"+token, nil); r.Status != http.StatusSeeOther {
		t.Fatalf("the link asked on A does not sign in on B: %d\n%.300s", r.Status, r.Body)
	}
	if r := onA.get("/tableau-de-bord"); r.Status != http.StatusOK || !strings.Contains(r.Body, "Alice Admin") {
		t.Fatalf("signed in on B, not on A: %d", r.Status)
	}
	if r := a.client().post("/connexion/lien/"+token, nil); r.Status == http.StatusSeeOther {
		t.Errorf("the link used on B signs in again on A")
	}

	// A form opened on A, posted to B; its flash read on A.
	form := url.Values{"name": {"Léa Picard"}, "email": {"lea.picard@amiens.fr"}, "role": {"facilitator"},
		"home_commune": {"59350"}, "time_zone": {"Europe/Paris"}, "csrf_token": {onA.csrf()}}
	r := onB.post("/admin/personnes/nouvelle", form)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("A's form posted to B: %d\n%.500s", r.Status, r.Body)
	}
	if page := onA.get(r.Location); page.Status != http.StatusOK || !strings.Contains(page.Body, "Compte créé pour Léa Picard") {
		t.Errorf("the flash set by B does not show on A: %d", page.Status)
	}
	if again := onA.get(r.Location); strings.Contains(again.Body, "Compte créé pour") {
		t.Errorf("the flash shows twice")
	}

	// The sign-in form's limit counts both instances' posts.
	stranger := a.client()
	for i := 2; i <= perClient; i++ {
		on := stranger
		if i%2 == 0 {
			on = stranger.on(b)
		}
		if r := on.post("/connexion", url.Values{"email": {"personne@exemple.fr"}}); r.Status != http.StatusOK {
			t.Fatalf("post %d of %d: %d", i, perClient, r.Status)
		}
	}
	for _, on := range []*client{stranger, stranger.on(b)} {
		if r := on.post("/connexion", url.Values{"email": {"personne@exemple.fr"}}); r.Status != http.StatusTooManyRequests {
			t.Errorf("post %d on %s: %d, want 429 (the limit is shared)", perClient+1, on.e.srv.URL, r.Status)
		}
	}
}
