package app

import (
	"context"
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
	"quartier/links"
	"quartier/mailer"
	"quartier/models"
	"quartier/territory"
)

// jobWorld is what the scheduler tests share: the demo on a SQLite file,
// a settable clock, one scheduled session with a partner invited to it,
// and a way to run serve's own scheduler (its registered jobs, the real
// composer and outbox) in several instances at once, each with its own
// store as separate serve processes would have.
type jobWorld struct {
	cfg     config.Config
	ctx     context.Context
	log     *slog.Logger
	now     atomic.Pointer[time.Time]
	lk      *links.Links
	compose *mailer.Composer
	session models.Session
	partner models.SessionPartner
}

func newJobWorld(t *testing.T) *jobWorld {
	t.Helper()
	dir := t.TempDir()
	w := &jobWorld{cfg: config.Default(), ctx: context.Background(), log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	w.cfg.Server.Secret = "0123456789abcdef0123456789abcdef"
	w.cfg.Database.DSN = dbtest.DSN(t)
	w.cfg.Server.DataDir = dir
	w.cfg.Mail.Dir = filepath.Join(dir, "mail")
	w.setNow(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	var err error
	if w.lk, err = links.New([]byte(w.cfg.Server.Secret), w.cfg.Server.BaseURL); err != nil {
		t.Fatal(err)
	}
	if w.compose, err = mailer.NewComposer(mailer.ComposerConfig{BaseURL: w.cfg.Server.BaseURL, From: w.cfg.Mail.From, Links: w.lk, Contact: w.cfg.Team.ContactEmail}); err != nil {
		t.Fatal(err)
	}
	first := w.open(t)
	defer first.Store.Close()
	geo, err := territory.Load()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(w.ctx, demo.Deps{Store: first.Store, Geo: geo, Now: w.clock()}); err != nil {
		t.Fatal(err)
	}
	rows, err := first.Store.ListRequests(w.ctx, models.RequestFilter{State: models.RequestScheduled})
	if err != nil || len(rows) == 0 {
		t.Fatalf("no scheduled request in the demo: %v", err)
	}
	r, err := first.Store.RequestByID(w.ctx, rows[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	w.session = *r.Session
	admins, err := first.Store.ListUserRows(w.ctx, models.UserFilter{Role: models.RoleAdmin, Limit: 1})
	if err != nil || len(admins) == 0 {
		t.Fatalf("no admin: %v", err)
	}
	if w.partner, err = first.Store.InvitePartner(w.ctx, admins[0].ID, w.session.ID, 0, models.OrganisationInput{Name: "Association des locataires", Kind: models.OrgResidents, ContactEmail: "locataires@exemple.fr"}); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *jobWorld) setNow(t time.Time)    { w.now.Store(&t) }
func (w *jobWorld) clock() time.Time      { return *w.now.Load() }
func (w *jobWorld) later(d time.Duration) { w.setNow(w.clock().Add(d)) }
func (w *jobWorld) sqlDB(t *testing.T) *dbtest.DB {
	t.Helper()
	return dbtest.SQL(t, w.cfg.Database.DSN)
}

// open is one serve process's app on the world's database and clock.
func (w *jobWorld) open(t *testing.T) *App {
	t.Helper()
	s, err := models.Open(w.cfg.Database.DSN, models.WithClock(w.clock))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Migrate(w.ctx); err != nil {
		t.Fatal(err)
	}
	s.UseMail(w.compose)
	return &App{Config: w.cfg, Store: s, Composer: w.compose, Links: w.lk, Log: w.log}
}

// register signs people up to the world's session, confirmed, through the
// world's partner, and returns their registration ids.
func (w *jobWorld) register(t *testing.T, emails ...string) []int64 {
	t.Helper()
	db := w.sqlDB(t)
	var ids []int64
	for _, email := range emails {
		id, err := db.Insert(`INSERT INTO registrations (session_id, partner_id, first_name, last_name, email, category, state, created_at, updated_at)
			VALUES (?, ?, 'Prénom', 'Nom', ?, 'habitant', 'confirmed', ?, ?)`, w.session.ID, w.partner.ID, email, w.clock(), w.clock())
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// run runs every due job three times over in the given number of
// scheduler instances at once, each with its own store.
func (w *jobWorld) run(t *testing.T, instances int) {
	t.Helper()
	var wg sync.WaitGroup
	for range instances {
		a := w.open(t)
		driver, err := mailer.NewDriver(w.cfg, w.log)
		if err != nil {
			t.Fatal(err)
		}
		sched := a.newScheduler(driver, noRefresh{}, nil)
		wg.Go(func() {
			defer a.Store.Close()
			for range 3 {
				if _, err := sched.RunDue(w.ctx); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
}
