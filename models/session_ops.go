package models

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// ProposeSession is an administrator sending the planner's date (or one
// chosen by hand) for an accepted request: a new session, proposed, with
// a snapshot of the request's venue, and the request moved to proposed and
// pointing to it, in one transaction.
func (s *Store) ProposeSession(ctx context.Context, actorID, requestID int64, slot SessionSlot) (Session, error) {
	var se Session
	err := s.tx(ctx, func(tx *gorm.DB) (err error) {
		se, err = s.proposeSession(tx, actorID, requestID, slot)
		return err
	})
	return se, err
}

// proposeSession is ProposeSession inside the caller's transaction, so that
// SendPlanDraft proposes a whole plan in one.
func (s *Store) proposeSession(tx *gorm.DB, actorID, requestID int64, slot SessionSlot) (Session, error) {
	slot = slot.normalise()
	var se Session
	err := func() error {
		if err := requireAdmin(tx, actorID); err != nil {
			return err
		}
		var r Request
		if err := tx.Take(&r, requestID).Error; err != nil {
			return notFound(err, "request")
		}
		if err := checkTransition(r.State, RequestProposed); err != nil {
			return err
		}
		if err := s.checkSlotToWrite(tx, slot, 0, r.ID); err != nil {
			return err
		}
		now := s.Now()
		se = Session{RequestID: r.ID, FacilitatorID: slot.FacilitatorID, State: SessionProposed,
			StartsAt: slot.Start, EndsAt: slot.End, TimeZone: slot.TimeZone,
			VenueName: r.VenueName, VenueAddress: r.VenueAddress, StepFree: r.StepFree, RemoteURL: r.RemoteURL,
			Capacity: DefaultCapacity, OrgCap: DefaultOrgCap, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&se).Error; err != nil {
			return fmt.Errorf("create session of request %d: %w", r.ID, err)
		}
		what := describeSlot(tx, slot)
		if err := audit(tx, &actorID, "session", se.ID, "propose", "date proposée : "+what, now); err != nil {
			return err
		}
		if err := tx.Model(&Request{}).Where("id = ?", r.ID).Update("session_id", se.ID).Error; err != nil {
			return fmt.Errorf("link session %d to request %d: %w", se.ID, r.ID, err)
		}
		r.SessionID = &se.ID
		if _, err := moveRequest(tx, &r, &actorID, RequestProposed, "Date proposée : "+what+".", now); err != nil {
			return err
		}
		if err := s.scheduleProposalJobs(tx, se, now); err != nil {
			return err
		}
		return s.queueProposal(tx, se, false, now)
	}()
	return se, err
}

// ConfirmSession is the coordinator of the request's CLSM confirming the
// proposed date, or an administrator confirming it on their behalf (the
// audit trail says so): request and session become scheduled together,
// and the facilitator and the coordinator receive their invitations. The
// hard rules are checked again inside the transaction: the facilitator's
// calendar may have changed since the proposal, and two confirmations at
// once must not both take the last place of a day.
func (s *Store) ConfirmSession(ctx context.Context, actorID, requestID int64) (Session, error) {
	var id int64
	err := s.tx(ctx, func(tx *gorm.DB) error {
		actor, err := activeActor(tx, actorID)
		if err != nil {
			return err
		}
		var r Request
		if actor.Role == RoleAdmin {
			err = notFound(tx.Take(&r, requestID).Error, "request")
		} else {
			r, err = coordinatorsRequest(tx, actorID, requestID)
		}
		if err != nil {
			return err
		}
		if r.State != RequestProposed || r.SessionID == nil {
			return &InvalidTransitionError{From: r.State, To: RequestScheduled}
		}
		id = *r.SessionID
		var se Session
		if err := tx.Take(&se, id).Error; err != nil {
			return notFound(err, "session")
		}
		if err := s.checkSlotToWrite(tx, se.slotOf(), se.ID, se.RequestID); err != nil {
			return confirmConflict(err)
		}
		now := s.Now()
		comment := "Date confirmée."
		if actor.Role == RoleAdmin {
			comment = "Date confirmée par l’équipe pour la coordination du CLSM."
			if err := audit(tx, &actorID, "session", se.ID, "confirm_on_behalf",
				"date confirmée pour la coordination du CLSM : "+describeSlot(tx, se.slotOf()), now); err != nil {
				return err
			}
		}
		if _, err := moveRequest(tx, &r, &actorID, RequestScheduled, comment, now); err != nil {
			return err
		}
		se.State, se.ScheduledAt, se.UpdatedAt = SessionScheduled, &now, now
		return s.queueInvitations(tx, ChangeConfirmed, se, nil, "", nil, now)
	})
	if err != nil {
		return Session{}, err
	}
	return s.SessionByID(ctx, id)
}

// DeclineProposal is the coordinator of the request's CLSM (or an
// administrator) asking for another date: the request goes back to
// accepted, its session is cancelled with the reason and is no longer the
// request's live session (it stays in its history).
func (s *Store) DeclineProposal(ctx context.Context, actorID, requestID int64, reason string) error {
	reason, err := checkReason(reason, "Indiquez pourquoi cette date ne convient pas : l’équipe en tiendra compte pour la prochaine proposition.")
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		actor, err := activeActor(tx, actorID)
		if err != nil {
			return err
		}
		var r Request
		if actor.Role == RoleAdmin {
			err = notFound(tx.Take(&r, requestID).Error, "request")
		} else {
			r, err = coordinatorsRequest(tx, actorID, requestID)
		}
		if err != nil {
			return err
		}
		if r.State != RequestProposed || r.SessionID == nil {
			return &InvalidTransitionError{From: r.State, To: RequestAccepted}
		}
		sid, now := *r.SessionID, s.Now()
		if _, err := moveRequest(tx, &r, &actorID, RequestAccepted, reason, now); err != nil {
			return err
		}
		var se Session
		if err := tx.Take(&se, sid).Error; err != nil {
			return notFound(err, "session")
		}
		return s.queueProposalEnded(tx, se, actor, reason, false, now)
	})
}

// MoveSession is an administrator changing the time and/or the
// facilitator of a proposed or scheduled session. The SEQUENCE rises, the
// audit trail keeps the slot before and after, and the request's history
// says it.
func (s *Store) MoveSession(ctx context.Context, actorID, sessionID int64, slot SessionSlot) (Session, error) {
	var se Session
	err := s.tx(ctx, func(tx *gorm.DB) (err error) {
		se, err = s.moveSession(tx, actorID, sessionID, slot, -1)
		return err
	})
	return se, err
}

// moveSession is MoveSession inside the caller's transaction. When
// wantSequence is not negative, a session whose SEQUENCE is no longer
// that one (changed since the caller looked at it) is refused.
func (s *Store) moveSession(tx *gorm.DB, actorID, sessionID int64, slot SessionSlot, wantSequence int) (Session, error) {
	slot = slot.normalise()
	var se Session
	err := func() error {
		if err := requireAdmin(tx, actorID); err != nil {
			return err
		}
		if err := tx.Take(&se, sessionID).Error; err != nil {
			return notFound(err, "session")
		}
		if se.State != SessionProposed && se.State != SessionScheduled {
			return &ConflictError{Message: fmt.Sprintf("Cette séance est à l’état « %s » : elle ne peut plus être déplacée.", se.State.Label())}
		}
		if wantSequence >= 0 && se.Sequence != wantSequence {
			return &ConflictError{Message: "Cette séance a été modifiée depuis le calcul : elle n’a pas été déplacée."}
		}
		if err := s.checkSlotToWrite(tx, slot, se.ID, se.RequestID); err != nil {
			return err
		}
		old := se.slotOf()
		if old.FacilitatorID == slot.FacilitatorID && old.Start.Equal(slot.Start) && old.End.Equal(slot.End) && old.TimeZone == slot.TimeZone {
			return nil
		}
		now := s.Now()
		res := tx.Model(&Session{}).Where("id = ? AND state = ? AND sequence = ?", se.ID, se.State, se.Sequence).
			Updates(map[string]any{"facilitator_id": slot.FacilitatorID, "starts_at": slot.Start, "ends_at": slot.End,
				"time_zone": slot.TimeZone, "sequence": se.Sequence + 1, "updated_at": now})
		if res.Error != nil {
			return fmt.Errorf("move session %d: %w", se.ID, res.Error)
		}
		if res.RowsAffected != 1 {
			return &ConflictError{Message: "Cette séance vient d’être modifiée par quelqu’un d’autre : rechargez la page."}
		}
		before, after := describeSlot(tx, old), describeSlot(tx, slot)
		if err := audit(tx, &actorID, "session", se.ID, "move", "avant : "+before+" ; après : "+after, now); err != nil {
			return err
		}
		var r Request
		if err := tx.Take(&r, se.RequestID).Error; err != nil {
			return notFound(err, "request")
		}
		if err := tx.Create(&RequestEvent{RequestID: r.ID, ActorID: &actorID, FromState: r.State, ToState: r.State,
			Comment: "Séance déplacée : " + after + ".", CreatedAt: now}).Error; err != nil {
			return err
		}
		prev := se
		se.FacilitatorID, se.StartsAt, se.EndsAt, se.TimeZone = slot.FacilitatorID, slot.Start, slot.End, slot.TimeZone
		se.Sequence++
		se.UpdatedAt = now
		if se.State == SessionProposed {
			// The coordinator has not confirmed yet: a new proposal, no invitation.
			return s.queueProposal(tx, se, false, now)
		}
		regs, err := confirmedRegistrations(tx, se.ID)
		if err != nil {
			return err
		}
		return s.queueInvitations(tx, ChangeMoved, se, &prev, "", regs, now)
	}()
	return se, err
}

// CancelSession is an administrator cancelling a proposed or scheduled
// session, with a reason: the request is cancelled with it, the SEQUENCE
// rises (the invitations' METHOD:CANCEL carries it), and its registrations
// are cancelled and told.
func (s *Store) CancelSession(ctx context.Context, actorID, sessionID int64, reason string) (Session, error) {
	reason, err := checkReason(reason, "Indiquez la raison de l’annulation : elle est communiquée aux personnes concernées.")
	if err != nil {
		return Session{}, err
	}
	err = s.withSessionRequest(ctx, sessionID, func(tx *gorm.DB, se Session, r *Request) error {
		if err := requireAdmin(tx, actorID); err != nil {
			return err
		}
		if err := checkSessionTransition(se.State, SessionCancelled); err != nil {
			return err
		}
		now := s.Now()
		if _, err := moveRequest(tx, r, &actorID, RequestCancelled, reason, now); err != nil {
			return err
		}
		if se.State != SessionScheduled {
			// A proposal has sent no invitation: nothing to take off a calendar.
			return nil
		}
		regs, err := cancelSessionRegistrations(tx, se.ID, now)
		if err != nil {
			return err
		}
		var after Session
		if err := tx.Take(&after, se.ID).Error; err != nil {
			return notFound(err, "session")
		}
		return s.queueInvitations(tx, ChangeCancelled, after, nil, reason, regs, now)
	})
	if err != nil {
		return Session{}, err
	}
	return s.SessionByID(ctx, sessionID)
}

// MarkSessionHeld records that a scheduled session took place (by its
// facilitator or an administrator, once it has started): session and
// request become held.
func (s *Store) MarkSessionHeld(ctx context.Context, actorID, sessionID int64) (Session, error) {
	err := s.withSessionRequest(ctx, sessionID, func(tx *gorm.DB, se Session, r *Request) error {
		actor, err := activeActor(tx, actorID)
		if err != nil || (actor.Role != RoleAdmin && actor.ID != se.FacilitatorID) {
			return ErrForbidden
		}
		if err := checkSessionTransition(se.State, SessionHeld); err != nil {
			return err
		}
		now := s.Now()
		if now.Before(se.StartsAt) {
			return &ConflictError{Message: "Cette séance n’a pas encore commencé : elle ne peut pas être marquée comme tenue."}
		}
		_, err = moveRequest(tx, r, &actorID, RequestHeld, "Séance tenue.", now)
		return err
	})
	if err != nil {
		return Session{}, err
	}
	return s.SessionByID(ctx, sessionID)
}

// CloseSession closes a held session once its debrief and feedback period
// are over (an administrator): session and request become closed.
func (s *Store) CloseSession(ctx context.Context, actorID, sessionID int64) (Session, error) {
	err := s.withSessionRequest(ctx, sessionID, func(tx *gorm.DB, se Session, r *Request) error {
		if err := requireAdmin(tx, actorID); err != nil {
			return err
		}
		if err := checkSessionTransition(se.State, SessionClosed); err != nil {
			return err
		}
		_, err := moveRequest(tx, r, &actorID, RequestClosed, "Séance clôturée.", s.Now())
		return err
	})
	if err != nil {
		return Session{}, err
	}
	return s.SessionByID(ctx, sessionID)
}

// withSessionRequest runs fn in one transaction with a session and its
// request, which must point to it (a session that is no longer its
// request's live one cannot move).
func (s *Store) withSessionRequest(ctx context.Context, sessionID int64, fn func(tx *gorm.DB, se Session, r *Request) error) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		// Sign-ups and cancellations on another instance wait for this
		// change of the session (and it for them).
		if err := s.lockSessions(tx, sessionID); err != nil {
			return fmt.Errorf("lock session %d: %w", sessionID, err)
		}
		var se Session
		if err := tx.Take(&se, sessionID).Error; err != nil {
			return notFound(err, "session")
		}
		var r Request
		if err := tx.Take(&r, se.RequestID).Error; err != nil {
			return notFound(err, "request")
		}
		if r.SessionID == nil || *r.SessionID != se.ID {
			return &ConflictError{Message: fmt.Sprintf("Cette séance est à l’état « %s » et n’est plus celle de la demande : rechargez la page.", se.State.Label())}
		}
		return fn(tx, se, &r)
	})
}

// SeedSession walks a seeded request (see SeedRequest, left accepted)
// through steps with a session, for the demo and for tests only: the step
// to proposed creates the session (at that step's time, by its actor),
// the later ones (scheduled, held, closed…) move it with the request. No
// email is queued: the past is not re-lived.
func (s *Store) SeedSession(ctx context.Context, requestID int64, slot SessionSlot, steps []SeedStep) (Session, error) {
	slot = slot.normalise()
	var id int64
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var r Request
		if err := tx.Take(&r, requestID).Error; err != nil {
			return notFound(err, "request")
		}
		for _, st := range steps {
			at, actor := st.At.UTC(), st.ActorID
			if st.To == RequestProposed {
				if _, err := checkSlotShape(tx, slot, 0); err != nil {
					return err
				}
				se := Session{RequestID: r.ID, FacilitatorID: slot.FacilitatorID, State: SessionProposed,
					StartsAt: slot.Start, EndsAt: slot.End, TimeZone: slot.TimeZone,
					VenueName: r.VenueName, VenueAddress: r.VenueAddress, StepFree: r.StepFree, RemoteURL: r.RemoteURL,
					Capacity: DefaultCapacity, OrgCap: DefaultOrgCap, CreatedAt: at, UpdatedAt: at}
				if err := tx.Create(&se).Error; err != nil {
					return fmt.Errorf("seed session of request %d: %w", r.ID, err)
				}
				id = se.ID
				if err := tx.Model(&Request{}).Where("id = ?", r.ID).Update("session_id", se.ID).Error; err != nil {
					return err
				}
				r.SessionID = &se.ID
			}
			if _, err := moveRequest(tx, &r, &actor, st.To, strings.TrimSpace(st.Comment), at); err != nil {
				return fmt.Errorf("seed session of request %d: %w", r.ID, err)
			}
		}
		if id == 0 {
			return fmt.Errorf("seed session of request %d: no step to proposed", r.ID)
		}
		return nil
	})
	if err != nil {
		return Session{}, err
	}
	return s.SessionByID(ctx, id)
}
