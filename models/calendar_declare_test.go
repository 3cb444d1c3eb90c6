package models

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestDeclareException_AdminIsTheActor: an absence an admin declares in a
// facilitator's calendar is the facilitator's exception, and the audit
// trail names the admin; one the facilitator records names them. Anyone
// else (a coordinator) is refused and nothing is written; an overlap
// speaks of the facilitator by name to the admin.
func TestDeclareException_AdminIsTheActor(t *testing.T) {
	s, _, f := newCalendarStore(t)
	ctx := context.Background()
	var admin, coord User
	obMust(t, s.db.Where("email = ?", "admin@exemple.fr").First(&admin).Error)
	obMust(t, s.db.Where("email = ?", "c@exemple.fr").First(&coord).Error)
	day := func(d int) ExceptionInput {
		return ExceptionInput{Kind: ExceptionUnavailable, From: time.Date(2026, 12, d, 0, 0, 0, 0, time.UTC), AllDay: true, Label: "Arrêt maladie"}
	}

	e, err := s.DeclareException(ctx, admin.ID, f.ID, day(15))
	obMust(t, err)
	if e.UserID != f.ID {
		t.Errorf("the exception belongs to user %d, want the facilitator %d", e.UserID, f.ID)
	}
	_, err = s.AddException(ctx, f.ID, day(16))
	obMust(t, err)
	trail, err := s.AuditTrail(ctx, "user", f.ID)
	obMust(t, err)
	var actors []string
	for _, ev := range trail {
		if ev.Action == "calendar_exception" {
			actors = append(actors, ev.ActorName)
		}
	}
	if strings.Join(actors, ",") != "Camille,Alice Admin" {
		t.Errorf("exception authors, newest first = %q, want the facilitator then the admin", actors)
	}

	if _, err := s.DeclareException(ctx, coord.ID, f.ID, day(17)); !errors.Is(err, ErrForbidden) {
		t.Errorf("a coordinator declaring an absence: err = %v, want ErrForbidden", err)
	}
	list, err := s.Exceptions(ctx, f.ID, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	obMust(t, err)
	if len(list) != 2 {
		t.Errorf("%d exceptions after the refused one, want 2", len(list))
	}

	_, err = s.DeclareException(ctx, admin.ID, f.ID, day(15))
	var ve *ValidationError
	if !errors.As(err, &ve) || !strings.HasPrefix(ve.Fields["from"], "L’agenda de Camille a déjà une exception") {
		t.Errorf("overlap declared by the admin: %v", err)
	}
}
