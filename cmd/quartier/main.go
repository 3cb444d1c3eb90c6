// Command quartier runs the booking and logistics service of « La santé
// mentale dans mon quartier ». Each subcommand lives in its own file.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// exitUsage is the exit status for bad flags, bad arguments and invalid input,
// as the flag package and the planning contract use it.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// command is one subcommand: its name, a one-line summary for `help`, and
// its entry point, which returns the process exit status.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

// commands is the subcommand table; `help` prints it in this order.
func commands() []command {
	return []command{
		{"serve", "start the web server (migrates the database first)", runServe},
		{"migrate", "apply the database migrations and exit", runMigrate},
		{"backup", "write a consistent copy of the database while serving (backup --out FILE)", runBackup},
		{"restore", "replace the database with a backup, serve stopped (restore --from FILE)", runRestore},
		{"demo", "fill an empty database with a realistic demo programme", runDemo},
		{"admin", "manage administrators (admin create --email E [--name N])", runAdmin},
		{"plan", "match requests to facilitators (plan --in instance.json --out plan.json)", runPlan},
		{"calendar", "inspect calendar imports (calendar busy --ics FILE --from D --to D)", runCalendar},
		{"help", "show this help", nil},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return exitOK
	}
	for _, c := range commands() {
		if c.name == name && c.run != nil {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "quartier: unknown command %q\n\n", name)
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: quartier <command> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'quartier <command> -h' for a command's flags.")
}
