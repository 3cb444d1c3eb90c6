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

// DecideRequest is an administrator's review of a submitted request: to is
// RequestAccepted, RequestDeclined (the reason in comment is sent to the
// coordinator) or RequestChangesRequested (comment says what to change).
// The transition, its history line and the email to the coordinator are
// written in one transaction.
func (s *Store) DecideRequest(ctx context.Context, actorID, id int64, to RequestState, comment string) (Request, error) {
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
		r, c, coord, err := requestNotice(tx, r)
		if err != nil {
			return err
		}
		return s.queue(tx, &RequestDecisionNotice{Request: r, CLSM: c, Recipient: coord, Event: ev}, now)
	})
	if err != nil {
		return Request{}, err
	}
	return s.RequestByID(ctx, id)
}

// requestNotice loads what every message about request r needs: r with its
// windows and QPVs, its CLSM, and the coordinator to address (the CLSM's
// current coordinator, else the request's author).
func requestNotice(tx *gorm.DB, r Request) (Request, CLSM, User, error) {
	var c CLSM
	if err := tx.Take(&c, r.CLSMID).Error; err != nil {
		return r, c, User{}, notFound(err, "clsm")
	}
	if err := tx.Where("request_id = ?", r.ID).Order("position").Find(&r.Windows).Error; err != nil {
		return r, c, User{}, err
	}
	if err := tx.Table("request_qpvs").Where("request_id = ?", r.ID).Order("qpv_code").Pluck("qpv_code", &r.QPVs).Error; err != nil {
		return r, c, User{}, err
	}
	recipient := r.CreatedBy
	if c.CoordinatorID != nil {
		recipient = *c.CoordinatorID
	}
	var u User
	if err := tx.Take(&u, recipient).Error; err != nil {
		return r, c, u, notFound(err, "user")
	}
	return r, c, u, nil
}

// queueRequestNotice queues the message of event ev on request id, if the
// event is one people are told about: a submission (acknowledged to the
// coordinator, announced to the admins), an edit of a request awaiting
// review, a withdrawal of a request the admins had seen.
func (s *Store) queueRequestNotice(tx *gorm.DB, id int64, ev RequestEvent, now time.Time) error {
	if s.mail == nil {
		return nil
	}
	var r Request
	if err := tx.Take(&r, id).Error; err != nil {
		return notFound(err, "request")
	}
	r, c, coord, err := requestNotice(tx, r)
	if err != nil {
		return err
	}
	var n Notice
	switch {
	case ev.ToState == RequestSubmitted && ev.FromState != RequestSubmitted:
		admins, err := activeAdmins(tx)
		if err != nil {
			return err
		}
		n = &RequestSubmittedNotice{Request: r, CLSM: c, Recipient: coord, Admins: admins, Event: ev}
	case ev.ToState == RequestSubmitted:
		admins, err := activeAdmins(tx)
		if err != nil {
			return err
		}
		n = &RequestEditedNotice{Request: r, CLSM: c, Editor: actorOf(tx, ev, coord), Admins: admins, Event: ev}
	case ev.ToState == RequestWithdrawn && ev.FromState != RequestDraft:
		admins, err := activeAdmins(tx)
		if err != nil {
			return err
		}
		n = &RequestWithdrawnNotice{Request: r, CLSM: c, Editor: actorOf(tx, ev, coord), Admins: admins, Event: ev}
	default:
		return nil
	}
	return s.queue(tx, n, now)
}

// actorOf is who made event ev, or fallback when it cannot be told.
func actorOf(tx *gorm.DB, ev RequestEvent, fallback User) User {
	if ev.ActorID == nil {
		return fallback
	}
	var u User
	if err := tx.Take(&u, *ev.ActorID).Error; err != nil {
		return fallback
	}
	return u
}

// WithdrawRequest is the coordinator giving up a request of their CLSM,
// from any state where the state machine allows it. The admins are told,
// unless it was a draft they never saw.
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
		now := s.Now()
		ev, err := moveRequest(tx, &r, &actorID, RequestWithdrawn, comment, now)
		if err != nil {
			return err
		}
		return s.queueRequestNotice(tx, id, ev, now)
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
