package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"quartier/internal/dbtest"
	"quartier/models"
)

// TestScheduler_TwoInstancesOnPostgresRunEachReminderOnce: two schedulers,
// each on its own store (two serve processes on one PostgreSQL database),
// share 200 due reminder jobs: each runs exactly once, and both instances
// take some.
func TestScheduler_TwoInstancesOnPostgresRunEachReminderOnce(t *testing.T) {
	if !dbtest.Postgres() {
		t.Skip("PostgreSQL only: set QUARTIER_TEST_POSTGRES")
	}
	dsn := dbtest.DSN(t)
	now := func() time.Time { return time.Now().UTC() }
	stores := []*models.Store{openStore(t, dsn, now), openStore(t, dsn, now)}
	ctx := context.Background()
	const total = 200
	for i := range total {
		must(t, stores[0].ScheduleJob(ctx, models.JobSpec{Kind: "reminder", DedupKey: fmt.Sprintf("reminder:%03d", i)}))
	}
	var (
		mu      sync.Mutex
		runs    = map[string]int{}
		byOwner = map[string]int{}
	)
	runCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for i, store := range stores {
		s := New(store, Options{Owner: fmt.Sprintf("instance-%d", i), Poll: 5 * time.Millisecond,
			Lease: 10 * time.Second, Log: slog.New(slog.DiscardHandler)})
		s.Register("reminder", func(_ context.Context, j models.Job) error {
			mu.Lock()
			runs[j.DedupKey]++
			byOwner[j.ClaimedBy]++
			mu.Unlock()
			time.Sleep(time.Millisecond) // a reminder takes a moment to queue
			return nil
		})
		wg.Go(func() { s.Run(runCtx) })
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		n := len(runs)
		mu.Unlock()
		if n == total || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // give a duplicate the time to happen
	stop()
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(runs) != total {
		t.Errorf("%d reminders run of %d", len(runs), total)
	}
	for k, n := range runs {
		if n != 1 {
			t.Errorf("%s ran %d times", k, n)
		}
	}
	if len(byOwner) != 2 {
		t.Errorf("reminders per instance: %v; want both instances to take some", byOwner)
	}
}
