package demo_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"quartier/config"
	"quartier/handlers"
	"quartier/internal/app"
	"quartier/internal/demo"
	"quartier/models"
)

var (
	linkInPayload = regexp.MustCompile(`/connexion/lien/([A-Za-z0-9_-]{40,})`)
	csrfField     = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
)

// TestSeedScale_AdminPages loads the demo at scale 3 into a real app and
// opens, signed in as the demo's administrator, every admin page that
// takes no parameter: each answers 200.
func TestSeedScale_AdminPages(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := config.Default()
	cfg.Database.DSN = filepath.Join(dir, "quartier.db")
	cfg.Mail.Dir = filepath.Join(dir, "mail")
	a, err := app.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	m, ok, err := a.EnsureDemo(ctx, io.Discard)
	if err != nil || !ok {
		t.Fatalf("demo: %v", err)
	}
	if _, err := demo.SeedScale(ctx, cfg.Database.DSN, a.Geo, a.Store.Now(), 3); err != nil {
		t.Fatal(err)
	}
	h, err := a.Handler()
	if err != nil {
		t.Fatal(err)
	}
	e, routes := h.Router()
	srv := httptest.NewServer(e)
	defer srv.Close()
	cfg.Server.BaseURL = srv.URL

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string) (int, string) {
		t.Helper()
		r, err := c.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r.StatusCode, string(b)
	}

	// Sign in as the admin through a real sign-in link.
	if err := a.Store.RequestSignInLink(ctx, m.Accounts.Admin, "", models.SignInPolicy{TTL: 15 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	msgs, _, err := a.Store.ListOutbox(ctx, models.OutboxFilter{Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	token := ""
	for _, msg := range msgs {
		if msg.Kind == "magic_link" && msg.Recipient == m.Accounts.Admin {
			full, err := a.Store.OutboxMessageByID(ctx, msg.ID)
			if err != nil {
				t.Fatal(err)
			}
			if sm := linkInPayload.FindStringSubmatch(full.Payload); sm != nil {
				token = sm[1]
				break
			}
		}
	}
	if token == "" {
		t.Fatal("no sign-in link for the admin")
	}
	_, page := get("/connexion")
	csrf := csrfField.FindStringSubmatch(page)
	if csrf == nil {
		t.Fatal("no CSRF token on /connexion")
	}
	r, err := c.PostForm(srv.URL+"/connexion/lien/"+token, url.Values{"csrf_token": {csrf[1]}})
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: status %d", r.StatusCode)
	}

	n := 0
	for _, rt := range routes {
		if rt.Method != http.MethodGet || rt.Access != handlers.AccessAdmin || strings.ContainsAny(rt.Path, ":*") {
			continue
		}
		n++
		began := time.Now()
		if code, body := get(rt.Path); code != http.StatusOK {
			t.Errorf("GET %s: status %d\n%.300s", rt.Path, code, body)
		}
		if d := time.Since(began); d > 5*time.Second {
			t.Errorf("GET %s took %s", rt.Path, d)
		}
	}
	// And the pages of generated things: the newest request, CLSM and
	// facilitator (their ids are the generator's).
	reqs, err := a.Store.ListRequests(ctx, models.RequestFilter{})
	if err != nil {
		t.Fatal(err)
	}
	clsms, err := a.Store.ListCLSMs(ctx, models.CLSMFilter{})
	if err != nil {
		t.Fatal(err)
	}
	facs, err := a.Store.ListUsers(ctx, models.UserFilter{Role: models.RoleFacilitator})
	if err != nil {
		t.Fatal(err)
	}
	var maxReq, maxCLSM, maxFac int64
	for _, r := range reqs {
		maxReq = max(maxReq, r.ID)
	}
	for _, c := range clsms {
		maxCLSM = max(maxCLSM, c.ID)
	}
	for _, f := range facs {
		maxFac = max(maxFac, f.ID)
	}
	for _, path := range []string{fmt.Sprintf("/admin/demandes/%d", maxReq), fmt.Sprintf("/admin/clsm/%d", maxCLSM), fmt.Sprintf("/admin/personnes/%d", maxFac)} {
		n++
		if code, body := get(path); code != http.StatusOK {
			t.Errorf("GET %s: status %d\n%.300s", path, code, body)
		}
	}
	t.Logf("%d admin pages answered 200", n)
	if n < 3 {
		t.Errorf("only %d admin pages without parameters", n)
	}
}
