package app

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"quartier/config"
	"quartier/internal/dbtest"
	"quartier/internal/demo"
)

// TestEnsureDemo_InstancesStartedTogetherSeedOnce: three instances on one
// PostgreSQL database run EnsureDemo at once, as `serve --demo` started
// on each: the demo is seeded once, every instance gets it, with the same
// accounts. (Without the lock, two seed it and one fails on a unique
// address.) On SQLite the demo is one process's: nothing to share.
func TestEnsureDemo_InstancesStartedTogetherSeedOnce(t *testing.T) {
	if !dbtest.Postgres() {
		t.Skip("several instances share a database on PostgreSQL only (set " + dbtest.EnvPostgres + ")")
	}
	dsn := dbtest.DSN(t)
	ctx := context.Background()
	const instances = 3
	var wg sync.WaitGroup
	manifests := make([]demo.Manifest, instances)
	errs := make([]error, instances)
	for i := range instances {
		dir := t.TempDir()
		cfg := config.Default()
		cfg.Server.Secret = strings.Repeat("s", 40)
		cfg.Database.DSN = dsn
		cfg.Server.DataDir = dir
		cfg.Mail.Dir = filepath.Join(dir, "mail")
		a, err := New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		wg.Go(func() {
			var ok bool
			manifests[i], ok, errs[i] = a.EnsureDemo(ctx, io.Discard)
			if errs[i] == nil && !ok {
				errs[i] = errors.New("the database holds something else than the demo")
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("instance %d: %v", i, err)
		}
	}
	for i := 1; i < instances; i++ {
		if manifests[i].Accounts.Admin == "" || manifests[i].Accounts.Admin != manifests[0].Accounts.Admin {
			t.Errorf("instance %d's demo admin %q, instance 0's %q", i, manifests[i].Accounts.Admin, manifests[0].Accounts.Admin)
		}
	}
	var seasons int
	if err := dbtest.SQL(t, dsn).QueryRow(`SELECT COUNT(*) FROM seasons`).Scan(&seasons); err != nil || seasons != 2 {
		t.Errorf("%d seasons (%v): the demo was seeded more than once", seasons, err)
	}
}
