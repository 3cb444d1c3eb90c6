package mailer

import (
	"context"
	"sync"
	"testing"
	"time"

	"quartier/internal/dbtest"
	"quartier/models"
)

// TestWorkers_TwoInstancesOnPostgresSendEachOnce: two outbox workers, each
// on its own store (two instances of serve on one PostgreSQL database),
// drain the same 200 messages at once: the driver they share gets each
// message exactly once, and every row ends sent.
func TestWorkers_TwoInstancesOnPostgresSendEachOnce(t *testing.T) {
	if !dbtest.Postgres() {
		t.Skip("PostgreSQL only: set QUARTIER_TEST_POSTGRES")
	}
	s1, dsn := newTestStore(t, nil)
	s2, err := models.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	const total = 200
	queueLinks(t, s1, testComposer(t), total)
	fake := &FakeDriver{}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, s := range []*models.Store{s1, s2, s1, s2} { // two workers per instance
		w := NewWorker(s, fake, WorkerOptions{BatchSize: 7, PollInterval: 5 * time.Millisecond, Log: quietLog()})
		wg.Add(1)
		go func() { defer wg.Done(); w.Run(ctx) }()
	}
	deadline := time.Now().Add(20 * time.Second)
	for len(fake.Sent()) < total && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // let a duplicate, if any, arrive
	cancel()
	wg.Wait()
	seen := map[string]int{}
	for _, m := range fake.Sent() {
		seen[m.MessageID]++
	}
	if len(seen) != total {
		t.Errorf("%d distinct messages delivered, want %d", len(seen), total)
	}
	for id, n := range seen {
		if n > 1 {
			t.Errorf("%s delivered %d times", id, n)
		}
	}
	if fake.Calls() < total/7 {
		t.Errorf("%d batches for %d messages of at most 7: a claim took more than its batch", fake.Calls(), total)
	}
	counts, err := s1.OutboxCounts(context.Background())
	if err != nil || counts[models.OutboxSent] != total {
		t.Errorf("counts = %v, %v; want %d sent", counts, err, total)
	}
}
