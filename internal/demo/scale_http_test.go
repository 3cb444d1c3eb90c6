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
	"quartier/internal/dbtest"
	"quartier/internal/demo"
	"quartier/models"
)

var (
	linkInPayload = regexp.MustCompile(`/connexion/lien/([A-Za-z0-9_-]{40,})`)
	csrfField     = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
)

// TestSeedScale_Pages loads the demo at scale 3 into a real app and opens,
// signed in as the demo's administrator, then as a generated coordinator
// and a generated facilitator, every page of their role that takes no
// parameter and a few that show generated rows: each answers 200.
func TestSeedScale_Pages(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := config.Default()
	cfg.Database.DSN = dbtest.DSN(t)
	cfg.Server.DataDir = dir
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

	// The newest request, CLSM, coordinator and facilitator are the
	// generator's.
	reqs, err := a.Store.ListRequests(ctx, models.RequestFilter{})
	if err != nil {
		t.Fatal(err)
	}
	clsms, err := a.Store.ListCLSMs(ctx, models.CLSMFilter{})
	if err != nil {
		t.Fatal(err)
	}
	newest := func(role models.Role) models.User {
		us, err := a.Store.ListUsers(ctx, models.UserFilter{Role: role})
		if err != nil || len(us) == 0 {
			t.Fatalf("%s: %d users (%v)", role, len(us), err)
		}
		u := us[0]
		for _, x := range us {
			if x.ID > u.ID {
				u = x
			}
		}
		return u
	}
	var maxReq, maxCLSM int64
	for _, r := range reqs {
		maxReq = max(maxReq, r.ID)
	}
	for _, c := range clsms {
		maxCLSM = max(maxCLSM, c.ID)
	}
	coord, fac := newest(models.RoleCoordinator), newest(models.RoleFacilitator)
	var coordReq int64
	for _, r := range reqs {
		if r.CreatedBy == coord.ID && r.ID > coordReq {
			coordReq = r.ID
		}
	}
	if coordReq == 0 {
		t.Fatalf("no request of the generated coordinator %s", coord.Email)
	}

	for _, who := range []struct {
		email  string
		access handlers.Access
		extra  []string
	}{
		{m.Accounts.Admin, handlers.AccessAdmin, []string{fmt.Sprintf("/admin/demandes/%d", maxReq), fmt.Sprintf("/admin/clsm/%d", maxCLSM), fmt.Sprintf("/admin/personnes/%d", fac.ID)}},
		{coord.Email, handlers.AccessCoordinator, []string{"/tableau-de-bord", fmt.Sprintf("/demandes/%d", coordReq)}},
		{fac.Email, handlers.AccessFacilitator, []string{"/tableau-de-bord"}},
	} {
		get := signIn(t, a, srv.URL, who.email)
		paths := who.extra
		for _, rt := range routes {
			if rt.Method == http.MethodGet && rt.Access == who.access && !strings.ContainsAny(rt.Path, ":*") {
				paths = append(paths, rt.Path)
			}
		}
		for _, path := range paths {
			began := time.Now()
			if code, body := get(path); code != http.StatusOK {
				t.Errorf("%s: GET %s: status %d\n%.300s", who.email, path, code, body)
			}
			if d := time.Since(began); d > 5*time.Second {
				t.Errorf("%s: GET %s took %s", who.email, path, d)
			}
		}
		if len(paths) < 3 {
			t.Errorf("%s: only %d pages", who.email, len(paths))
		}
		t.Logf("%s (%s): %d pages answered 200", who.email, who.access, len(paths))
	}
}

// signIn signs email in through a real sign-in link and returns a GET
// for that browser.
func signIn(t *testing.T, a *app.App, base, email string) func(string) (int, string) {
	t.Helper()
	ctx := context.Background()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string) (int, string) {
		t.Helper()
		r, err := c.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r.StatusCode, string(b)
	}
	if err := a.Store.RequestSignInLink(ctx, email, "", models.SignInPolicy{TTL: 15 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	msgs, _, err := a.Store.ListOutbox(ctx, models.OutboxFilter{Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	token := ""
	for _, msg := range msgs {
		if msg.Kind == "magic_link" && msg.Recipient == email {
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
		t.Fatalf("no sign-in link for %s", email)
	}
	_, page := get("/connexion")
	csrf := csrfField.FindStringSubmatch(page)
	if csrf == nil {
		t.Fatal("no CSRF token on /connexion")
	}
	r, err := c.PostForm(base+"/connexion/lien/"+token, url.Values{"csrf_token": {csrf[1]}})
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in %s: status %d", email, r.StatusCode)
	}
	return get
}
