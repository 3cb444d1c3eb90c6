package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"

	"quartier/internal/app"
	"quartier/models"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, cfgPath := newFlagSet("serve", "serve [--config FILE] [--demo]", stderr)
	withDemo := fs.Bool("demo", false, "fill an empty database with the demo programme first, and print its accounts")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	cfg, ok := loadConfig(*cfgPath, stderr)
	if !ok {
		return exitUsage
	}
	log := newLogger(stderr)
	if cfg.PostgresDSN() && cfg.Server.Secret == "" {
		// Links and CSRF tokens signed by one instance must verify on the
		// others: a secret generated per machine would not.
		log.Warn("server.secret is not set: every instance on this database must share the secret generated in server.data_dir, or set server.secret on each",
			"data_dir", cfg.DataDir())
	}
	a, err := app.New(ctx, cfg, log)
	var tooNew *models.SchemaTooNewError
	if errors.As(err, &tooNew) {
		fmt.Fprintf(stderr, "quartier serve: %v\n", err)
		return exitUsage
	}
	if err != nil {
		fmt.Fprintf(stderr, "quartier serve: %v\n", err)
		return exitError
	}
	defer a.Close()
	if *withDemo {
		if _, ok, err := a.EnsureDemo(ctx, stdout); err != nil {
			fmt.Fprintf(stderr, "quartier serve: %v\n", err)
			return exitError
		} else if !ok {
			fmt.Fprintln(stdout, "The database holds a real install: the demo is not loaded.")
		}
	}
	ln, err := net.Listen("tcp", cfg.Server.Listen)
	if err != nil {
		fmt.Fprintf(stderr, "quartier serve: cannot listen on %s (server.listen): %v\n", cfg.Server.Listen, err)
		return exitError
	}
	fmt.Fprintf(stdout, "quartier is running at %s — press Ctrl+C to stop.\n", cfg.Server.BaseURL)
	if err := a.Serve(ctx, ln); err != nil {
		fmt.Fprintf(stderr, "quartier serve: %v\n", err)
		return exitError
	}
	return exitOK
}
