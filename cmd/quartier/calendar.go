package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	// The zone database travels with the binary: calendar imports resolve
	// IANA and Windows zone names on hosts without /usr/share/zoneinfo.
	_ "time/tzdata"

	"quartier/ical"
)

// runCalendar runs `quartier calendar <subcommand>`.
func runCalendar(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		w := stderr
		code := exitUsage
		if len(args) > 0 {
			w, code = stdout, exitOK
		}
		fmt.Fprintln(w, "Usage: quartier calendar busy --ics FILE --from YYYY-MM-DD --to YYYY-MM-DD [--tz ZONE]")
		return code
	}
	switch args[0] {
	case "busy":
		return runCalendarBusy(ctx, args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "quartier calendar: unknown subcommand %q (want: busy)\n", args[0])
	return exitUsage
}

// busyLine is one line of `calendar busy` output.
type busyLine struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// runCalendarBusy prints the busy intervals an import keeps from an .ics
// file over [--from 00:00, the day after --to 00:00) in --tz, whatever
// today's date, one JSON object per line, in UTC.
func runCalendarBusy(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("calendar busy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	icsPath := fs.String("ics", "", "iCalendar `file` to read")
	fromStr := fs.String("from", "", "first day of the window, `YYYY-MM-DD`")
	toStr := fs.String("to", "", "last day of the window (included), `YYYY-MM-DD`")
	tzName := fs.String("tz", "Europe/Paris", "IANA `zone` of the window, all-day events and floating times")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: quartier calendar busy --ics FILE --from YYYY-MM-DD --to YYYY-MM-DD [--tz ZONE]")
		fmt.Fprintln(fs.Output(), "Prints the busy intervals of the file, one JSON object per line, in UTC.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "quartier calendar busy: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	if *icsPath == "" || *fromStr == "" || *toStr == "" {
		fmt.Fprintln(stderr, "quartier calendar busy: --ics, --from and --to are required")
		return exitUsage
	}
	if *tzName == "" || *tzName == "Local" {
		fmt.Fprintf(stderr, "quartier calendar busy: --tz %q: not an IANA zone name\n", *tzName)
		return exitUsage
	}
	loc, err := time.LoadLocation(*tzName)
	if err != nil {
		fmt.Fprintf(stderr, "quartier calendar busy: --tz %q: unknown time zone\n", *tzName)
		return exitUsage
	}
	from, err1 := time.ParseInLocation(time.DateOnly, *fromStr, loc)
	to, err2 := time.ParseInLocation(time.DateOnly, *toStr, loc)
	if err1 != nil || err2 != nil {
		fmt.Fprintln(stderr, "quartier calendar busy: --from and --to must be dates like 2026-05-12")
		return exitUsage
	}
	if to.Before(from) {
		fmt.Fprintln(stderr, "quartier calendar busy: --to is before --from")
		return exitUsage
	}
	end := to.AddDate(0, 0, 1) // the window includes the whole --to day

	f, err := os.Open(*icsPath)
	if err != nil {
		fmt.Fprintf(stderr, "quartier calendar busy: cannot read %s: %v\n", *icsPath, err)
		return exitUsage
	}
	defer f.Close()
	busy, err := ical.BusyIntervals(f, ical.ImportOptions{From: from, To: end, Location: loc})
	if err != nil {
		var ie *ical.ImportError
		if errors.As(err, &ie) {
			fmt.Fprintf(stderr, "quartier calendar busy: %s: %s\n(%v)\n", *icsPath, ie.UserMessage(), err)
		} else {
			fmt.Fprintf(stderr, "quartier calendar busy: cannot read %s: %v\n", *icsPath, err)
		}
		return exitUsage
	}
	enc := json.NewEncoder(stdout)
	for _, iv := range busy {
		line := busyLine{Start: iv.Start.UTC().Format(time.RFC3339), End: iv.End.UTC().Format(time.RFC3339)}
		if err := enc.Encode(line); err != nil {
			fmt.Fprintf(stderr, "quartier calendar busy: write: %v\n", err)
			return exitError
		}
	}
	return exitOK
}
