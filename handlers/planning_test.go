package handlers_test

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

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

// newPlanningEnv is a running app over the plain demo, seeded as `quartier
// demo` does, with the admin signed in.
func newPlanningEnv(t testing.TB) (*env, *client) { return newScaledDemoEnv(t, 1) }

// newScaledDemoEnv is newPlanningEnv over `quartier demo --scale k`.
func newScaledDemoEnv(t testing.TB, k int, tweak ...func(*config.Config)) (*env, *client) {
	t.Helper()
	geoOnce.Do(func() { geo, geoErr = territory.Load() })
	if geoErr != nil {
		t.Fatal(geoErr)
	}
	dir := t.TempDir()
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
	m, err := demo.Seed(ctx, demo.Deps{Store: store, Geo: geo, Now: clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.SeedScale(ctx, cfg.Database.DSN, geo, clock.Now(), k); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
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
	if e.admin, err = store.UserByEmail(ctx, m.Accounts.Admin); err != nil {
		t.Fatal(err)
	}
	if m.PlanningPath != "/admin/planification" {
		t.Fatalf("manifest planning_path = %q", m.PlanningPath)
	}
	return e, e.as(&e.admin)
}

var draftLocation = regexp.MustCompile(`^/admin/planification/(\d+)$`)

// plan runs the planner from the page's own defaults and returns the
// draft's id and path.
func plan(t testing.TB, admin *client) (int64, string) {
	t.Helper()
	r := admin.get("/admin/planification")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `name="action" value="plan"`) || !strings.Contains(r.Body, `<form method="post"`) {
		t.Fatalf("chooser: %d\n%s", r.Status, r.Body)
	}
	form := url.Values{"action": {"plan"}}
	for _, f := range []string{"from", "to"} {
		m := regexp.MustCompile(`name="` + f + `" value="([^"]*)"`).FindStringSubmatch(r.Body)
		if m == nil || m[1] == "" {
			t.Fatalf("no default for %s", f)
		}
		form.Set(f, m[1])
	}
	m := regexp.MustCompile(`<option value="(\d+)" selected>`).FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatal("no season selected by default")
	}
	form.Set("season_id", m[1])
	r = admin.post("/admin/planification", form)
	lm := draftLocation.FindStringSubmatch(r.Location)
	if r.Status != http.StatusSeeOther || lm == nil {
		t.Fatalf("plan: %d %q\n%s", r.Status, r.Location, r.Body)
	}
	id, _ := strconv.ParseInt(lm[1], 10, 64)
	return id, r.Location
}

// accepted counts the requests in state accepted.
func (e *env) countState(st models.RequestState) int {
	rows, err := e.store.ListRequests(context.Background(), models.RequestFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	n := 0
	for _, r := range rows {
		if r.State == st {
			n++
		}
	}
	return n
}

func TestPlanning_PlanShowsTheProposalThenSendsItOnce(t *testing.T) {
	e, admin := newPlanningEnv(t)
	id, path := plan(t, admin)
	r := admin.get(path)
	if r.Status != http.StatusOK {
		t.Fatalf("draft: %d", r.Status)
	}
	for _, want := range []string{`name="action" value="send"`, `<svg`, `role="img"`, "Carte des déplacements", "Camille Lefebvre", "Fonds de carte", "Trajets par chargée de mission", "Premier créneau libre", "Kilomètres de trajets", "Roubaix", "Maison Folie Moulins", "nuit",
		"déjà proposée, en attente de réponse"} { // the demo's session proposed to Lille, which holds its slot

		if !strings.Contains(html.UnescapeString(r.Body), want) {
			t.Errorf("draft page lacks %q", want)
		}
	}
	d, err := e.store.PlanDraftByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	run, err := planning.LoadRun(d)
	if err != nil {
		t.Fatal(err)
	}
	placed := len(run.Plan.Assignments)
	if placed < 3 {
		t.Fatalf("the demo's draft places %d requests, want ≥ 3", placed)
	}
	acceptedBefore, proposedBefore := e.countState(models.RequestAccepted), e.countState(models.RequestProposed)

	r = admin.post(path, url.Values{"action": {"send"}})
	if r.Status != http.StatusSeeOther || r.Location != path {
		t.Fatalf("send: %d %s\n%s", r.Status, r.Location, r.Body)
	}
	if got := e.countState(models.RequestProposed) - proposedBefore; got != placed {
		t.Errorf("%d requests became proposed, want %d", got, placed)
	}
	if got := acceptedBefore - e.countState(models.RequestAccepted); got != placed {
		t.Errorf("%d requests left accepted, want %d", got, placed)
	}
	if d, err = e.store.PlanDraftByID(context.Background(), id); err != nil || !d.Sent() || d.SentCount != placed {
		t.Errorf("draft after send: %+v, %v", d, err)
	}
	r = admin.get(path)
	if strings.Contains(r.Body, `value="send"`) || !strings.Contains(r.Body, "Envoyée le") {
		t.Error("a sent draft still offers to send")
	}

	// A second send (another admin's tab) is refused and changes nothing.
	r = admin.post(path, url.Values{"action": {"send"}})
	if r.Status != http.StatusConflict || !strings.Contains(html.UnescapeString(r.Body), "déjà été envoyées") {
		t.Errorf("second send: %d", r.Status)
	}
	if got := e.countState(models.RequestProposed) - proposedBefore; got != placed {
		t.Errorf("after a second send, %d proposed, want %d", got, placed)
	}
}

func TestPlanning_StaleDraftIsRefused(t *testing.T) {
	e, admin := newPlanningEnv(t)
	id, path := plan(t, admin)
	d, err := e.store.PlanDraftByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	run, err := planning.LoadRun(d)
	if err != nil {
		t.Fatal(err)
	}
	// Meanwhile, one request of the draft gets its date by hand.
	props, err := planning.Proposals(run.Plan, run.Index)
	if err != nil || len(props) < 2 {
		t.Fatalf("proposals %v, %v", props, err)
	}
	if _, err := e.store.ProposeSession(context.Background(), e.admin.ID, props[0].RequestID, props[0].Slot); err != nil {
		t.Fatal(err)
	}
	proposed := e.countState(models.RequestProposed)
	r := admin.post(path, url.Values{"action": {"send"}})
	if r.Status != http.StatusConflict || !strings.Contains(html.UnescapeString(r.Body), "relancez le planificateur") || !strings.Contains(r.Body, `value="plan"`) {
		t.Fatalf("stale send: %d\n%s", r.Status, r.Body)
	}
	if e.countState(models.RequestProposed) != proposed {
		t.Error("a stale send proposed sessions")
	}
	if d, _ := e.store.PlanDraftByID(context.Background(), id); d.Sent() {
		t.Error("a stale draft was marked sent")
	}
	if r := admin.get(path); !strings.Contains(html.UnescapeString(r.Body), "ont changé depuis ce calcul") || strings.Contains(r.Body, `value="send"`) {
		t.Error("the stale draft's page still offers to send")
	}
}

func TestPlanning_DraftWhoseDateHasPassedIsRefused(t *testing.T) {
	e, admin := newPlanningEnv(t)
	id, path := plan(t, admin)
	d, _ := e.store.PlanDraftByID(context.Background(), id)
	run, err := planning.LoadRun(d)
	if err != nil {
		t.Fatal(err)
	}
	first, err := time.Parse(time.RFC3339, run.Plan.Assignments[0].Start)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Add(first.Sub(e.clock.Now()) + time.Minute)
	admin = e.as(&e.admin) // the sign-in of weeks ago has expired
	proposed := e.countState(models.RequestProposed)
	r := admin.post(path, url.Values{"action": {"send"}})
	if r.Status != http.StatusConflict || !strings.Contains(html.UnescapeString(r.Body), "déjà passée") {
		t.Fatalf("send after the first date: %d", r.Status)
	}
	if e.countState(models.RequestProposed) != proposed {
		t.Error("proposals went out")
	}
}

func TestPlanning_MoveOffersOnlyValidAlternatives(t *testing.T) {
	e, admin := newPlanningEnv(t)
	id, path := plan(t, admin)
	ctx := context.Background()
	d, _ := e.store.PlanDraftByID(ctx, id)
	run, err := planning.LoadRun(d)
	if err != nil {
		t.Fatal(err)
	}
	a := run.Plan.Assignments[0]
	r := admin.get(path + "?deplacer=" + a.Request)
	values := regexp.MustCompile(`name="alternative" value="([^"]+)"`).FindAllStringSubmatch(r.Body, -1)
	alts, err := planning.Alternatives(run.Instance, run.Plan, a.Request)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != http.StatusOK || len(values) == 0 || len(values) != len(alts) {
		t.Fatalf("move form: %d, %d options offered, %d alternatives", r.Status, len(values), len(alts))
	}
	for i, v := range values {
		if want := alts[i].Facilitator + "|" + alts[i].Start; html.UnescapeString(v[1]) != want {
			t.Errorf("option %d = %s, want %s", i, v[1], want)
		}
	}

	cases := []struct {
		name, assignment, alternative string
		status                        int
	}{
		{"another day at 3 a.m.", a.Request, a.Facilitator + "|2027-01-06T03:00:00+01:00", http.StatusUnprocessableEntity},
		{"the slot it already has", a.Request, a.Facilitator + "|" + a.Start, http.StatusUnprocessableEntity},
		{"an unknown facilitator", a.Request, "f999|" + alts[0].Start, http.StatusUnprocessableEntity},
		{"a request not in the plan", "r999999", html.UnescapeString(values[0][1]), http.StatusUnprocessableEntity},
		{"an offered slot", a.Request, html.UnescapeString(values[0][1]), http.StatusSeeOther},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := e.store.PlanDraftByID(ctx, id)
			r := admin.post(path, url.Values{"action": {"move"}, "assignment": {tc.assignment}, "alternative": {tc.alternative}})
			if r.Status != tc.status {
				t.Fatalf("status %d, want %d\n%s", r.Status, tc.status, r.Body)
			}
			after, _ := e.store.PlanDraftByID(ctx, id)
			if changed := after.PlanJSON != before.PlanJSON; changed != (tc.status == http.StatusSeeOther) {
				t.Errorf("plan changed = %v", changed)
			}
		})
	}
	d, _ = e.store.PlanDraftByID(ctx, id)
	moved, _ := planning.LoadRun(d)
	fac, start, _ := strings.Cut(html.UnescapeString(values[0][1]), "|")
	found := false
	for _, m := range moved.Plan.Assignments {
		found = found || (m.Request == a.Request && m.Facilitator == fac && m.Start == start)
	}
	if !found || moved.Plan.Stats.TravelKm != planning.TotalKm(planning.Trips(moved.Instance, moved.Plan)) {
		t.Errorf("after the move: %+v", moved.Plan)
	}
	// The moved plan is what is sent.
	if r := admin.post(path, url.Values{"action": {"send"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("send after move: %d", r.Status)
	}
	req, err := e.store.RequestByID(ctx, run.Index.Requests[a.Request].ID)
	if err != nil || req.Session == nil || req.Session.StartsAt.Format(time.RFC3339) != mustUTC(t, start) {
		t.Errorf("request after send: %+v, %v", req.Session, err)
	}
}

func mustUTC(t testing.TB, s string) string {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v.UTC().Format(time.RFC3339)
}

func TestPlanning_ChooserRefusesBadPeriods(t *testing.T) {
	_, admin := newPlanningEnv(t)
	cases := []struct {
		name string
		form url.Values
		want string
	}{
		{"no season", url.Values{"season_id": {"0"}, "from": {"2026-12-01"}, "to": {"2027-06-30"}}, "choisissez une saison"},
		{"end before start", url.Values{"from": {"2027-03-01"}, "to": {"2027-02-01"}}, "finir après"},
		{"not a date", url.Values{"from": {"demain"}, "to": {"2027-02-01"}}, "jj/mm/aaaa"},
		{"empty", url.Values{"from": {""}, "to": {""}}, "première date"},
	}
	page := admin.get("/admin/planification").Body
	season := regexp.MustCompile(`<option value="(\d+)" selected>`).FindStringSubmatch(page)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.form.Set("action", "plan")
			if !tc.form.Has("season_id") {
				tc.form.Set("season_id", season[1])
			}
			r := admin.post("/admin/planification", tc.form)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(r.Body), tc.want) {
				t.Errorf("%d, want 422 with %q", r.Status, tc.want)
			}
			if tc.form.Get("from") != "" && !strings.Contains(r.Body, `value="`+tc.form.Get("from")+`"`) {
				t.Error("what was typed is lost")
			}
		})
	}
}

// TestPlanning_UnassignedRequestsShowTheirReasons plans a week in which no
// request has a window: each accepted request is listed without a slot,
// with the planner's French reason, and there is nothing to send.
func TestPlanning_UnassignedRequestsShowTheirReasons(t *testing.T) {
	e, admin := newPlanningEnv(t)
	page := admin.get("/admin/planification").Body
	season := regexp.MustCompile(`<option value="(\d+)" selected>`).FindStringSubmatch(page)[1]
	r := admin.post("/admin/planification", url.Values{"action": {"plan"}, "season_id": {season}, "from": {"2026-11-30"}, "to": {"2026-12-04"}})
	m := draftLocation.FindStringSubmatch(r.Location)
	if r.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("plan: %d", r.Status)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	d, _ := e.store.PlanDraftByID(context.Background(), id)
	run, err := planning.LoadRun(d)
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Plan.Assignments) != 0 || len(run.Plan.Unassigned) < 3 {
		t.Fatalf("plan of an empty week: %+v", run.Plan)
	}
	body := html.UnescapeString(admin.get(r.Location).Body)
	section := body[strings.Index(body, "Demandes sans créneau"):]
	for _, u := range run.Plan.Unassigned {
		if u.Reason == "" || !strings.Contains(section, u.Reason) {
			t.Errorf("reason of %s not shown: %q", u.Request, u.Reason)
		}
	}
	for _, want := range []string{"Salle Watremez", "Maison Folie Moulins", "Centre social Le Verger"} {
		if !strings.Contains(section, want) {
			t.Errorf("unassigned list lacks %q", want)
		}
	}
	if !strings.Contains(body, `value="send" disabled`) {
		t.Error("an empty proposal can be sent")
	}
}
