package models

import (
	"errors"
	"hash/fnv"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
)

// The SQL that differs between the engines, one helper per difference:
// every other statement of the package is written once, in SQL that both
// engines read the same way.

// daysBetween is the SQL for the whole days from the date of timestamp
// expression from to the date of to.
func (e Engine) daysBetween(from, to string) string {
	if e == Postgres {
		return "(CAST(" + to + " AS DATE) - CAST(" + from + " AS DATE))"
	}
	return "CAST(julianday(date(" + to + ")) - julianday(date(" + from + ")) AS INTEGER)"
}

// hoursBetween is the SQL for the hours (a real number) from timestamp
// expression from to to.
func (e Engine) hoursBetween(from, to string) string {
	if e == Postgres {
		return "(EXTRACT(EPOCH FROM (" + to + " - " + from + ")) / 3600.0)"
	}
	return "((julianday(" + to + ") - julianday(" + from + ")) * 24)"
}

// joinedNames is the SQL aggregate that joins expr's values with ", ",
// in order of orderBy: see joined.
func (e Engine) joinedNames(expr, orderBy string) string {
	return e.joined(expr, ", ", orderBy)
}

// joined is the SQL aggregate that joins expr's values with sep (a
// literal without quotes) in order of orderBy. SQLite's GROUP_CONCAT
// follows the rows' order, which the caller's index gives (an ORDER BY
// in the aggregate would sort each group again).
func (e Engine) joined(expr, sep, orderBy string) string {
	if e == Postgres {
		return "string_agg(" + expr + ", '" + sep + "' ORDER BY " + orderBy + ")"
	}
	return "GROUP_CONCAT(" + expr + ", '" + sep + "')"
}

// newRegistrationIDs returns n ids for new registrations, in increasing
// order, that no registration has had nor will be given by anyone else.
// On SQLite the writer holds the only write lock: the ids follow both the
// highest row and the highest id ever given (an AUTOINCREMENT table never
// gives one again). On PostgreSQL they are drawn from the column's
// identity sequence, which several instances share.
func (s *Store) newRegistrationIDs(tx *gorm.DB, n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	if n == 0 {
		return ids, nil
	}
	if s.engine == Postgres {
		if err := tx.Raw(`SELECT nextval(pg_get_serial_sequence('registrations', 'id')) FROM generate_series(1, ?)`, n).
			Scan(&ids).Error; err != nil {
			return nil, err
		}
		slices.Sort(ids)
		return ids, nil
	}
	var last int64
	if err := tx.Raw(`SELECT MAX(COALESCE((SELECT MAX(id) FROM registrations), 0),
		COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'registrations'), 0))`).Scan(&last).Error; err != nil {
		return nil, err
	}
	for i := range n {
		ids = append(ids, last+1+int64(i))
	}
	return ids, nil
}

// lockSessions takes the row locks of sessions ids, in id order (so that
// two transactions locking several never wait on each other in a circle),
// for the rest of transaction tx: on PostgreSQL, two instances deciding
// places or a waiting list of one session at once then decide one after
// the other, each on what the other committed. SQLite needs none: its
// write transactions (BEGIN IMMEDIATE) already run one at a time.
func (s *Store) lockSessions(tx *gorm.DB, ids ...int64) error {
	if len(ids) == 0 {
		return nil
	}
	return s.lockSessionsIn(tx, "?", ids)
}

// lockPartnersSessions is lockSessions for the sessions of partners
// partnerIDs (invited organisations).
func (s *Store) lockPartnersSessions(tx *gorm.DB, partnerIDs []int64) error {
	if len(partnerIDs) == 0 {
		return nil
	}
	return s.lockSessionsIn(tx, "SELECT session_id FROM session_partners WHERE id IN ?", partnerIDs)
}

// lockRegistrationSession is lockSessions for the session of registration
// id.
func (s *Store) lockRegistrationSession(tx *gorm.DB, id int64) error {
	return s.lockSessionsIn(tx, "SELECT session_id FROM registrations WHERE id = ?", id)
}

// lockSessionsIn locks the sessions whose ids the SQL list or subquery in
// gives (see lockSessions).
func (s *Store) lockSessionsIn(tx *gorm.DB, in string, args ...any) error {
	if s.engine != Postgres {
		return nil
	}
	var locked []int64
	return tx.Raw("SELECT id FROM sessions WHERE id IN ("+in+") ORDER BY id FOR UPDATE", args...).Scan(&locked).Error
}

// lockUsers takes the row locks of users ids, in id order, for the rest
// of transaction tx, on PostgreSQL (see lockSessions).
func (s *Store) lockUsers(tx *gorm.DB, ids ...int64) error {
	if s.engine != Postgres || len(ids) == 0 {
		return nil
	}
	var locked []int64
	return tx.Raw("SELECT id FROM users WHERE id IN ? ORDER BY id FOR UPDATE", ids).Scan(&locked).Error
}

// lockKey takes, on PostgreSQL, a lock named key for the rest of
// transaction tx (an advisory lock on key's 64-bit hash): for a decision
// that reads then writes rows that may not exist yet, so that no row can
// be locked (a rate-limit bucket, say). SQLite's single writer needs none.
func (s *Store) lockKey(tx *gorm.DB, key string) error {
	if s.engine != Postgres {
		return nil
	}
	h := fnv.New64a()
	h.Write([]byte(key))
	return tx.Exec("SELECT pg_advisory_xact_lock(?)", int64(h.Sum64())).Error
}

// skipLocked is the clause a claim's inner SELECT ends with: on
// PostgreSQL FOR UPDATE SKIP LOCKED, so that two instances claiming work
// at once each take rows the other did not (the lease written by the same
// statement then keeps them apart after the commit). SQLite's single
// writer already serialises claims.
func (s *Store) skipLocked() string {
	if s.engine != Postgres {
		return ""
	}
	return " FOR UPDATE SKIP LOCKED"
}

// isUniqueViolation says err is a unique-constraint failure, of either
// engine.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	return strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// isTransientConflict says err is PostgreSQL's answer to two transactions
// that could not both go on (a serialization failure or a deadlock): the
// transaction is rolled back and may simply be run again.
func isTransientConflict(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}
