package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"quartier/internal/app"
	"quartier/internal/demo"
)

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, cfgPath := newFlagSet("demo", "demo [--reset] [--scale K] [--config FILE]", stderr)
	reset := fs.Bool("reset", false, "delete the database first (everything in it is lost)")
	scale := fs.Int("scale", 1, fmt.Sprintf("K times the demo programme, generated (1 to %d; 1 is the plain demo)", demo.MaxScale))
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if *scale < 1 || *scale > demo.MaxScale {
		fmt.Fprintf(stderr, "quartier demo: --scale must be an integer from 1 to %d, not %d\n", demo.MaxScale, *scale)
		return exitUsage
	}
	cfg, ok := loadConfig(*cfgPath, stderr)
	if !ok {
		return exitUsage
	}
	log := newLogger(stderr)
	if *reset {
		if err := removeDatabase(cfg.Database.DSN); err != nil {
			fmt.Fprintf(stderr, "quartier demo: %v\n", err)
			return exitError
		}
	}
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		fmt.Fprintf(stderr, "quartier demo: %v\n", err)
		return exitError
	}
	defer a.Close()
	state, err := demo.Inspect(ctx, a.Store)
	if err != nil {
		fmt.Fprintf(stderr, "quartier demo: %v\n", err)
		return exitError
	}
	if state == demo.HoldsOther {
		fmt.Fprintf(stderr, "quartier demo: the database %s already holds data that is not the demo; "+
			"refusing to touch it. Use --reset to delete it and start over, or set database.dsn to another file.\n", cfg.Database.DSN)
		return exitUsage
	}
	scaleSet := false
	fs.Visit(func(f *flag.Flag) { scaleSet = scaleSet || f.Name == "scale" })
	if state == demo.HoldsDemo && scaleSet {
		have, err := demo.ScaleOf(ctx, a.Store)
		if err != nil {
			fmt.Fprintf(stderr, "quartier demo: %v\n", err)
			return exitError
		}
		if have != *scale {
			fmt.Fprintf(stderr, "quartier demo: the database %s already holds the demo at scale %d, not %d; "+
				"use --reset to start over at scale %d.\n", cfg.Database.DSN, have, *scale, *scale)
			return exitUsage
		}
	}
	if _, _, err := a.EnsureDemo(ctx, stdout); err != nil {
		fmt.Fprintf(stderr, "quartier demo: %v\n", err)
		return exitError
	}
	if state == demo.Empty && *scale > 1 {
		st, err := demo.SeedScale(ctx, cfg.Database.DSN, a.Geo, a.Store.Now(), *scale)
		if err != nil {
			fmt.Fprintf(stderr, "quartier demo: %v (the database holds part of the scaled demo: start over with --reset)\n", err)
			return exitError
		}
		fmt.Fprintf(stdout, "Scaled demo: %d generated programmes added (%d CLSMs, %d facilitators, %d requests, %d sessions) in %s.\n",
			st.Programmes, st.CLSMs, st.Facilitators, st.Requests, st.Sessions, st.Elapsed.Round(time.Millisecond))
	}
	return exitOK
}

// removeDatabase deletes a SQLite database file and its WAL companions.
func removeDatabase(dsn string) error {
	path := strings.TrimPrefix(dsn, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("reset: %w", err)
		}
	}
	return nil
}
