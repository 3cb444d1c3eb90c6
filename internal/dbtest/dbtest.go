// Package dbtest gives each test a fresh, empty database of the engine the
// run is for: a SQLite file in the test's temporary directory, or, when
// QUARTIER_TEST_POSTGRES holds the URL of a PostgreSQL server, a new
// database on that server, dropped when the test ends. The same tests so
// run on both engines (scripts/test.sh runs them twice).
package dbtest

import (
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// EnvPostgres names the variable that holds the PostgreSQL server's URL
// (any database of it; the user must be allowed to create databases).
const EnvPostgres = "QUARTIER_TEST_POSTGRES"

// Postgres says whether this run's tests are on PostgreSQL.
func Postgres() bool { return os.Getenv(EnvPostgres) != "" }

var seq atomic.Int64

// DSN returns the database.dsn of a new, empty database for t.
func DSN(t testing.TB) string {
	t.Helper()
	server := os.Getenv(EnvPostgres)
	if server == "" {
		return filepath.Join(t.TempDir(), "quartier.db")
	}
	u, err := url.Parse(server)
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgres, err)
	}
	name := fmt.Sprintf("qt_%d_%d", os.Getpid(), seq.Add(1))
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgres, err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create test database %s: %v", name, err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", server)
		if err != nil {
			t.Errorf("drop test database %s: %v", name, err)
			return
		}
		defer admin.Close()
		if _, err := admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}
