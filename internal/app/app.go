// Package app wires quartier together from its configuration: the store,
// the reference data, the mailer, the handlers and the background workers.
// The serve and demo commands and the end-to-end tests all start the
// application through it, so they run the same thing.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"quartier/config"
	"quartier/handlers"
	"quartier/internal/demo"
	"quartier/mailer"
	"quartier/models"
	"quartier/territory"
)

// App is a configured quartier.
type App struct {
	Config   config.Config
	Store    *models.Store
	Geo      *territory.Directory
	Composer *mailer.Composer
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
	composer, err := mailer.NewComposer(mailer.ComposerConfig{BaseURL: cfg.Server.BaseURL, From: cfg.Mail.From, FromName: cfg.Mail.FromName})
	if err != nil {
		return nil, err
	}
	store, err := OpenStore(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	return &App{Config: cfg, Store: store, Geo: geo, Composer: composer, Log: log, secret: secret}, nil
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
	return store, nil
}

// Close closes the database.
func (a *App) Close() error { return a.Store.Close() }

// Handler builds the web handler.
func (a *App) Handler() (*handlers.Handler, error) {
	return handlers.New(handlers.Deps{
		Config: a.Config, Store: a.Store, Mail: a.Composer, Territory: a.Geo, Secret: a.secret, Log: a.Log,
	})
}

// Serve answers HTTP on ln and runs the background workers until ctx is
// done; then it stops taking requests, lets those in flight finish within
// server.shutdown_timeout, and stops the workers (each finishes its current
// message). The caller closes the database afterwards.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	cfg := a.Config
	driver, err := mailer.NewDriver(cfg, a.Log)
	if err != nil {
		return err
	}
	h, err := a.Handler()
	if err != nil {
		return err
	}
	router, _ := h.Router()
	srv := &http.Server{
		Handler:           router,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    handlers.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
	}

	workCtx, stopWork := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	worker := mailer.NewWorker(a.Store, driver, mailer.WorkerOptions{
		MaxAttempts: cfg.Mail.MaxAttempts, RetryBase: cfg.Mail.RetryBase.Duration,
		PollInterval: cfg.Mail.PollInterval.Duration, Log: a.Log,
	})
	wg.Go(func() { worker.Run(workCtx) })
	wg.Go(func() { mailer.NewCalendarRefresher(a.Store, cfg.Calendar, a.Log).Run(workCtx) })
	wg.Go(func() { a.housekeeping(workCtx) })

	serveErr := make(chan error, 1)
	// The answers net/http writes itself (malformed or oversized
	// headers) come as French pages too.
	go func() { serveErr <- srv.Serve(handlers.FrenchProtocolErrors(ln)) }()
	a.Log.Info("quartier is listening", "url", cfg.Server.BaseURL, "listen", ln.Addr().String(), "mail_mode", cfg.Mail.Mode)

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
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	a.Log.Info("stopped")
	return err
}

// housekeeping purges expired sign-in links, sessions and rate-limit hits.
func (a *App) housekeeping(ctx context.Context) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	auth := a.Config.Auth
	keep := max(auth.SessionIdle.Duration, auth.RateWindow.Duration, 24*time.Hour)
	for {
		if err := a.Store.PurgeExpiredAuth(ctx, keep); err != nil && ctx.Err() == nil {
			a.Log.Warn("housekeeping failed", "error", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// EnsureDemo seeds an empty database, or reloads the manifest of the demo
// already there; a database holding anything else is left alone (ok false).
// It writes the manifest beside the database and prints the accounts.
func (a *App) EnsureDemo(ctx context.Context, stdout io.Writer) (m demo.Manifest, ok bool, err error) {
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
		m, err = demo.Seed(ctx, demo.Deps{Store: a.Store, Composer: a.Composer, Geo: a.Geo, BaseURL: a.Config.Server.BaseURL, Now: a.Store.Now()})
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
