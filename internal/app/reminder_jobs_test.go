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
	"quartier/internal/demo"
	"quartier/links"
	"quartier/mailer"
	"quartier/models"
	"quartier/territory"
)

// TestScheduler_RemindersOnceAcrossRestartAndTwoInstances runs serve's own
// scheduler (its registered jobs, the real composer and outbox) in two
// instances on one SQLite file, each with its own store as two serve
// processes would, a week before a demo session with two participants;
// then one instance again after both stopped (a restart); the same the
// day before. Each reminder, the week's and the day's, is queued and
// delivered exactly once: the facilitator's, the coordinator's and each
// participant's.
func TestScheduler_RemindersOnceAcrossRestartAndTwoInstances(t *testing.T) {
	dir := t.TempDir()
	cfg := config.Default()
	cfg.Server.Secret = "0123456789abcdef0123456789abcdef"
	cfg.Database.DSN = filepath.Join(dir, "quartier.db")
	cfg.Mail.Dir = filepath.Join(dir, "mail")
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var now atomic.Pointer[time.Time]
	setNow := func(t time.Time) { now.Store(&t) }
	clock := func() time.Time { return *now.Load() }
	setNow(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))

	lk, err := links.New([]byte(cfg.Server.Secret), cfg.Server.BaseURL)
	if err != nil {
		t.Fatal(err)
	}
	composer, err := mailer.NewComposer(mailer.ComposerConfig{BaseURL: cfg.Server.BaseURL, From: cfg.Mail.From, Links: lk, Contact: cfg.Team.ContactEmail})
	if err != nil {
		t.Fatal(err)
	}
	open := func() *App {
		s, err := models.Open(cfg.Database.DSN, models.WithClock(clock))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		s.UseMail(composer)
		return &App{Config: cfg, Store: s, Composer: composer, Links: lk, Log: log}
	}
	first := open()
	geo, err := territory.Load()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(ctx, demo.Deps{Store: first.Store, Geo: geo, Now: clock()}); err != nil {
		t.Fatal(err)
	}
	rows, err := first.Store.ListRequests(ctx, models.RequestFilter{State: models.RequestScheduled})
	if err != nil || len(rows) == 0 {
		t.Fatalf("no scheduled request in the demo: %v", err)
	}
	r, err := first.Store.RequestByID(ctx, rows[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	se := *r.Session
	admins, err := first.Store.ListUserRows(ctx, models.UserFilter{Role: models.RoleAdmin, Limit: 1})
	if err != nil || len(admins) == 0 {
		t.Fatalf("no admin: %v", err)
	}
	p, err := first.Store.InvitePartner(ctx, admins[0].ID, se.ID, 0, models.OrganisationInput{Name: "Association des locataires", Kind: models.OrgResidents, ContactEmail: "locataires@exemple.fr"})
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", cfg.Database.DSN)
	if err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"karim@exemple.fr", "lea@exemple.fr"} {
		if _, err := db.Exec(`INSERT INTO registrations (session_id, partner_id, first_name, last_name, email, category, state, created_at, updated_at)
			VALUES (?, ?, 'Prénom', 'Nom', ?, 'habitant', 'confirmed', ?, ?)`, se.ID, p.ID, email, clock(), clock()); err != nil {
			t.Fatal(err)
		}
	}
	// The demo has already signed people up to this session: every
	// confirmed one is reminded, with the facilitator and the coordinator.
	var confirmed int
	if err := db.QueryRow(`SELECT COUNT(*) FROM registrations WHERE session_id = ? AND state = 'confirmed'`, se.ID).Scan(&confirmed); err != nil {
		t.Fatal(err)
	}
	want := confirmed + 2
	db.Close()
	first.Store.Close()

	setNow(se.StartsAt.Add(-7*24*time.Hour + time.Minute))
	run := func(instances int) {
		t.Helper()
		var wg sync.WaitGroup
		for range instances {
			a := open()
			driver, err := mailer.NewDriver(cfg, log)
			if err != nil {
				t.Fatal(err)
			}
			sched := a.newScheduler(driver, noRefresh{}, nil)
			wg.Go(func() {
				defer a.Store.Close()
				for range 3 {
					if _, err := sched.RunDue(ctx); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
	}
	reminders := func(kinds int) {
		t.Helper()
		check := open()
		defer check.Store.Close()
		msgs, _, err := check.Store.ListOutbox(ctx, models.OutboxFilter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		keys := map[string]int{}
		sent := 0
		for _, m := range msgs {
			if m.Kind != mailer.KindReminder {
				continue
			}
			keys[m.DedupKey]++
			if m.Status == models.OutboxSent {
				sent++
			}
		}
		if len(keys) != kinds*want || sent != kinds*want {
			t.Errorf("reminders: %v, %d sent; want %d times %d (facilitator, coordinator, %d participants), each sent once", keys, sent, kinds, want, want-2)
		}
	}
	run(2)
	setNow(clock().Add(2 * time.Minute))
	run(1) // a restart, a little later
	reminders(1)
	// The day before: the day's reminder, once, across two instances and a
	// restart again.
	setNow(se.StartsAt.Add(-24*time.Hour + time.Minute))
	run(2)
	setNow(clock().Add(2 * time.Minute))
	run(1)
	reminders(2)

	check := open()
	defer check.Store.Close()
	j, err := check.Store.JobByDedupKey(ctx, models.JobSessionReminders)
	if err != nil || j.DoneAt != nil || j.LastError != "" {
		t.Errorf("periodic reminder job: %+v %v", j, err)
	}
}
