package handlers_test

import (
	"context"
	"fmt"
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
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm/logger"

	"quartier/config"
	"quartier/handlers"
	"quartier/internal/dbtest"
	"quartier/internal/demo"
	"quartier/links"
	"quartier/mailer"
	"quartier/models"
	"quartier/territory"
)

// statementCount is a GORM logger that counts the statements run.
type statementCount struct {
	logger.Interface
	n atomic.Int64
}

func (c *statementCount) Trace(context.Context, time.Time, func() (string, int64), error) {
	c.n.Add(1)
}

// demoEnv is an app over the demo programme, k times its size (demo.SeedScale),
// whose store counts its statements.
type demoEnv struct {
	*env
	statements *statementCount
}

func newDemoEnv(t testing.TB, k int) demoEnv {
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
	clock := &testClock{now: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	counter := &statementCount{Interface: logger.Discard}
	store, err := models.Open(cfg.Database.DSN, models.WithClock(clock.Now), models.WithLogger(counter))
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
	m, err := demo.Seed(ctx, demo.Deps{Store: store, Geo: geo, Now: clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.SeedScale(ctx, cfg.Database.DSN, geo, clock.Now(), k); err != nil {
		t.Fatal(err)
	}
	h, err := handlers.New(handlers.Deps{
		Config: cfg, Store: store, Mail: composer, Links: l, Territory: geo, Secret: []byte(cfg.Server.Secret),
		Log: slog.New(slog.NewTextHandler(io.MultiWriter(warnings{testLog{t}}), nil)), Now: clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	router, routes := h.Router()
	e := &env{t: t, cfg: cfg, store: store, routes: routes, clock: clock, echo: router, logs: &syncBuffer{}}
	e.srv = httptest.NewServer(router)
	t.Cleanup(e.srv.Close)
	if e.admin, err = store.UserByEmail(ctx, m.Accounts.Admin); err != nil {
		t.Fatal(err)
	}
	if e.coord, err = store.UserByEmail(ctx, m.Accounts.Coordinator); err != nil {
		t.Fatal(err)
	}
	return demoEnv{env: e, statements: counter}
}

// listPages are the paginated lists, with a filter each keeps in its
// pager's links, and who may see them.
var listPages = []struct {
	name, path, filter string
	coordinator        bool
}{
	{"admin requests", "/admin/demandes", "etat=closed", false},
	{"admin requests by season", "/admin/demandes", "saison=hors", false},
	{"coordinator requests", "/demandes", "", true},
	{"people", "/admin/personnes", "role=coordinator", false},
	{"CLSMs", "/admin/clsm", "region=32", false},
	{"quartiers", "/admin/qpv", "q=qx", false},
	{"outbox", "/admin/courriels", "statut=sent", false},
	{"seasons", "/admin/saisons", "", false},
}

// TestListPages_StatementsDoNotGrowWithRows: each list page runs as many
// SQL statements on the demo as on the demo ten times its size, first
// page and second.
func TestListPages_StatementsDoNotGrowWithRows(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the demo twice, once at ten times its size")
	}
	count := func(k int) map[string]int64 {
		e := newDemoEnv(t, k)
		admin, coord := e.as(&e.admin), e.as(&e.coord)
		out := map[string]int64{}
		for _, lp := range listPages {
			c := admin
			if lp.coordinator {
				c = coord
			}
			for _, page := range []string{"", "page=2"} {
				path := lp.path + "?" + strings.Trim(lp.filter+"&"+page, "&")
				before := e.statements.n.Load()
				if r := c.get(path); r.Status != http.StatusOK {
					t.Fatalf("scale %d, %s: status %d", k, path, r.Status)
				}
				out[path] = e.statements.n.Load() - before
			}
		}
		return out
	}
	small, large := count(1), count(10)
	t.Logf("statements per page, demo: %v; ten times: %v", small, large)
	for path, n := range small {
		if n == 0 || large[path] != n {
			t.Errorf("%s: %d statements on the demo, %d at ten times its size: want the same, and at least one", path, n, large[path])
		}
	}
}

var (
	rowLink     = regexp.MustCompile(`<a href="/admin/demandes/(\d+)">`)
	pagerHref   = regexp.MustCompile(`<nav class="pager" aria-label="Pagination">[\s\S]*?</nav>`)
	currentPage = regexp.MustCompile(`aria-current="page">(\d+)</a>`)
	statusLine  = regexp.MustCompile(`<p role="status">([^<]*)</p>`)
)

// TestAdminRequests_Pagination: the admin's list of requests shows fifty
// rows a page, the next ones on page 2, the count of the whole list, a
// pager that keeps the filters, and the first or last page for a page
// number that is not one or is past the end.
func TestAdminRequests_Pagination(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the demo at thirty times its size")
	}
	e := newDemoEnv(t, 30)
	ctx := context.Background()
	admin := e.as(&e.admin)
	all, err := e.store.ListRequests(ctx, models.RequestFilter{ExcludeDrafts: true})
	if err != nil {
		t.Fatal(err)
	}
	closed, err := e.store.ListRequests(ctx, models.RequestFilter{ExcludeDrafts: true, State: models.RequestClosed})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) <= 100 || len(closed) <= 50 {
		t.Fatalf("the scaled demo has %d requests, %d closed: want more than two and one pages", len(all), len(closed))
	}
	ids := func(rows []models.RequestRow) []string {
		out := make([]string, len(rows))
		for i, r := range rows {
			out[i] = strconv.FormatInt(r.ID, 10)
		}
		return out
	}
	lastAll := (len(all) + 49) / 50
	lastClosed := (len(closed) + 49) / 50
	for _, tc := range []struct {
		name, query string
		rows        []string
		page, pages int
	}{
		{"first page", "", ids(all[:50]), 1, lastAll},
		{"second page", "page=2", ids(all[50:100]), 2, lastAll},
		{"not a number", "page=abc", ids(all[:50]), 1, lastAll},
		{"zero", "page=0", ids(all[:50]), 1, lastAll},
		{"past the end", "page=9999", ids(all[(lastAll-1)*50:]), lastAll, lastAll},
		{"filtered, second page", "etat=closed&page=2", ids(closed[50:min(100, len(closed))]), 2, lastClosed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := admin.get("/admin/demandes?" + tc.query)
			if r.Status != http.StatusOK {
				t.Fatalf("status %d", r.Status)
			}
			var got []string
			for _, m := range rowLink.FindAllStringSubmatch(r.Body, -1) {
				got = append(got, m[1])
			}
			if strings.Join(got, ",") != strings.Join(tc.rows, ",") {
				t.Errorf("rows %v, want %v", got, tc.rows)
			}
			nav := pagerHref.FindString(r.Body)
			if !strings.Contains(nav, "Page "+strconv.Itoa(tc.page)+" sur "+strconv.Itoa(tc.pages)) {
				t.Errorf("pager %q: want « Page %d sur %d »", nav, tc.page, tc.pages)
			}
			if m := currentPage.FindStringSubmatch(nav); m == nil || m[1] != strconv.Itoa(tc.page) {
				t.Errorf("current page %v, want %d", m, tc.page)
			}
			if strings.Contains(tc.query, "etat=closed") {
				for _, href := range regexp.MustCompile(`href="([^"]+)"`).FindAllStringSubmatch(nav, -1) {
					u, err := url.Parse(html.UnescapeString(href[1]))
					if err != nil || u.Path != "/admin/demandes" || u.Query().Get("etat") != "closed" {
						t.Errorf("pager link %s drops the filter", href[1])
					}
				}
			}
		})
	}
	// The count is the whole list's, with a narrow no-break space between
	// thousands when there are any.
	r := admin.get("/admin/demandes?etat=closed")
	m := statusLine.FindStringSubmatch(r.Body)
	if want := strconv.Itoa(len(closed)) + "\u00a0demandes correspondant aux filtres"; m == nil || !strings.HasPrefix(html.UnescapeString(m[1]), want) {
		t.Errorf("status line %v, want it to start with %q", m, want)
	}
	// ?clsm= narrows the list to one CLSM, and an unknown one to nothing
	// more than the other filters.
	cl := all[0]
	ofCLSM, err := e.store.CountRequests(ctx, models.RequestFilter{ExcludeDrafts: true, CLSMID: cl.CLSMID})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		query, want string
	}{
		{"clsm=" + strconv.FormatInt(cl.CLSMID, 10), strconv.FormatInt(ofCLSM, 10) + "\u00a0demande"},
		{"clsm=999999", strconv.Itoa(len(all)) + "\u00a0demandes."},
	} {
		r := admin.get("/admin/demandes?" + tc.query)
		m := statusLine.FindStringSubmatch(r.Body)
		if m == nil || !strings.HasPrefix(html.UnescapeString(m[1]), tc.want) {
			t.Errorf("%s: status line %v, want it to start with %q", tc.query, m, tc.want)
		}
	}
	if r := admin.get("/admin/demandes?clsm=" + strconv.FormatInt(cl.CLSMID, 10)); !strings.Contains(r.Body, cl.CLSMName) || !strings.Contains(r.Body, `name="clsm" value="`+strconv.FormatInt(cl.CLSMID, 10)+`"`) {
		t.Errorf("the CLSM filter is not shown or not kept by the filter form")
	}
}

// TestListPages_PagerKeepsFilters: on every list with more than one
// page, page 2 is reached through the pager and keeps the filter.
func TestListPages_PagerKeepsFilters(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the demo at thirty times its size")
	}
	e := newDemoEnv(t, 30)
	admin := e.as(&e.admin)
	for _, path := range []string{"/admin/courriels?statut=sent", "/admin/demandes?etat=closed"} {
		r := admin.get(path)
		nav := pagerHref.FindString(r.Body)
		if nav == "" {
			t.Errorf("%s: no pager", path)
			continue
		}
		next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(nav)
		if next == nil {
			t.Errorf("%s: no link to the next page in %s", path, nav)
			continue
		}
		want, _ := url.Parse(path)
		got, _ := url.Parse(html.UnescapeString(next[1]))
		for k := range want.Query() {
			if got.Query().Get(k) != want.Query().Get(k) {
				t.Errorf("%s: next page %s drops %s", path, got, k)
			}
		}
		if got.Query().Get("page") != "2" {
			t.Errorf("%s: next page %s, want page=2", path, got)
		}
		if r := admin.get(got.String()); r.Status != http.StatusOK || !strings.Contains(r.Body, `aria-current="page">2</a>`) {
			t.Errorf("%s: status %d, page 2 not current", got, r.Status)
		}
	}
}

// BenchmarkListPages measures the list pages through the real router on
// the demo at 1 and 10 times its size: with pagination, ns/op should
// barely move between the two.
func BenchmarkListPages(b *testing.B) {
	for _, k := range []int{1, 10} {
		e := newDemoEnv(b, k)
		admin, coord := e.as(&e.admin), e.as(&e.coord)
		for _, lp := range listPages {
			c := admin
			if lp.coordinator {
				c = coord
			}
			path := lp.path + "?" + lp.filter
			b.Run(fmt.Sprintf("scale%d/%s", k, strings.ReplaceAll(lp.name, " ", "_")), func(b *testing.B) {
				for b.Loop() {
					if r := c.get(path); r.Status != http.StatusOK {
						b.Fatalf("%s: %d", path, r.Status)
					}
				}
			})
		}
	}
}

// TestPeopleList_UnknownRoleListsEveryRole: a role the list does not know
// (an edited link) shows every account, as with no role, rather than an
// empty list.
func TestPeopleList_UnknownRoleListsEveryRole(t *testing.T) {
	e := newEnv(t)
	admin := e.as(&e.admin)
	count := regexp.MustCompile(`\d+[\s\x{a0}\x{202f}]comptes?\.`)
	all := count.FindString(admin.get("/admin/personnes").Body)
	if all == "" || strings.HasPrefix(all, "0") {
		t.Fatalf("the list counts %q", all)
	}
	r := admin.get("/admin/personnes?role=zz")
	if got := count.FindString(r.Body); r.Status != http.StatusOK || got != all {
		t.Errorf("role=zz: %d, %q, want %q", r.Status, got, all)
	}
	if got := count.FindString(admin.get("/admin/personnes?role=facilitator").Body); got == all {
		t.Errorf("role=facilitator counts %q as every role does: the check above proves nothing", got)
	}
}
