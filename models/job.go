package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Job is one row of the scheduler's work list: a one-off job (its dedup key
// names what it is for, e.g. "reminder:7d:session:42") or a periodic job
// (its dedup key is its kind; the row lives for ever and is moved to its
// next due time after each run). A job is held by one instance while
// ClaimedBy is set and LeaseUntil is in the future.
type Job struct {
	ID       int64
	Kind     string
	DedupKey string
	// Payload is a small JSON document for the job's function, or empty.
	Payload    string
	DueAt      time.Time
	ClaimedBy  string
	LeaseUntil *time.Time
	// Attempts counts the claims since the job was scheduled (or, for a
	// periodic job, since its last success).
	Attempts  int
	LastError string
	DoneAt    *time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// JobSpec is a job to schedule. An empty DedupKey is refused: it is what
// makes scheduling a job twice harmless. A zero DueAt means now.
type JobSpec struct {
	Kind     string
	DedupKey string
	Payload  string
	DueAt    time.Time
}

// ErrNoJobDue says ClaimJob found nothing to do.
var ErrNoJobDue = errors.New("no job due")

// ErrLeaseLost matches any *LeaseLostError with errors.Is.
var ErrLeaseLost = errors.New("job lease lost")

// LeaseLostError says an instance tried to record the outcome of a job it no
// longer holds: its lease ran out and another instance claimed the job, or
// the job was already recorded. The outcome is dropped; the holder decides.
type LeaseLostError struct {
	JobID int64
	Owner string
}

func (e *LeaseLostError) Error() string {
	return fmt.Sprintf("job %d is no longer held by %s", e.JobID, e.Owner)
}

// Is makes errors.Is(err, ErrLeaseLost) true for every LeaseLostError.
func (e *LeaseLostError) Is(target error) bool { return target == ErrLeaseLost }

// ScheduleJob schedules a job outside any other business operation (the
// scheduler's periodic rows, tests). Business operations schedule their
// jobs in their own transaction with scheduleJob instead. A dedup key
// already scheduled, done or not, is ignored.
func (s *Store) ScheduleJob(ctx context.Context, spec JobSpec) error {
	return scheduleJob(s.q(ctx), spec, s.Now())
}

// scheduleJob writes spec into jobs inside the caller's transaction (or
// connection); a second job with the same dedup key is silently ignored,
// so retrying an operation never schedules its work twice.
func scheduleJob(tx *gorm.DB, spec JobSpec, now time.Time) error {
	if spec.Kind == "" || spec.DedupKey == "" {
		return fmt.Errorf("schedule job: kind %q and dedup key %q must not be empty", spec.Kind, spec.DedupKey)
	}
	due := spec.DueAt.UTC()
	if spec.DueAt.IsZero() {
		due = now
	}
	row := Job{Kind: spec.Kind, DedupKey: spec.DedupKey, Payload: spec.Payload, DueAt: due, CreatedAt: now, UpdatedAt: now}
	err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "dedup_key"}}, DoNothing: true}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("schedule job %s: %w", spec.DedupKey, err)
	}
	return nil
}

// EnsurePeriodicJob makes sure the periodic job kind has its row (dedup key
// = kind), due now when it is new. A row due later than now+interval (the
// interval was shortened since) is brought forward to now+interval.
func (s *Store) EnsurePeriodicJob(ctx context.Context, kind string, interval time.Duration) error {
	now := s.Now()
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := scheduleJob(tx, JobSpec{Kind: kind, DedupKey: kind}, now); err != nil {
			return err
		}
		err := tx.Exec(`UPDATE jobs SET due_at = ?, updated_at = ?
			WHERE dedup_key = ? AND done_at IS NULL AND due_at > ?`,
			now.Add(interval), now, kind, now.Add(interval)).Error
		if err != nil {
			return fmt.Errorf("ensure periodic job %s: %w", kind, err)
		}
		return nil
	})
}

// HurryJobs makes the named jobs (by dedup key) due now, if they are not
// done and due later; a job being run keeps its lease. It is how a page asks
// for the outbox to be looked at at once rather than at its next run.
func (s *Store) HurryJobs(ctx context.Context, dedupKeys ...string) error {
	if len(dedupKeys) == 0 {
		return nil
	}
	now := s.Now()
	err := s.q(ctx).Exec(`UPDATE jobs SET due_at = ?, updated_at = ?
		WHERE dedup_key IN ? AND done_at IS NULL AND due_at > ?`, now, now, dedupKeys, now).Error
	if err != nil {
		return fmt.Errorf("hurry jobs %v: %w", dedupKeys, err)
	}
	return nil
}

// ClaimJob atomically takes the oldest due job of one of kinds for owner,
// until now+lease: a job not done, due, and not held (never claimed,
// released, or its lease ran out because its holder crashed). The attempt
// count goes up with the claim, so a crash during the run still counts.
// It returns ErrNoJobDue when there is nothing to do.
//
// The claim is one UPDATE … RETURNING statement. SQLite runs it under its
// single-writer lock, so two instances never claim the same row. The "free"
// condition is repeated outside the sub-select for PostgreSQL, which
// re-evaluates the outer WHERE on a row another transaction has just
// claimed and so skips it; there the sub-select also ends with FOR UPDATE
// SKIP LOCKED (skipLocked), so that instances do not queue on the same row
// (and come back empty-handed) but each takes the next free one.
func (s *Store) ClaimJob(ctx context.Context, owner string, kinds []string, lease time.Duration) (Job, error) {
	if owner == "" || len(kinds) == 0 || lease <= 0 {
		return Job{}, fmt.Errorf("claim job: owner %q, kinds %v and lease %s must be set", owner, kinds, lease)
	}
	now := s.Now()
	const free = `done_at IS NULL AND (lease_until IS NULL OR lease_until < @now)`
	var out []Job
	err := s.q(ctx).Raw(`UPDATE jobs
		SET claimed_by = @owner, lease_until = @until, attempts = attempts + 1, updated_at = @now
		WHERE id = (SELECT id FROM jobs WHERE `+free+` AND due_at <= @now AND kind IN @kinds
		            ORDER BY due_at, id LIMIT 1`+s.skipLocked()+`)
		AND `+free+`
		RETURNING *`,
		map[string]any{"owner": owner, "until": now.Add(lease), "now": now, "kinds": kinds}).Scan(&out).Error
	if err != nil {
		return Job{}, fmt.Errorf("claim job for %s: %w", owner, err)
	}
	if len(out) == 0 {
		return Job{}, ErrNoJobDue
	}
	return out[0], nil
}

// CompleteJob marks a one-off job done, if j (as claimed) is still held by
// its owner; otherwise it returns a *LeaseLostError and changes nothing.
func (s *Store) CompleteJob(ctx context.Context, j Job) error {
	now := s.Now()
	return s.recordJob(ctx, j, `done_at = ?, claimed_by = '', lease_until = NULL, last_error = '', updated_at = ?`, now, now)
}

// RescheduleJob releases a periodic job after a successful run and makes
// it due again at next, its attempt count back to zero, if j (as claimed)
// is still held by its owner; otherwise it returns a *LeaseLostError.
func (s *Store) RescheduleJob(ctx context.Context, j Job, next time.Time) error {
	return s.recordJob(ctx, j, `due_at = ?, claimed_by = '', lease_until = NULL, attempts = 0, last_error = '', updated_at = ?`,
		next.UTC(), s.Now())
}

// FailJob records a failed run of j with errMsg (which must not hold
// personal data: it is kept on the row and shown to administrators) and
// releases it: due again at retryAt, or, with a zero retryAt, given up
// (done, with its last error kept). It returns a *LeaseLostError when j is
// no longer held by its owner.
func (s *Store) FailJob(ctx context.Context, j Job, errMsg string, retryAt time.Time) error {
	if len(errMsg) > maxErrorLength {
		errMsg = errMsg[:maxErrorLength] + "…"
	}
	now := s.Now()
	if retryAt.IsZero() {
		return s.recordJob(ctx, j, `done_at = ?, claimed_by = '', lease_until = NULL, last_error = ?, updated_at = ?`, now, errMsg, now)
	}
	return s.recordJob(ctx, j, `due_at = ?, claimed_by = '', lease_until = NULL, last_error = ?, updated_at = ?`, retryAt.UTC(), errMsg, now)
}

// recordJob applies set to j's row if this claim of j still holds it: the
// same owner and the same attempt (a later claim by the same owner, after
// its lease ran out, is another claim).
func (s *Store) recordJob(ctx context.Context, j Job, set string, args ...any) error {
	if j.ClaimedBy == "" {
		return &LeaseLostError{JobID: j.ID, Owner: "(nobody)"}
	}
	args = append(args, j.ID, j.ClaimedBy, j.Attempts)
	res := s.q(ctx).Exec(`UPDATE jobs SET `+set+`
		WHERE id = ? AND claimed_by = ? AND attempts = ? AND done_at IS NULL`, args...)
	if res.Error != nil {
		return fmt.Errorf("record job %d (%s): %w", j.ID, j.Kind, res.Error)
	}
	if res.RowsAffected == 0 {
		return &LeaseLostError{JobID: j.ID, Owner: j.ClaimedBy}
	}
	return nil
}

// JobByDedupKey returns the job scheduled under key.
func (s *Store) JobByDedupKey(ctx context.Context, key string) (Job, error) {
	var j Job
	if err := s.q(ctx).Where("dedup_key = ?", key).First(&j).Error; err != nil {
		return j, notFound(err, fmt.Sprintf("job %s", key))
	}
	return j, nil
}
