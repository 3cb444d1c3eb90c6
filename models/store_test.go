package models

import (
	"context"
	"errors"
	"path/filepath"
	"quartier/internal/dbtest"
	"testing"

	"gorm.io/gorm"
)

// TestOpen_Pragmas checks the SQLite settings a real service needs, on
// every pooled connection.
func TestOpen_Pragmas(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "q.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	for range 3 { // several connections of the pool
		var mode string
		var fk, sync, busy int
		s.q(ctx).Raw("PRAGMA journal_mode").Scan(&mode)
		s.q(ctx).Raw("PRAGMA foreign_keys").Scan(&fk)
		s.q(ctx).Raw("PRAGMA synchronous").Scan(&sync)
		s.q(ctx).Raw("PRAGMA busy_timeout").Scan(&busy)
		if mode != "wal" || fk != 1 || sync != 2 || busy < 5000 {
			t.Fatalf("journal_mode=%s foreign_keys=%d synchronous=%d busy_timeout=%d", mode, fk, sync, busy)
		}
	}
}

func TestMigrate_IdempotentAndRefusesNewer(t *testing.T) {
	s, err := Open(dbtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	n, err := s.Migrate(ctx)
	if err != nil || n == 0 {
		t.Fatalf("first migrate: %d %v", n, err)
	}
	if n, err := s.Migrate(ctx); err != nil || n != 0 {
		t.Fatalf("second migrate applied %d (%v)", n, err)
	}
	if err := s.q(ctx).Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', CURRENT_TIMESTAMP)").Error; err != nil {
		t.Fatal(err)
	}
	_, err = s.Migrate(ctx)
	var tooNew *SchemaTooNewError
	if !errors.As(err, &tooNew) || tooNew.Database != 999 {
		t.Fatalf("newer database: %v", err)
	}
}

func TestNormalizeEmail(t *testing.T) {
	for in, want := range map[string]string{
		"  Nadia.Benali@Ville-Roubaix.FR ": "nadia.benali@ville-roubaix.fr",
		"ÉLODIE@exemple.fr":                "élodie@exemple.fr",
	} {
		if got, err := NormalizeEmail(in); err != nil || got != want {
			t.Errorf("NormalizeEmail(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "pas-une-adresse", "a@b", "Nadia <n@exemple.fr>", "a@exemple.fr, b@exemple.fr"} {
		if _, err := NormalizeEmail(bad); err == nil {
			t.Errorf("NormalizeEmail(%q) accepted", bad)
		}
	}
}

// TestReads_PreparedAndUncancellable checks the read handle: a context
// cancelled before the read still fails it, a read repeated after the
// pool closed its idle connections (and their prepared statements) still
// answers, and the statements are kept prepared, once per text.
func TestReads_PreparedAndUncancellable(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	gone, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.CountPeople(gone); !errors.Is(err, context.Canceled) {
		t.Fatalf("read with a cancelled context: %v, want context.Canceled", err)
	}
	for i := range 3 {
		if _, err := s.CountPeople(ctx); err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
		s.ReleaseIdleConnections()
	}
	p, ok := s.reads.Statement.ConnPool.(*gorm.PreparedStmtDB)
	if !ok {
		t.Fatalf("reads go through %T, not prepared statements", s.reads.Statement.ConnPool)
	}
	if n := len(p.Stmts.Keys()); n == 0 || n > preparedStatements {
		t.Fatalf("%d statements kept prepared", n)
	}
}
