package models

import "strings"

// Engine is the database engine a Store runs on.
type Engine int

const (
	// SQLite is the embedded default: one file, one writer at a time.
	SQLite Engine = iota
	// Postgres is the scale-out engine: several instances on one server,
	// concurrent writers held apart by row locks.
	Postgres
)

func (e Engine) String() string {
	if e == Postgres {
		return "postgres"
	}
	return "sqlite"
}

// EngineOf says which engine a database.dsn names: a postgres:// or
// postgresql:// URL is PostgreSQL, anything else a SQLite file.
func EngineOf(dsn string) Engine {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return Postgres
	}
	return SQLite
}

// Engine is the engine the store runs on.
func (s *Store) Engine() Engine { return s.engine }
