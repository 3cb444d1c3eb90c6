package mailer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"quartier/internal/dbtest"
	"quartier/links"
	"quartier/models"
)

// mailClock is a settable clock shared by the store and the worker.
type mailClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *mailClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *mailClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newTestStore opens and migrates a fresh database of the run's engine
// and returns it with its dsn (for a second store on it).
func newTestStore(t testing.TB, clock *mailClock) (*models.Store, string) {
	t.Helper()
	path := dbtest.DSN(t)
	var opts []models.Option
	if clock != nil {
		opts = append(opts, models.WithClock(clock.Now))
	}
	s, err := models.Open(path, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s, path
}

func testComposer(t testing.TB) *Composer {
	t.Helper()
	// A fixed secret: the golden files hold signed links (cancel links).
	l, err := links.New([]byte("golden-files-secret-0123456789"), "https://quartier.example.org")
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewComposer(ComposerConfig{
		Links:   l,
		BaseURL: "https://quartier.example.org", From: "ne-pas-repondre@quartier.example.org",
		FromName: "La santé mentale dans mon quartier",
		Contact:  "contact@quartier.example.org", TeamName: "Centre national de ressources et d’appui aux CLSM",
		Now: func() time.Time { return time.Date(2026, 4, 2, 9, 30, 0, 0, time.UTC) },
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// queueLinks queues n sign-in messages and returns their dedup keys.
func queueLinks(t testing.TB, s *models.Store, c *Composer, n int) []string {
	t.Helper()
	var envs []models.Envelope
	var keys []string
	for i := range n {
		key := fmt.Sprintf("login:%04d", i)
		env, err := c.MagicLink(MagicLinkData{Key: key, Name: fmt.Sprintf("Personne %d", i),
			Email: fmt.Sprintf("p%d@example.org", i), Link: "/connexion/lien/secret" + fmt.Sprint(i)})
		if err != nil {
			t.Fatal(err)
		}
		envs = append(envs, env)
		keys = append(keys, key)
	}
	if err := s.Enqueue(context.Background(), envs...); err != nil {
		t.Fatal(err)
	}
	return keys
}

func TestWorker_SendsMarksAndWipesSensitive(t *testing.T) {
	s, _ := newTestStore(t, nil)
	c := testComposer(t)
	queueLinks(t, s, c, 3)
	fake := &FakeDriver{}
	w := NewWorker(s, fake, WorkerOptions{BatchSize: 2, Log: quietLog()})
	ctx := context.Background()
	total := 0
	for {
		n, err := w.RunOnce(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		total += n
	}
	if total != 3 || len(fake.Sent()) != 3 || fake.Calls() != 2 {
		t.Fatalf("sent %d (fake %d in %d calls), want 3 in 2 batches", total, len(fake.Sent()), fake.Calls())
	}
	rows, _, _ := s.ListOutbox(ctx, models.OutboxFilter{})
	for _, r := range rows {
		full, _ := s.OutboxMessageByID(ctx, r.ID)
		if full.Status != models.OutboxSent || full.Payload != "" {
			t.Errorf("row %s: status %s, payload %q; want sent and wiped", r.DedupKey, full.Status, full.Payload)
		}
	}
}

func TestWorker_BackoffThenGiveUp(t *testing.T) {
	clock := &mailClock{t: time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)}
	s, _ := newTestStore(t, clock)
	queueLinks(t, s, testComposer(t), 1)
	down := errors.New("dial tcp: connection refused")
	fake := &FakeDriver{Fail: func(*Message) error { return down }}
	w := NewWorker(s, fake, WorkerOptions{MaxAttempts: 3, RetryBase: time.Minute, Log: quietLog(),
		Now: clock.Now, Rand: func() float64 { return 1 }}) // +20 %
	ctx := context.Background()
	want := []time.Duration{72 * time.Second, 144 * time.Second}
	for attempt, wait := range want {
		if n, err := w.RunOnce(ctx); n != 0 || err != nil {
			t.Fatalf("attempt %d: RunOnce = %d, %v; want 0 sent, no error (a failed delivery is recorded, not returned)", attempt+1, n, err)
		}
		m, _ := s.OutboxMessageByID(ctx, 1)
		if m.Status != models.OutboxPending || m.Attempts != attempt+1 || !m.NextAttemptAt.Equal(clock.Now().Add(wait)) {
			t.Fatalf("after attempt %d: %s, attempts %d, next %v; want pending, next in %v", attempt+1, m.Status, m.Attempts, m.NextAttemptAt, wait)
		}
		clock.Add(wait - time.Second)
		if n, _ := w.RunOnce(ctx); n != 0 || fake.Calls() != attempt+1 {
			t.Fatalf("retried before its time")
		}
		clock.Add(time.Second)
	}
	w.RunOnce(ctx)
	m, _ := s.OutboxMessageByID(ctx, 1)
	if m.Status != models.OutboxFailed || m.Attempts != 3 || m.Permanent || m.LastError != down.Error() || m.Payload == "" {
		t.Fatalf("after the last attempt: %+v; want failed (not permanent) with the error, payload kept", m)
	}
}

func TestWorker_PermanentFailureStopsAtOnce(t *testing.T) {
	s, _ := newTestStore(t, nil)
	queueLinks(t, s, testComposer(t), 2)
	fake := &FakeDriver{Fail: func(m *Message) error {
		if m.To.Email == "p0@example.org" {
			return Permanent(errors.New("550 5.1.1 no such user"))
		}
		return nil
	}}
	w := NewWorker(s, fake, WorkerOptions{Log: quietLog()})
	n, err := w.RunOnce(context.Background())
	if n != 1 || err != nil {
		t.Fatalf("RunOnce = %d, %v; want 1 sent", n, err)
	}
	rows, _, _ := s.ListOutbox(context.Background(), models.OutboxFilter{Status: models.OutboxFailed})
	if len(rows) != 1 || !rows[0].Permanent || rows[0].Recipient != "p0@example.org" || rows[0].Attempts != 1 {
		t.Fatalf("failed rows = %+v", rows)
	}
}

func TestWorker_BackoffCapAndJitter(t *testing.T) {
	s, _ := newTestStore(t, nil)
	for _, tc := range []struct {
		attempt int
		rand    float64
		want    time.Duration
	}{
		{1, 0.5, 30 * time.Second},
		{1, 0, 24 * time.Second},
		{3, 0.5, 2 * time.Minute},
		{40, 0.5, 6 * time.Hour},
		{40, 1, 6 * time.Hour},
		{40, 0, 6 * time.Hour * 8 / 10},
	} {
		w := NewWorker(s, &FakeDriver{}, WorkerOptions{RetryBase: 30 * time.Second, Rand: func() float64 { return tc.rand }})
		if got := w.Backoff(tc.attempt); got != tc.want {
			t.Errorf("Backoff(%d) with rand %.1f = %v, want %v", tc.attempt, tc.rand, got, tc.want)
		}
	}
}

func TestWorker_RunStopsOnCancelAndWakes(t *testing.T) {
	s, _ := newTestStore(t, nil)
	c := testComposer(t)
	fake := &FakeDriver{}
	w := NewWorker(s, fake, WorkerOptions{PollInterval: time.Hour, Log: quietLog()})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	queueLinks(t, s, c, 1)
	w.Wake()
	deadline := time.Now().Add(5 * time.Second)
	for len(fake.Sent()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if len(fake.Sent()) != 1 {
		t.Fatal("Wake did not make the worker send")
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

func TestWorker_DropsExpiredSignInLink(t *testing.T) {
	clock := &mailClock{t: time.Date(2026, 4, 2, 9, 30, 0, 0, time.UTC)}
	s, _ := newTestStore(t, clock)
	c := testComposer(t)
	env, err := c.MagicLink(MagicLinkData{Key: "login:late", Email: "a@example.org", Link: "/connexion/lien/x",
		Expires: clock.Now().Add(15 * time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Enqueue(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	clock.Add(16 * time.Minute) // SMTP was down until now
	fake := &FakeDriver{}
	w := NewWorker(s, fake, WorkerOptions{Log: quietLog()})
	if n, err := w.RunOnce(context.Background()); n != 0 || err != nil || len(fake.Sent()) != 0 {
		t.Fatalf("RunOnce = %d, %v, %d sent; want the dead link dropped", n, err, len(fake.Sent()))
	}
	m, _ := s.OutboxMessageByID(context.Background(), 1)
	if m.Status != models.OutboxFailed || !m.Permanent || !strings.Contains(m.LastError, "expired") {
		t.Errorf("row = %+v; want failed, permanent, expired", m)
	}
}

func TestWorker_DrainSendsEveryFullBatchThenStops(t *testing.T) {
	tests := []struct {
		name      string
		queued    int
		cancelled bool
		want      int
	}{
		{name: "less than a batch", queued: 3, want: 3},
		{name: "several batches", queued: 11, want: 11},
		{name: "exactly two batches", queued: 8, want: 8},
		{name: "cancelled: finishes the batch under way only", queued: 11, cancelled: true, want: 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newTestStore(t, nil)
			queueLinks(t, s, testComposer(t), tc.queued)
			fake := &FakeDriver{}
			w := NewWorker(s, fake, WorkerOptions{BatchSize: 4, Log: quietLog()})
			ctx, cancel := context.WithCancel(context.Background())
			if tc.cancelled {
				cancel()
			}
			defer cancel()
			sent, err := w.Drain(ctx)
			if err != nil || sent != tc.want || len(fake.Sent()) != tc.want {
				t.Errorf("Drain = %d, %v (driver got %d), want %d", sent, err, len(fake.Sent()), tc.want)
			}
		})
	}
}
