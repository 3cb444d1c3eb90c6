package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"quartier/internal/dbtest"
	"quartier/models"
)

// useTempData points the configuration at a fresh database of the run's
// engine (dbtest.DSN) and a fresh data directory, which it returns; the
// database's dsn is QUARTIER_DATABASE_DSN.
func useTempData(t *testing.T) string {
	dir := t.TempDir()
	dsn := dbtest.DSN(t)
	if !dbtest.Postgres() {
		dsn = filepath.Join(dir, "quartier.db")
	}
	t.Setenv("QUARTIER_DATABASE_DSN", dsn)
	t.Setenv("QUARTIER_SERVER_DATA_DIR", dir)
	t.Setenv("QUARTIER_MAIL_DIR", filepath.Join(dir, "mail"))
	return dir
}

// useTempSQLite is useTempData for the tests that are about SQLite files
// (backup, restore, faults): a SQLite file quartier.db in the directory
// it returns, whatever the run's engine.
func useTempSQLite(t *testing.T) string {
	dir := t.TempDir()
	t.Setenv("QUARTIER_DATABASE_DSN", filepath.Join(dir, "quartier.db"))
	t.Setenv("QUARTIER_SERVER_DATA_DIR", dir)
	t.Setenv("QUARTIER_MAIL_DIR", filepath.Join(dir, "mail"))
	return dir
}

func runCmd(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestBadFlagsExit2(t *testing.T) {
	useTempData(t)
	for _, args := range [][]string{{"serve", "--bogus"}, {"demo", "--nope"}, {"migrate", "extra"}, {"admin", "create"}, {"nosuchcommand"}, {}} {
		if code, _, _ := runCmd(args...); code != exitUsage {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
	if code, out, _ := runCmd("help"); code != 0 || !strings.Contains(out, "serve") {
		t.Errorf("help: %d", code)
	}
	if code, _, errOut := runCmd("serve", "-h"); code != 0 || !strings.Contains(errOut, "--demo") {
		t.Errorf("serve -h: %d %q", code, errOut)
	}
}

func TestBadConfigNamesTheKey(t *testing.T) {
	useTempData(t)
	t.Setenv("QUARTIER_MAIL_MODE", "pigeon")
	code, _, errOut := runCmd("migrate")
	if code != exitUsage || !strings.Contains(errOut, "mail.mode") {
		t.Fatalf("exit %d: %q", code, errOut)
	}
}

func TestDemoTwiceThenRefusesOtherData(t *testing.T) {
	dir := useTempData(t)
	code, out, errOut := runCmd("demo")
	if code != 0 || !strings.Contains(out, "nadia.benali") {
		t.Fatalf("first demo: %d\n%s\n%s", code, out, errOut)
	}
	var m struct {
		Accounts map[string]string `json:"accounts"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "demo.json"))
	if err != nil || json.Unmarshal(b, &m) != nil {
		t.Fatalf("demo.json: %v", err)
	}
	for _, k := range []string{"admin", "coordinator", "facilitator"} {
		if !strings.Contains(m.Accounts[k], "@") {
			t.Errorf("demo.json accounts.%s = %q", k, m.Accounts[k])
		}
	}
	code, out2, _ := runCmd("demo")
	if code != 0 || !strings.Contains(out2, m.Accounts["admin"]) {
		t.Fatalf("second demo: %d", code)
	}

	t.Setenv("QUARTIER_DATABASE_DSN", dbtest.DSN(t))
	if code, _, _ := runCmd("admin", "create", "--email", "Boss@Example.org"); code != 0 {
		t.Fatalf("admin create: %d", code)
	}
	if code, _, errOut := runCmd("demo"); code != exitUsage || !strings.Contains(errOut, "--reset") {
		t.Fatalf("demo on a real install: %d %q", code, errOut)
	}
	if code, out, _ := runCmd("demo", "--reset"); code != 0 || !strings.Contains(out, "demo programme is loaded") {
		t.Fatalf("demo --reset: %d", code)
	}
}

func TestServeRefusesNewerDatabase(t *testing.T) {
	useTempData(t)
	dsn := os.Getenv("QUARTIER_DATABASE_DSN")
	store, err := models.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	store.Close()
	// What a newer quartier would have left behind.
	db := dbtest.SQL(t, dsn)
	if _, err := db.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', CURRENT_TIMESTAMP)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, _, errOut := runCmd("serve")
	if code != exitUsage || !strings.Contains(errOut, "schema version 999") {
		t.Fatalf("serve on a newer database: %d %q", code, errOut)
	}
}

// TestDemoScale: bad scales exit 2 with a message naming the flag; --scale
// 1 is the plain demo; --scale 3 adds the generated programmes and keeps
// the demo accounts; a second run at another scale is refused, one without
// --scale prints the accounts again.
func TestDemoScale(t *testing.T) {
	useTempData(t)
	for _, args := range [][]string{{"demo", "--scale", "0"}, {"demo", "--scale", "-2"}, {"demo", "--scale", "deux"}, {"demo", "--scale", "1001"}} {
		code, _, errOut := runCmd(args...)
		if code != exitUsage || !strings.Contains(errOut, "scale") {
			t.Errorf("%q: exit %d, %q", args, code, errOut)
		}
	}
	code, plain, errOut := runCmd("demo", "--scale", "1")
	if code != 0 || !strings.Contains(plain, "demo programme is loaded") || strings.Contains(plain, "Scaled demo") {
		t.Fatalf("demo --scale 1: %d\n%s\n%s", code, plain, errOut)
	}
	if code, _, errOut := runCmd("demo", "--scale", "3"); code != exitUsage || !strings.Contains(errOut, "scale 1, not 3") {
		t.Errorf("demo --scale 3 on the plain demo: %d %q", code, errOut)
	}
	code, out, errOut := runCmd("demo", "--reset", "--scale", "3")
	if code != 0 || !strings.Contains(out, "nadia.benali") || !strings.Contains(out, "Scaled demo: 2 generated programmes added (8 CLSMs") {
		t.Fatalf("demo --reset --scale 3: %d\n%s\n%s", code, out, errOut)
	}
	if code, out, _ := runCmd("demo", "--scale", "3"); code != 0 || !strings.Contains(out, "nadia.benali") || strings.Contains(out, "Scaled demo") {
		t.Errorf("second demo --scale 3: %d\n%s", code, out)
	}
	if code, _, errOut := runCmd("demo", "--scale", "1"); code != exitUsage || !strings.Contains(errOut, "scale 3, not 1") {
		t.Errorf("demo --scale 1 on the scaled one: %d %q", code, errOut)
	}
	if code, out, _ := runCmd("demo"); code != 0 || !strings.Contains(out, "nadia.benali") {
		t.Errorf("demo without --scale on the scaled one: %d\n%s", code, out)
	}
}
