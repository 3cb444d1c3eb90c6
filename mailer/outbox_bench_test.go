package mailer

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"quartier/models"
)

// benchOutbox measures messages per second through the whole outbox: claim
// (UPDATE … RETURNING), decode, deliver, mark sent, on a real SQLite file.
// b.N invitations (with their calendar) are queued before the timer starts.
func benchOutbox(b *testing.B, d Driver) {
	s, _ := newTestStore(b, nil)
	c := testComposer(b)
	base := choletSession()
	envs := make([]models.Envelope, 0, b.N)
	for i := range b.N {
		env, err := c.Invitation(InvitationData{Key: fmt.Sprintf("invite:%d", i), Session: base,
			AttendeeName: fmt.Sprintf("Personne %d", i), AttendeeEmail: fmt.Sprintf("p%d@example.org", i),
			CancelURL: "/inscription/annuler/x", PrivacyURL: "/confidentialite", FirstMessage: true})
		if err != nil {
			b.Fatal(err)
		}
		envs = append(envs, env)
	}
	ctx := context.Background()
	for i := 0; i < len(envs); i += 500 {
		if err := s.Enqueue(ctx, envs[i:min(i+500, len(envs))]...); err != nil {
			b.Fatal(err)
		}
	}
	w := NewWorker(s, d, WorkerOptions{BatchSize: 50, Log: quietLog()})
	b.ResetTimer()
	start := time.Now()
	sent := 0
	for sent < b.N {
		n, err := w.RunOnce(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if n == 0 {
			b.Fatalf("stalled after %d of %d", sent, b.N)
		}
		sent += n
	}
	b.StopTimer()
	b.ReportMetric(float64(sent)/time.Since(start).Seconds(), "msg/s")
}

// BenchmarkOutbox_Baseline is the outbox alone (a driver that only
// records): the cost of the queue itself, the baseline of the others.
func BenchmarkOutbox_Baseline(b *testing.B) { benchOutbox(b, &FakeDriver{}) }

// BenchmarkOutbox_File writes every message as an .eml file (fsync'd).
func BenchmarkOutbox_File(b *testing.B) {
	d, err := NewFileDriver(filepath.Join(b.TempDir(), "mail"), quietLog())
	if err != nil {
		b.Fatal(err)
	}
	benchOutbox(b, d)
}

// BenchmarkOutbox_SMTP sends every message to a local SMTP server, one
// connection per batch of 50.
func BenchmarkOutbox_SMTP(b *testing.B) {
	srv := startSMTP(b)
	benchOutbox(b, srv.driver(b))
}
