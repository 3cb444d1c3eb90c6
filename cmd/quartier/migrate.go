package main

import (
	"context"
	"fmt"
	"io"

	"quartier/internal/app"
)

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, cfgPath := newFlagSet("migrate", "migrate [--config FILE]", stderr)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	cfg, ok := loadConfig(*cfgPath, stderr)
	if !ok {
		return exitUsage
	}
	store, err := app.OpenStore(ctx, cfg, newLogger(stderr))
	if err != nil {
		fmt.Fprintf(stderr, "quartier migrate: %v\n", err)
		return exitError
	}
	defer store.Close()
	v, err := store.SchemaVersion(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "quartier migrate: %v\n", err)
		return exitError
	}
	fmt.Fprintf(stdout, "Database %s is at schema version %d.\n", cfg.DisplayDSN(), v)
	return exitOK
}
