package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"quartier/config"
	"quartier/internal/app"
	"quartier/models"
)

// runBackup writes a consistent copy of the database while serve runs.
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, cfgPath := newFlagSet("backup", "backup --out FILE [--config FILE]", stderr)
	out := fs.String("out", "", "write the copy to this file (it must not exist)")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if *out == "" {
		fmt.Fprintln(stderr, "quartier backup: --out FILE is required")
		fs.Usage()
		return exitUsage
	}
	cfg, ok := loadConfig(*cfgPath, stderr)
	if !ok {
		return exitUsage
	}
	if cfg.PostgresDSN() {
		return postgresBackupRefused("backup", cfg, stderr)
	}
	// Opening the store migrates a database left behind by an older
	// quartier; serve has done so already when it runs.
	store, err := app.OpenStore(ctx, cfg, newLogger(stderr))
	if err != nil {
		fmt.Fprintf(stderr, "quartier backup: %v\n", err)
		return exitError
	}
	defer store.Close()
	n, err := store.Backup(ctx, *out)
	if errors.Is(err, models.ErrBackupExists) {
		fmt.Fprintf(stderr, "quartier backup: %s: %v\n", *out, err)
		return exitUsage
	}
	if err != nil {
		fmt.Fprintf(stderr, "quartier backup: %v\n", err)
		return exitError
	}
	fmt.Fprintf(stdout, "Backup of %s written to %s (%d bytes).\n", cfg.DisplayDSN(), *out, n)
	return exitOK
}

// runRestore puts a backup in place of the database; serve must be stopped.
func runRestore(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, cfgPath := newFlagSet("restore", "restore --from FILE [--config FILE] (stop serve first)", stderr)
	from := fs.String("from", "", "the backup file to restore (made by quartier backup)")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if *from == "" {
		fmt.Fprintln(stderr, "quartier restore: --from FILE is required")
		fs.Usage()
		return exitUsage
	}
	cfg, ok := loadConfig(*cfgPath, stderr)
	if !ok {
		return exitUsage
	}
	if cfg.PostgresDSN() {
		return postgresBackupRefused("restore", cfg, stderr)
	}
	kept, err := models.Restore(ctx, *from, cfg.Database.DSN)
	if err != nil {
		fmt.Fprintf(stderr, "quartier restore: %v\n", err)
		return exitError
	}
	// Migrate now, so that a backup of an older version is ready to serve
	// and a newer one is refused before serve is started.
	store, err := app.OpenStore(ctx, cfg, newLogger(stderr))
	if err != nil {
		fmt.Fprintf(stderr, "quartier restore: the backup is in place but does not open: %v\n", err)
		return exitError
	}
	defer store.Close()
	v, err := store.SchemaVersion(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "quartier restore: %v\n", err)
		return exitError
	}
	fmt.Fprintf(stdout, "Restored %s from %s (schema version %d).\n", cfg.DisplayDSN(), *from, v)
	if kept != "" {
		fmt.Fprintf(stdout, "The previous database is kept as %s.\n", kept)
	}
	fmt.Fprintln(stdout, "Start quartier serve again.")
	return exitOK
}

// postgresBackupRefused explains that quartier's backup and restore copy a
// SQLite file, and that PostgreSQL has its own tools, which work while the
// instances serve.
func postgresBackupRefused(name string, cfg config.Config, stderr io.Writer) int {
	fmt.Fprintf(stderr, "quartier %s: database.dsn is a PostgreSQL database (%s); quartier %s copies SQLite files only.\n", name, cfg.DisplayDSN(), name)
	if name == "backup" {
		fmt.Fprintln(stderr, "  Back it up with PostgreSQL's own tool, while serving: pg_dump --format=custom --file=quartier.dump \"$DSN\"")
	} else {
		fmt.Fprintln(stderr, "  Restore it with PostgreSQL's own tool, instances stopped: pg_restore --clean --if-exists --dbname=\"$DSN\" quartier.dump")
	}
	fmt.Fprintf(stderr, "  Keep the erasure log (%s) out of the dumps' rotation: quartier replays it at start-up.\n", cfg.ErasureLogPath())
	return exitUsage
}
