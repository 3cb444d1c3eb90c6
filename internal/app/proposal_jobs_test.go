package app

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"quartier/config"
	"quartier/internal/dbtest"
	"quartier/mailer"
	"quartier/models"
)

// noRefresh is a calendar refresher with nothing due.
type noRefresh struct{}

func (noRefresh) RefreshDue(context.Context) (int, error) { return 0, nil }

// TestScheduler_RemindsThenExpiresAProposal: with requests.proposal_ttl at
// two seconds, the demo's proposed date is reminded once, then expires:
// its request is back to accepted and its session cancelled « Proposition
// expirée », by serve's own scheduler and its registered jobs.
func TestScheduler_RemindsThenExpiresAProposal(t *testing.T) {
	dir := t.TempDir()
	cfg := config.Default()
	cfg.Server.Secret = "0123456789abcdef0123456789abcdef"
	cfg.Database.DSN = dbtest.DSN(t)
	cfg.Server.DataDir = dir
	cfg.Mail.Dir = filepath.Join(dir, "mail")
	cfg.Requests.ProposalTTL = config.Duration{Duration: 2 * time.Second}
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := New(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, _, err := a.EnsureDemo(ctx, io.Discard); err != nil {
		t.Fatal(err)
	}
	rows, err := a.Store.ListRequests(ctx, models.RequestFilter{State: models.RequestProposed})
	if err != nil || len(rows) == 0 {
		t.Fatalf("the demo has no proposed request: %v", err)
	}
	id := rows[0].ID
	r, _ := a.Store.RequestByID(ctx, id)
	sid := *r.SessionID
	driver, err := mailer.NewDriver(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	sched := a.newScheduler(driver, noRefresh{}, nil)
	waitFor(t, "the expiry", func() bool {
		if _, err := sched.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		r, err := a.Store.RequestByID(ctx, id)
		return err == nil && r.State == models.RequestAccepted
	})
	se, _ := a.Store.SessionByID(ctx, sid)
	if se.State != models.SessionCancelled || se.CancelReason != models.ProposalExpiredReason {
		t.Errorf("expired session: %+v", se)
	}
	for _, key := range []string{"proposal-reminder:", "proposal-expiry:"} {
		j, err := a.Store.JobByDedupKey(ctx, key+strconv.FormatInt(sid, 10))
		if err != nil || j.DoneAt == nil || j.LastError != "" {
			t.Errorf("job %s: %+v %v", key, j, err)
		}
	}
	msgs, _, _ := a.Store.ListOutbox(ctx, models.OutboxFilter{Limit: 1000})
	kinds := map[string]int{}
	for _, m := range msgs {
		kinds[m.Kind]++
	}
	if kinds[mailer.KindProposalExpired] != 1 || kinds[mailer.KindProposalDeclined] == 0 || kinds[mailer.KindSessionProposed] < 2 {
		t.Errorf("outbox kinds after the expiry: %v", kinds)
	}
}
