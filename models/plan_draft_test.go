package models_test

import (
	"context"
	"errors"
	"quartier/internal/dbtest"
	"testing"
	"time"

	"quartier/models"
)

// TestSendPlanDraft_OnceAndAllOrNothing: a draft is sent once; a second
// send is refused with ErrDraftSent; a send whose proposals cannot all be
// saved changes nothing, the draft stays unsent.
func TestSendPlanDraft_OnceAndAllOrNothing(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	s, err := models.Open(dbtest.DSN(t), models.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	admin, err := s.CreateFirstAdmin(ctx, "admin@exemple.fr", "Alice Admin")
	if err != nil {
		t.Fatal(err)
	}
	se, err := s.CreateSeason(ctx, admin.ID, "Saison 2026-2027", time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 7, 2, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	mk := func() models.PlanDraft {
		d, err := s.CreatePlanDraft(ctx, admin.ID, models.PlanDraft{SeasonID: se.ID, PeriodFrom: now, PeriodTo: now.AddDate(0, 3, 0),
			InputsHash: "h", InstanceJSON: "{}", IndexJSON: "{}", PlanJSON: "{}", BaselineJSON: "{}"})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}

	empty := mk()
	if err := s.SendPlanDraft(ctx, admin.ID, empty.ID, nil); err != nil {
		t.Fatalf("first send: %v", err)
	}
	if err := s.SendPlanDraft(ctx, admin.ID, empty.ID, nil); !errors.Is(err, models.ErrDraftSent) {
		t.Errorf("second send: %v, want ErrDraftSent", err)
	}
	if err := s.UpdatePlanDraftPlan(ctx, admin.ID, empty.ID, `{"assignments":[]}`); !errors.Is(err, models.ErrDraftSent) {
		t.Errorf("update of a sent draft: %v, want ErrDraftSent", err)
	}
	if d, err := s.PlanDraftByID(ctx, empty.ID); err != nil || !d.Sent() || d.SentBy == nil || *d.SentBy != admin.ID {
		t.Errorf("sent draft: %+v, %v", d, err)
	}

	// A proposal for a request that does not exist: nothing is kept.
	bad := mk()
	slot := models.SessionSlot{FacilitatorID: admin.ID, Start: now.AddDate(0, 1, 0), End: now.AddDate(0, 1, 0).Add(3 * time.Hour), TimeZone: "Europe/Paris"}
	if err := s.SendPlanDraft(ctx, admin.ID, bad.ID, []models.SessionProposal{{RequestID: 424242, Slot: slot}}); err == nil {
		t.Fatal("a send with an impossible proposal succeeded")
	}
	if d, _ := s.PlanDraftByID(ctx, bad.ID); d.Sent() {
		t.Error("a failed send marked the draft sent")
	}
	if err := s.SendPlanDraft(ctx, admin.ID, 999, nil); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("unknown draft: %v", err)
	}
}
