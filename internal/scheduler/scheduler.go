// Package scheduler is the one background loop of serve. Every piece of
// background work is a row of the jobs table (models.Job): one-off jobs,
// named by a unique dedup key so that scheduling one twice is harmless, and
// periodic jobs, one row per kind moved to its next due time after each
// run. Instances claim due rows with a lease (models.Store.ClaimJob), so
// several serve processes on one database share the work and never run one
// job twice at the same time; a crashed instance's jobs come back when its
// lease runs out. Delivery is at least once: a job function must be
// idempotent (the outbox claims its own rows, an import overwrites, a purge
// deletes what is already gone).
package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"sync"
	"time"

	"quartier/models"
)

// Func runs one job. ctx ends when the job's lease is about to run out or
// when serve shuts down; a function that must finish what it started (a
// batch of emails) finishes it and stops there. A returned error is
// recorded on the job and logged; it must not carry personal data beyond
// what the function cannot avoid (email addresses are masked anyway).
type Func func(ctx context.Context, j models.Job) error

// Options tunes a scheduler. Zero values get defaults: a random owner id
// (NewOwner), a 1-second poll, a 5-minute lease, 10 attempts for a one-off
// job, 30 s as the first retry delay, slog.Default and the store's clock.
type Options struct {
	// Owner identifies this instance in claimed_by; unique per process.
	Owner string
	// Poll is how often the scheduler looks for due jobs when not woken.
	Poll time.Duration
	// Lease is how long a claimed job is reserved for this instance. It
	// must exceed the longest run of a job: the function's context ends a
	// little before the lease does.
	Lease time.Duration
	// MaxAttempts bounds the runs of a failing one-off job; then it is given
	// up (done, with its last error). Periodic jobs are retried for ever.
	MaxAttempts int
	// RetryBase is the wait after a first failure; it doubles with each
	// attempt (±20 %), up to an hour, and never exceeds a periodic job's
	// interval.
	RetryBase time.Duration
	Log       *slog.Logger
	// Clock gives the time used for next due times; it should be the
	// store's clock, which judges due times and leases.
	Clock func() time.Time
	// Observe, when set, is told of each run of a job: its kind, its lag
	// (how long after its due time it started), how long it took and its
	// error, for the metrics.
	Observe func(kind string, lag, took time.Duration, err error)
}

// maxRetryDelay caps the wait between two runs of a failing job.
const maxRetryDelay = time.Hour

// Scheduler runs the jobs of the kinds registered with it.
type Scheduler struct {
	store *models.Store
	opts  Options
	wake  chan struct{}

	mu    sync.Mutex // guards the fields below
	funcs map[string]Func
	every map[string]time.Duration
	hurry map[string]bool
	// everyGen counts the calls to Every; ensuredGen is the count for which
	// the periodic rows were last ensured.
	everyGen, ensuredGen int

	pass sync.Mutex // one pass at a time: a row is never run twice at once here
}

// New returns a scheduler over store's jobs; register kinds before Run.
func New(store *models.Store, opts Options) *Scheduler {
	if opts.Owner == "" {
		opts.Owner = NewOwner()
	}
	if opts.Poll <= 0 {
		opts.Poll = time.Second
	}
	if opts.Lease <= 0 {
		opts.Lease = 5 * time.Minute
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 10
	}
	if opts.RetryBase <= 0 {
		opts.RetryBase = 30 * time.Second
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Clock == nil {
		opts.Clock = store.Now
	}
	return &Scheduler{
		store: store, opts: opts, wake: make(chan struct{}, 1),
		funcs: map[string]Func{}, every: map[string]time.Duration{}, hurry: map[string]bool{},
	}
}

// NewOwner returns an id for this process: host name, process id and a
// random part, so that two processes (even in two containers with the same
// host name and pid) never share one.
func NewOwner() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown"
	}
	return fmt.Sprintf("%s:%d:%08x", host, os.Getpid(), rand.Uint32())
}

// Owner is this scheduler's instance id.
func (s *Scheduler) Owner() string { return s.opts.Owner }

// Register sets the function for jobs of kind. This instance claims only
// the kinds registered with it. Registering a kind twice, an empty kind or
// a nil function is a programming error and panics.
func (s *Scheduler) Register(kind string, fn Func) {
	if kind == "" || fn == nil {
		panic("scheduler: Register needs a kind and a function")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.funcs[kind]; dup {
		panic("scheduler: kind " + kind + " registered twice")
	}
	s.funcs[kind] = fn
}

// Every makes kind (already registered) a periodic job: one row whose dedup
// key is the kind, due at once when new, then run every interval (measured
// from the end of a run) by whichever instance claims it first.
func (s *Scheduler) Every(kind string, interval time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.funcs[kind]; !ok || interval <= 0 {
		panic(fmt.Sprintf("scheduler: Every(%q, %s) needs a registered kind and a positive interval", kind, interval))
	}
	s.every[kind] = interval
	s.everyGen++
}

// Wake asks the scheduler to look for due jobs now rather than at its next
// poll; the periodic jobs named in kinds are first made due now (in the
// database, so whichever instance is free runs them), e.g. the outbox right
// after a sign-in link was queued. It never blocks.
func (s *Scheduler) Wake(kinds ...string) {
	if len(kinds) > 0 {
		s.mu.Lock()
		for _, k := range kinds {
			s.hurry[k] = true
		}
		s.mu.Unlock()
	}
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Waker is a handle that wakes a scheduler for some kinds, for a package
// that should not know the scheduler (the handlers take an interface with
// this one method).
type Waker struct {
	s     *Scheduler
	kinds []string
}

// Waker returns a handle whose Wake calls s.Wake(kinds...).
func (s *Scheduler) Waker(kinds ...string) Waker { return Waker{s: s, kinds: kinds} }

// Wake calls the scheduler's Wake with the handle's kinds.
func (w Waker) Wake() { w.s.Wake(w.kinds...) }

// Run runs due jobs until ctx is done, looking every Poll or when woken.
// When ctx ends during a job, the job's function sees its context end; Run
// waits for it to return and records its outcome before returning.
func (s *Scheduler) Run(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-s.wake:
		}
		if _, err := s.RunDue(ctx); err != nil && ctx.Err() == nil {
			s.opts.Log.Error("scheduler", "owner", s.opts.Owner, "error", redact(err.Error()))
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(s.opts.Poll)
	}
}

// RunDue makes one pass: it claims and runs due jobs, one after the other,
// until none is due or ctx is done, and returns how many it ran. A job that
// fails is recorded on its row, not returned: err reports only what kept
// the scheduler from working (the database).
func (s *Scheduler) RunDue(ctx context.Context) (int, error) {
	s.pass.Lock()
	defer s.pass.Unlock()
	// The scheduler's own writes do not depend on the caller's deadline:
	// a claim made must be returned, an outcome must be recorded.
	db := context.WithoutCancel(ctx)
	if err := s.prepare(db); err != nil {
		return 0, err
	}
	s.mu.Lock()
	kinds := slices.Sorted(maps.Keys(s.funcs))
	s.mu.Unlock()
	if len(kinds) == 0 {
		return 0, nil
	}
	n := 0
	for ctx.Err() == nil {
		j, err := s.store.ClaimJob(db, s.opts.Owner, kinds, s.opts.Lease)
		if errors.Is(err, models.ErrNoJobDue) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
		if err := s.run(ctx, j); err != nil {
			return n, err
		}
	}
	return n, nil
}

// prepare creates the periodic rows (once, or again after Every) and makes
// the woken kinds due now.
func (s *Scheduler) prepare(ctx context.Context) error {
	s.mu.Lock()
	gen, ensuredGen, every := s.everyGen, s.ensuredGen, maps.Clone(s.every)
	hurry := slices.Sorted(maps.Keys(s.hurry))
	clear(s.hurry)
	s.mu.Unlock()
	if gen != ensuredGen {
		for _, kind := range slices.Sorted(maps.Keys(every)) {
			if err := s.store.EnsurePeriodicJob(ctx, kind, every[kind]); err != nil {
				return err
			}
		}
		s.mu.Lock()
		s.ensuredGen = gen
		s.mu.Unlock()
	}
	return s.store.HurryJobs(ctx, hurry...)
}

// run calls j's function and records the outcome: a periodic job is moved
// to its next run, a one-off job is done, a failed job is retried later.
func (s *Scheduler) run(ctx context.Context, j models.Job) error {
	s.mu.Lock()
	fn := s.funcs[j.Kind]
	interval, periodic := s.every[j.Kind]
	s.mu.Unlock()
	periodic = periodic && j.DedupKey == j.Kind

	// End the function's context before the lease, so that it stops before
	// another instance may take the job.
	jctx, cancel := context.WithTimeout(ctx, s.opts.Lease*9/10)
	started := time.Now()
	runErr := call(jctx, fn, j)
	cancel()
	if s.opts.Observe != nil {
		s.opts.Observe(j.Kind, max(started.Sub(j.DueAt), 0), time.Since(started), runErr)
	}
	db := context.WithoutCancel(ctx)
	now := s.opts.Clock()

	var err error
	switch {
	case runErr == nil && periodic:
		err = s.store.RescheduleJob(db, j, now.Add(interval))
	case runErr == nil:
		err = s.store.CompleteJob(db, j)
	default:
		msg := redact(runErr.Error())
		wait := s.backoff(j.Attempts)
		var retryAt time.Time // zero: given up
		switch {
		case ctx.Err() != nil:
			retryAt = now // interrupted by shutdown: another instance may go on
		case periodic:
			retryAt = now.Add(min(wait, interval))
		case j.Attempts < s.opts.MaxAttempts:
			retryAt = now.Add(wait)
		}
		s.opts.Log.Warn("job failed", "id", j.ID, "kind", j.Kind, "attempt", j.Attempts,
			"took", time.Since(started).Round(time.Millisecond).String(), "retry_at", retryAt, "error", msg)
		err = s.store.FailJob(db, j, msg, retryAt)
	}
	if errors.Is(err, models.ErrLeaseLost) {
		// Ran past its lease and another instance took it: the holder records.
		s.opts.Log.Warn("job outlived its lease", "id", j.ID, "kind", j.Kind,
			"took", time.Since(started).Round(time.Millisecond).String(), "lease", s.opts.Lease.String())
		return nil
	}
	return err
}

// call runs fn, turning a panic into an error so that one bad job does
// not stop the loop (the panic value may hold data: only its type is kept).
func call(ctx context.Context, fn Func, j models.Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("job %s panicked (%T)", j.Kind, p)
		}
	}()
	return fn(ctx, j)
}

// backoff is the wait after the given attempt (1 for the first):
// RetryBase·2^(attempt−1), ±20 % jitter so that jobs failed together do
// not come back together, capped at an hour.
func (s *Scheduler) backoff(attempt int) time.Duration {
	d := s.opts.RetryBase
	for i := 1; i < attempt && d < maxRetryDelay; i++ {
		d *= 2
	}
	jitter := 0.8 + 0.4*rand.Float64()
	return min(time.Duration(float64(min(d, maxRetryDelay))*jitter), maxRetryDelay)
}

// emailAddress matches what looks like an email address in an error.
var emailAddress = regexp.MustCompile(`[^\s<>"'(),;:=@]+@[^\s<>"'(),;:@]+\.[^\s<>"'(),;:@]+`)

// redact masks email addresses in a job's error before it is logged or
// stored: job errors are meant to be about the machinery, not about people.
func redact(msg string) string { return emailAddress.ReplaceAllString(msg, "[adresse masquée]") }
