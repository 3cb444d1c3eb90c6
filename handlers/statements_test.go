package handlers_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm/logger"

	"quartier/config"
	"quartier/handlers"
	"quartier/internal/dbtest"
	"quartier/internal/demo"
	"quartier/internal/planning"
	"quartier/links"
	"quartier/mailer"
	"quartier/models"
	"quartier/territory"
)

// statementPages maps every GET route of the route table to the page the
// statement-count test opens, with {placeholders} filled from the
// database (pageFixture). A route mapped to "" is left out, for the reason
// in its comment. A new GET route needs a row here, or the test fails.
var statementPages = map[string]string{
	"/":                  "/",
	"/healthz":           "/healthz",
	"/confidentialite":   "/confidentialite",
	"/accessibilite":     "/accessibilite",
	"/mentions-legales":  "/mentions-legales",
	"/contact":           "/contact",
	"/static/:version/*": "", // embedded files: no SQL at all
	"/connexion":         "/connexion",

	"/connexion/lien/:token":      "/connexion/lien/{signInToken}",
	"/flux/:token/calendrier.ics": "{feedPath}",
	"/inscription/:token":         "{signupPath}",
	"/annulation/:token":          "{cancelPath}",
	"/avis/:token":                "{feedbackPath}",

	"/tableau-de-bord": "/tableau-de-bord",

	"/demandes":                "/demandes",
	"/demandes/nouvelle":       "/demandes/nouvelle",
	"/demandes/:id":            "/demandes/{coordinatorRequest}",
	"/demandes/:id/modifier":   "/demandes/{coordinatorDraft}/modifier",
	"/demandes/:id/inscrits":   "/demandes/{participantsRequest}/inscrits",
	"/recherche/communes":      "/recherche/communes?q=rou",
	"/recherche/qpv":           "/recherche/qpv?q=qx0",
	"/demandes/:id/structures": "/demandes/{coordinatorScheduled}/structures",
	"/structures":              "/structures",
	"/structures/:id":          "/structures/{coordinatorOrganisation}",
	"/bilan":                   "/bilan",
	"/bilan.csv":               "/bilan.csv",
	"/bilan.xlsx":              "/bilan.xlsx",

	"/demandes/:id/emargement":   "/demandes/{coordinatorSessionRequest}/emargement",
	"/demandes/:id/inscrits.csv": "/demandes/{coordinatorSessionRequest}/inscrits.csv",
	"/demandes/:id/presences":    "/demandes/{coordinatorSessionRequest}/presences",
	"/demandes/:id/telephones":   "/demandes/{coordinatorSessionRequest}/telephones",
	"/demandes/:id/avis":         "/demandes/{coordinatorFeedbackRequest}/avis",

	"/seances/:id/presences": "/seances/{facilitatorSession}/presences",
	"/seances/:id/bilan":     "/seances/{facilitatorSession}/bilan",
	"/seances/:id/avis":      "/seances/{facilitatorFeedbackSession}/avis",

	"/admin/demandes/:id/emargement":   "/admin/demandes/{sessionRequest}/emargement",
	"/admin/demandes/:id/inscrits.csv": "/admin/demandes/{sessionRequest}/inscrits.csv",
	"/admin/demandes/:id/presences":    "/admin/demandes/{sessionRequest}/presences",
	"/admin/demandes/:id/telephones":   "/admin/demandes/{sessionRequest}/telephones",
	"/admin/demandes/:id/avis":         "/admin/demandes/{feedbackRequest}/avis",

	"/calendrier":                "/calendrier",
	"/calendrier/mois":           "/calendrier/mois",
	"/calendrier/disponibilites": "/calendrier/disponibilites",
	"/calendrier/exceptions":     "/calendrier/exceptions",
	"/calendrier/occupations":    "/calendrier/occupations",
	"/calendrier/import":         "/calendrier/import",
	"/calendrier/flux":           "/calendrier/flux",

	"/admin/demandes":               "/admin/demandes",
	"/admin/demandes/:id":           "/admin/demandes/{busiestCLSMRequest}",
	"/admin/recherche/communes":     "/admin/recherche/communes?q=rou",
	"/admin/recherche/qpv":          "/admin/recherche/qpv?q=qx0",
	"/admin/recherche/clsm":         "/admin/recherche/clsm?q=de",
	"/admin/recherche/coordination": "/admin/recherche/coordination?q=an",
	"/admin/personnes":              "/admin/personnes",
	"/admin/personnes/nouvelle":     "/admin/personnes/nouvelle",
	"/admin/personnes/:id":          "/admin/personnes/{busiestFacilitator}",
	"/admin/clsm":                   "/admin/clsm",
	"/admin/clsm/nouveau":           "/admin/clsm/nouveau",
	"/admin/clsm/:id":               "/admin/clsm/{busiestCLSM}",
	"/admin/saisons":                "/admin/saisons",
	"/admin/saisons/:id":            "/admin/saisons/{busiestSeason}",
	"/admin/questionnaires":         "/admin/questionnaires",
	"/admin/saisons/:id/bilan":      "/admin/saisons/{busiestSeason}/bilan",
	"/admin/saisons/:id/bilan.csv":  "/admin/saisons/{busiestSeason}/bilan.csv",
	"/admin/saisons/:id/bilan.xlsx": "/admin/saisons/{busiestSeason}/bilan.xlsx",
	"/admin/planification":          "/admin/planification",
	"/admin/planification/:id":      "/admin/planification/{planDraft}",
	"/admin/qpv":                    "/admin/qpv",
	"/admin/courriels":              "/admin/courriels",
	"/admin/donnees-personnelles":   "/admin/donnees-personnelles",
	"/admin/courriels/:id":          "/admin/courriels/{newestMessage}",
	"/admin/courriels/:id/html":     "/admin/courriels/{newestHTMLMessage}/html",
	"/admin/calendriers":            "/admin/calendriers",
}

// statementsClock is the frozen day of both databases: the demo is seeded
// for it and every page is read at it, so the idle clock of a session
// never writes during the count.
var statementsClock = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

// countingLogger is a GORM logger that counts the statements run, the
// rows they returned or changed, and the statements that write.
type countingLogger struct {
	logger.Interface
	n, rows, writes atomic.Int64
	// off, set by benchmarks, skips the count: fc has gorm write out each
	// statement with its values, a cost of the test, not of the page.
	off atomic.Bool
}

func (c *countingLogger) Trace(_ context.Context, _ time.Time, fc func() (string, int64), _ error) {
	if c.off.Load() {
		return
	}
	c.n.Add(1)
	sql, rows := fc()
	if rows > 0 {
		c.rows.Add(rows)
	}
	switch verb, _, _ := strings.Cut(strings.ToUpper(strings.TrimSpace(sql)), " "); verb {
	case "INSERT", "UPDATE", "DELETE", "REPLACE":
		c.writes.Add(1)
	}
}

// addPlanDraft runs the planner on the current season of the database at
// path, as the planning page's « plan » action does, and stores its draft,
// so that the draft's page is measured too: at scale 10 the draft holds
// more requests, facilitators and sessions than on the plain demo.
func addPlanDraft(t testing.TB, path string) {
	t.Helper()
	ctx := context.Background()
	store, err := models.Open(path, models.WithClock(func() time.Time { return statementsClock }))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	se, err := store.CurrentSeason(ctx)
	if err != nil {
		t.Fatal(err)
	}
	admins, err := store.ListUserRows(ctx, models.UserFilter{Role: models.RoleAdmin, Limit: 1})
	if err != nil || len(admins) == 0 {
		t.Fatalf("no admin: %v", err)
	}
	from, to := statementsClock, se.EndsOn.AddDate(0, 0, 1)
	run, err := planning.Solve(ctx, store, geo, se.ID, from, to)
	if err != nil {
		t.Fatal(err)
	}
	d, err := run.Draft(se.ID, from, to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.CreatePlanDraft(ctx, admins[0].ID, d); err != nil {
		t.Fatal(err)
	}
}

// addPartners invites n organisations, each with two people registered,
// to the scheduled session the partners page is opened on, so that the
// page is measured with more partners and people on the bigger database.
func addPartners(t *testing.T, path string, n int) {
	t.Helper()
	ctx := context.Background()
	f := readFixture(t, path)
	store, err := models.Open(path, models.WithClock(func() time.Time { return statementsClock }))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var id int64
	fmt.Sscan(f.ids["coordinatorScheduled"], &id)
	r, err := store.RequestByID(ctx, id)
	if err != nil || r.Session == nil || r.Session.State != models.SessionScheduled {
		t.Fatalf("request %d has no scheduled session (%v): the partners page would be measured empty", id, err)
	}
	db := dbtest.SQL(t, path)
	for i := range n {
		p, err := store.InvitePartner(ctx, f.coordinator, r.Session.ID, 0, models.OrganisationInput{Name: fmt.Sprintf("Structure mesurée %d", i),
			Kind: models.OrgAssociation, ContactEmail: fmt.Sprintf("mesure-%d@exemple.fr", i)})
		if err != nil {
			t.Fatal(err)
		}
		for j, st := range []string{"confirmed", "waiting"} {
			if _, err := db.Exec(`INSERT INTO registrations (session_id, partner_id, first_name, last_name, email, category, state, created_at, updated_at)
				VALUES (?, ?, 'Prénom', 'Nom', ?, 'habitant', ?, ?, ?)`, r.Session.ID, p.ID, fmt.Sprintf("p-%d-%d@exemple.fr", i, j), st,
				statementsClock, statementsClock); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// pageCount is what one page cost: statements, and rows read (for the log).
type pageCount struct{ statements, rows int64 }

// TestPages_StatementsDoNotGrowWithData opens every GET page of the route
// table, as the role allowed in, on the plain demo and on the demo at
// scale 10, and fails when a page runs more SQL statements on the bigger
// database: a page's statements must not depend on the number of rows.
// The users and ids are the busiest of each database (the coordinator
// with the most requests, the facilitator with the most sessions, the
// CLSM with the most requests…), so that a query per row shows.
func TestPages_StatementsDoNotGrowWithData(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds two demo databases (a few seconds)")
	}
	geoOnce.Do(func() { geo, geoErr = territory.Load() })
	if geoErr != nil {
		t.Fatal(geoErr)
	}
	// Two databases of the run's engine, each seeded with the same plain
	// demo (Seed gives the same rows for the same clock).
	plain := dbtest.DSN(t)
	seedDemo(t, plain)
	scaled := dbtest.DSN(t)
	seedDemo(t, scaled)
	if _, err := demo.SeedScale(context.Background(), scaled, geo, statementsClock, 10); err != nil {
		t.Fatal(err)
	}

	addPlanDraft(t, plain)
	addPlanDraft(t, scaled)
	addPartners(t, plain, 2)
	addPartners(t, scaled, 8)

	small := countStatements(t, plain)
	large := countStatements(t, scaled)
	var keys []string
	for k := range small {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		l, ok := large[k]
		if !ok {
			t.Errorf("%s: opened on the demo, not at scale 10", k)
			continue
		}
		t.Logf("%-50s statements demo %3d ×10 %3d   rows demo %5d ×10 %5d", k, small[k].statements, l.statements, small[k].rows, l.rows)
		if l.statements > small[k].statements {
			t.Errorf("%s: %d SQL statements at scale 10, %d on the plain demo: the page's statements grow with the rows", k, l.statements, small[k].statements)
		}
	}
}

// seedDemo writes the plain demo into a new database at path.
func seedDemo(t testing.TB, path string) {
	t.Helper()
	ctx := context.Background()
	store, err := models.Open(path, models.WithClock(func() time.Time { return statementsClock }))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	l, err := links.New([]byte(strings.Repeat("s", 40)), "http://127.0.0.1:8080")
	if err != nil {
		t.Fatal(err)
	}
	composer, err := mailer.NewComposer(mailer.ComposerConfig{BaseURL: "http://127.0.0.1:8080", From: "noreply@exemple.fr", FromName: "quartier", Links: l})
	if err != nil {
		t.Fatal(err)
	}
	store.UseMail(composer)
	if _, err := demo.Seed(ctx, demo.Deps{Store: store, Geo: geo, Now: statementsClock}); err != nil {
		t.Fatal(err)
	}
}

// copyFile copies a closed SQLite database (its WAL checkpointed on close).
func copyFile(t testing.TB, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// pageFixture reads the users and ids the pages are opened with: the
// busiest of the database at path.
type pageFixture struct {
	admin, coordinator, facilitator int64
	ids                             map[string]string
}

func readFixture(t testing.TB, path string) pageFixture {
	t.Helper()
	db := dbtest.SQL(t, path)
	one := func(q string) int64 {
		t.Helper()
		var id int64
		if err := db.QueryRow(q).Scan(&id); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return id
	}
	f := pageFixture{ids: map[string]string{}}
	f.admin = one(`SELECT MIN(id) FROM users WHERE role = 'admin'`)
	f.coordinator = one(`SELECT created_by FROM requests GROUP BY created_by ORDER BY COUNT(*) DESC, created_by LIMIT 1`)
	f.facilitator = one(`SELECT facilitator_id FROM sessions GROUP BY facilitator_id ORDER BY COUNT(*) DESC, facilitator_id LIMIT 1`)
	clsm := one(`SELECT clsm_id FROM requests GROUP BY clsm_id ORDER BY COUNT(*) DESC, clsm_id LIMIT 1`)
	set := func(k string, v int64) { f.ids[k] = fmt.Sprint(v) }
	set("coordinatorRequest", one(fmt.Sprintf(`SELECT MAX(r.id) FROM requests r WHERE r.created_by = %d AND EXISTS (SELECT 1 FROM request_events e WHERE e.request_id = r.id)`, f.coordinator)))
	set("coordinatorDraft", one(fmt.Sprintf(`SELECT MAX(id) FROM requests WHERE created_by = %d AND state IN ('draft', 'changes_requested')`, f.coordinator)))
	// The coordinator's scheduled session with the most invited partners
	// (any of their requests when none is scheduled).
	set("coordinatorScheduled", one(fmt.Sprintf(`SELECT COALESCE((SELECT r.id FROM requests r JOIN sessions s ON s.id = r.session_id
		LEFT JOIN session_partners p ON p.session_id = s.id
		WHERE r.created_by = %d AND s.state = 'scheduled' GROUP BY r.id ORDER BY COUNT(p.id) DESC, r.id DESC LIMIT 1),
		(SELECT MAX(id) FROM requests WHERE created_by = %d))`, f.coordinator, f.coordinator)))
	set("coordinatorOrganisation", one(fmt.Sprintf(`SELECT MAX(o.id) FROM organisations o JOIN clsms c ON c.id = o.clsm_id WHERE c.coordinator_id = %d`, f.coordinator)))
	set("busiestCLSMRequest", one(fmt.Sprintf(`SELECT MAX(id) FROM requests WHERE clsm_id = %d`, clsm)))
	set("busiestCLSM", clsm)
	day := `JOIN sessions s ON s.id = r.session_id AND s.state IN ('scheduled', 'held', 'closed')`
	set("coordinatorSessionRequest", one(fmt.Sprintf(`SELECT MAX(r.id) FROM requests r %s WHERE r.created_by = %d`, day, f.coordinator)))
	set("sessionRequest", one(`SELECT MAX(r.id) FROM requests r `+day))
	set("facilitatorSession", one(fmt.Sprintf(`SELECT MAX(id) FROM sessions WHERE facilitator_id = %d AND state IN ('scheduled', 'held', 'closed')`, f.facilitator)))
	set("busiestFacilitator", f.facilitator)
	// The feedback pages are opened on the sessions with the most answers
	// (the aggregate shows from five), the coordinator's and the
	// facilitator's own when they have one.
	mostAnswers := `ORDER BY (SELECT COUNT(*) FROM feedback_answers a WHERE a.session_id = s.id) DESC, s.id LIMIT 1`
	set("facilitatorFeedbackSession", one(fmt.Sprintf(`SELECT s.id FROM sessions s WHERE s.facilitator_id = %d AND s.state IN ('scheduled', 'held', 'closed') %s`, f.facilitator, mostAnswers)))
	set("coordinatorFeedbackRequest", one(fmt.Sprintf(`SELECT r.id FROM requests r %s WHERE r.created_by = %d %s`, day, f.coordinator, mostAnswers)))
	set("feedbackRequest", one(`SELECT r.id FROM requests r `+day+` `+mostAnswers))
	set("feedbackRegistration", one(fmt.Sprintf(`SELECT MIN(registration_id) FROM feedback_links WHERE used_at IS NULL AND expires_at > '%s'`, statementsClock.Format("2006-01-02 15:04:05"))))
	set("busiestSeason", one(`SELECT season_id FROM requests WHERE season_id IS NOT NULL GROUP BY season_id ORDER BY COUNT(*) DESC, season_id LIMIT 1`))
	set("participantsRequest", one(fmt.Sprintf(`SELECT r.id FROM requests r JOIN sessions s ON s.id = r.session_id
		WHERE r.created_by = %d AND s.state = 'scheduled' ORDER BY (SELECT COUNT(*) FROM registrations g WHERE g.session_id = s.id) DESC, r.id LIMIT 1`, f.coordinator)))
	set("busiestPartner", one(`SELECT partner_id FROM registrations WHERE state <> 'cancelled' GROUP BY partner_id ORDER BY COUNT(*) DESC, partner_id LIMIT 1`))
	set("busiestPartnerVersion", one(fmt.Sprintf(`SELECT link_version FROM session_partners WHERE id = %s`, f.ids["busiestPartner"])))
	set("liveRegistration", one(`SELECT MIN(id) FROM registrations WHERE state = 'waiting'`))
	set("newestMessage", one(`SELECT MAX(id) FROM outbox_messages`))
	set("planDraft", one(`SELECT MAX(id) FROM plan_drafts`))
	set("newestHTMLMessage", one(`SELECT MAX(id) FROM outbox_messages WHERE payload LIKE '%"html":%'`))
	return f
}

// demoSite is the app over a seeded demo database, with a browser signed
// in for each access rule and the ids its pages are opened with.
type demoSite struct {
	e        *env
	counter  *countingLogger
	fixture  pageFixture
	routes   []handlers.Route
	browsers map[handlers.Access][]namedClient
}

// namedClient is a browser and the role it is signed in as.
type namedClient struct {
	name string
	c    *client
}

// openDemoSite starts the app (real router, real SQLite file) on the
// database at path, read at statementsClock, and signs in its busiest
// admin, coordinator and facilitator (readFixture).
func openDemoSite(t testing.TB, path string) *demoSite {
	t.Helper()
	f := readFixture(t, path)
	ctx := context.Background()
	counter := &countingLogger{Interface: logger.Discard}
	now := func() time.Time { return statementsClock }
	store, err := models.Open(path, models.WithLogger(counter), models.WithClock(now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	cfg := config.Default()
	cfg.Database.DSN = path
	cfg.Mail.Dir = filepath.Join(t.TempDir(), "mail")
	cfg.Server.Secret = strings.Repeat("s", 40)
	l, err := links.New([]byte(cfg.Server.Secret), cfg.Server.BaseURL)
	if err != nil {
		t.Fatal(err)
	}
	composer, err := mailer.NewComposer(mailer.ComposerConfig{BaseURL: cfg.Server.BaseURL, From: cfg.Mail.From, FromName: cfg.Mail.FromName, Links: l})
	if err != nil {
		t.Fatal(err)
	}
	store.UseMail(composer)
	h, err := handlers.New(handlers.Deps{
		Config: cfg, Store: store, Mail: composer, Links: l, Territory: geo, Secret: []byte(cfg.Server.Secret),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: now,
	})
	if err != nil {
		t.Fatal(err)
	}
	router, routes := h.Router()
	srv := httptest.NewServer(router)
	t.Cleanup(srv.Close)
	e := &env{t: t, cfg: cfg, store: store, srv: srv, routes: routes, echo: router}

	user := func(id int64) *models.User {
		u, err := store.UserByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return &u
	}
	admin, coord, facil := user(f.admin), user(f.coordinator), user(f.facilitator)
	browsers := map[handlers.Access][]namedClient{}
	browsers[handlers.AccessPublic] = append(browsers[handlers.AccessPublic], namedClient{"anonymous", e.client()})
	for _, who := range []struct {
		name   string
		u      *models.User
		access handlers.Access
	}{{"admin", admin, handlers.AccessAdmin}, {"coordinator", coord, handlers.AccessCoordinator}, {"facilitator", facil, handlers.AccessFacilitator}} {
		b := namedClient{who.name, e.as(who.u)}
		browsers[who.access] = append(browsers[who.access], b)
		browsers[handlers.AccessSignedIn] = append(browsers[handlers.AccessSignedIn], b)
	}

	// Secret links: a fresh sign-in link (shown, not used) and the
	// facilitator's bookings feed.
	if err := store.RequestSignInLink(ctx, admin.Email, "", models.SignInPolicy{TTL: 15 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	f.ids["signInToken"] = e.lastLink(admin.Email)
	st, err := store.CalendarSettingsOf(ctx, facil.ID)
	if err != nil {
		t.Fatal(err)
	}
	feed := l.FeedURL(facil.ID, st.FeedVersion)
	f.ids["feedPath"] = strings.TrimPrefix(feed, cfg.Server.BaseURL)
	id := func(k string) int64 {
		var v int64
		fmt.Sscan(f.ids[k], &v)
		return v
	}
	f.ids["signupPath"] = strings.TrimPrefix(l.SignupURL(id("busiestPartner"), int(id("busiestPartnerVersion"))), cfg.Server.BaseURL)
	f.ids["cancelPath"] = strings.TrimPrefix(l.CancelURL(id("liveRegistration"), 0), cfg.Server.BaseURL)
	f.ids["feedbackPath"] = strings.TrimPrefix(l.FeedbackURL(id("feedbackRegistration"), 0), cfg.Server.BaseURL)
	browsers[handlers.AccessToken] = browsers[handlers.AccessPublic]
	return &demoSite{e: e, counter: counter, fixture: f, routes: routes, browsers: browsers}
}

// page fills the {placeholders} of a statementPages entry.
func (d *demoSite) page(p string) string {
	for k, v := range d.fixture.ids {
		p = strings.ReplaceAll(p, "{"+k+"}", v)
	}
	return p
}

// countStatements opens every page of statementPages on the database at
// path, each as the role allowed in, and returns the statements each ran,
// keyed by role and route.
func countStatements(t *testing.T, path string) map[string]pageCount {
	t.Helper()
	site := openDemoSite(t, path)
	counter, routes, browsers := site.counter, site.routes, site.browsers
	counts := map[string]pageCount{}
	seen := map[string]bool{}
	for _, rt := range routes {
		if rt.Method != http.MethodGet {
			continue
		}
		seen[rt.Path] = true
		page, ok := statementPages[rt.Path]
		if !ok {
			t.Errorf("GET %s has no row in statementPages: add the page the statement-count test opens", rt.Path)
			continue
		}
		if page == "" {
			continue
		}
		page = site.page(page)
		if len(browsers[rt.Access]) == 0 {
			t.Fatalf("GET %s: no browser for access %q", rt.Path, rt.Access)
		}
		for _, b := range browsers[rt.Access] {
			b.c.get(page) // warm up: a first visit may fill a cache or touch the session
			before, beforeRows, beforeWrites := counter.n.Load(), counter.rows.Load(), counter.writes.Load()
			r := b.c.get(page)
			n := pageCount{counter.n.Load() - before, counter.rows.Load() - beforeRows}
			if r.Status != http.StatusOK {
				t.Errorf("%s: GET %s (%s): status %d\n%.300s", b.name, page, rt.Path, r.Status, r.Body)
			}
			// A page view only reads (the session's idle clock is written
			// at most once a minute, and the clock is frozen): a write per
			// view would queue every browser behind SQLite's one writer.
			if w := counter.writes.Load() - beforeWrites; w > 0 {
				t.Errorf("%s: GET %s (%s) wrote %d times: a page view must only read", b.name, page, rt.Path, w)
			}
			counts[b.name+" GET "+rt.Path] = n
		}
	}
	for path := range statementPages {
		if !seen[path] {
			t.Errorf("statementPages names %s, which is no GET route", path)
		}
	}
	return counts
}
