package models

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"quartier/internal/dbtest"
)

// copyDatabase makes a consistent copy of s's database, as a backup
// taken then restored would give, and returns its dsn: VACUUM INTO a new
// file on SQLite; on PostgreSQL a new database made from s's as a
// template (dropped when the test ends), which needs s's pool to hold no
// connection for that moment.
func copyDatabase(t *testing.T, s *Store) string {
	t.Helper()
	if s.engine != Postgres {
		path := filepath.Join(t.TempDir(), "copy.db")
		if err := s.q(context.Background()).Exec("VACUUM INTO ?", path).Error; err != nil {
			t.Fatal(err)
		}
		return path
	}
	u, err := url.Parse(s.dsn)
	if err != nil {
		t.Fatal(err)
	}
	from := strings.TrimPrefix(u.Path, "/")
	to := from + "_copy"
	sqlDB, err := s.db.DB()
	if err != nil {
		t.Fatal(err)
	}
	sqlDB.SetMaxIdleConns(0) // closes the idle connections: a template must have none
	defer sqlDB.SetMaxIdleConns(pgMaxConns / 2)
	admin, err := sql.Open("pgx", os.Getenv(dbtest.EnvPostgres))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", to, from)); err != nil {
		t.Fatalf("copy database %s: %v", from, err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", os.Getenv(dbtest.EnvPostgres))
		if err != nil {
			t.Error(err)
			return
		}
		defer admin.Close()
		if _, err := admin.Exec("DROP DATABASE IF EXISTS " + to + " WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", to, err)
		}
	})
	u.Path = "/" + to
	return u.String()
}
