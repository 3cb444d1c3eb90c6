package models

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// qpsgOf reports the query planner stability guarantee of n connections
// of db held at once (so that the pool opens n distinct ones).
func qpsgOf(t *testing.T, db *sql.DB, n int) []bool {
	return connsReport(t, db, n, sqliteQPSG)
}

// connsReport reports what of each of n connections of db held at once.
func connsReport(t *testing.T, db *sql.DB, n int, what func(*sqlite3.SQLiteConn) (bool, error)) []bool {
	t.Helper()
	ctx := context.Background()
	var out []bool
	for range n {
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := c.Raw(func(dc any) error {
			sc, ok := dc.(*sqlite3.SQLiteConn)
			if !ok {
				return fmt.Errorf("driver connection is a %T", dc)
			}
			on, err := what(sc)
			out = append(out, on)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// storeAndPlainDriver opens a store on a new SQLite file and, on the same
// file, go-sqlite3's own driver: what the store sets on its connections,
// the plain driver leaves at its default, so a check can tell them apart.
func storeAndPlainDriver(t *testing.T) (s *Store, store, plain *sql.DB) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "q.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if store, err = s.db.DB(); err != nil {
		t.Fatal(err)
	}
	if plain, err = sql.Open("sqlite3", "file:"+path); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { plain.Close() })
	return s, store, plain
}

// Every connection of a SQLite store has QPSG on; go-sqlite3's own driver
// leaves it off, so the check can tell the two apart.
func TestOpenSQLite_EveryConnectionHasQPSG(t *testing.T) {
	_, store, plain := storeAndPlainDriver(t)
	for i, on := range qpsgOf(t, store, 3) {
		if !on {
			t.Errorf("connection %d of the store: QPSG off", i)
		}
	}
	if on := qpsgOf(t, plain, 1); on[0] {
		t.Error("go-sqlite3's own driver: QPSG on, so the check above proves nothing")
	}
}

// Every connection of a SQLite store is in multi-thread mode (no mutex
// around each call); go-sqlite3's own default is serialized, so the check
// can tell the two apart. Reads from many goroutines at once still agree.
func TestOpenSQLite_ConnectionsWithoutMutex(t *testing.T) {
	s, store, plain := storeAndPlainDriver(t)
	for i, serialized := range connsReport(t, store, 3, sqliteSerialized) {
		if serialized {
			t.Errorf("connection %d of the store: serialized mode", i)
		}
	}
	if serialized := connsReport(t, plain, 1, sqliteSerialized); !serialized[0] {
		t.Error("go-sqlite3's own driver: not serialized, so the check above proves nothing")
	}

	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				var n int
				if err := s.reads.WithContext(ctx).Raw("SELECT ? + COUNT(*) FROM sqlite_master", g*1000+i).Scan(&n).Error; err != nil {
					errs <- err
					return
				}
				if n != g*1000+i {
					errs <- fmt.Errorf("goroutine %d read %d, want %d", g, n, g*1000+i)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// BenchmarkSessionJoin runs the session lookup's join, prepared once, on
// the store's driver and on go-sqlite3's own (which re-prepares it on each
// bind): the ratio is what QPSG saves on every signed-in page.
func BenchmarkSessionJoin(b *testing.B) {
	path := filepath.Join(b.TempDir(), "q.db")
	s, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	const query = `SELECT u.*, ws.expires_at, ws.last_seen_at
		FROM web_sessions ws JOIN users u ON u.id = ws.user_id WHERE ws.id_hash = ?`
	for _, driver := range []string{sqliteDriver, "sqlite3"} {
		b.Run(driver, func(b *testing.B) {
			db, err := sql.Open(driver, "file:"+path)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			st, err := db.Prepare(query)
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			for b.Loop() {
				rows, err := st.Query("h")
				if err != nil {
					b.Fatal(err)
				}
				for rows.Next() {
				}
				rows.Close()
			}
		})
	}
}
