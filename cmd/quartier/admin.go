package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"quartier/internal/app"
	"quartier/models"
)

func runAdmin(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "create" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fmt.Fprintln(stdout, "Usage: quartier admin create --email E [--name N] [--config FILE]")
			return exitOK
		}
		fmt.Fprintln(stderr, "Usage: quartier admin create --email E [--name N] [--config FILE]")
		return exitUsage
	}
	fs, cfgPath := newFlagSet("admin create", "admin create --email E [--name N] [--config FILE]", stderr)
	email := fs.String("email", "", "the administrator's email address (required)")
	name := fs.String("name", "", "the administrator's name (defaults to the address)")
	if code := parseFlags(fs, args[1:]); code >= 0 {
		return code
	}
	if *email == "" {
		fmt.Fprintln(stderr, "quartier admin create: --email is required")
		fs.Usage()
		return exitUsage
	}
	if *name == "" {
		*name = *email
	}
	cfg, ok := loadConfig(*cfgPath, stderr)
	if !ok {
		return exitUsage
	}
	store, err := app.OpenStore(ctx, cfg, newLogger(stderr))
	if err != nil {
		fmt.Fprintf(stderr, "quartier admin create: %v\n", err)
		return exitError
	}
	defer store.Close()
	u, err := store.CreateFirstAdmin(ctx, *email, *name)
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		for field, msg := range ve.Fields {
			fmt.Fprintf(stderr, "quartier admin create: --%s: %s\n", field, msg)
		}
		return exitUsage
	}
	if err != nil {
		fmt.Fprintf(stderr, "quartier admin create: %v\n", err)
		return exitError
	}
	fmt.Fprintf(stdout, "Administrator %s <%s> created. Sign in at %s/connexion.\n", u.Name, u.Email, cfg.Server.BaseURL)
	return exitOK
}
