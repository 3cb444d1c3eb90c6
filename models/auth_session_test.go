package models

import (
	"context"
	"database/sql"
	"path/filepath"
	"quartier/internal/dbtest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm/logger"
)

// writeCounter is a GORM logger that counts the statements that write.
type writeCounter struct {
	logger.Interface
	n atomic.Int64
}

func (w *writeCounter) Trace(_ context.Context, _ time.Time, fc func() (string, int64), _ error) {
	sql, _ := fc()
	switch verb, _, _ := strings.Cut(strings.ToUpper(strings.TrimSpace(sql)), " "); verb {
	case "INSERT", "UPDATE", "DELETE", "REPLACE":
		w.n.Add(1)
	}
}

// sessionStore is a migrated store with an admin signed in (session hash
// "h"), its clock movable by the returned function.
func sessionStore(t *testing.T) (*Store, *writeCounter, func(time.Duration), string) {
	t.Helper()
	return sessionStoreAt(t, dbtest.DSN(t))
}

// sessionStoreAt is sessionStore on the database path names.
func sessionStoreAt(t *testing.T, path string) (*Store, *writeCounter, func(time.Duration), string) {
	t.Helper()
	var mu sync.Mutex
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	move := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	w := &writeCounter{Interface: logger.Discard}
	s, err := Open(path, WithClock(clock), WithLogger(w))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	u, err := s.CreateFirstAdmin(ctx, "admin@exemple.fr", "Alice Admin")
	if err != nil {
		t.Fatal(err)
	}
	at := clock()
	if err := s.q(ctx).Create(&WebSession{IDHash: "h", UserID: u.ID, CreatedAt: at, LastSeenAt: at, ExpiresAt: at.Add(12 * time.Hour)}).Error; err != nil {
		t.Fatal(err)
	}
	return s, w, move, path
}

// A page view reads its session without writing: the idle clock is written
// at most once a minute, so browsers reading pages do not queue for
// SQLite's one writer; the session still expires when idle.
func TestSessionUser_WritesItsIdleClockAtMostOnceAMinute(t *testing.T) {
	s, w, move, _ := sessionStore(t)
	ctx := context.Background()
	view := func(wantWrites int64) {
		t.Helper()
		before := w.n.Load()
		u, err := s.SessionUser(ctx, "h", 2*time.Hour)
		if err != nil || u.Email != "admin@exemple.fr" {
			t.Fatalf("session user: %v %q", err, u.Email)
		}
		if got := w.n.Load() - before; got != wantWrites {
			t.Errorf("%d writes, want %d", got, wantWrites)
		}
	}
	view(0)
	view(0)
	move(50 * time.Second)
	view(0)
	move(20 * time.Second) // 70 s since the last write
	view(1)
	view(0)
	move(59 * time.Second)
	view(0)
	// Idle longer than the idle expiry: gone.
	move(3 * time.Hour)
	if _, err := s.SessionUser(ctx, "h", 2*time.Hour); err != ErrNoSession {
		t.Fatalf("idle session: %v, want ErrNoSession", err)
	}
}

// Reads take no write lock: while another connection holds SQLite's write
// lock (BEGIN IMMEDIATE, as every write transaction takes it), the session
// lookup and a page's reads answer at once instead of waiting for it.
func TestReads_TakeNoWriteLock(t *testing.T) {
	s, _, _, path := sessionStoreAt(t, filepath.Join(t.TempDir(), "q.db")) // about SQLite's lock
	ctx := context.Background()
	writer, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=10000&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	tx, err := writer.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("UPDATE users SET name = name"); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		if _, err := s.SessionUser(ctx, "h", 2*time.Hour); err != nil {
			done <- err
			return
		}
		if _, err := s.CountPeople(ctx); err != nil {
			done <- err
			return
		}
		_, err := s.ListRequests(ctx, RequestFilter{ExcludeDrafts: true, Limit: 50})
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(3 * time.Second):
		t.Error("reads waited for another connection's write lock")
		_ = tx.Rollback()
		<-done
		return
	}
	_ = tx.Rollback()
}
