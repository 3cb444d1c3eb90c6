package models

import (
	"context"
	"fmt"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
)

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
		DueAt string
	}
	err := s.q(ctx).Raw(`SELECT kind, MIN(due_at) AS due_at FROM jobs WHERE done_at IS NULL AND due_at <= ? GROUP BY kind`, now).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("jobs overdue: %w", err)
	}
	out := make(map[string]time.Duration, len(rows))
	for _, r := range rows {
		for _, layout := range sqlite3.SQLiteTimestampFormats {
			if t, err := time.Parse(layout, r.DueAt); err == nil {
				out[r.Kind] = max(now.Sub(t), 0)
				break
			}
		}
	}
	return out, nil
}
