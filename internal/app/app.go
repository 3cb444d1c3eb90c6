// Package app wires quartier together from its configuration: the store,
// the reference data, the mailer, the handlers and the scheduler of background jobs.
// The serve and demo commands and the end-to-end tests all start the
// application through it, so they run the same thing.
package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"quartier/config"
	"quartier/handlers"
	"quartier/internal/calendarsub"
	"quartier/internal/demo"
	"quartier/internal/metrics"
	"quartier/internal/planning"
	"quartier/internal/scheduler"
	"quartier/links"
	"quartier/mailer"
	"quartier/models"
	"quartier/territory"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver, for the demo's lock
)

// App is a configured quartier.
type App struct {
	Config   config.Config
	Store    *models.Store
	Geo      *territory.Directory
	Composer *mailer.Composer
	Links    *links.Links
	Log      *slog.Logger
	secret   []byte
}

// New opens and migrates the database and loads what every command needs.
func New(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	secret, err := cfg.ResolveSecret()
	if err != nil {
		return nil, err
	}
	geo, err := territory.Load()
	if err != nil {
		return nil, fmt.Errorf("load communes: %w", err)
	}
	lk, err := links.New(secret, cfg.Server.BaseURL)
	if err != nil {
		return nil, err
	}
	composer, err := mailer.NewComposer(mailer.ComposerConfig{BaseURL: cfg.Server.BaseURL, From: cfg.Mail.From, FromName: cfg.Mail.FromName,
		Contact: cfg.Team.ContactEmail, TeamName: cfg.Team.Name, Links: lk})
	if err != nil {
		return nil, err
	}
	store, err := OpenStore(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	// Every operation queues its email through the composer: pages, the
	// demo and the background jobs alike.
	store.UseMail(composer)
	store.UseProposalTTL(cfg.Requests.ProposalTTL.Duration)
	// Two sessions of one day leave the planner's travel time between them.
	store.UseTravel(planning.TravelTimes(geo))
	store.UseSignupPolicy(models.SignupPolicy{PromotionCutoff: cfg.Signups.PromotionCutoff.Duration,
		PostsPerLink: cfg.Signups.PostsPerLink, Window: cfg.Signups.RateWindow.Duration})
	store.UseFeedbackPeriod(cfg.Sessions.FeedbackPeriod.Duration)
	store.UseFeedbackPolicy(models.FeedbackPolicy{LinkTTL: cfg.Feedback.LinkTTL.Duration, ReminderAfter: cfg.Feedback.ReminderAfter.Duration})
	return &App{Config: cfg, Store: store, Geo: geo, Composer: composer, Links: lk, Log: log, secret: secret}, nil
}

// OpenStore opens the database and applies pending migrations; it refuses
// a database migrated by a newer quartier (*models.SchemaTooNewError).
func OpenStore(ctx context.Context, cfg config.Config, log *slog.Logger) (*models.Store, error) {
	store, err := models.Open(cfg.Database.DSN)
	if err != nil {
		return nil, err
	}
	n, err := store.Migrate(ctx)
	if err != nil {
		store.Close()
		return nil, err
	}
	if n > 0 {
		log.Info("database migrated", "applied", n)
	}
	if err := replayErasures(ctx, store, cfg, log); err != nil {
		store.Close()
		return nil, err
	}
	return store, nil
}

// replayErasures points the store at the erasure log and re-applies it:
// after a restore of an older backup, the people erased since are erased
// again before anything is served. Only counts are logged.
func replayErasures(ctx context.Context, store *models.Store, cfg config.Config, log *slog.Logger) error {
	secret, err := cfg.ResolveSecret()
	if err != nil {
		return err
	}
	store.UseErasureLog(cfg.ErasureLogPath(), secret)
	res, err := store.ReplayErasures(ctx)
	if err != nil {
		return fmt.Errorf("replay the erasure log: %w", err)
	}
	if res.Skipped > 0 {
		log.Warn("erasure log: unreadable lines skipped", "lines", res.Skipped)
	}
	if res.Addresses > 0 {
		log.Info("erasures replayed", "people", res.Addresses, "registrations", res.Registrations, "users", res.Users,
			"organisations", res.Organisations, "outbox_messages", res.OutboxMessages, "audit_events", res.AuditEvents)
	}
	return nil
}

// Close closes the database.
func (a *App) Close() error { return a.Store.Close() }

// Handler builds the web handler, without a scheduler to wake: queued
// mail waits for the next poll of whichever instance runs the outbox.
func (a *App) Handler() (*handlers.Handler, error) { return a.handler(nil) }

// handler builds the web handler; outbox, when set, is woken after a page
// queued a message that should go at once (a sign-in link).
func (a *App) handler(outbox handlers.Waker) (*handlers.Handler, error) {
	return handlers.New(handlers.Deps{
		Config: a.Config, Store: a.Store, Mail: a.Composer, Links: a.Links, Territory: a.Geo, Secret: a.secret, Log: a.Log,
		Outbox: outbox,
	})
}

// Serve answers HTTP on ln and runs the background jobs until ctx is done;
// then it stops taking requests, lets those in flight finish within
// server.shutdown_timeout, and stops the scheduler (it finishes the job
// under way: the outbox finishes its batch). The caller closes the database
// afterwards.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	cfg := a.Config
	driver, err := mailer.NewDriver(cfg, a.Log)
	if err != nil {
		return err
	}
	var met *metrics.Metrics
	var metricsLn net.Listener
	if cfg.Metrics.Enabled {
		met = metrics.New(a.Store, a.Log)
		if metricsLn, err = net.Listen("tcp", cfg.Metrics.Listen); err != nil {
			return fmt.Errorf("cannot listen on %s (metrics.listen): %w", cfg.Metrics.Listen, err)
		}
	}
	sched := a.newScheduler(driver, calendarsub.NewRefresher(a.Store, cfg.Calendar, a.Log), met)
	h, err := a.handler(sched.Waker(JobOutbox))
	if err != nil {
		return err
	}
	router, _ := h.Router()
	var metricsSrv *http.Server
	if met != nil {
		// Outermost, so that it sees the final status of every answer.
		router.Pre(met.Middleware)
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", met.Handler())
		metricsSrv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 15 * time.Second,
			ErrorLog: slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn)}
		go func() {
			if err := metricsSrv.Serve(metricsLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
				a.Log.Error("metrics listener stopped", "error", err.Error())
			}
		}()
		a.Log.Info("metrics are served", "url", "http://"+metricsLn.Addr().String()+"/metrics")
	}
	setMemoryLimit(cfg.Server.MemoryLimit, a.Log)
	traffic := &trafficCounter{next: router}
	srv := &http.Server{
		Handler:           takeTurns{traffic},
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    handlers.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
	}

	workCtx, stopWork := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { sched.Run(workCtx) })
	wg.Go(func() {
		traffic.releaseWhenIdle(workCtx, idleRelease, func() {
			a.Store.ReleaseIdleConnections()
			debug.FreeOSMemory()
			trimCHeap()
		})
	})

	serveErr := make(chan error, 1)
	// The answers net/http writes itself (malformed or oversized
	// headers) come as French pages too.
	go func() { serveErr <- srv.Serve(handlers.FrenchProtocolErrors(ln)) }()
	a.Log.Info("quartier is listening", "url", cfg.Server.BaseURL, "listen", ln.Addr().String(), "mail_mode", cfg.Mail.Mode, "instance", sched.Owner())

	select {
	case err = <-serveErr:
	case <-ctx.Done():
		a.Log.Info("shutting down", "deadline", cfg.Server.ShutdownTimeout.String())
		sctx, cancel := context.WithTimeout(context.Background(), cfg.Server.ShutdownTimeout.Duration)
		err = srv.Shutdown(sctx)
		cancel()
	}
	stopWork()
	wg.Wait()
	if metricsSrv != nil {
		metricsSrv.Close()
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	a.Log.Info("stopped")
	return err
}

// The periodic kinds of job serve's scheduler runs; the one-off proposal
// jobs are models.JobProposalReminder and models.JobProposalExpiry.
const (
	// JobOutbox delivers the due messages of the outbox.
	JobOutbox = "outbox"
	// JobCalendarRefresh fetches the calendar subscriptions that are due.
	JobCalendarRefresh = "calendar_refresh"
	// JobAuthPurge deletes expired sign-in links, sessions and rate-limit hits.
	JobAuthPurge = "auth_purge"
)

// authPurgeEvery is how often expired authentication rows are purged.
const authPurgeEvery = 10 * time.Minute

// How often the day-of-session sweeps look for work: the reminders that
// are due (a reminder may go up to this late), and the sessions to close.
const (
	remindersEvery    = 5 * time.Minute
	sessionCloseEvery = time.Hour
	// feedbackEvery is how often the feedback links of sessions that
	// ended are made, and the reminders of unanswered ones queued.
	feedbackEvery = 10 * time.Minute
	// retentionEvery is how often the retention purge looks for seasons
	// past their retention period: a day late at most.
	retentionEvery = 24 * time.Hour
)

// dueRefresher refreshes the calendar subscriptions that are due and says
// how many it attempted.
type dueRefresher interface {
	RefreshDue(ctx context.Context) (int, error)
}

// newScheduler builds serve's one scheduler and its jobs. Each job is
// idempotent: the outbox claims its own rows, a calendar refresh overwrites
// the import, a purge deletes what is already gone; so a job run twice
// (a crash between its end and its record) does no harm.
func (a *App) newScheduler(driver mailer.Driver, calendars dueRefresher, met *metrics.Metrics) *scheduler.Scheduler {
	cfg := a.Config
	wopts := mailer.WorkerOptions{
		MaxAttempts: cfg.Mail.MaxAttempts, RetryBase: cfg.Mail.RetryBase.Duration,
		PollInterval: cfg.Mail.PollInterval.Duration, Log: a.Log, Lease: cfg.Server.JobLease.Duration,
	}
	poll := cfg.Mail.PollInterval.Duration
	sopts := scheduler.Options{Poll: poll, Log: a.Log, Lease: cfg.Server.JobLease.Duration}
	if met != nil {
		wopts.Observe = met.ObserveDelivery
		sopts.Observe = met.ObserveJob
	}
	worker := mailer.NewWorker(a.Store, driver, wopts)
	s := scheduler.New(a.Store, sopts)

	s.Register(JobOutbox, func(ctx context.Context, _ models.Job) error {
		_, err := worker.Drain(ctx)
		return err
	})
	s.Every(JobOutbox, poll)

	s.Register(JobCalendarRefresh, func(ctx context.Context, _ models.Job) error {
		_, err := calendars.RefreshDue(ctx)
		return err
	})
	// Each subscription has its own refresh_interval; the job looks for due
	// ones every minute (or more often when the interval is shorter).
	s.Every(JobCalendarRefresh, min(cfg.Calendar.RefreshInterval.Duration, time.Minute))

	auth := cfg.Auth
	keep := max(auth.SessionIdle.Duration, auth.RateWindow.Duration, 24*time.Hour)
	s.Register(JobAuthPurge, func(ctx context.Context, _ models.Job) error {
		return a.Store.PurgeExpiredAuth(ctx, keep)
	})
	s.Every(JobAuthPurge, authPurgeEvery)

	// One-off jobs of each proposed date, scheduled by ProposeSession:
	// each is a no-op once the proposal was answered.
	s.Register(models.JobProposalReminder, func(ctx context.Context, j models.Job) error {
		id, err := strconv.ParseInt(j.Payload, 10, 64)
		if err != nil {
			return fmt.Errorf("proposal reminder: payload %q: %w", j.Payload, err)
		}
		return a.Store.RemindProposal(ctx, id)
	})
	s.Register(models.JobProposalExpiry, func(ctx context.Context, j models.Job) error {
		id, err := strconv.ParseInt(j.Payload, 10, 64)
		if err != nil {
			return fmt.Errorf("proposal expiry: payload %q: %w", j.Payload, err)
		}
		return a.Store.ExpireProposal(ctx, id)
	})

	// The reminders of scheduled sessions and the closing of held ones:
	// sweeps whose rows say what is done (models.SessionReminder, the
	// session's state), so a restart or a second instance never repeats.
	s.Register(models.JobSessionReminders, func(ctx context.Context, _ models.Job) error {
		_, err := a.Store.QueueDueReminders(ctx)
		return err
	})
	s.Every(models.JobSessionReminders, remindersEvery)
	s.Register(models.JobSessionClose, func(ctx context.Context, _ models.Job) error {
		_, err := a.Store.CloseDueSessions(ctx)
		return err
	})
	s.Every(models.JobSessionClose, sessionCloseEvery)

	// Feedback: the links of sessions that ended, then the one reminder
	// of unanswered links. Each link is a row keyed by its registration
	// and each reminder a column set by an UPDATE that must change it, so
	// neither goes twice.
	s.Register(models.JobFeedbackSend, func(ctx context.Context, _ models.Job) error {
		_, err := a.Store.SendDueFeedback(ctx)
		return err
	})
	s.Every(models.JobFeedbackSend, feedbackEvery)
	s.Register(models.JobFeedbackRemind, func(ctx context.Context, _ models.Job) error {
		_, err := a.Store.RemindDueFeedback(ctx)
		return err
	})
	s.Every(models.JobFeedbackRemind, feedbackEvery)

	// The retention purge: anonymised rows are left alone, so a second
	// run (or a second instance) changes nothing. Counts only in the log.
	months := cfg.RGPD.RetentionMonths
	s.Register(models.JobRetentionPurge, func(ctx context.Context, _ models.Job) error {
		run, err := a.Store.PurgeExpiredPersonalData(ctx, months)
		if err != nil {
			return err
		}
		a.Log.Info("retention purge", "retention_months", months, "registrations", run.Registrations,
			"walk_ins", run.Attendances, "session_days", run.SessionDays, "outbox_messages", run.OutboxMessages)
		return nil
	})
	s.Every(models.JobRetentionPurge, retentionEvery)
	return s
}

// EnsureDemo seeds an empty database, or reloads the manifest of the demo
// already there; a database holding anything else is left alone (ok false).
// It writes the manifest beside the database and prints the accounts.
//
// On PostgreSQL, instances that start together with --demo take turns
// (lockDemo): the first seeds, the others find its demo.
func (a *App) EnsureDemo(ctx context.Context, stdout io.Writer) (m demo.Manifest, ok bool, err error) {
	unlock, err := lockDemo(ctx, a.Config)
	if err != nil {
		return m, false, err
	}
	defer unlock()
	state, err := demo.Inspect(ctx, a.Store)
	if err != nil {
		return m, false, err
	}
	switch state {
	case demo.HoldsOther:
		return m, false, nil
	case demo.HoldsDemo:
		if m, err = demo.LoadManifest(ctx, a.Store); err != nil {
			return m, false, err
		}
	case demo.Empty:
		m, err = demo.Seed(ctx, demo.Deps{Store: a.Store, Geo: a.Geo, Now: a.Store.Now(), Links: a.Links})
		if err != nil {
			return m, false, fmt.Errorf("seed the demo: %w", err)
		}
		fmt.Fprintln(stdout, "The demo programme is loaded.")
	}
	path := demo.ManifestPath(a.Config.DataDir())
	if err := demo.WriteManifest(path, m); err != nil {
		return m, false, err
	}
	demo.Print(m, a.Config.Server.BaseURL, a.Config.Mail.Dir, stdout)
	fmt.Fprintf(stdout, "Manifest written to %s\n", path)
	return m, true, nil
}

// demoLock is the PostgreSQL advisory lock EnsureDemo holds; any number
// that no other lock of quartier's uses.
const demoLock = 0x71756172_64656d6f // "quardemo"

// lockDemo takes the demo's session-level advisory lock on PostgreSQL,
// on a connection of its own (seeding runs many transactions), and
// returns its release. SQLite's demo is one process's: no lock.
func lockDemo(ctx context.Context, cfg config.Config) (func(), error) {
	if !cfg.PostgresDSN() {
		return func() {}, nil
	}
	db, err := sql.Open("pgx", cfg.Database.DSN)
	if err != nil {
		return nil, fmt.Errorf("demo lock: %w", err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("demo lock: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", int64(demoLock)); err != nil {
		conn.Close()
		db.Close()
		return nil, fmt.Errorf("demo lock: %w", err)
	}
	return func() {
		// Closing the connection would release it too; unlocking first
		// lets the next instance go without waiting for the pool.
		_, _ = conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", int64(demoLock))
		conn.Close()
		db.Close()
	}, nil
}
