package handlers_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"quartier/config"
	"quartier/handlers"
	"quartier/internal/dbtest"
	"quartier/internal/planning"
	"quartier/links"
	"quartier/mailer"
	"quartier/models"
	"quartier/territory"
)

var (
	geoOnce sync.Once
	geo     *territory.Directory
	geoErr  error
)

// env is a running app over a real database (dbtest.DSN: a SQLite file,
// or a PostgreSQL database when the run is on PostgreSQL), for HTTP tests.
type env struct {
	t      testing.TB
	cfg    config.Config
	store  *models.Store
	srv    *httptest.Server
	routes []handlers.Route
	admin  models.User
	coord  models.User
	coord2 models.User
	facil  models.User
	clsm   models.CLSM
	clsm2  models.CLSM
	clock  *testClock
	echo   *echo.Echo
	logs   *syncBuffer // every log line the app wrote
}

// routerRoutes lists what Echo actually serves, as "METHOD /path".
func (e *env) routerRoutes() []string {
	var out []string
	for _, r := range e.echo.Routes() {
		if r.Method == echo.RouteNotFound || r.Path == "/*" {
			continue
		}
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

// testClock is a movable clock shared by the store and the handlers.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *testClock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// onSQLiteFile is the tweak of the tests that are about SQLite itself (a
// locked file, a benchmark's raw batch inserts): a SQLite file in the
// env's data directory, whatever the run's engine.
func onSQLiteFile(c *config.Config) { c.Database.DSN = filepath.Join(c.Server.DataDir, "quartier.db") }

func newEnv(t testing.TB, tweak ...func(*config.Config)) *env {
	t.Helper()
	geoOnce.Do(func() { geo, geoErr = territory.Load() })
	if geoErr != nil {
		t.Fatal(geoErr)
	}
	dir := t.TempDir()
	logs := &syncBuffer{}
	cfg := config.Default()
	cfg.Database.DSN = dbtest.DSN(t)
	cfg.Server.DataDir = dir
	cfg.Mail.Dir = filepath.Join(dir, "mail")
	cfg.Server.Secret = strings.Repeat("s", 40)
	for _, f := range tweak {
		f(&cfg)
	}
	clock := &testClock{now: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	store, err := models.Open(cfg.Database.DSN, models.WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	ctx := context.Background()
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	l, err := links.New([]byte(cfg.Server.Secret), cfg.Server.BaseURL)
	if err != nil {
		t.Fatal(err)
	}
	composer, err := mailer.NewComposer(mailer.ComposerConfig{BaseURL: cfg.Server.BaseURL, From: cfg.Mail.From, FromName: cfg.Mail.FromName, Links: l})
	if err != nil {
		t.Fatal(err)
	}
	store.UseMail(composer)
	store.UseTravel(planning.TravelTimes(geo))
	h, err := handlers.New(handlers.Deps{
		Config: cfg, Store: store, Mail: composer, Links: l, Territory: geo, Secret: []byte(cfg.Server.Secret),
		Log: slog.New(slog.NewTextHandler(io.MultiWriter(logs, warnings{testLog{t}}), nil)), Now: clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	router, routes := h.Router()
	e := &env{t: t, cfg: cfg, store: store, routes: routes, clock: clock, echo: router, logs: logs}
	e.srv = httptest.NewServer(router)
	t.Cleanup(e.srv.Close)
	e.seed(ctx)
	return e
}

func (e *env) seed(ctx context.Context) {
	t := e.t
	var err error
	if e.admin, err = e.store.CreateFirstAdmin(ctx, "admin@exemple.fr", "Alice Admin"); err != nil {
		t.Fatal(err)
	}
	mk := func(n models.NewUser, clsm *int64) models.User {
		u, err := e.store.CreateUser(ctx, e.admin.ID, n, clsm)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	if e.clsm, err = e.store.CreateCLSM(ctx, e.admin.ID, models.CLSMInput{Name: "CLSM de Roubaix", RegionCode: "32", DepartementCode: "59", Communes: []string{"59512"}}); err != nil {
		t.Fatal(err)
	}
	if e.clsm2, err = e.store.CreateCLSM(ctx, e.admin.ID, models.CLSMInput{Name: "CLSM de Cholet", RegionCode: "52", DepartementCode: "49", Communes: []string{"49099"}}); err != nil {
		t.Fatal(err)
	}
	e.coord = mk(models.NewUser{Email: "coord@exemple.fr", Name: "Nadia Coord", Role: models.RoleCoordinator}, &e.clsm.ID)
	e.coord2 = mk(models.NewUser{Email: "coord2@exemple.fr", Name: "Sophie Coord", Role: models.RoleCoordinator}, &e.clsm2.ID)
	e.facil = mk(models.NewUser{Email: "facil@exemple.fr", Name: "Camille Facil", Role: models.RoleFacilitator, HomeINSEE: "59350"}, nil)
	if _, err := e.store.CreateSeason(ctx, e.admin.ID, "Saison 2026-2027", time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 7, 2, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
}

// client is a browser-like HTTP client with cookies that does not follow
// redirects, so tests see each status.
type client struct {
	e    *env
	http *http.Client
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// resp is a finished response with its body read.
type resp struct {
	Status   int
	Body     string
	Header   http.Header
	Location string
}

func (c *client) do(req *http.Request) resp {
	c.e.t.Helper()
	r, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return resp{Status: r.StatusCode, Body: string(b), Header: r.Header, Location: r.Header.Get("Location")}
}

func (c *client) get(path string) resp {
	req, _ := http.NewRequest(http.MethodGet, c.e.srv.URL+path, nil)
	return c.do(req)
}

// post sends a form; the CSRF token is fetched from csrfFrom (a GET page)
// unless the form already has one.
func (c *client) post(path string, form url.Values) resp {
	c.e.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf_token"]; !ok {
		form.Set("csrf_token", c.csrf())
	}
	req, _ := http.NewRequest(http.MethodPost, c.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", echo.MIMEApplicationForm)
	return c.do(req)
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// csrf reads this browser's CSRF token from a page that has a form.
func (c *client) csrf() string {
	c.e.t.Helper()
	r := c.get("/connexion")
	if r.Status == http.StatusSeeOther {
		r = c.get("/tableau-de-bord")
	}
	m := csrfField.FindStringSubmatch(r.Body)
	if m == nil {
		c.e.t.Fatalf("no CSRF token on the page (status %d)", r.Status)
	}
	return m[1]
}

// signIn signs u in by a real sign-in link, as a browser does.
func (c *client) signIn(u models.User) {
	c.e.t.Helper()
	if err := c.e.store.RequestSignInLink(context.Background(), u.Email, "", models.SignInPolicy{TTL: 15 * time.Minute}); err != nil {
		c.e.t.Fatal(err)
	}
	token := c.e.lastLink(u.Email)
	r := c.post("/connexion/lien/"+token, nil)
	if r.Status != http.StatusSeeOther {
		c.e.t.Fatalf("sign in %s: status %d\n%s", u.Email, r.Status, r.Body)
	}
}

func (e *env) as(u *models.User) *client {
	c := e.client()
	if u != nil {
		c.signIn(*u)
	}
	return c
}

// testLog sends the app's warnings and errors to the test log.
type testLog struct{ t testing.TB }

func (w testLog) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// warnings passes on only the lines at WARN or ERROR level.
type warnings struct{ w io.Writer }

func (w warnings) Write(p []byte) (int, error) {
	if strings.Contains(string(p), "level=WARN") || strings.Contains(string(p), "level=ERROR") {
		return w.w.Write(p)
	}
	return len(p), nil
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.buf.String() }
