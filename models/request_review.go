package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// MaxCommentLength bounds the messages sent with a decision or withdrawal.
const MaxCommentLength = 4000

// DecisionMail is what composing a decision email needs: the request (with
// its windows), its CLSM, the person to tell, and the history line of the
// decision (its id makes the email's dedup key).
type DecisionMail struct {
	Request   Request
	CLSM      CLSM
	Recipient User
	Event     RequestEvent
}

// DecideRequest is an administrator's review of a submitted request: to is
// RequestAccepted, RequestDeclined (the reason in comment is sent to the
// coordinator) or RequestChangesRequested (comment says what to change).
// The transition, its history line and the email to the coordinator (built
// by compose) are written in one transaction.
func (s *Store) DecideRequest(ctx context.Context, actorID, id int64, to RequestState, comment string, compose func(DecisionMail) (Envelope, error)) (Request, error) {
	comment = strings.TrimSpace(comment)
	switch to {
	case RequestAccepted:
	case RequestDeclined:
		if comment == "" {
			return Request{}, invalid("comment", "Indiquez la raison du refus : elle est envoyée à la coordination du CLSM.")
		}
	case RequestChangesRequested:
		if comment == "" {
			return Request{}, invalid("comment", "Indiquez les modifications attendues : ce message est envoyé à la coordination du CLSM.")
		}
	default:
		return Request{}, fmt.Errorf("decide request %d: %q is not a decision", id, to)
	}
	if m := TextProblem(comment, MaxCommentLength, true); m != "" {
		return Request{}, invalid("comment", m)
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var actor User
		if err := tx.Take(&actor, actorID).Error; err != nil || actor.Role != RoleAdmin || !actor.Active {
			return ErrForbidden
		}
		var r Request
		if err := tx.Take(&r, id).Error; err != nil {
			return notFound(err, "request")
		}
		now := s.Now()
		ev, err := moveRequest(tx, &r, &actorID, to, comment, now)
		if err != nil {
			return err
		}
		if compose == nil {
			return nil
		}
		m := DecisionMail{Request: r, Event: ev}
		if err := tx.Take(&m.CLSM, r.CLSMID).Error; err != nil {
			return notFound(err, "clsm")
		}
		if err := tx.Where("request_id = ?", id).Order("position").Find(&m.Request.Windows).Error; err != nil {
			return err
		}
		recipient := r.CreatedBy
		if m.CLSM.CoordinatorID != nil {
			recipient = *m.CLSM.CoordinatorID
		}
		if err := tx.Take(&m.Recipient, recipient).Error; err != nil {
			return notFound(err, "user")
		}
		env, err := compose(m)
		if err != nil {
			return fmt.Errorf("compose decision on request %d: %w", id, err)
		}
		return enqueue(tx, env, now)
	})
	if err != nil {
		return Request{}, err
	}
	return s.RequestByID(ctx, id)
}

// WithdrawRequest is the coordinator giving up a request of their CLSM,
// from any state where the state machine allows it.
func (s *Store) WithdrawRequest(ctx context.Context, actorID, id int64, comment string) error {
	comment = strings.TrimSpace(comment)
	if m := TextProblem(comment, MaxCommentLength, true); m != "" {
		return invalid("comment", m)
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		r, err := coordinatorsRequest(tx, actorID, id)
		if err != nil {
			return err
		}
		_, err = moveRequest(tx, &r, &actorID, RequestWithdrawn, comment, s.Now())
		return err
	})
}

// SeedStep is one transition in a seeded request's past.
type SeedStep struct {
	To      RequestState
	ActorID int64
	At      time.Time
	Comment string
}

// SeedRequest writes a request with a given past, for the demo and for
// tests only: it is created as a draft at createdAt by createdBy, then
// walks steps, each checked against the state machine, at their own
// times. Windows are not checked against today and no email is queued:
// the past is not re-lived. Real requests go through CreateRequest.
func (s *Store) SeedRequest(ctx context.Context, clsmID, createdBy int64, in RequestInput, createdAt time.Time, steps []SeedStep) (Request, error) {
	in = in.normalise()
	if verr := in.check(false); verr != nil {
		return Request{}, verr
	}
	var id int64
	err := s.tx(ctx, func(tx *gorm.DB) error {
		r := Request{CLSMID: clsmID, CreatedBy: createdBy, State: RequestDraft, StepFree: in.StepFree, Format: in.Format,
			TimeZone: in.TimeZone, Priority: 1, CreatedAt: createdAt, UpdatedAt: createdAt}
		if err := tx.Create(&r).Error; err != nil {
			return fmt.Errorf("seed request: %w", err)
		}
		id = r.ID
		if err := writeContent(tx, id, in, createdAt); err != nil {
			return err
		}
		if err := tx.Model(&Request{}).Where("id = ?", id).Update("updated_at", createdAt).Error; err != nil {
			return err
		}
		if err := tx.Create(&RequestEvent{RequestID: id, ActorID: &createdBy, ToState: RequestDraft, CreatedAt: createdAt}).Error; err != nil {
			return err
		}
		for _, st := range steps {
			actor := st.ActorID
			if _, err := moveRequest(tx, &r, &actor, st.To, st.Comment, st.At); err != nil {
				return fmt.Errorf("seed request %d: %w", id, err)
			}
		}
		return nil
	})
	if err != nil {
		return Request{}, err
	}
	return s.RequestByID(ctx, id)
}
