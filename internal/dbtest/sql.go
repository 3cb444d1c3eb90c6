package dbtest

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3" // the "sqlite3" database/sql driver
)

// DB is a plain database/sql handle on a test's database, of either
// engine, for the checks a test makes behind the store's back (counting
// rows, ageing a timestamp). Its queries are written with SQLite's ?
// placeholders; on PostgreSQL they become $1, $2… Transactions opened on
// the embedded *sql.DB are not rebound.
type DB struct {
	*sql.DB
	postgres bool
}

// SQL opens dsn (a SQLite file, or a postgres:// URL as DSN returns) and
// closes it when t ends.
func SQL(t testing.TB, dsn string) *DB {
	t.Helper()
	pg := strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
	var db *sql.DB
	var err error
	if pg {
		db, err = sql.Open("pgx", dsn)
	} else {
		db, err = sql.Open("sqlite3", "file:"+strings.TrimPrefix(dsn, "file:")+"?_foreign_keys=on&_busy_timeout=10000")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &DB{DB: db, postgres: pg}
}

// Postgres reports whether db is a PostgreSQL database.
func (db *DB) Postgres() bool { return db.postgres }

// Rebind rewrites the ? placeholders of query for db's engine.
func (db *DB) Rebind(query string) string {
	if !db.postgres {
		return query
	}
	var b strings.Builder
	n, quoted := 0, false
	for _, r := range query {
		switch {
		case r == '\'':
			quoted = !quoted
		case r == '?' && !quoted:
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Exec runs query with ? placeholders.
func (db *DB) Exec(query string, args ...any) (sql.Result, error) {
	return db.DB.Exec(db.Rebind(query), args...)
}

// ExecContext runs query with ? placeholders.
func (db *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return db.DB.ExecContext(ctx, db.Rebind(query), args...)
}

// Query runs query with ? placeholders.
func (db *DB) Query(query string, args ...any) (*sql.Rows, error) {
	return db.DB.Query(db.Rebind(query), args...)
}

// QueryContext runs query with ? placeholders.
func (db *DB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return db.DB.QueryContext(ctx, db.Rebind(query), args...)
}

// QueryRow runs query with ? placeholders.
func (db *DB) QueryRow(query string, args ...any) *sql.Row {
	return db.DB.QueryRow(db.Rebind(query), args...)
}

// QueryRowContext runs query with ? placeholders.
func (db *DB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return db.DB.QueryRowContext(ctx, db.Rebind(query), args...)
}

// Insert runs an INSERT of one row (with ? placeholders) and returns the
// row's id, through RETURNING on both engines: PostgreSQL's driver has no
// LastInsertId.
func (db *DB) Insert(query string, args ...any) (int64, error) {
	var id int64
	err := db.DB.QueryRow(db.Rebind(query)+" RETURNING id", args...).Scan(&id)
	return id, err
}
