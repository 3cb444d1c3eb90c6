package models

import (
	"context"
	"testing"
	"time"
)

// TestOutboxDepthAndJobsOverdue: the scrape-time queries count pending
// (and, of them, retrying), sending and failed messages, never the sent
// ones; and give per kind the age of the oldest due job not done, read
// back from SQLite's stored time.
func TestOutboxDepthAndJobsOverdue(t *testing.T) {
	s, clock := newOutboxStore(t)
	ctx := context.Background()
	for _, k := range []string{"a", "b", "c", "d"} {
		obMust(t, s.Enqueue(ctx, Envelope{DedupKey: "m:" + k, Kind: "x", To: k + "@exemple.fr", Subject: "s", MessageID: "<" + k + "@t>", Payload: []byte("{}")}))
	}
	rows, err := s.ClaimOutbox(ctx, 3, time.Minute) // a, b, c sending
	obMust(t, err)
	obMust(t, s.MarkOutboxSent(ctx, rows[0].ID))
	obMust(t, s.MarkOutboxFailed(ctx, rows[1].ID, "451", clock.Now().Add(time.Minute), false)) // pending again, retrying
	depth, retrying, err := s.OutboxDepth(ctx)
	obMust(t, err)
	if depth[OutboxPending] != 2 || depth[OutboxSending] != 1 || depth[OutboxFailed] != 0 || retrying != 1 {
		t.Errorf("depth %v, retrying %d; want pending 2 (1 retrying), sending 1, failed 0", depth, retrying)
	}
	if _, ok := depth[OutboxSent]; ok {
		t.Error("OutboxDepth counts the sent messages")
	}

	obMust(t, s.ScheduleJob(ctx, JobSpec{Kind: "reminder", DedupKey: "r:1"}))
	obMust(t, s.ScheduleJob(ctx, JobSpec{Kind: "reminder", DedupKey: "r:2", DueAt: clock.Now().Add(time.Hour)}))
	clock.Add(90 * time.Second)
	over, err := s.JobsOverdue(ctx)
	obMust(t, err)
	if len(over) != 1 || over["reminder"] != 90*time.Second {
		t.Errorf("overdue %v, want reminder 1m30s", over)
	}
}
