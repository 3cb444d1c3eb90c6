package models

/*
// sqlite3_db_config is SQLite's own, linked into the binary by
// github.com/mattn/go-sqlite3 (which compiles the amalgamation).
int sqlite3_db_config(void *db, int op, ...);
void *sqlite3_db_mutex(void *db);

// quartier_qpsg sets (on = 1), clears (on = 0) or reads (on = -1) the
// connection's query planner stability guarantee, and returns its state
// after the call, or -1 when SQLite refuses.
static int quartier_qpsg(void *db, int on) {
	int state = -1;
	// 1007 is SQLITE_DBCONFIG_ENABLE_QPSG.
	if (sqlite3_db_config(db, 1007, on, &state) != 0) return -1;
	return state;
}

// quartier_serialized reports whether the connection is in SQLite's
// serialized mode (a mutex around every call on it).
static int quartier_serialized(void *db) { return sqlite3_db_mutex(db) != 0; }
*/
import "C"

import (
	"database/sql"
	"errors"
	"reflect"
	"sync"
	"unsafe"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// sqliteDriver is the database/sql driver the store opens SQLite with:
// go-sqlite3's, with the query planner stability guarantee (QPSG) set on
// every connection it opens.
//
// Without QPSG, SQLite re-prepares a statement each time a value is bound
// to a parameter that its plan looked at — and for a join that is almost
// every parameter: `… FROM web_sessions ws JOIN users u … WHERE
// ws.id_hash = ?`, the first statement of every signed-in page, was parsed
// and planned again on each run (23 µs against 9.6 µs with QPSG, the same
// statement with a literal 7.8 µs), which made gorm's prepared statements
// (Store.reads) worthless for most of the pages' statements. With QPSG a
// plan depends on the statement text only. What it gives up: a LIKE with
// a bound pattern no longer uses an index for its prefix, and a bound
// value cannot select a partial index; no statement of the store relies on
// either (prefixes are searched with ranges).
const sqliteDriver = "sqlite3_quartier"

var registerDriver sync.Once

func registerSQLiteDriver() {
	registerDriver.Do(func() {
		sql.Register(sqliteDriver, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
			db, err := sqliteHandle(c)
			if err != nil {
				return err
			}
			if C.quartier_qpsg(db, 1) != 1 {
				return errors.New("sqlite: cannot set the query planner stability guarantee")
			}
			return nil
		}})
	})
}

// sqliteHandle returns the sqlite3* of a go-sqlite3 connection, which the
// package keeps in an unexported field and does not expose: the field is
// read by reflection, and a go-sqlite3 that renamed it fails every open
// (and every test) at once rather than running without QPSG.
func sqliteHandle(c *sqlite3.SQLiteConn) (unsafe.Pointer, error) {
	f := reflect.ValueOf(c).Elem().FieldByName("db")
	if !f.IsValid() || f.Kind() != reflect.Pointer || f.IsNil() {
		return nil, errors.New("sqlite: go-sqlite3's connection has no sqlite3 handle where expected")
	}
	return f.UnsafePointer(), nil
}

// sqliteSerialized reports whether the connection takes SQLite's mutex on
// every call (for tests).
func sqliteSerialized(c *sqlite3.SQLiteConn) (bool, error) {
	db, err := sqliteHandle(c)
	if err != nil {
		return false, err
	}
	return C.quartier_serialized(db) == 1, nil
}

// sqliteQPSG reports whether the connection has the query planner
// stability guarantee (for tests).
func sqliteQPSG(c *sqlite3.SQLiteConn) (bool, error) {
	db, err := sqliteHandle(c)
	if err != nil {
		return false, err
	}
	return C.quartier_qpsg(db, -1) == 1, nil
}
