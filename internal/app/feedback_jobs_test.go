package app

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
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

// TestScheduler_FeedbackOnceAcrossRestartAndTwoInstances runs serve's own
// scheduler in two instances on one SQLite file, then one again (a
// restart), after a demo session where three registered people were
// ticked present and one absent: each of the three gets one feedback
// link, delivered once; three days later each still unanswered link gets
// one reminder, delivered once, the answered one none.
func TestScheduler_FeedbackOnceAcrossRestartAndTwoInstances(t *testing.T) {
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
	defer db.Close()
	var regs []int64
	for _, email := range []string{"karim@exemple.fr", "lea@exemple.fr", "ines@exemple.fr", "absent@exemple.fr"} {
		res, err := db.Exec(`INSERT INTO registrations (session_id, partner_id, first_name, last_name, email, category, state, created_at, updated_at)
			VALUES (?, ?, 'Prénom', 'Nom', ?, 'habitant', 'confirmed', ?, ?)`, se.ID, p.ID, email, clock(), clock())
		if err != nil {
			t.Fatal(err)
		}
		id, _ := res.LastInsertId()
		regs = append(regs, id)
	}
	setNow(se.StartsAt.Add(30 * time.Minute))
	if err := first.Store.SaveAttendance(ctx, se.FacilitatorID, se.ID, regs[:3]); err != nil {
		t.Fatal(err)
	}
	first.Store.Close()

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
	count := func() (links, reminders map[string]int, sent int) {
		t.Helper()
		check := open()
		defer check.Store.Close()
		msgs, _, err := check.Store.ListOutbox(ctx, models.OutboxFilter{Limit: 2000})
		if err != nil {
			t.Fatal(err)
		}
		links, reminders = map[string]int{}, map[string]int{}
		for _, m := range msgs {
			if m.Kind != mailer.KindFeedback {
				continue
			}
			if strings.HasSuffix(m.DedupKey, ":reminder") {
				reminders[m.DedupKey]++
			} else {
				links[m.DedupKey]++
			}
			if m.Status == models.OutboxSent {
				sent++
			}
		}
		return links, reminders, sent
	}

	// The outbox is a periodic job too: the restart comes a minute later,
	// so that it delivers what the jobs queued after its last run.
	setNow(se.EndsAt.Add(time.Hour))
	run(2)
	setNow(se.EndsAt.Add(time.Hour + time.Minute))
	run(1) // a restart
	l, rem, sent := count()
	if len(l) != 3 || len(rem) != 0 || sent != 3 {
		t.Fatalf("after the session: links %v, reminders %v, %d sent; want 3 links each sent once", l, rem, sent)
	}

	// One attendee answers; three days later the two others are reminded.
	a := open()
	if err := a.Store.AnswerFeedback(ctx, regs[0], models.FeedbackInput{Satisfaction: "4", KnowledgeBefore: "2", KnowledgeAfter: "4",
		KnowsWhere: "oui", Recommend: "oui"}); err != nil {
		t.Fatal(err)
	}
	a.Store.Close()
	setNow(se.EndsAt.Add(time.Hour + 73*time.Hour))
	run(2)
	setNow(se.EndsAt.Add(time.Hour + 73*time.Hour + time.Minute))
	run(1)
	l, rem, sent = count()
	if len(l) != 3 || len(rem) != 2 || sent != 5 {
		t.Errorf("after three days: links %v, reminders %v, %d sent; want 2 reminders, each sent once", l, rem, sent)
	}
	for k, n := range rem {
		if n != 1 || strings.HasPrefix(k, "feedback:"+itoa(regs[0])+":") {
			t.Errorf("reminder %s ×%d", k, n)
		}
	}
	check := open()
	defer check.Store.Close()
	for _, kind := range []string{models.JobFeedbackSend, models.JobFeedbackRemind} {
		j, err := check.Store.JobByDedupKey(ctx, kind)
		if err != nil || j.DoneAt != nil || j.LastError != "" {
			t.Errorf("periodic job %s: %+v %v", kind, j, err)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
