package models

import (
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// ParticipantChange is what happened to one registration that its person
// is told.
type ParticipantChange string

// The changes told to a participant.
const (
	// ParticipantRegistered: a place is confirmed; the invitation.
	ParticipantRegistered ParticipantChange = "registered"
	// ParticipantWaiting: on the waiting list, with the rank; no invitation.
	ParticipantWaiting ParticipantChange = "waiting"
	// ParticipantPromoted: a place freed; the invitation.
	ParticipantPromoted ParticipantChange = "promoted"
	// ParticipantCancelled: the registration was cancelled (METHOD:CANCEL).
	ParticipantCancelled ParticipantChange = "cancelled"
)

// ParticipantNotice tells one registered person about their registration
// (Change): confirmed, on the waiting list (Rank, 1 is next), promoted or
// cancelled. Organisation signed them up; Coordinator is the contact for
// questions about the session. Every message carries the person's cancel
// link (the mailer derives it from the registration).
type ParticipantNotice struct {
	Change       ParticipantChange
	Registration Registration
	Session      Session
	CLSM         CLSM
	Organisation Organisation
	Coordinator  User
	Rank         int
	// PromotionUntil is when promotions from the waiting list stop (the
	// session's start less the cut-off).
	PromotionUntil time.Time
}

// InvitedPerson is one registered person of a session, as the session's
// invitations tell them of a move or a cancellation.
type InvitedPerson struct {
	Registration Registration
	Organisation string
}

func (*ParticipantNotice) notice() {}

// batchCache keeps, for one transaction, what several registrations of the
// same sessions share: partners and the parties of their sessions' mail.
type batchCache struct {
	partners map[int64]signupPartner
	parties  map[int64]sessionMailParties
}

// placeCounts are a session's confirmed and waiting registrations.
type placeCounts struct{ Confirmed, Waiting int }

// signupPartner is an invited partner with its organisation.
type signupPartner struct {
	SessionPartner
	Organisation Organisation
}

// sessionMailParties is what a participant's message needs of a session.
type sessionMailParties struct {
	CLSM        CLSM
	Coordinator User
}

func newBatchCache() *batchCache {
	return &batchCache{partners: map[int64]signupPartner{}, parties: map[int64]sessionMailParties{}}
}

// sessionParties loads the CLSM and coordinator of session se.
func (c *batchCache) sessionParties(tx *gorm.DB, se Session) (sessionMailParties, error) {
	if p, ok := c.parties[se.ID]; ok {
		return p, nil
	}
	var p sessionMailParties
	var r Request
	if err := tx.Select("id", "clsm_id", "created_by").Take(&r, se.RequestID).Error; err != nil {
		return p, notFound(err, "request")
	}
	if err := tx.Take(&p.CLSM, r.CLSMID).Error; err != nil {
		return p, notFound(err, "clsm")
	}
	coord := r.CreatedBy
	if p.CLSM.CoordinatorID != nil {
		coord = *p.CLSM.CoordinatorID
	}
	if err := tx.Take(&p.Coordinator, coord).Error; err != nil {
		return p, notFound(err, "user")
	}
	c.parties[se.ID] = p
	return p, nil
}

// queueParticipant queues the message of one change of registration r.
func (s *Store) queueParticipant(tx *gorm.DB, cache *batchCache, change ParticipantChange, r Registration, se Session, rank int, now time.Time) error {
	if s.mail == nil {
		return nil
	}
	p, err := cache.partnerAny(tx, r.PartnerID)
	if err != nil {
		return err
	}
	parties, err := cache.sessionParties(tx, se)
	if err != nil {
		return err
	}
	return s.queue(tx, &ParticipantNotice{Change: change, Registration: r, Session: se, CLSM: parties.CLSM,
		Organisation: p.Organisation, Coordinator: parties.Coordinator, Rank: rank,
		PromotionUntil: se.StartsAt.Add(-s.PromotionCutoff())}, now)
}

// partnerAny loads a partner and its organisation, revoked or not (a
// revoked partner's people are still told about their registrations).
func (c *batchCache) partnerAny(tx *gorm.DB, id int64) (signupPartner, error) {
	if p, ok := c.partners[id]; ok {
		return p, nil
	}
	var p signupPartner
	if err := tx.Take(&p.SessionPartner, id).Error; err != nil {
		return p, fmt.Errorf("load partner %d: %w", id, err)
	}
	if err := tx.Take(&p.Organisation, p.OrganisationID).Error; err != nil {
		return p, fmt.Errorf("load organisation %d: %w", p.OrganisationID, err)
	}
	if p.RevokedAt == nil {
		c.partners[id] = p
	}
	return p, nil
}

// participantsOf lists the registrations of session se in the given
// states, with their organisations' names, for the session's messages.
func participantsOf(tx *gorm.DB, regs []Registration) ([]InvitedPerson, error) {
	if len(regs) == 0 {
		return nil, nil
	}
	cache := newBatchCache()
	out := make([]InvitedPerson, 0, len(regs))
	for _, r := range regs {
		p, err := cache.partnerAny(tx, r.PartnerID)
		if err != nil {
			return nil, err
		}
		out = append(out, InvitedPerson{Registration: r, Organisation: p.Organisation.Name})
	}
	return out, nil
}

// confirmedRegistrations lists the people holding a place in session id.
func confirmedRegistrations(tx *gorm.DB, sessionID int64) ([]Registration, error) {
	var out []Registration
	err := tx.Where("session_id = ? AND state = ?", sessionID, RegistrationConfirmed).Order("id").Find(&out).Error
	return out, err
}

// isNotFound says err is gorm's record-not-found.
func isNotFound(err error) bool { return errors.Is(err, gorm.ErrRecordNotFound) }
