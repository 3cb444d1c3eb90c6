package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"quartier/handlers"
	"quartier/internal/demo"
	"quartier/models"
	"quartier/territory"
)

// scaledPages are the pages BenchmarkPagesAtScale opens: the lists and
// forms whose rows grow with the programme, and /healthz as the baseline.
var scaledPages = []struct{ role, route string }{
	{"anonymous", "/healthz"},
	{"admin", "/tableau-de-bord"},
	{"admin", "/admin/demandes"},
	{"admin", "/admin/demandes/:id"},
	{"admin", "/admin/personnes"},
	{"admin", "/admin/personnes/nouvelle"},
	{"admin", "/admin/personnes/:id"},
	{"admin", "/admin/clsm"},
	{"admin", "/admin/clsm/nouveau"},
	{"admin", "/admin/clsm/:id"},
	{"admin", "/admin/courriels"},
	{"admin", "/admin/calendriers"},
	{"admin", "/admin/qpv"},
	{"coordinator", "/tableau-de-bord"},
	{"coordinator", "/demandes"},
	{"coordinator", "/demandes/:id/modifier"},
	{"facilitator", "/tableau-de-bord"},
	{"facilitator", "/calendrier/mois"},
	{"facilitator", "/calendrier/flux"},
}

// BenchmarkPagesAtScale measures whole requests (one client, real router,
// real SQLite file, frozen clock) on the plain demo and on it at larger
// scales, for the pages whose rows grow with the data: compare each page
// with itself across scales and with /healthz of the same scale.
// QUARTIER_BENCH_SCALES lists the scales ("1 10" by default; "1 10 100"
// seeds the stress case too, about a minute). QUARTIER_BENCH_DBDIR, when
// set, keeps the seeded databases in that directory and reuses them on the
// next run (each run works on a copy), so that two test binaries can be
// compared in alternating runs without seeding each time:
//
//	go test -run '^$' -bench PagesAtScale -benchtime 200x ./handlers/
func BenchmarkPagesAtScale(b *testing.B) {
	geoOnce.Do(func() { geo, geoErr = territory.Load() })
	if geoErr != nil {
		b.Fatal(geoErr)
	}
	scales := strings.Fields(os.Getenv("QUARTIER_BENCH_SCALES"))
	if len(scales) == 0 {
		scales = []string{"1", "10"}
	}
	dir := b.TempDir()
	cache := os.Getenv("QUARTIER_BENCH_DBDIR")
	plain := filepath.Join(dir, "plain.db")
	cachedOr(b, cache, plain, func(to string) { seedDemo(b, to) })
	for _, sc := range scales {
		k, err := strconv.Atoi(sc)
		if err != nil || k < 1 {
			b.Fatalf("QUARTIER_BENCH_SCALES: %q is no scale", sc)
		}
		path := plain
		if k > 1 {
			path = filepath.Join(dir, fmt.Sprintf("x%d.db", k))
			cachedOr(b, cache, path, func(to string) {
				copyFile(b, plain, to)
				if _, err := demo.SeedScale(context.Background(), to, geo, statementsClock, k); err != nil {
					b.Fatal(err)
				}
			})
		}
		addPlanDraft(b, path) // the fixture names the newest draft
		site := openDemoSite(b, path)
		site.counter.off.Store(true)
		for _, p := range scaledPages {
			var c *client
			for _, nc := range site.browsers[accessOf(b, site, p.route)] {
				if nc.name == p.role {
					c = nc.c
				}
			}
			if c == nil {
				b.Fatalf("%s: no %s browser", p.route, p.role)
			}
			page := site.page(statementPages[p.route])
			b.Run(fmt.Sprintf("x%d/%s_%s", k, p.role, strings.ReplaceAll(strings.Trim(p.route, "/"), "/", "_")), func(b *testing.B) {
				for b.Loop() {
					if r := c.get(page); r.Status != http.StatusOK {
						b.Fatalf("%s: %d", page, r.Status)
					}
				}
			})
		}
	}
}

// cachedOr fills the database at path by seed, or, when cache names a
// directory, copies it from there, seeding it there first if missing.
func cachedOr(b *testing.B, cache, path string, seed func(to string)) {
	b.Helper()
	if cache == "" {
		seed(path)
		return
	}
	kept := filepath.Join(cache, filepath.Base(path))
	if _, err := os.Stat(kept); err != nil {
		if err := os.MkdirAll(cache, 0o700); err != nil {
			b.Fatal(err)
		}
		tmp := filepath.Join(b.TempDir(), filepath.Base(path))
		seed(tmp)
		copyFile(b, tmp, kept)
	}
	copyFile(b, kept, path)
	// A database kept from an older binary lacks the migrations added
	// since (an index the pages rely on): bring the copy up to date, as
	// serve does at start.
	store, err := models.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	if _, err := store.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
}

// accessOf is the access rule of a GET route of the table.
func accessOf(t testing.TB, site *demoSite, route string) handlers.Access {
	for _, rt := range site.routes {
		if rt.Method == http.MethodGet && rt.Path == route {
			return rt.Access
		}
	}
	t.Fatalf("GET %s is not in the route table", route)
	return ""
}
