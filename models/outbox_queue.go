package models

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
)

// maxErrorLength bounds the last error kept on an outbox row: an SMTP server
// may answer with a long transcript, and the admin page needs one line.
const maxErrorLength = 1000

// Enqueue queues messages outside any other business operation (the demo,
// tests, a command-line resend). Business operations queue their messages
// in their own transaction instead. A dedup key already queued is ignored.
func (s *Store) Enqueue(ctx context.Context, envs ...Envelope) error {
	now := s.Now()
	return s.tx(ctx, func(tx *gorm.DB) error {
		for _, env := range envs {
			if err := enqueue(tx, env, now); err != nil {
				return fmt.Errorf("queue message %s: %w", env.DedupKey, err)
			}
		}
		return nil
	})
}

// ClaimOutbox atomically takes up to limit due messages for one worker:
// pending rows whose next attempt is due, and rows left "sending" by a
// worker whose lease ran out (it crashed or was killed mid-send). Claimed
// rows become "sending" until now+lease and their attempt count goes up, so
// a crash during the send still counts as an attempt.
//
// The claim is one UPDATE … RETURNING statement, so two workers on one
// database never get the same row. The due condition is repeated outside the
// sub-select so that PostgreSQL, which re-evaluates the outer WHERE on a row
// another transaction has just updated, skips a row claimed meanwhile; and
// on PostgreSQL the sub-select takes FOR UPDATE SKIP LOCKED (skipLocked):
// two workers claiming at once each get due rows, not one all and the
// other none.
func (s *Store) ClaimOutbox(ctx context.Context, limit int, lease time.Duration) ([]OutboxMessage, error) {
	if limit <= 0 {
		return nil, nil
	}
	now := s.Now()
	until := now.Add(lease)
	const due = `((status = 'pending' AND next_attempt_at <= @now) OR (status = 'sending' AND lease_until < @now))`
	var out []OutboxMessage
	// The rows are picked once, in a materialised CTE: PostgreSQL may run
	// a sub-select of « id IN (…) » again for each row it updates, each run
	// skipping other rows, and so claim more than limit.
	err := s.q(ctx).Raw(`WITH picked AS MATERIALIZED (
			SELECT id FROM outbox_messages WHERE `+due+` ORDER BY next_attempt_at, id LIMIT @limit`+s.skipLocked()+`)
		UPDATE outbox_messages
		SET status = 'sending', lease_until = @until, attempts = attempts + 1
		WHERE id IN (SELECT id FROM picked)
		AND `+due+`
		RETURNING *`,
		map[string]any{"now": now, "until": until, "limit": limit}).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("claim outbox messages: %w", err)
	}
	// RETURNING gives no order guarantee; send the oldest first.
	slices.SortFunc(out, func(a, b OutboxMessage) int {
		if c := a.NextAttemptAt.Compare(b.NextAttemptAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, nil
}

// MarkOutboxSent records delivered messages, in one transaction (the
// worker marks a whole batch at once). A sensitive message (it holds a
// sign-in link) loses its payload here: the link must not outlive its
// delivery in the database. Only rows still "sending" are changed, so a
// late worker cannot overwrite what an administrator or another worker did.
func (s *Store) MarkOutboxSent(ctx context.Context, ids ...int64) error {
	if len(ids) == 0 {
		return nil
	}
	now := s.Now()
	err := s.q(ctx).Exec(`UPDATE outbox_messages
		SET status = 'sent', sent_at = ?, lease_until = NULL, last_error = '',
		    payload = CASE WHEN sensitive THEN '' ELSE payload END
		WHERE id IN ? AND status = 'sending'`, now, ids).Error
	if err != nil {
		return fmt.Errorf("mark outbox messages %v sent: %w", ids, err)
	}
	return nil
}

// MarkOutboxFailed records a failed attempt. With a non-zero retryAt the
// message goes back to "pending" until then; with a zero retryAt (attempts
// exhausted) or permanent (the server refused the recipient for good) it
// stays "failed" with errMsg, for the admin page.
func (s *Store) MarkOutboxFailed(ctx context.Context, id int64, errMsg string, retryAt time.Time, permanent bool) error {
	if len(errMsg) > maxErrorLength {
		errMsg = errMsg[:maxErrorLength] + "…"
	}
	status, next := OutboxPending, retryAt.UTC()
	if permanent || retryAt.IsZero() {
		status, next = OutboxFailed, s.Now()
	}
	err := s.q(ctx).Exec(`UPDATE outbox_messages
		SET status = ?, next_attempt_at = ?, lease_until = NULL, last_error = ?, permanent = ?
		WHERE id = ? AND status = 'sending'`, status, next, errMsg, permanent, id).Error
	if err != nil {
		return fmt.Errorf("mark outbox message %d failed: %w", id, err)
	}
	return nil
}

// OutboxFilter selects a page of the outbox for the admin page. An empty
// Status means every status; Limit defaults to 50.
type OutboxFilter struct {
	Status        OutboxStatus
	Limit, Offset int
	// NoCount leaves the count out (ListOutbox returns -1 for it), for a
	// caller that knows it already (the outbox page, from OutboxCounts).
	NoCount bool
}

// ListOutbox returns one page of the outbox, newest first, and the number
// of rows matching the filter. Payloads are left out: the list does not
// need them and a sign-in link has no business on a list page.
func (s *Store) ListOutbox(ctx context.Context, f OutboxFilter) ([]OutboxMessage, int64, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	if f.Offset < 0 {
		f.Offset = 0
	}
	q := s.q(ctx).Model(&OutboxMessage{})
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	total := int64(-1)
	if !f.NoCount {
		if err := q.Count(&total).Error; err != nil {
			return nil, 0, fmt.Errorf("count outbox messages: %w", err)
		}
	}
	var out []OutboxMessage
	err := q.Omit("payload").Order("created_at DESC, id DESC").Limit(f.Limit).Offset(f.Offset).Find(&out).Error
	if err != nil {
		return nil, 0, fmt.Errorf("list outbox messages: %w", err)
	}
	return out, total, nil
}

// OutboxMessageByID returns one message with its payload.
func (s *Store) OutboxMessageByID(ctx context.Context, id int64) (OutboxMessage, error) {
	var m OutboxMessage
	if err := s.q(ctx).First(&m, id).Error; err != nil {
		return m, notFound(err, fmt.Sprintf("outbox message %d", id))
	}
	return m, nil
}

// RetryOutbox puts a failed message back in the queue, due now, keeping its
// attempt count and Message-ID (so the recipient's client sees the same
// message if an earlier attempt did arrive). Only a failed message can be
// retried.
func (s *Store) RetryOutbox(ctx context.Context, actorID int64, id int64) error {
	now := s.Now()
	return s.tx(ctx, func(tx *gorm.DB) error {
		var m OutboxMessage
		if err := tx.Omit("payload").First(&m, id).Error; err != nil {
			return notFound(err, fmt.Sprintf("outbox message %d", id))
		}
		if m.Status != OutboxFailed {
			return &ConflictError{Message: "Seul un courriel en échec peut être renvoyé."}
		}
		if IsAnonymisedAddress(m.Recipient) {
			return &ConflictError{Message: "Ce courriel a été effacé avec les données personnelles de son destinataire : il ne peut pas être renvoyé."}
		}
		if m.Sensitive && m.Payload == "" && m.SentAt != nil {
			return &ConflictError{Message: "Le contenu de ce courriel a été effacé : il ne peut pas être renvoyé."}
		}
		err := tx.Exec(`UPDATE outbox_messages
			SET status = 'pending', next_attempt_at = ?, lease_until = NULL, permanent = FALSE
			WHERE id = ? AND status = 'failed'`, now, id).Error
		if err != nil {
			return fmt.Errorf("retry outbox message %d: %w", id, err)
		}
		detail := fmt.Sprintf("nouvel envoi demandé du courriel « %s » à %s (après %d tentative%s)",
			m.Subject, m.Recipient, m.Attempts, outboxPlural(m.Attempts))
		return audit(tx, &actorID, "outbox", id, "retry", detail, now)
	})
}

func outboxPlural(n int) string {
	if n > 1 {
		return "s"
	}
	return ""
}

// OutboxCounts returns how many messages are in each status; every status
// is present, with 0 when there is none. It sums the counter rows of
// outbox_status_counts, which triggers keep (migration 0018), not the
// messages: the same cost whatever the number of emails ever sent.
func (s *Store) OutboxCounts(ctx context.Context) (map[OutboxStatus]int64, error) {
	var rows []struct {
		Status OutboxStatus
		N      int64
	}
	err := s.q(ctx).Raw("SELECT status, SUM(n) AS n FROM outbox_status_counts GROUP BY status").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("count outbox messages by status: %w", err)
	}
	out := map[OutboxStatus]int64{OutboxPending: 0, OutboxSending: 0, OutboxSent: 0, OutboxFailed: 0}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, nil
}
