package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/mattn/go-sqlite3" // the driver gorm's sqlite dialect registers
)

// ErrBackupExists is returned when the backup's target file already
// exists: a backup never overwrites anything.
var ErrBackupExists = errors.New("the backup file already exists: choose another name (a backup never overwrites a file)")

// ErrBackupPostgres is returned by Backup and Restore on PostgreSQL: its
// copies are PostgreSQL's own tools' to make (pg_dump, pg_restore), which
// the database's administrator runs.
var ErrBackupPostgres = errors.New("quartier backup copies a SQLite database only: on PostgreSQL, use pg_dump (and pg_restore to restore)")

// Backup writes a consistent copy of the database to out while the service
// keeps serving: SQLite's VACUUM INTO reads one snapshot (a read
// transaction, which WAL lets writers go on beside) and writes a compact
// database. The copy is first written beside out under a temporary name,
// fsync'd, then linked to out, which fails if out exists (no overwrite,
// even in a race with another backup), and the directory is fsync'd, so an
// acknowledged backup survives a crash. It returns the copy's size. On
// PostgreSQL it returns ErrBackupPostgres.
func (s *Store) Backup(ctx context.Context, out string) (int64, error) {
	if s.engine == Postgres {
		return 0, ErrBackupPostgres
	}
	out = filepath.Clean(out)
	if _, err := os.Lstat(out); err == nil {
		return 0, ErrBackupExists
	} else if !errors.Is(err, os.ErrNotExist) {
		return 0, fmt.Errorf("backup %s: %w", out, err)
	}
	dir := filepath.Dir(out)
	tmp := filepath.Join(dir, fmt.Sprintf(".%s.partial-%d", filepath.Base(out), time.Now().UnixNano()))
	defer os.Remove(tmp)
	// VACUUM INTO takes the file name as a string literal or a bound
	// parameter; a parameter keeps quotes in the name harmless.
	if err := s.q(ctx).Exec("VACUUM INTO ?", tmp).Error; err != nil {
		return 0, fmt.Errorf("backup: vacuum into %s: %w", tmp, err)
	}
	if err := syncFile(tmp); err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	if err := os.Link(tmp, out); err != nil {
		if errors.Is(err, os.ErrExist) {
			return 0, ErrBackupExists
		}
		return 0, fmt.Errorf("backup: %w", err)
	}
	if err := syncDir(dir); err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	fi, err := os.Stat(out)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// CheckBackup opens the file at path read-only and checks that it is a
// whole SQLite database of quartier: integrity_check says ok and it has
// the schema_migrations table. It returns its schema version.
func CheckBackup(ctx context.Context, path string) (int, error) {
	if _, err := os.Stat(path); err != nil {
		return 0, err
	}
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return 0, fmt.Errorf("%s is not a readable SQLite database: %w", path, err)
	}
	if res != "ok" {
		return 0, fmt.Errorf("%s is damaged: integrity_check says %q", path, res)
	}
	var v int
	if err := db.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v); err != nil {
		return 0, fmt.Errorf("%s is not a quartier database: %w", path, err)
	}
	return v, nil
}

// Restore replaces the database file at dbPath with a copy of the backup
// at from, which must pass CheckBackup. serve must be stopped first. The
// current database (and its -wal and -shm files) is kept beside it as
// <db>.before-restore-<time>, never deleted. The copy is written under a
// temporary name, fsync'd, then renamed into place. It returns the name
// the previous database was moved to ("" when there was none). A
// postgres:// dbPath gets ErrBackupPostgres.
func Restore(ctx context.Context, from, dbPath string) (string, error) {
	if EngineOf(dbPath) == Postgres {
		return "", ErrBackupPostgres
	}
	if _, err := CheckBackup(ctx, from); err != nil {
		return "", err
	}
	dbPath = filepath.Clean(strings.TrimPrefix(dbPath, "file:"))
	if i := strings.IndexByte(dbPath, '?'); i >= 0 {
		dbPath = dbPath[:i]
	}
	dir := filepath.Dir(dbPath)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", err
	}
	tmp := dbPath + ".restoring"
	if err := copyFile(from, tmp); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("restore: %w", err)
	}
	kept := ""
	if _, err := os.Stat(dbPath); err == nil {
		kept = fmt.Sprintf("%s.before-restore-%s", dbPath, time.Now().UTC().Format("20060102T150405Z"))
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Rename(dbPath+suffix, kept+suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				os.Remove(tmp)
				return "", fmt.Errorf("restore: keep the current database: %w", err)
			}
		}
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return kept, fmt.Errorf("restore: %w", err)
	}
	return kept, syncDir(dir)
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
