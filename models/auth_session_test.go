package models

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"quartier/internal/dbtest"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"
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

// sessionRow's hand scan reads what gorm reads for the same user, every
// column set to a value of its own; and it names every column of the
// users table, so a column added to User fails here until it is scanned.
func TestSessionRow_SameAsGorm(t *testing.T) {
	s, _, _, _ := sessionStore(t)
	ctx := context.Background()
	var want User
	if err := s.q(ctx).Where("email = ?", "admin@exemple.fr").First(&want).Error; err != nil {
		t.Fatal(err)
	}
	if err := s.q(ctx).Model(&User{}).Where("id = ?", want.ID).Updates(map[string]any{
		"home_insee": "59350", "time_zone": "Indian/Reunion", "max_per_day": 2, "max_per_week": 7,
		"updated_at": want.CreatedAt.Add(time.Hour), "search_key": "alice admin clé",
	}).Error; err != nil {
		t.Fatal(err)
	}
	if err := s.q(ctx).First(&want, want.ID).Error; err != nil {
		t.Fatal(err)
	}
	got, expires, seen, err := s.sessionRow(ctx, "h")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("hand scan:\n%+v\ngorm:\n%+v", got, want)
	}
	if !expires.Equal(seen.Add(12 * time.Hour)) {
		t.Errorf("session times: expires %v, last seen %v", expires, seen)
	}
	if _, _, _, err := s.sessionRow(ctx, "nope"); !errors.Is(err, ErrNoSession) {
		t.Errorf("unknown session: %v, want ErrNoSession", err)
	}

	stmt := &gorm.Statement{DB: s.db}
	if err := stmt.Parse(&User{}); err != nil {
		t.Fatal(err)
	}
	var cols []string
	for c := range strings.SplitSeq(sessionUserColumns, ",") {
		cols = append(cols, strings.TrimPrefix(strings.TrimSpace(c), "u."))
	}
	if !reflect.DeepEqual(cols, stmt.Schema.DBNames) {
		t.Errorf("sessionRow scans %v, the users model has %v", cols, stmt.Schema.DBNames)
	}
}
