package models

import (
	"context"
	"database/sql/driver"
	"fmt"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// aggregateTime scans a timestamp that an aggregate (MIN, MAX) returns:
// PostgreSQL keeps its type, SQLite gives the stored text.
type aggregateTime struct{ time.Time }

// Value implements driver.Valuer (gorm wants both halves).
func (a aggregateTime) Value() (driver.Value, error) { return a.Time, nil }

// Scan implements sql.Scanner.
func (a *aggregateTime) Scan(v any) error {
	switch v := v.(type) {
	case time.Time:
		a.Time = v
		return nil
	case string:
		return a.parse(v)
	case []byte:
		return a.parse(string(v))
	case nil:
		a.Time = time.Time{}
		return nil
	}
	return fmt.Errorf("scan %T as a time", v)
}

func (a *aggregateTime) parse(v string) error {
	for _, layout := range sqlite3.SQLiteTimestampFormats {
		if t, err := time.Parse(layout, v); err == nil {
			a.Time = t
			return nil
		}
	}
	return fmt.Errorf("scan %q as a time", v)
}

// OutboxDepth returns how many messages wait (pending), are being sent
// (sending) and were given up (failed), and how many of the pending ones
// already failed at least once (retrying). It reads only the rows of those
// statuses through the (status, next_attempt_at) index, never the sent
// ones: cheap enough for every metrics scrape.
func (s *Store) OutboxDepth(ctx context.Context) (map[OutboxStatus]int64, int64, error) {
	var rows []struct {
		Status   OutboxStatus
		N        int64
		Retrying int64
	}
	err := s.q(ctx).Raw(`SELECT status, COUNT(*) AS n, SUM(CASE WHEN attempts > 0 THEN 1 ELSE 0 END) AS retrying
		FROM outbox_messages WHERE status IN (?, ?, ?) GROUP BY status`, OutboxPending, OutboxSending, OutboxFailed).Scan(&rows).Error
	if err != nil {
		return nil, 0, fmt.Errorf("outbox depth: %w", err)
	}
	out := map[OutboxStatus]int64{OutboxPending: 0, OutboxSending: 0, OutboxFailed: 0}
	var retrying int64
	for _, r := range rows {
		out[r.Status] = r.N
		if r.Status == OutboxPending {
			retrying = r.Retrying
		}
	}
	return out, retrying, nil
}

// JobsOverdue returns, per kind of job that has a due job not yet done,
// how long the oldest one has been due: a scheduler that stopped taking
// jobs shows as a growing delay. It reads the partial index of jobs not
// done.
func (s *Store) JobsOverdue(ctx context.Context) (map[string]time.Duration, error) {
	now := s.Now()
	var rows []struct {
		Kind  string
		DueAt aggregateTime
	}
	err := s.q(ctx).Raw(`SELECT kind, MIN(due_at) AS due_at FROM jobs WHERE done_at IS NULL AND due_at <= ? GROUP BY kind`, now).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("jobs overdue: %w", err)
	}
	out := make(map[string]time.Duration, len(rows))
	for _, r := range rows {
		if !r.DueAt.IsZero() {
			out[r.Kind] = max(now.Sub(r.DueAt.Time), 0)
		}
	}
	return out, nil
}
