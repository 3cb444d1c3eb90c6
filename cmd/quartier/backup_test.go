package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"quartier/models"
)

// TestBackupWhileWritingThenRestore: `quartier backup` runs while another
// connection keeps committing outbox rows. The copy is a consistent
// snapshot: every row committed before the backup began is in it, and
// the rows it holds are exactly the first k committed (no gap, no torn
// row). A second backup to the same file is refused and leaves it
// unchanged. `quartier restore` puts the copy in place of another
// database, keeps the one it replaces, and the result opens, is at the
// latest schema version and holds every row of the backup.
func TestBackupWhileWritingThenRestore(t *testing.T) {
	dir := useTempSQLite(t)
	for _, args := range [][]string{{"backup"}, {"restore"}, {"backup", "--out"}, {"backup", "--out", "x", "extra"}} {
		if code, _, _ := runCmd(args...); code != exitUsage {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
	ctx := context.Background()
	dbPath := filepath.Join(dir, "quartier.db")
	store, err := models.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var committed atomic.Int64 // rows 1..committed are acknowledged
	var stop atomic.Bool
	var wg sync.WaitGroup
	started := make(chan struct{})
	wg.Go(func() {
		for i := int64(1); !stop.Load(); i++ {
			env := models.Envelope{DedupKey: fmt.Sprintf("probe:%d", i), Kind: "probe", To: "x@exemple.fr",
				Subject: "probe", MessageID: fmt.Sprintf("<probe.%d@test>", i), Payload: []byte(strings.Repeat("p", 2000))}
			if err := store.Enqueue(ctx, env); err != nil {
				t.Errorf("enqueue %d: %v", i, err)
				return
			}
			committed.Store(i)
			if i == 200 {
				close(started)
			}
		}
	})
	<-started
	before := committed.Load()
	out := filepath.Join(t.TempDir(), "copy.db")
	code, stdout, stderr := runCmd("backup", "--out", out)
	after := committed.Load()
	stop.Store(true)
	wg.Wait()
	if code != 0 || !strings.Contains(stdout, "Backup of") {
		t.Fatalf("backup: %d %q %q", code, stdout, stderr)
	}
	if after == before {
		t.Log("no write committed during the backup: the test proves less than it should")
	}

	n, maxID := countProbes(t, out)
	if n < before || n > committed.Load() || maxID != n {
		t.Fatalf("backup holds %d probe rows (max id %d); %d committed before it began, %d at the end: not a consistent snapshot", n, maxID, before, committed.Load())
	}

	info, _ := os.Stat(out)
	if code, _, stderr := runCmd("backup", "--out", out); code != exitUsage || !strings.Contains(stderr, "already exists") {
		t.Errorf("second backup to the same file: %d %q", code, stderr)
	}
	if info2, _ := os.Stat(out); info2.Size() != info.Size() || !info2.ModTime().Equal(info.ModTime()) {
		t.Error("the second backup changed the first one")
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".*partial*")); len(left) > 0 {
		t.Errorf("temporary files left: %q", left)
	}

	// Restore it over another database (serve stopped).
	other := filepath.Join(t.TempDir(), "other.db")
	t.Setenv("QUARTIER_DATABASE_DSN", other)
	if code, _, _ := runCmd("migrate"); code != 0 {
		t.Fatal("migrate other")
	}
	code, stdout, stderr = runCmd("restore", "--from", out)
	if code != 0 || !strings.Contains(stdout, "Restored") || !strings.Contains(stdout, "kept as") {
		t.Fatalf("restore: %d %q %q", code, stdout, stderr)
	}
	if kept, _ := filepath.Glob(other + ".before-restore-*"); len(kept) == 0 {
		t.Error("the replaced database was not kept")
	}
	restored, err := models.Open(other)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	if applied, err := restored.Migrate(ctx); err != nil || applied != 0 {
		t.Errorf("restored database: migrate applied %d, %v (restore should leave it migrated)", applied, err)
	}
	migs, _ := models.Migrations()
	if v, err := restored.SchemaVersion(ctx); err != nil || v != len(migs) {
		t.Errorf("restored schema version %d, want %d (%v)", v, len(migs), err)
	}
	restored.Close()
	if got, _ := countProbes(t, other); got != n {
		t.Errorf("restored database holds %d probe rows, the backup %d", got, n)
	}

	// A file that is not a database is refused, and nothing is replaced.
	junk := filepath.Join(t.TempDir(), "junk.db")
	os.WriteFile(junk, []byte("not a database at all, just text, long enough to be read as a header"), 0o600)
	if code, _, stderr := runCmd("restore", "--from", junk); code == 0 {
		t.Errorf("restore from junk: %d %q", code, stderr)
	}
	if got, _ := countProbes(t, other); got != n {
		t.Errorf("a refused restore changed the database: %d rows", got)
	}
}

func countProbes(t *testing.T, path string) (n, maxID int64) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var res string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&res); err != nil || res != "ok" {
		t.Fatalf("%s: integrity_check %q %v", path, res, err)
	}
	if err := db.QueryRow("SELECT COUNT(*), COALESCE(MAX(CAST(substr(dedup_key, 7) AS INTEGER)), 0) FROM outbox_messages WHERE kind = 'probe'").Scan(&n, &maxID); err != nil {
		t.Fatal(err)
	}
	return n, maxID
}

// TestBackupRestore_PostgresPointsToItsTools: with a PostgreSQL dsn,
// backup and restore touch nothing (no server is needed to be refused),
// exit 2 and name PostgreSQL's own tools, without the URL's password.
func TestBackupRestore_PostgresPointsToItsTools(t *testing.T) {
	useTempSQLite(t)
	t.Setenv("QUARTIER_DATABASE_DSN", "postgres://quartier:s3cret@127.0.0.1:1/quartier")
	out := filepath.Join(t.TempDir(), "copy.db")
	for _, tt := range []struct {
		args []string
		tool string
	}{
		{[]string{"backup", "--out", out}, "pg_dump"},
		{[]string{"restore", "--from", out}, "pg_restore"},
	} {
		code, stdout, errOut := runCmd(tt.args...)
		if code != exitUsage || !strings.Contains(errOut, tt.tool) || strings.Contains(errOut+stdout, "s3cret") {
			t.Errorf("%q: exit %d, %q; want 2 and a pointer to %s without the password", tt.args, code, errOut, tt.tool)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("backup on PostgreSQL wrote %s", out)
	}
}
