package models

import (
	"errors"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// IsStorageUnavailable says err comes from a database that cannot take
// the write now, though it may in a moment: locked by another writer past
// the busy timeout (SQLITE_BUSY, SQLITE_LOCKED), disk or file full
// (SQLITE_FULL), or a failed read or write of the file (SQLITE_IOERR, as a
// file-size limit gives). The transaction was rolled back, so nothing was
// half written; the pages answer 503 and the next request works once the
// cause is gone, without a restart.
func IsStorageUnavailable(err error) bool {
	var se sqlite3.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code {
	case sqlite3.ErrBusy, sqlite3.ErrLocked, sqlite3.ErrFull, sqlite3.ErrIoErr:
		return true
	}
	return false
}
