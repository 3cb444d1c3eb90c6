package models

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestScheduleJob_DedupKeySchedulesOnce(t *testing.T) {
	s, clock := newOutboxStore(t)
	ctx := context.Background()
	for i := range 3 {
		obMust(t, s.ScheduleJob(ctx, JobSpec{Kind: "reminder", DedupKey: "reminder:1", Payload: fmt.Sprintf(`{"try":%d}`, i)}))
	}
	j, err := s.JobByDedupKey(ctx, "reminder:1")
	obMust(t, err)
	if j.Payload != `{"try":0}` || !j.DueAt.Equal(clock.Now()) || j.DoneAt != nil || j.Attempts != 0 {
		t.Errorf("job = %+v, want the first one, due now, not done", j)
	}
	var n int64
	obMust(t, s.db.Model(&Job{}).Count(&n).Error)
	if n != 1 {
		t.Errorf("%d rows, want 1", n)
	}
	// Done jobs are not scheduled again either.
	got, err := s.ClaimJob(ctx, "a", []string{"reminder"}, time.Minute)
	obMust(t, err)
	obMust(t, s.CompleteJob(ctx, got))
	obMust(t, s.ScheduleJob(ctx, JobSpec{Kind: "reminder", DedupKey: "reminder:1"}))
	if _, err := s.ClaimJob(ctx, "a", []string{"reminder"}, time.Minute); !errors.Is(err, ErrNoJobDue) {
		t.Errorf("claim after completion: err = %v, want ErrNoJobDue", err)
	}
	for _, bad := range []JobSpec{{Kind: "x"}, {DedupKey: "x"}} {
		if err := s.ScheduleJob(ctx, bad); err == nil {
			t.Errorf("ScheduleJob(%+v) accepted", bad)
		}
	}
	if _, err := s.JobByDedupKey(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing job: err = %v, want not found", err)
	}
}

func TestClaimJob_DueKindsOrderAndLease(t *testing.T) {
	s, clock := newOutboxStore(t)
	ctx := context.Background()
	now := clock.Now()
	obMust(t, s.ScheduleJob(ctx, JobSpec{Kind: "b", DedupKey: "b:late", DueAt: now.Add(time.Hour)}))
	obMust(t, s.ScheduleJob(ctx, JobSpec{Kind: "b", DedupKey: "b:second", DueAt: now.Add(-time.Minute)}))
	obMust(t, s.ScheduleJob(ctx, JobSpec{Kind: "a", DedupKey: "a:first", DueAt: now.Add(-time.Hour)}))
	obMust(t, s.ScheduleJob(ctx, JobSpec{Kind: "other", DedupKey: "other:1", DueAt: now.Add(-2 * time.Hour)}))

	kinds := []string{"a", "b"}
	var order []string
	for {
		j, err := s.ClaimJob(ctx, "one", kinds, time.Minute)
		if errors.Is(err, ErrNoJobDue) {
			break
		}
		obMust(t, err)
		if j.ClaimedBy != "one" || j.Attempts != 1 || j.LeaseUntil == nil || !j.LeaseUntil.Equal(now.Add(time.Minute)) {
			t.Errorf("claimed row = %+v", j)
		}
		order = append(order, j.DedupKey)
	}
	if fmt.Sprint(order) != "[a:first b:second]" {
		t.Fatalf("claimed %v, want [a:first b:second] (oldest due first, not the late one, not another kind)", order)
	}
	// The holder crashes: once its lease has run out another instance takes
	// the job, and the first holder can no longer record anything.
	first, err := s.JobByDedupKey(ctx, "a:first")
	obMust(t, err)
	clock.Add(2 * time.Minute)
	again, err := s.ClaimJob(ctx, "two", []string{"a"}, time.Minute)
	obMust(t, err)
	if again.DedupKey != "a:first" || again.Attempts != 2 || again.ClaimedBy != "two" {
		t.Fatalf("takeover = %+v", again)
	}
	var lost *LeaseLostError
	if err := s.CompleteJob(ctx, first); !errors.As(err, &lost) || !errors.Is(err, ErrLeaseLost) {
		t.Errorf("stale completion: err = %v, want *LeaseLostError", err)
	}
	obMust(t, s.CompleteJob(ctx, again))
	if err := s.CompleteJob(ctx, again); !errors.Is(err, ErrLeaseLost) {
		t.Errorf("second completion: err = %v, want ErrLeaseLost", err)
	}
	if _, err := s.ClaimJob(ctx, "x", nil, time.Minute); err == nil || errors.Is(err, ErrNoJobDue) {
		t.Errorf("claim without kinds: err = %v, want a usage error", err)
	}
}

func TestRescheduleAndFailJob(t *testing.T) {
	s, clock := newOutboxStore(t)
	ctx := context.Background()
	obMust(t, s.EnsurePeriodicJob(ctx, "tick", time.Hour))
	obMust(t, s.EnsurePeriodicJob(ctx, "tick", time.Hour)) // idempotent
	obMust(t, s.ScheduleJob(ctx, JobSpec{Kind: "once", DedupKey: "once:1"}))

	tick, err := s.ClaimJob(ctx, "me", []string{"tick"}, time.Minute)
	obMust(t, err)
	obMust(t, s.FailJob(ctx, tick, "database locked", clock.Now().Add(time.Minute)))
	if _, err := s.ClaimJob(ctx, "me", []string{"tick"}, time.Minute); !errors.Is(err, ErrNoJobDue) {
		t.Fatalf("claim before retry time: err = %v", err)
	}
	clock.Add(time.Minute)
	tick, err = s.ClaimJob(ctx, "me", []string{"tick"}, time.Minute)
	obMust(t, err)
	if tick.Attempts != 2 || tick.LastError != "database locked" {
		t.Errorf("retried row = %+v, want attempt 2 with the last error", tick)
	}
	next := clock.Now().Add(time.Hour)
	obMust(t, s.RescheduleJob(ctx, tick, next))
	row, _ := s.JobByDedupKey(ctx, "tick")
	if !row.DueAt.Equal(next) || row.Attempts != 0 || row.LastError != "" || row.ClaimedBy != "" || row.LeaseUntil != nil || row.DoneAt != nil {
		t.Errorf("rescheduled row = %+v", row)
	}
	// A shorter interval brings the next run forward; HurryJobs makes it due now.
	obMust(t, s.EnsurePeriodicJob(ctx, "tick", 10*time.Minute))
	if row, _ = s.JobByDedupKey(ctx, "tick"); !row.DueAt.Equal(clock.Now().Add(10 * time.Minute)) {
		t.Errorf("after a shorter interval due_at = %s", row.DueAt)
	}
	obMust(t, s.HurryJobs(ctx, "tick"))
	if row, _ = s.JobByDedupKey(ctx, "tick"); !row.DueAt.Equal(clock.Now()) {
		t.Errorf("after hurry due_at = %s, want now", row.DueAt)
	}

	once, err := s.ClaimJob(ctx, "me", []string{"once"}, time.Minute)
	obMust(t, err)
	obMust(t, s.FailJob(ctx, once, "gave up", time.Time{}))
	if row, _ = s.JobByDedupKey(ctx, "once:1"); row.DoneAt == nil || row.LastError != "gave up" {
		t.Errorf("given-up row = %+v, want done with its error", row)
	}
	if err := s.FailJob(ctx, once, "late", clock.Now()); !errors.Is(err, ErrLeaseLost) {
		t.Errorf("fail after give-up: err = %v, want ErrLeaseLost", err)
	}
}

func TestClaimJob_TwoStoresNeverShareAJob(t *testing.T) {
	s1, clock := newOutboxStore(t)
	ctx := context.Background()
	for i := range 150 {
		obMust(t, s1.ScheduleJob(ctx, JobSpec{Kind: "k", DedupKey: fmt.Sprintf("k:%03d", i)}))
	}
	s2, err := Open(obDSN(t, s1), WithClock(clock.Now))
	obMust(t, err)
	defer s2.Close()
	var mu sync.Mutex
	claims := map[string]int{}
	var wg sync.WaitGroup
	for i, s := range []*Store{s1, s2, s1, s2} {
		wg.Go(func() {
			owner := fmt.Sprintf("owner%d", i)
			for {
				j, err := s.ClaimJob(ctx, owner, []string{"k"}, time.Hour)
				if errors.Is(err, ErrNoJobDue) {
					return
				}
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				claims[j.DedupKey]++
				mu.Unlock()
				if err := s.CompleteJob(ctx, j); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if len(claims) != 150 {
		t.Errorf("claimed %d jobs, want 150", len(claims))
	}
	for k, n := range claims {
		if n != 1 {
			t.Errorf("%s claimed %d times", k, n)
		}
	}
}
