package mailer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"quartier/models"
)

// maxBackoff caps the wait between two attempts.
const maxBackoff = 6 * time.Hour

// WorkerOptions tunes the outbox worker. Zero values get defaults: 8
// attempts, 30 s base delay, 2 s poll, batches of 20, a 5-minute lease, the
// store's clock and math/rand.
type WorkerOptions struct {
	MaxAttempts  int
	RetryBase    time.Duration
	PollInterval time.Duration
	BatchSize    int
	// Lease is how long a claimed message is reserved for this worker; it
	// must exceed the time a batch can take (connect + send timeouts), or
	// another worker may claim the same message and send it a second time.
	Lease time.Duration
	Log   *slog.Logger
	Now   func() time.Time
	Rand  func() float64
	// Observe, when set, is told the outcome of each delivery attempt:
	// "sent", "retry" (failed, to be tried again) or "failed" (given up),
	// for the metrics.
	Observe func(outcome string)
}

// Worker delivers the outbox: it claims due messages, hands them to its
// driver, and records the outcome. Several workers (in several processes)
// may share one database: a message is claimed by one of them at a time.
type Worker struct {
	store  *models.Store
	driver Driver
	opts   WorkerOptions
	wake   chan struct{}
}

// NewWorker returns a worker for store's outbox, delivering through d.
func NewWorker(store *models.Store, d Driver, opts WorkerOptions) *Worker {
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 8
	}
	if opts.RetryBase <= 0 {
		opts.RetryBase = 30 * time.Second
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = 2 * time.Second
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 20
	}
	if opts.Lease <= 0 {
		opts.Lease = 5 * time.Minute
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = store.Now
	}
	if opts.Rand == nil {
		opts.Rand = rand.Float64
	}
	return &Worker{store: store, driver: d, opts: opts, wake: make(chan struct{}, 1)}
}

// Wake asks the worker to look at the outbox now rather than at its next
// poll, e.g. right after a sign-in link was queued. It never blocks.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx is done. A batch under way when ctx ends is
// finished (its sends and their records are bounded by the driver's
// timeouts), so a shutdown does not leave a sent message unrecorded.
func (w *Worker) Run(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-w.wake:
		}
		claimed, _, err := w.batch(context.WithoutCancel(ctx))
		if err != nil {
			w.opts.Log.Error("outbox", "err", err)
		}
		next := w.opts.PollInterval
		if err == nil && claimed == w.opts.BatchSize {
			next = 0 // more may be waiting
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(next)
	}
}

// RunOnce claims one batch of due messages and delivers it, returning how
// many were sent. A failed delivery is recorded on its row (and logged),
// not returned: err reports only what kept the worker from doing its job,
// such as an unreachable database.
func (w *Worker) RunOnce(ctx context.Context) (sent int, err error) {
	_, sent, err = w.batch(ctx)
	return sent, err
}

// Drain delivers batch after batch while full batches are due, and returns
// how many messages were sent; it is the outbox job of serve's scheduler.
// When ctx ends it stops after the batch under way, which it finishes (like
// Run), so that no sent message is left unrecorded.
func (w *Worker) Drain(ctx context.Context) (sent int, err error) {
	for {
		claimed, n, err := w.batch(context.WithoutCancel(ctx))
		sent += n
		if err != nil || claimed < w.opts.BatchSize || ctx.Err() != nil {
			return sent, err
		}
	}
}

func (w *Worker) batch(ctx context.Context) (claimed, sent int, err error) {
	rows, err := w.store.ClaimOutbox(ctx, w.opts.BatchSize, w.opts.Lease)
	if err != nil {
		return 0, 0, err
	}
	if len(rows) == 0 {
		return 0, 0, nil
	}
	msgs := make([]*Message, 0, len(rows))
	ready := make([]models.OutboxMessage, 0, len(rows))
	var errs []error
	for _, row := range rows {
		m, err := decodePayload(row)
		if err != nil {
			// A payload we cannot read will not improve with time.
			errs = append(errs, w.fail(ctx, row, Permanent(err)))
			continue
		}
		if m.NotAfter != nil && w.opts.Now().After(*m.NotAfter) {
			errs = append(errs, w.fail(ctx, row, Permanent(fmt.Errorf("expired at %s before it could be sent", m.NotAfter.UTC().Format(time.RFC3339)))))
			continue
		}
		msgs = append(msgs, m)
		ready = append(ready, row)
	}
	if len(msgs) > 0 {
		results := w.driver.Send(ctx, msgs)
		if len(results) != len(msgs) {
			err := fmt.Errorf("driver returned %d results for %d messages", len(results), len(msgs))
			results = make([]error, len(msgs))
			for i := range results {
				results[i] = err
			}
		}
		var delivered []int64
		for i, row := range ready {
			if results[i] != nil {
				errs = append(errs, w.fail(ctx, row, results[i]))
				continue
			}
			delivered = append(delivered, row.ID)
		}
		// One write for the batch: the driver has already sent all of it,
		// so marking row by row would not narrow the at-least-once window.
		if err := w.store.MarkOutboxSent(ctx, delivered...); err != nil {
			errs = append(errs, err)
		} else {
			sent = len(delivered)
			for range sent {
				w.observe("sent")
			}
		}
	}
	return len(rows), sent, errors.Join(errs...)
}

// fail records a failed attempt: retried later with backoff, or given up
// after MaxAttempts, or at once when the failure is permanent.
func (w *Worker) fail(ctx context.Context, row models.OutboxMessage, cause error) error {
	permanent := IsPermanent(cause)
	var retryAt time.Time
	if !permanent && row.Attempts < w.opts.MaxAttempts {
		retryAt = w.opts.Now().Add(w.Backoff(row.Attempts))
	}
	// The outbox id names the message; the recipient is personal data,
	// and SMTP errors quote it (DESIGN §5).
	w.opts.Log.Warn("mail not delivered", "outbox_id", row.ID, "kind", row.Kind,
		"attempt", row.Attempts, "permanent", permanent, "retry_at", retryAt, "err", RedactAddresses(cause.Error()))
	if retryAt.IsZero() {
		w.observe("failed")
	} else {
		w.observe("retry")
	}
	return w.store.MarkOutboxFailed(ctx, row.ID, cause.Error(), retryAt, permanent)
}

func (w *Worker) observe(outcome string) {
	if w.opts.Observe != nil {
		w.opts.Observe(outcome)
	}
}

// Backoff is the wait after the given attempt (1 for the first):
// RetryBase·2^(attempt-1), ±20 % jitter so that messages failed together do
// not come back together, capped at 6 hours.
func (w *Worker) Backoff(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	d := w.opts.RetryBase
	for i := 1; i < attempt && d < maxBackoff; i++ {
		d *= 2
	}
	d = min(d, maxBackoff)
	jitter := 0.8 + 0.4*w.opts.Rand()
	return min(time.Duration(float64(d)*jitter), maxBackoff)
}

// decodePayload reads the stored message. A sensitive message already sent
// has an empty payload; it is never claimed again.
func decodePayload(row models.OutboxMessage) (*Message, error) {
	if row.Payload == "" {
		return nil, errors.New("empty payload")
	}
	var m Message
	if err := json.Unmarshal([]byte(row.Payload), &m); err != nil {
		return nil, fmt.Errorf("decode payload: %w", err)
	}
	return &m, nil
}
