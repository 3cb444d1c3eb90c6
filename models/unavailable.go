package models

import (
	"errors"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	sqlite3 "github.com/mattn/go-sqlite3"
)

// IsStorageUnavailable says err comes from a database that cannot take
// the write now, though it may in a moment. On SQLite: locked by another
// writer past the busy timeout (SQLITE_BUSY, SQLITE_LOCKED), disk or file
// full (SQLITE_FULL), or a failed read or write of the file (SQLITE_IOERR,
// as a file-size limit gives). On PostgreSQL: the server unreachable or
// restarting (connection errors, class 08 and 57P), out of resources
// (class 53: disk full, too many connections), or a transaction that lost
// a conflict and was rolled back (serialization failure, deadlock, lock
// timeout). The transaction was rolled back, so nothing was half written;
// the pages answer 503 and the next request works once the cause is gone,
// without a restart.
func IsStorageUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrBusy, sqlite3.ErrLocked, sqlite3.ErrFull, sqlite3.ErrIoErr:
			return true
		}
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case strings.HasPrefix(pe.Code, "08"), strings.HasPrefix(pe.Code, "53"), strings.HasPrefix(pe.Code, "57P"):
			return true
		case pe.Code == "40001", pe.Code == "40P01", pe.Code == "55P03":
			return true
		}
		return false
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne)
}
