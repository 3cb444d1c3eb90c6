package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"quartier/internal/dbtest"
	"quartier/models"
)

// TestScheduler_TwoOnOneFileRunEachJobOnce runs two schedulers, each with
// its own store (its own connection pool, as two serve processes would) on
// one database (a SQLite file, or PostgreSQL), on the real clock: every one-off job runs exactly once,
// the periodic job never runs in both at the same time, and a job left
// claimed by a crashed instance is taken over once its lease runs out.
func TestScheduler_TwoOnOneFileRunEachJobOnce(t *testing.T) {
	path := dbtest.DSN(t)
	now := func() time.Time { return time.Now().UTC() }
	stores := []*models.Store{openStore(t, path, now), openStore(t, path, now)}
	ctx := context.Background()

	const oneOffs = 120
	for i := range oneOffs {
		must(t, stores[0].ScheduleJob(ctx, models.JobSpec{Kind: "send", DedupKey: fmt.Sprintf("send:%03d", i)}))
	}
	must(t, stores[1].ScheduleJob(ctx, models.JobSpec{Kind: "send", DedupKey: "send:orphan", DueAt: now().Add(-time.Minute)}))
	// An instance that claimed a job and crashed: its lease runs out soon.
	if _, err := stores[1].ClaimJob(ctx, "crashed", []string{"send"}, 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}

	var (
		mu       sync.Mutex
		runs     = map[string]int{}
		byOwner  = map[string]int{}
		inTick   atomic.Int32
		overlaps atomic.Int32
		ticks    atomic.Int32
	)
	var scheds []*Scheduler
	for i, store := range stores {
		s := New(store, Options{Owner: fmt.Sprintf("instance-%d", i), Poll: 5 * time.Millisecond,
			Lease: 10 * time.Second, Log: slog.New(slog.DiscardHandler)})
		s.Register("send", func(_ context.Context, j models.Job) error {
			mu.Lock()
			runs[j.DedupKey]++
			byOwner[j.ClaimedBy]++
			mu.Unlock()
			time.Sleep(time.Millisecond) // let the other instance in
			return nil
		})
		s.Register("tick", func(context.Context, models.Job) error {
			if inTick.Add(1) > 1 {
				overlaps.Add(1)
			}
			time.Sleep(3 * time.Millisecond)
			inTick.Add(-1)
			ticks.Add(1)
			return nil
		})
		s.Every("tick", time.Millisecond)
		scheds = append(scheds, s)
	}

	runCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, s := range scheds {
		wg.Go(func() { s.Run(runCtx) })
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		n := len(runs)
		mu.Unlock()
		if n == oneOffs+1 && ticks.Load() >= 10 {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("after 30 s: %d one-off jobs run of %d, %d ticks", n, oneOffs+1, ticks.Load())
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Give a duplicate the time to happen before looking.
	time.Sleep(50 * time.Millisecond)
	stop()
	wg.Wait()

	mu.Lock()
	defer mu.Unlock()
	for k, n := range runs {
		if n != 1 {
			t.Errorf("%s ran %d times", k, n)
		}
	}
	if runs["send:orphan"] != 1 {
		t.Errorf("the crashed instance's job ran %d times, want 1 (taken over)", runs["send:orphan"])
	}
	if n := overlaps.Load(); n > 0 {
		t.Errorf("the periodic job ran in both instances at once %d times", n)
	}
	rows, err := stores[0].JobByDedupKey(ctx, "tick")
	must(t, err)
	if rows.DoneAt != nil {
		t.Errorf("periodic row marked done: %+v", rows)
	}
	for k := range runs {
		j, err := stores[0].JobByDedupKey(ctx, k)
		must(t, err)
		if j.DoneAt == nil {
			t.Errorf("%s ran but is not recorded done", k)
		}
	}
	t.Logf("one-off jobs per instance: %v; ticks: %d", byOwner, ticks.Load())
}
