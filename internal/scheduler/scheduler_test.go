package scheduler

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"quartier/internal/dbtest"
	"quartier/models"
)

// clock is a settable clock shared by the stores and schedulers of a test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// openStore opens (and migrates) the database path names with now as clock.
func openStore(t *testing.T, path string, now func() time.Time) *models.Store {
	t.Helper()
	s, err := models.Open(path, models.WithClock(now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

func newTestStore(t *testing.T) (*models.Store, *clock) {
	t.Helper()
	c := &clock{t: time.Date(2026, 5, 12, 8, 0, 0, 0, time.UTC)}
	return openStore(t, dbtest.DSN(t), c.Now), c
}

// syncBuffer is a log sink that the race detector accepts.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}
func (b *syncBuffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.b.String() }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func runDue(t *testing.T, s *Scheduler) int {
	t.Helper()
	n, err := s.RunDue(context.Background())
	must(t, err)
	return n
}

func TestRunDue_OneOffJobRunsOnceThenIsDone(t *testing.T) {
	store, clk := newTestStore(t)
	ctx := context.Background()
	s := New(store, Options{Owner: "a"})
	var got []string
	s.Register("reminder", func(_ context.Context, j models.Job) error {
		got = append(got, j.DedupKey+" "+j.Payload)
		return nil
	})
	must(t, store.ScheduleJob(ctx, models.JobSpec{Kind: "reminder", DedupKey: "reminder:1", Payload: `{"session":1}`}))
	must(t, store.ScheduleJob(ctx, models.JobSpec{Kind: "reminder", DedupKey: "reminder:2", DueAt: clk.Now().Add(time.Hour)}))
	must(t, store.ScheduleJob(ctx, models.JobSpec{Kind: "unknown", DedupKey: "unknown:1"}))

	if n := runDue(t, s); n != 1 {
		t.Fatalf("first pass ran %d jobs, want 1", n)
	}
	if n := runDue(t, s); n != 0 {
		t.Fatalf("second pass ran %d jobs, want 0", n)
	}
	clk.Add(time.Hour)
	// Scheduling a job already done does not run it again.
	must(t, store.ScheduleJob(ctx, models.JobSpec{Kind: "reminder", DedupKey: "reminder:1"}))
	if n := runDue(t, s); n != 1 {
		t.Fatalf("pass at 9:00 ran %d jobs, want 1", n)
	}
	if strings.Join(got, "|") != `reminder:1 {"session":1}|reminder:2 ` {
		t.Errorf("ran %q", got)
	}
	j, err := store.JobByDedupKey(ctx, "reminder:1")
	must(t, err)
	if j.DoneAt == nil || j.ClaimedBy != "" || j.Attempts != 1 {
		t.Errorf("done job = %+v", j)
	}
	if u, _ := store.JobByDedupKey(ctx, "unknown:1"); u.Attempts != 0 {
		t.Errorf("a kind this instance does not know was claimed: %+v", u)
	}
}

func TestRunDue_FailingJobRetriedWithBackoffThenGivenUp(t *testing.T) {
	store, clk := newTestStore(t)
	ctx := context.Background()
	var logs syncBuffer
	s := New(store, Options{Owner: "a", MaxAttempts: 3, RetryBase: time.Minute,
		Log: slog.New(slog.NewTextHandler(&logs, nil))})
	runs := 0
	s.Register("flaky", func(context.Context, models.Job) error {
		runs++
		return errors.New("smtp: 550 alice.martin@exemple.fr refused")
	})
	must(t, store.ScheduleJob(ctx, models.JobSpec{Kind: "flaky", DedupKey: "flaky:1"}))

	// attempt → the wait before the next one: 1 min ±20 %, then 2 min ±20 %.
	for attempt, wait := range []time.Duration{time.Minute, 2 * time.Minute} {
		if n := runDue(t, s); n != 1 {
			t.Fatalf("attempt %d: ran %d", attempt+1, n)
		}
		j, _ := store.JobByDedupKey(ctx, "flaky:1")
		delay := j.DueAt.Sub(clk.Now())
		if delay < wait*8/10 || delay > wait*12/10 || j.DoneAt != nil {
			t.Fatalf("after attempt %d: due in %s, want %s ±20 %%, not done (%+v)", attempt+1, delay, wait, j)
		}
		if n := runDue(t, s); n != 0 {
			t.Fatalf("ran again before its retry time")
		}
		clk.Add(wait * 12 / 10)
	}
	if n := runDue(t, s); n != 1 {
		t.Fatalf("third attempt did not run")
	}
	j, _ := store.JobByDedupKey(ctx, "flaky:1")
	if j.DoneAt == nil || j.Attempts != 3 || runs != 3 {
		t.Fatalf("after 3 attempts: %+v (runs %d), want given up", j, runs)
	}
	if strings.Contains(j.LastError, "alice") || !strings.Contains(j.LastError, "550") {
		t.Errorf("stored error %q: want the reason without the address", j.LastError)
	}
	if out := logs.String(); strings.Contains(out, "alice") || !strings.Contains(out, "job failed") {
		t.Errorf("log %q: want the failure logged without the address", out)
	}
}

func TestEvery_PeriodicJobRunsEachIntervalAndWakes(t *testing.T) {
	store, clk := newTestStore(t)
	ctx := context.Background()
	s := New(store, Options{Owner: "a", RetryBase: time.Minute, Log: slog.New(slog.DiscardHandler)})
	runs, fail := 0, false
	s.Register("outbox", func(context.Context, models.Job) error {
		runs++
		if fail {
			return errors.New("database is locked")
		}
		return nil
	})
	s.Every("outbox", 10*time.Minute)

	steps := []struct {
		name    string
		advance time.Duration
		wake    bool
		fail    bool
		want    int // runs so far
	}{
		{name: "due at once when new", want: 1},
		{name: "not before its interval", advance: 9 * time.Minute, want: 1},
		{name: "due after its interval", advance: time.Minute, want: 2},
		{name: "woken", advance: time.Minute, wake: true, want: 3},
		{name: "failure runs again within the interval", fail: true, advance: 0, wake: true, want: 4},
		{name: "retried after the backoff", advance: 2 * time.Minute, want: 5},
		{name: "then back to its interval", advance: 9 * time.Minute, want: 5},
	}
	for _, st := range steps {
		clk.Add(st.advance)
		fail = st.fail
		if st.wake {
			s.Wake("outbox")
		}
		runDue(t, s)
		if runs != st.want {
			t.Fatalf("%s: %d runs, want %d", st.name, runs, st.want)
		}
	}
	j, err := store.JobByDedupKey(ctx, "outbox")
	must(t, err)
	if j.Kind != "outbox" || j.DoneAt != nil || j.Attempts != 0 || !j.DueAt.Equal(clk.Now().Add(time.Minute)) {
		t.Errorf("periodic row = %+v, want due 10 min after its last run", j)
	}
}

func TestRunDue_ExpiredLeaseIsTakenOver(t *testing.T) {
	store, clk := newTestStore(t)
	ctx := context.Background()
	must(t, store.ScheduleJob(ctx, models.JobSpec{Kind: "purge", DedupKey: "purge:season:1"}))
	// An instance claims the job and dies without a word.
	dead, err := store.ClaimJob(ctx, "crashed", []string{"purge"}, time.Minute)
	must(t, err)

	s := New(store, Options{Owner: "alive", Lease: time.Minute})
	runs := 0
	s.Register("purge", func(context.Context, models.Job) error { runs++; return nil })
	if n := runDue(t, s); n != 0 {
		t.Fatalf("took a job under a live lease")
	}
	clk.Add(61 * time.Second)
	if n := runDue(t, s); n != 1 || runs != 1 {
		t.Fatalf("after the lease ran out: ran %d, want 1", n)
	}
	if err := store.CompleteJob(ctx, dead); !errors.Is(err, models.ErrLeaseLost) {
		t.Errorf("the crashed instance's late completion: err = %v, want ErrLeaseLost", err)
	}
}

func TestRun_WakeIsPromptAndShutdownFinishesTheJob(t *testing.T) {
	store, _ := newTestStore(t)
	ctx := context.Background()
	s := New(store, Options{Owner: "a", Poll: time.Hour})
	started, release := make(chan string, 1), make(chan struct{})
	var sawCancel bool
	s.Register("slow", func(jctx context.Context, j models.Job) error {
		started <- j.DedupKey
		<-release
		sawCancel = jctx.Err() != nil
		return nil // it finished its work despite the shutdown
	})
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { s.Run(runCtx); close(done) }()

	// Run's first pass finds nothing; a job queued later runs when woken,
	// not an hour later at the next poll.
	time.Sleep(50 * time.Millisecond)
	must(t, store.ScheduleJob(ctx, models.JobSpec{Kind: "slow", DedupKey: "slow:1"}))
	s.Waker().Wake()
	select {
	case k := <-started:
		if k != "slow:1" {
			t.Fatalf("started %s", k)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a woken scheduler did not run the due job")
	}
	stop()
	select {
	case <-done:
		t.Fatal("Run returned while a job was running")
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after the job")
	}
	if !sawCancel {
		t.Error("the job's context did not end at shutdown")
	}
	j, err := store.JobByDedupKey(ctx, "slow:1")
	must(t, err)
	if j.DoneAt == nil {
		t.Errorf("the job finished at shutdown is not recorded done: %+v", j)
	}
}

func TestRunDue_PanicIsAFailure(t *testing.T) {
	store, _ := newTestStore(t)
	ctx := context.Background()
	s := New(store, Options{Owner: "a", Log: slog.New(slog.DiscardHandler)})
	s.Register("bad", func(context.Context, models.Job) error { panic("secret bob@exemple.fr") })
	must(t, store.ScheduleJob(ctx, models.JobSpec{Kind: "bad", DedupKey: "bad:1"}))
	runDue(t, s)
	j, _ := store.JobByDedupKey(ctx, "bad:1")
	if j.DoneAt != nil || !strings.Contains(j.LastError, "panicked") || strings.Contains(j.LastError, "bob") {
		t.Errorf("after a panic: %+v, want a recorded failure without the panic's value", j)
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"550 <alice.martin@exemple.fr>: no such user", "550 <[adresse masquée]>: no such user"},
		{"to=bob@mairie-lille.fr, cc=eve+x@a.b.org", "to=[adresse masquée], cc=[adresse masquée]"},
		{"database is locked", "database is locked"},
		{"user@localhost", "user@localhost"},
	}
	for _, tt := range tests {
		if got := redact(tt.in); got != tt.want {
			t.Errorf("redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRunDue_JobContextEndsBeforeTheLease(t *testing.T) {
	store, _ := newTestStore(t)
	s := New(store, Options{Owner: "a", Lease: time.Minute})
	var left time.Duration
	s.Register("job", func(ctx context.Context, _ models.Job) error {
		d, ok := ctx.Deadline()
		if !ok {
			return errors.New("no deadline")
		}
		left = time.Until(d)
		return nil
	})
	must(t, store.ScheduleJob(context.Background(), models.JobSpec{Kind: "job", DedupKey: "job:1"}))
	if n := runDue(t, s); n != 1 {
		t.Fatalf("ran %d", n)
	}
	if left <= 0 || left > 54*time.Second {
		t.Errorf("the job had %s left, want at most 90 %% of its 1-minute lease", left)
	}
}
