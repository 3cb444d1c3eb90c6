package models

import (
	"context"
	"errors"
	"fmt"
	"quartier/internal/dbtest"
	"sync"
	"testing"
	"time"
)

// obClock is a settable clock for the store.
type obClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *obClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *obClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newOutboxStore(t *testing.T) (*Store, *obClock) {
	t.Helper()
	clock := &obClock{t: time.Date(2026, 5, 12, 8, 0, 0, 0, time.UTC)}
	s, err := Open(dbtest.DSN(t), WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s, clock
}

func testEnvelope(key string, sensitive bool) Envelope {
	return Envelope{DedupKey: key, Kind: "test", To: key + "@example.org", Subject: "Objet " + key,
		MessageID: key + "@example.org", Payload: []byte(`{"k":"` + key + `"}`), Sensitive: sensitive}
}

func TestEnqueue_DedupKeyQueuesOnce(t *testing.T) {
	s, _ := newOutboxStore(t)
	ctx := context.Background()
	for range 3 {
		if err := s.Enqueue(ctx, testEnvelope("a", false)); err != nil {
			t.Fatal(err)
		}
	}
	_, total, err := s.ListOutbox(ctx, OutboxFilter{})
	if err != nil || total != 1 {
		t.Fatalf("total = %d, %v; want 1", total, err)
	}
}

func TestClaimOutbox_LeaseAndDue(t *testing.T) {
	s, clock := newOutboxStore(t)
	ctx := context.Background()
	if err := s.Enqueue(ctx, testEnvelope("a", false), testEnvelope("b", false), testEnvelope("c", false)); err != nil {
		t.Fatal(err)
	}
	got, err := s.ClaimOutbox(ctx, 2, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].DedupKey != "a" || got[1].DedupKey != "b" {
		t.Fatalf("first claim = %v, want a, b", obKeys(got))
	}
	if got[0].Status != OutboxSending || got[0].Attempts != 1 || got[0].LeaseUntil == nil || got[0].Payload == "" {
		t.Fatalf("claimed row = %+v", got[0])
	}
	got, _ = s.ClaimOutbox(ctx, 10, time.Minute)
	if len(got) != 1 || got[0].DedupKey != "c" {
		t.Fatalf("second claim = %v, want only c (a, b are leased)", obKeys(got))
	}
	if got, _ = s.ClaimOutbox(ctx, 10, time.Minute); len(got) != 0 {
		t.Fatalf("third claim = %v, want nothing", obKeys(got))
	}
	// The worker holding a and b dies; once the lease runs out they come back.
	clock.Add(2 * time.Minute)
	got, _ = s.ClaimOutbox(ctx, 10, time.Minute)
	if len(got) != 3 || got[0].Attempts != 2 {
		t.Fatalf("after lease expiry = %v (attempts %d), want all three again with attempt 2", obKeys(got), got[0].Attempts)
	}
}

func TestMarkOutbox_SentWipesSensitive_FailedRetriesOrGivesUp(t *testing.T) {
	s, clock := newOutboxStore(t)
	ctx := context.Background()
	if err := s.Enqueue(ctx, testEnvelope("login", true), testEnvelope("plain", false),
		testEnvelope("retry", false), testEnvelope("bounce", false)); err != nil {
		t.Fatal(err)
	}
	rows, _ := s.ClaimOutbox(ctx, 10, time.Minute)
	id := map[string]int64{}
	for _, r := range rows {
		id[r.DedupKey] = r.ID
	}
	obMust(t, s.MarkOutboxSent(ctx, id["login"]))
	obMust(t, s.MarkOutboxSent(ctx, id["plain"]))
	obMust(t, s.MarkOutboxFailed(ctx, id["retry"], "421 try later", clock.Now().Add(time.Hour), false))
	obMust(t, s.MarkOutboxFailed(ctx, id["bounce"], "550 no such user", time.Time{}, true))

	login, _ := s.OutboxMessageByID(ctx, id["login"])
	if login.Status != OutboxSent || login.Payload != "" || login.SentAt == nil {
		t.Errorf("sensitive sent row = %+v, want sent with payload wiped", login)
	}
	plain, _ := s.OutboxMessageByID(ctx, id["plain"])
	if plain.Status != OutboxSent || plain.Payload == "" {
		t.Errorf("plain sent row = %+v, want payload kept", plain)
	}
	retry, _ := s.OutboxMessageByID(ctx, id["retry"])
	if retry.Status != OutboxPending || retry.LastError != "421 try later" || retry.Permanent {
		t.Errorf("retry row = %+v", retry)
	}
	bounce, _ := s.OutboxMessageByID(ctx, id["bounce"])
	if bounce.Status != OutboxFailed || !bounce.Permanent || bounce.LastError != "550 no such user" {
		t.Errorf("bounce row = %+v", bounce)
	}
	// Not due before its retry time.
	if got, _ := s.ClaimOutbox(ctx, 10, time.Minute); len(got) != 0 {
		t.Fatalf("claim before retry time = %v", obKeys(got))
	}
	clock.Add(time.Hour)
	if got, _ := s.ClaimOutbox(ctx, 10, time.Minute); len(got) != 1 || got[0].DedupKey != "retry" || got[0].Attempts != 2 {
		t.Fatalf("claim at retry time = %v", obKeys(got))
	}
	// A late mark on a row no longer "sending" changes nothing.
	obMust(t, s.MarkOutboxFailed(ctx, id["plain"], "late", time.Time{}, false))
	if plain, _ = s.OutboxMessageByID(ctx, id["plain"]); plain.Status != OutboxSent {
		t.Errorf("late failure overwrote a sent row: %+v", plain)
	}
	counts, err := s.OutboxCounts(ctx)
	obMust(t, err)
	want := map[OutboxStatus]int64{OutboxPending: 0, OutboxSending: 1, OutboxSent: 2, OutboxFailed: 1}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("counts = %v, want %v", counts, want)
	}
}

func TestRetryOutbox_FailedOnlyAndAudited(t *testing.T) {
	s, _ := newOutboxStore(t)
	ctx := context.Background()
	admin, err := s.CreateFirstAdmin(ctx, "admin@example.org", "Alice Admin")
	obMust(t, err)
	obMust(t, s.Enqueue(ctx, testEnvelope("bounce", false), testEnvelope("queued", false)))
	rows, _ := s.ClaimOutbox(ctx, 1, time.Minute)
	obMust(t, s.MarkOutboxFailed(ctx, rows[0].ID, "550 unknown", time.Time{}, true))

	obMust(t, s.RetryOutbox(ctx, admin.ID, rows[0].ID))
	m, _ := s.OutboxMessageByID(ctx, rows[0].ID)
	if m.Status != OutboxPending || m.Attempts != 1 || m.Permanent {
		t.Errorf("after retry = %+v, want pending, attempts kept, not permanent", m)
	}
	trail, err := s.AuditTrail(ctx, "outbox", rows[0].ID)
	obMust(t, err)
	if len(trail) != 1 || trail[0].Action != "retry" || trail[0].ActorName != "Alice Admin" {
		t.Errorf("audit trail = %+v", trail)
	}
	var conflict *ConflictError
	if err := s.RetryOutbox(ctx, admin.ID, rows[0].ID); !errors.As(err, &conflict) {
		t.Errorf("retrying a pending message: err = %v, want ConflictError", err)
	}
	if err := s.RetryOutbox(ctx, admin.ID, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("retrying a missing message: err = %v, want not found", err)
	}
}

func TestListOutbox_FilterPageAndNotFound(t *testing.T) {
	s, clock := newOutboxStore(t)
	ctx := context.Background()
	for i := range 5 {
		obMust(t, s.Enqueue(ctx, testEnvelope(fmt.Sprintf("m%d", i), false)))
		clock.Add(time.Second)
	}
	rows, _ := s.ClaimOutbox(ctx, 2, time.Minute)
	for _, r := range rows {
		obMust(t, s.MarkOutboxSent(ctx, r.ID))
	}
	page, total, err := s.ListOutbox(ctx, OutboxFilter{Status: OutboxPending, Limit: 2, Offset: 1})
	obMust(t, err)
	if total != 3 || len(page) != 2 || page[0].DedupKey != "m3" || page[1].DedupKey != "m2" {
		t.Fatalf("page = %v of %d, want [m3 m2] of 3 (newest first)", obKeys(page), total)
	}
	if page[0].Payload != "" {
		t.Errorf("list carries payloads")
	}
	if _, err := s.OutboxMessageByID(ctx, 12345); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing id: err = %v", err)
	}
	var nf *NotFoundError
	if _, err := s.OutboxMessageByID(ctx, 12345); !errors.As(err, &nf) {
		t.Errorf("missing id: err %T is not *NotFoundError", err)
	}
}

func TestClaimOutbox_TwoStoresNeverShareARow(t *testing.T) {
	s1, clock := newOutboxStore(t)
	ctx := context.Background()
	var envs []Envelope
	for i := range 200 {
		envs = append(envs, testEnvelope(fmt.Sprintf("k%03d", i), false))
	}
	obMust(t, s1.Enqueue(ctx, envs...))
	// A second process: its own connection pool on the same file.
	s2, err := Open(obDSN(t, s1), WithClock(clock.Now)) // same clock: a lease is judged by wall time
	obMust(t, err)
	defer s2.Close()
	seen := sync.Map{}
	var wg sync.WaitGroup
	dups := make(chan string, 200)
	for _, s := range []*Store{s1, s2, s1, s2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				rows, err := s.ClaimOutbox(ctx, 7, time.Hour)
				if err != nil {
					t.Error(err)
					return
				}
				if len(rows) == 0 {
					return
				}
				for _, r := range rows {
					if _, dup := seen.LoadOrStore(r.ID, true); dup {
						dups <- r.DedupKey
					}
				}
			}
		}()
	}
	wg.Wait()
	close(dups)
	for k := range dups {
		t.Errorf("%s claimed twice", k)
	}
	n := 0
	seen.Range(func(_, _ any) bool { n++; return true })
	if n != 200 {
		t.Errorf("claimed %d rows, want 200", n)
	}
}

// obDSN is the database.dsn s was opened with, for a second store on the
// same database.
func obDSN(t testing.TB, s *Store) string {
	t.Helper()
	if s.dsn == "" {
		t.Fatal("store opened without a dsn")
	}
	return s.dsn
}

func obKeys(rows []OutboxMessage) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.DedupKey)
	}
	return out
}

func obMust(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestOutboxCounts_KeptByTriggers checks the counters of migration 0018
// against a COUNT … GROUP BY of the messages after every kind of change:
// enqueue, claim, sent, failed, retry, a status set by hand, a delete.
func TestOutboxCounts_KeptByTriggers(t *testing.T) {
	s, _ := newOutboxStore(t)
	ctx := context.Background()
	check := func(step string) {
		t.Helper()
		got, err := s.OutboxCounts(ctx)
		obMust(t, err)
		var rows []struct {
			Status OutboxStatus
			N      int64
		}
		obMust(t, s.db.WithContext(ctx).Raw("SELECT status, COUNT(*) AS n FROM outbox_messages GROUP BY status").Scan(&rows).Error)
		want := map[OutboxStatus]int64{OutboxPending: 0, OutboxSending: 0, OutboxSent: 0, OutboxFailed: 0}
		for _, r := range rows {
			want[r.Status] = r.N
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: counts = %v, the messages say %v", step, got, want)
		}
		for st, n := range want {
			if one, err := s.CountOutbox(ctx, st); err != nil || one != n {
				t.Errorf("%s: CountOutbox(%s) = %d, %v, want %d", step, st, one, err, n)
			}
		}
	}
	check("empty")
	obMust(t, s.Enqueue(ctx, testEnvelope("a", false), testEnvelope("b", false), testEnvelope("c", false), testEnvelope("d", false)))
	obMust(t, s.Enqueue(ctx, testEnvelope("a", false))) // deduplicated: no new row
	check("enqueued")
	rows, err := s.ClaimOutbox(ctx, 3, time.Minute)
	obMust(t, err)
	if len(rows) != 3 {
		t.Fatalf("claimed %d, want 3", len(rows))
	}
	check("claimed")
	obMust(t, s.MarkOutboxSent(ctx, rows[0].ID))
	obMust(t, s.MarkOutboxFailed(ctx, rows[1].ID, "550", time.Time{}, true))
	obMust(t, s.MarkOutboxFailed(ctx, rows[2].ID, "421", time.Now().Add(time.Hour), false))
	check("marked")
	admin, err := s.CreateFirstAdmin(ctx, "admin@example.org", "Alice Admin")
	obMust(t, err)
	obMust(t, s.RetryOutbox(ctx, admin.ID, rows[1].ID))
	check("retried")
	obMust(t, s.db.WithContext(ctx).Exec("UPDATE outbox_messages SET status = 'sent' WHERE status = 'pending'").Error)
	obMust(t, s.db.WithContext(ctx).Exec("UPDATE outbox_messages SET attempts = attempts + 1").Error) // no change of status
	check("set by hand")
	obMust(t, s.db.WithContext(ctx).Exec("DELETE FROM outbox_messages WHERE id = ?", rows[0].ID).Error)
	check("deleted")
}
