package models

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"gorm.io/gorm"
)

// erasureLog is the append-only file of the erasures made on request: one
// JSON line per erasure, {"key": keyed hash of the address, "at": time}.
// It lives outside the database (beside it by default), so that restoring
// an older backup of the database leaves it in place, and ReplayErasures
// erases again what the backup still holds. It never holds an address.
type erasureLog struct {
	path string // empty: no log (tests, tools)
	key  []byte
}

// erasureEntry is one line of the erasure log.
type erasureEntry struct {
	Key string    `json:"key"`
	At  time.Time `json:"at"`
}

// UseErasureLog makes EraseSubject append to the file at path and
// ReplayErasures read it; key (the server secret) keys the hashes, so
// that the file alone does not tell whether an address was erased.
// Changing the key makes the older lines unmatchable: keep the secret.
func (s *Store) UseErasureLog(path string, key []byte) {
	s.erasures = erasureLog{path: path, key: append([]byte(nil), key...)}
}

// append writes one entry and syncs it to disk before returning.
func (l erasureLog) append(e erasureEntry) error {
	if l.path == "" {
		return nil
	}
	line, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(l.path), 0o750); err != nil {
		return fmt.Errorf("erasure log: %w", err)
	}
	f, err := os.OpenFile(l.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("erasure log: %w", err)
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("erasure log: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("erasure log: %w", err)
	}
	return f.Close()
}

// read returns the log's entries by key (the latest time of each). A line
// that does not parse (the last one, cut by a crash) is skipped and
// counted.
func (l erasureLog) read() (map[string]time.Time, int, error) {
	out := map[string]time.Time{}
	if l.path == "" {
		return out, 0, nil
	}
	b, err := os.ReadFile(l.path)
	if errors.Is(err, fs.ErrNotExist) {
		return out, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("erasure log: %w", err)
	}
	bad := 0
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var e erasureEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil || len(e.Key) != 64 || e.At.IsZero() {
			bad++
			continue
		}
		if e.At.After(out[e.Key]) {
			out[e.Key] = e.At
		}
	}
	return out, bad, sc.Err()
}

// ReplayResult counts what a replay of the erasure log changed.
type ReplayResult struct {
	Entries   int // erasures in the log
	Skipped   int // lines that did not parse
	Addresses int // addresses found again in the database and erased
	ErasureResult
}

// ReplayErasures erases again, in one transaction, every address of the
// erasure log still found in the database in what was written before its
// erasure (a registration made since, by the same person, stays): after a
// restore of an older backup, the database forgets again the people who
// asked to be erased. Serve and migrate run it at every start; with
// nothing to erase it changes nothing.
func (s *Store) ReplayErasures(ctx context.Context) (ReplayResult, error) {
	log, bad, err := s.erasures.read()
	if err != nil {
		return ReplayResult{}, err
	}
	res := ReplayResult{Entries: len(log), Skipped: bad}
	if len(log) == 0 {
		return res, nil
	}
	var addrs []string
	err = s.q(ctx).Raw(`SELECT email FROM registrations WHERE anonymised_at IS NULL
		UNION SELECT email FROM users
		UNION SELECT contact_email FROM organisations WHERE contact_email <> ''
		UNION SELECT recipient FROM outbox_messages WHERE recipient NOT LIKE ?`, anonymisedMarker+"%").Scan(&addrs).Error
	if err != nil {
		return res, fmt.Errorf("replay erasures: addresses: %w", err)
	}
	type match struct {
		email string
		at    time.Time
	}
	var found []match
	for _, a := range addrs {
		if at, ok := log[erasureKey(s.erasures.key, a)]; ok {
			found = append(found, match{a, at})
		}
	}
	if len(found) == 0 {
		return res, nil
	}
	now := s.Now()
	err = s.tx(ctx, func(tx *gorm.DB) error {
		for _, m := range found {
			r, err := eraseAddress(tx, m.email, m.at, now)
			if err != nil {
				return err
			}
			if r.Total() == 0 {
				continue
			}
			res.Addresses++
			res.Registrations += r.Registrations
			res.Users += r.Users
			res.Organisations += r.Organisations
			res.OutboxMessages += r.OutboxMessages
			res.AuditEvents += r.AuditEvents
			res.KeptAdmin = res.KeptAdmin || r.KeptAdmin
		}
		if res.Addresses == 0 {
			return nil
		}
		return audit(tx, nil, "rgpd", 0, "erase_replay", fmt.Sprintf("journal des effacements rejoué : %d personne(s) effacée(s) à nouveau — %s",
			res.Addresses, erasureSummary(res.ErasureResult)), now)
	})
	return res, err
}
