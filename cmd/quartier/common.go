package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"quartier/config"
)

// newFlagSet returns a flag set that reports errors instead of exiting, with
// the command's usage line and a --config flag.
func newFlagSet(name, usageLine string, stderr io.Writer) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", os.Getenv("QUARTIER_CONFIG"), "read configuration from this TOML file (see config.example.toml)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: quartier %s\n\nFlags:\n", usageLine)
		fs.PrintDefaults()
	}
	return fs, cfgPath
}

// parseFlags parses args; it returns the exit code to use when parsing
// stopped (help asked: 0; bad flag: 2), or -1 to go on.
func parseFlags(fs *flag.FlagSet, args []string) int {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "quartier %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		fs.Usage()
		return exitUsage
	}
	return -1
}

// loadConfig reads the configuration, printing a clear message naming the
// bad key on error.
func loadConfig(path string, stderr io.Writer) (config.Config, bool) {
	cfg, err := config.Load(path, os.Environ())
	if err != nil {
		fmt.Fprintf(stderr, "quartier: configuration error:\n  %v\n", indent(err))
		return cfg, false
	}
	return cfg, true
}

func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

func indent(err error) string {
	s := err.Error()
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		out = append(out, s[i])
		if s[i] == '\n' {
			out = append(out, "  "...)
		}
	}
	return string(out)
}
