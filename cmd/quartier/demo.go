package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"quartier/internal/app"
	"quartier/internal/demo"
	"quartier/models"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver, for --reset
)

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, cfgPath := newFlagSet("demo", "demo [--reset] [--scale K] [--config FILE]", stderr)
	reset := fs.Bool("reset", false, "delete the database first (everything in it is lost; on PostgreSQL, every table of its schema is dropped)")
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
		if err := resetDatabase(ctx, cfg.Database.DSN); err != nil {
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
			"refusing to touch it. Use --reset to delete it and start over, or set database.dsn to another database.\n", cfg.DisplayDSN())
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
				"use --reset to start over at scale %d.\n", cfg.DisplayDSN(), have, *scale, *scale)
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

// resetDatabase empties the database at dsn: a SQLite file is deleted with
// its WAL companions; on PostgreSQL every table, view and sequence of the
// schema the URL's user works in is dropped (the database itself and its
// grants stay, so a user who owns only its tables can reset).
func resetDatabase(ctx context.Context, dsn string) error {
	if models.EngineOf(dsn) == models.Postgres {
		if err := dropPostgresSchema(ctx, dsn); err != nil {
			return fmt.Errorf("reset: %w", err)
		}
		return nil
	}
	return removeDatabase(dsn)
}

// dropPostgresSchema drops, in one transaction, what quartier's migrations
// create in the current schema: tables (their indexes, triggers and
// identity sequences go with them), views, other sequences, and the
// functions that are not an extension's.
func dropPostgresSchema(ctx context.Context, dsn string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `
SELECT format('DROP VIEW IF EXISTS %I.%I CASCADE', schemaname, viewname) FROM pg_views WHERE schemaname = current_schema()
UNION ALL
SELECT format('DROP TABLE IF EXISTS %I.%I CASCADE', schemaname, tablename) FROM pg_tables WHERE schemaname = current_schema()
UNION ALL
SELECT format('DROP SEQUENCE IF EXISTS %I.%I CASCADE', schemaname, sequencename) FROM pg_sequences WHERE schemaname = current_schema()
UNION ALL
SELECT format('DROP FUNCTION IF EXISTS %s CASCADE', p.oid::regprocedure)
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = current_schema() AND p.prokind = 'f'
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')`)
	if err != nil {
		return err
	}
	var stmts []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return err
		}
		stmts = append(stmts, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return tx.Commit()
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
