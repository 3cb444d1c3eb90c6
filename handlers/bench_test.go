package handlers_test

import (
	"net/http"
	"testing"
)

// BenchmarkPages measures whole requests through the real router and a
// real SQLite file, against /healthz (one database round trip) as the
// baseline of the same run: compare ns/op as ratios.
func BenchmarkPages(b *testing.B) {
	e := newEnv(b)
	anon := e.client()
	admin := e.as(&e.admin)
	coord := e.as(&e.coord)
	for _, bc := range []struct {
		name string
		c    *client
		path string
	}{
		{"baseline_healthz", anon, "/healthz"},
		{"home", anon, "/"},
		{"login", anon, "/connexion"},
		{"dashboard_admin", admin, "/tableau-de-bord"},
		{"dashboard_coordinator", coord, "/tableau-de-bord"},
		{"admin_people", admin, "/admin/personnes"},
		{"admin_clsms", admin, "/admin/clsm"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if r := bc.c.get(bc.path); r.Status != http.StatusOK {
					b.Fatalf("%s: %d", bc.path, r.Status)
				}
			}
		})
	}
}
