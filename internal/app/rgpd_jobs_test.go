package app

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"quartier/config"
	"quartier/internal/dbtest"
	"quartier/internal/demo"
	"quartier/mailer"
	"quartier/models"
	"quartier/territory"
)

// rgpdTestConfig is a configuration on a fresh directory.
func rgpdTestConfig(t *testing.T) config.Config {
	t.Helper()
	dir := t.TempDir()
	cfg := config.Default()
	cfg.Server.Secret = "0123456789abcdef0123456789abcdef"
	cfg.Database.DSN = dbtest.DSN(t)
	cfg.Server.DataDir = dir
	cfg.Mail.Dir = filepath.Join(dir, "mail")
	return cfg
}

// seedDemo fills cfg's database with the demo at clock's time.
func seedDemo(t *testing.T, cfg config.Config, clock func() time.Time) {
	t.Helper()
	s, err := models.Open(cfg.Database.DSN, models.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	geo, err := territory.Load()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(context.Background(), demo.Deps{Store: s, Geo: geo, Now: clock()}); err != nil {
		t.Fatal(err)
	}
}

// TestScheduler_RetentionPurgeOnceAcrossRestartAndTwoInstances closes
// every season of the demo 13 months ago and runs serve's own scheduler in
// two instances on one SQLite file, then once more (a restart): every
// registration is anonymised, and the purge ran, and was recorded, once.
func TestScheduler_RetentionPurgeOnceAcrossRestartAndTwoInstances(t *testing.T) {
	cfg := rgpdTestConfig(t)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var now atomic.Pointer[time.Time]
	start := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	now.Store(&start)
	clock := func() time.Time { return *now.Load() }
	seedDemo(t, cfg, clock)

	db := dbtest.SQL(t, cfg.Database.DSN)
	if _, err := db.Exec(`UPDATE seasons SET status = 'closed', closed_at = ?`, start.AddDate(0, -13, 0)); err != nil {
		t.Fatal(err)
	}
	var named int
	count := func() {
		t.Helper()
		if err := db.QueryRow(`SELECT COUNT(*) FROM registrations WHERE email LIKE '%@%'`).Scan(&named); err != nil {
			t.Fatal(err)
		}
	}
	count()
	if named == 0 {
		t.Fatal("the demo has no registration to purge")
	}
	total := named

	composer, err := mailer.NewComposer(mailer.ComposerConfig{BaseURL: cfg.Server.BaseURL, From: cfg.Mail.From, Contact: cfg.Team.ContactEmail})
	if err != nil {
		t.Fatal(err)
	}
	run := func(instances int) {
		t.Helper()
		var wg sync.WaitGroup
		for range instances {
			s, err := models.Open(cfg.Database.DSN, models.WithClock(clock))
			if err != nil {
				t.Fatal(err)
			}
			s.UseMail(composer)
			a := &App{Config: cfg, Store: s, Composer: composer, Log: log}
			driver, err := mailer.NewDriver(cfg, log)
			if err != nil {
				t.Fatal(err)
			}
			sched := a.newScheduler(driver, noRefresh{}, nil)
			wg.Go(func() {
				defer s.Close()
				for range 3 {
					if _, err := sched.RunDue(ctx); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
	}
	run(2)
	later := start.Add(time.Minute)
	now.Store(&later)
	run(1)
	count()
	if named != 0 {
		t.Errorf("%d of %d registrations still hold an address", named, total)
	}
	var runs, purged int
	if err := db.QueryRow(`SELECT COUNT(*), COALESCE(SUM(registrations), 0) FROM retention_runs`).Scan(&runs, &purged); err != nil {
		t.Fatal(err)
	}
	if runs != 1 || purged != total {
		t.Errorf("%d runs purging %d registrations; want 1 run purging %d", runs, purged, total)
	}
}

// TestOpenStore_ReplaysTheErasureLog erases one person, puts back a copy
// of the database taken before, and opens it as serve and migrate do:
// the person is erased again.
func TestOpenStore_ReplaysTheErasureLog(t *testing.T) {
	cfg := rgpdTestConfig(t)
	// The backup is SQLite's (VACUUM INTO): this test is about a file.
	cfg.Database.DSN = filepath.Join(cfg.Server.DataDir, "quartier.db")
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	seedDemo(t, cfg, time.Now)

	store, err := OpenStore(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	var email string
	db, err := sql.Open("sqlite3", cfg.Database.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow(`SELECT email FROM registrations WHERE email LIKE '%@%' ORDER BY id LIMIT 1`).Scan(&email); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(filepath.Dir(cfg.Database.DSN), "backup.db")
	if _, err := db.Exec("VACUUM INTO ?", backup); err != nil {
		t.Fatal(err)
	}
	if _, err := store.EraseSubject(ctx, 1, email); err != nil {
		t.Fatal(err)
	}
	store.Close()

	restored := cfg
	restored.Database.DSN = backup
	restored.RGPD.ErasureLog = cfg.ErasureLogPath() // the log stays where it was
	rdb, err := sql.Open("sqlite3", backup)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	var held int
	rdb.QueryRow(`SELECT COUNT(*) FROM registrations WHERE email = ?`, email).Scan(&held)
	if held == 0 {
		t.Fatal("the backup does not hold the person")
	}
	s, err := OpenStore(ctx, restored, log)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rdb.QueryRow(`SELECT COUNT(*) FROM registrations WHERE email = ?`, email).Scan(&held)
	if held != 0 {
		t.Errorf("after the restore, %d registrations of the erased person are back", held)
	}
}
