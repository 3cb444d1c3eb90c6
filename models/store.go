// Package models owns quartier's data: GORM entities, versioned migrations,
// the business operations (one transaction each) and the domain rules.
package models

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Store is the database handle every business operation goes through.
type Store struct {
	db     *gorm.DB
	engine Engine
	// dsn is the database.dsn the store was opened with (a second
	// instance in a test opens the same).
	dsn string
	// reads is db with prepared statements kept per statement text, for q:
	// parsing a statement (sqlite3_prepare_v2) was a tenth of a page's CPU,
	// paid again on every request (docs/PERFORMANCE.md). Transactions (tx)
	// do not use it: the migrations run several statements in one Exec,
	// which a prepared statement cannot.
	reads *gorm.DB
	now   func() time.Time
	mail  Mail
	// proposalTTL is how long a coordinator has to answer a proposed
	// date (UseProposalTTL; DefaultProposalTTL when zero).
	proposalTTL time.Duration
	// travel is the travel time between two communes (UseTravel); nil
	// checks no travel margin.
	travel TravelFunc
	// signups are the sign-up rules (UseSignupPolicy); batcher commits
	// concurrent registrations together (Register).
	signups SignupPolicy
	batcher signupBatcher
	// feedbackPeriod is how long after its end a session stays open to
	// feedback (UseFeedbackPeriod; DefaultFeedbackPeriod when zero).
	feedbackPeriod time.Duration
	// feedback is the feedback links' policy (UseFeedbackPolicy).
	feedback FeedbackPolicy
	// erasures is the erasure log (UseErasureLog); its zero value keeps
	// no log and hashes with an empty key.
	erasures erasureLog
}

// Option configures a Store.
type Option func(*Store)

// WithClock replaces the wall clock, for tests that move time.
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// WithLogger sends every SQL statement to l (GORM's logger interface), to
// debug or to count the statements an operation runs.
func WithLogger(l logger.Interface) Option { return func(s *Store) { s.db.Logger = l } }

// Open opens the database that dsn names: a postgres:// URL is a
// PostgreSQL database (openPostgres), anything else a SQLite file
// (openSQLite). It does not migrate: call Migrate.
func Open(dsn string, opts ...Option) (*Store, error) {
	open := openSQLite
	if EngineOf(dsn) == Postgres {
		open = openPostgres
	}
	s, err := open(dsn, opts)
	if err != nil {
		return nil, err
	}
	s.dsn = dsn
	return s, nil
}

// gormConfig is what both engines share.
func gormConfig() *gorm.Config {
	return &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC() },
		// The statements q keeps prepared: the least recently used are
		// closed beyond this many (a list's « IN (?, ?, …) » makes one text
		// per length).
		PrepareStmtMaxSize: preparedStatements,
		PrepareStmtTTL:     time.Hour,
	}
}

// openSQLite opens (creating if needed) the SQLite database at dsn with the
// pragmas a real service needs: WAL, foreign keys, a busy timeout,
// synchronous=FULL so that an acknowledged write survives a crash, and
// BEGIN IMMEDIATE for transactions so that two writers queue instead of
// failing mid-transaction. Each connection's page cache is 512 KiB
// (SQLite's default is 2 MB): the operating system caches the file as
// well, and eight connections with full caches kept serve's memory up long
// after a burst of traffic (docs/PERFORMANCE.md). Connections are opened
// in SQLite's multi-thread mode (_mutex=no) rather than go-sqlite3's
// default, serialized: database/sql hands a connection to one goroutine at
// a time, so the mutex SQLite takes around every call (each step, each
// column read) only cost time, about a tenth of a list's time in SQLite.
func openSQLite(dsn string, opts []Option) (*Store, error) {
	path := strings.TrimPrefix(dsn, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if path != ":memory:" && path != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, fmt.Errorf("create database directory: %w", err)
		}
	}
	full := "file:" + path + "?_journal_mode=WAL&_foreign_keys=on&_busy_timeout=10000&_synchronous=FULL&_txlock=immediate&_cache_size=-512&_mutex=no"
	registerSQLiteDriver()
	db, err := gorm.Open(sqlite.New(sqlite.Config{DriverName: sqliteDriver, DSN: full}), gormConfig())
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	sqlDB.SetMaxOpenConns(maxConns)
	sqlDB.SetMaxIdleConns(maxConns)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	s := &Store{db: db, engine: SQLite, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	s.reads = s.db.Session(&gorm.Session{PrepareStmt: true})
	return s, nil
}

// openPostgres opens the PostgreSQL database at the URL dsn (through pgx).
// pgx keeps each connection's statements prepared itself, so reads need no
// prepared-statement layer of gorm's. The pool is larger than SQLite's:
// PostgreSQL runs writers concurrently, and each instance of quartier has
// its own pool.
func openPostgres(dsn string, opts []Option) (*Store, error) {
	db, err := gorm.Open(postgres.Open(dsn), gormConfig())
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", redactDSN(dsn), err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", redactDSN(dsn), err)
	}
	sqlDB.SetMaxOpenConns(pgMaxConns)
	sqlDB.SetMaxIdleConns(pgMaxConns / 2)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	s := &Store{db: db, engine: Postgres, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	s.reads = s.db
	return s, nil
}

// pgMaxConns bounds each instance's pool on PostgreSQL (whose default
// max_connections is 100, shared by every instance).
const pgMaxConns = 16

// redactDSN hides a URL's password, for messages.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(invalid URL)"
	}
	return u.Redacted()
}

// preparedStatements bounds the statements q keeps prepared (each on
// every connection that ran it).
const preparedStatements = 200

// Close closes the database.
func (s *Store) Close() error {
	if p, ok := s.reads.Statement.ConnPool.(*gorm.PreparedStmtDB); ok && s.engine == SQLite {
		p.Close()
	}
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// maxConns bounds the pool: SQLite has one writer, and each connection
// keeps its own page cache.
const maxConns = 8

// ReleaseIdleConnections closes the pool's idle connections, and with them
// their page caches (up to 2 MB each); the next requests open new ones.
// serve calls it once a burst of traffic is over, so that its memory goes
// back down.
func (s *Store) ReleaseIdleConnections() {
	sqlDB, err := s.db.DB()
	if err != nil {
		return
	}
	sqlDB.SetMaxIdleConns(0) // closes every idle connection now
	sqlDB.SetMaxIdleConns(maxConns)
}

// Ping checks that the database answers, for /healthz.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.db.WithContext(ctx).Raw("SELECT 1").Scan(&one).Error
}

// Now is the store's clock, in UTC.
func (s *Store) Now() time.Time { return s.now().UTC() }

// tx runs fn in one write transaction. On PostgreSQL, a transaction that
// lost a serialization failure or a deadlock to another (both rolled back
// whole) is run again, a bounded number of times, after a short random
// pause: fn must leave nothing behind it but its writes (what it captures
// it sets again on each run).
func (s *Store) tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if s.engine != Postgres {
		return s.db.WithContext(ctx).Transaction(fn)
	}
	for attempt := 1; ; attempt++ {
		err := s.db.WithContext(ctx).Transaction(fn)
		if err == nil || attempt == maxTxAttempts || !isTransientConflict(err) {
			return err
		}
		pause := time.Duration(attempt) * time.Duration(1+rand.IntN(10)) * time.Millisecond
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pause):
		}
	}
}

// maxTxAttempts bounds the runs of one transaction on PostgreSQL (tx).
const maxTxAttempts = 5

// q is the store's handle for reads.
func (s *Store) q(ctx context.Context) *gorm.DB {
	if ctx.Err() != nil {
		return s.reads.WithContext(ctx) // fails at once, with ctx's error
	}
	// go-sqlite3 reads each row in a goroutine of its own when the context
	// can be cancelled (to interrupt SQLite when it is): a page of 50 rows
	// started 50 goroutines. Reads are bounded (every list is paginated),
	// so they run to their end once started, without that watch.
	return s.reads.WithContext(context.WithoutCancel(ctx))
}

// notFound maps gorm's not-found to the domain error.
func notFound(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return &NotFoundError{What: what}
	}
	return err
}
