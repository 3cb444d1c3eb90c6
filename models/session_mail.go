package models

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
)

// SessionProposedNotice tells the coordinator of the request's CLSM
// (Recipient) that a date is proposed for their session and must be
// confirmed before Deadline. Reminder says it is the one reminder of a
// proposal still unanswered.
type SessionProposedNotice struct {
	Request     Request
	CLSM        CLSM
	Session     Session
	Facilitator User
	Recipient   User
	Deadline    time.Time
	Reminder    bool
}

// SessionChange is what happened to a session that its invitations tell.
type SessionChange string

// The changes a session's invitations tell.
const (
	// ChangeConfirmed: the coordinator confirmed the date; first invitations.
	ChangeConfirmed SessionChange = "confirmed"
	// ChangeMoved: an admin moved the session in time or to another
	// facilitator; updated invitations (same UID, higher SEQUENCE).
	ChangeMoved SessionChange = "moved"
	// ChangeCancelled: an admin cancelled the session (METHOD:CANCEL).
	ChangeCancelled SessionChange = "cancelled"
)

// SessionInvitationsNotice tells the facilitator and the coordinator of a
// scheduled session that it was confirmed, moved or cancelled (Change),
// with the calendar invitation of each. Session is the session after the
// change (its Sequence is the one the invitations carry); Previous is the
// session before a move. On a reassignment FormerFacilitator is the one who
// no longer leads it (they receive a METHOD:CANCEL). Participants are the
// people registered to the session who are told too: on a move, those
// holding a place (an updated invitation); on a cancellation, everyone
// registered (METHOD:CANCEL).
type SessionInvitationsNotice struct {
	Change            SessionChange
	Request           Request
	CLSM              CLSM
	Session           Session
	Previous          *Session
	Facilitator       User
	Coordinator       User
	FormerFacilitator *User
	Reason            string
	Participants      []InvitedPerson
	// Day holds the day's contact phones, shown in the invitations.
	Day SessionDay
}

// ProposalEndedNotice tells the admins (Admins) that a proposed date will
// not be held: the coordinator (or an admin, By) asked for another date
// with Reason, or nobody answered before the deadline (Expired, By is
// zero); an expiry is told to the coordinator (Coordinator) too. The
// request is back to accepted; Session is the cancelled proposal.
type ProposalEndedNotice struct {
	Request     Request
	CLSM        CLSM
	Session     Session
	Facilitator User
	Coordinator User
	By          User
	Admins      []User
	Reason      string
	Expired     bool
}

func (*SessionProposedNotice) notice()    {}
func (*SessionInvitationsNotice) notice() {}
func (*ProposalEndedNotice) notice()      {}

// DefaultProposalTTL is how long a coordinator has to answer a proposed
// date when the configuration says nothing (requests.proposal_ttl).
const DefaultProposalTTL = 7 * 24 * time.Hour

// UseProposalTTL sets how long a coordinator has to answer a proposed
// date; the reminder goes at half that time. Call it once, at wiring.
func (s *Store) UseProposalTTL(d time.Duration) { s.proposalTTL = d }

// ProposalTTL is how long a coordinator has to answer a proposed date.
func (s *Store) ProposalTTL() time.Duration {
	if s.proposalTTL <= 0 {
		return DefaultProposalTTL
	}
	return s.proposalTTL
}

// ProposalDeadline is when the proposal of session se expires.
func (s *Store) ProposalDeadline(se Session) time.Time { return se.CreatedAt.Add(s.ProposalTTL()) }

// The kinds of the scheduler's one-off proposal jobs; their payload is the
// session's id.
const (
	JobProposalReminder = "proposal_reminder"
	JobProposalExpiry   = "proposal_expiry"
)

// scheduleProposalJobs schedules the reminder (at half the delay) and the
// expiry of a new proposal, inside ProposeSession's transaction.
func (s *Store) scheduleProposalJobs(tx *gorm.DB, se Session, now time.Time) error {
	id := strconv.FormatInt(se.ID, 10)
	ttl := s.ProposalTTL()
	for _, j := range []JobSpec{
		{Kind: JobProposalReminder, DedupKey: "proposal-reminder:" + id, Payload: id, DueAt: now.Add(ttl / 2)},
		{Kind: JobProposalExpiry, DedupKey: "proposal-expiry:" + id, Payload: id, DueAt: now.Add(ttl)},
	} {
		if err := scheduleJob(tx, j, now); err != nil {
			return err
		}
	}
	return nil
}

// sessionParties loads what every message about session se needs: its
// request (windows and QPVs loaded), CLSM, coordinator and facilitator.
func sessionParties(tx *gorm.DB, se Session) (Request, CLSM, User, User, error) {
	var r Request
	if err := tx.Take(&r, se.RequestID).Error; err != nil {
		return r, CLSM{}, User{}, User{}, notFound(err, "request")
	}
	r, c, coord, err := requestNotice(tx, r)
	if err != nil {
		return r, c, coord, User{}, err
	}
	var fac User
	if err := tx.Take(&fac, se.FacilitatorID).Error; err != nil {
		return r, c, coord, fac, fmt.Errorf("load facilitator %d: %w", se.FacilitatorID, err)
	}
	return r, c, coord, fac, nil
}

// queueProposal queues the proposal (or its reminder) of session se to the
// coordinator.
func (s *Store) queueProposal(tx *gorm.DB, se Session, reminder bool, now time.Time) error {
	if s.mail == nil {
		return nil
	}
	r, c, coord, fac, err := sessionParties(tx, se)
	if err != nil {
		return err
	}
	return s.queue(tx, &SessionProposedNotice{Request: r, CLSM: c, Session: se, Facilitator: fac, Recipient: coord,
		Deadline: s.ProposalDeadline(se), Reminder: reminder}, now)
}

// queueInvitations queues the invitations of a change of session se (as
// it is after the change), to its staff and to the registrations regs.
func (s *Store) queueInvitations(tx *gorm.DB, change SessionChange, se Session, prev *Session, reason string, regs []Registration, now time.Time) error {
	if s.mail == nil {
		return nil
	}
	r, c, coord, fac, err := sessionParties(tx, se)
	if err != nil {
		return err
	}
	people, err := participantsOf(tx, regs)
	if err != nil {
		return err
	}
	day, err := sessionDayOf(tx, se.ID)
	if err != nil {
		return err
	}
	n := &SessionInvitationsNotice{Change: change, Request: r, CLSM: c, Session: se, Previous: prev,
		Facilitator: fac, Coordinator: coord, Reason: reason, Participants: people, Day: day}
	if prev != nil && prev.FacilitatorID != se.FacilitatorID {
		var former User
		if err := tx.Take(&former, prev.FacilitatorID).Error; err != nil {
			return fmt.Errorf("load facilitator %d: %w", prev.FacilitatorID, err)
		}
		n.FormerFacilitator = &former
	}
	return s.queue(tx, n, now)
}

// queueProposalEnded tells the admins (and, on expiry, the coordinator)
// that the proposal se will not be held.
func (s *Store) queueProposalEnded(tx *gorm.DB, se Session, by User, reason string, expired bool, now time.Time) error {
	if s.mail == nil {
		return nil
	}
	r, c, coord, fac, err := sessionParties(tx, se)
	if err != nil {
		return err
	}
	admins, err := activeAdmins(tx)
	if err != nil {
		return err
	}
	return s.queue(tx, &ProposalEndedNotice{Request: r, CLSM: c, Session: se, Facilitator: fac, Coordinator: coord,
		By: by, Admins: admins, Reason: reason, Expired: expired}, now)
}

// confirmConflict turns what makes a proposed slot no longer hold into
// the coordinator's 409: the date cannot be confirmed any more.
func confirmConflict(err error) error {
	var re *SlotRuleError
	var ve *ValidationError
	switch {
	case errors.As(err, &re):
		return &SlotRuleError{Rule: re.Rule, Message: "Cette date ne peut plus être confirmée : " + re.Message +
			" Demandez une autre date : l’équipe vous en proposera une nouvelle."}
	case errors.As(err, &ve):
		msg := "la chargée de mission n’est plus disponible."
		for _, m := range ve.Fields {
			msg = m
			break
		}
		return &SlotRuleError{Rule: RuleFacilitator, Message: "Cette date ne peut plus être confirmée : " + msg +
			" Demandez une autre date : l’équipe vous en proposera une nouvelle."}
	}
	return err
}

// RemindProposal is the proposal_reminder job: it reminds the coordinator
// once of a proposal still unanswered. A proposal confirmed, declined,
// moved away from its request or cancelled since makes it a no-op.
func (s *Store) RemindProposal(ctx context.Context, sessionID int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		se, ok, err := pendingProposal(tx, sessionID)
		if err != nil || !ok {
			return err
		}
		return s.queueProposal(tx, se, true, s.Now())
	})
}

// ExpireProposal is the proposal_expiry job: a proposal still unanswered
// is given up, the request goes back to accepted and its session is
// cancelled « Proposition expirée »; the coordinator and the admins are
// told. Anything that happened to the proposal since makes it a no-op.
func (s *Store) ExpireProposal(ctx context.Context, sessionID int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		se, ok, err := pendingProposal(tx, sessionID)
		if err != nil || !ok {
			return err
		}
		var r Request
		if err := tx.Take(&r, se.RequestID).Error; err != nil {
			return notFound(err, "request")
		}
		now := s.Now()
		if _, err := moveRequest(tx, &r, nil, RequestAccepted, ProposalExpiredReason, now); err != nil {
			return err
		}
		if err := tx.Take(&se, se.ID).Error; err != nil {
			return notFound(err, "session")
		}
		return s.queueProposalEnded(tx, se, User{}, ProposalExpiredReason, true, now)
	})
}

// ProposalExpiredReason is the cancellation reason of an expired proposal.
const ProposalExpiredReason = "Proposition expirée"

// pendingProposal loads session id if it is still a proposal waiting for
// its coordinator: proposed, and its request's live session.
func pendingProposal(tx *gorm.DB, id int64) (Session, bool, error) {
	var se Session
	if err := tx.Take(&se, id).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return se, false, nil
		}
		return se, false, err
	}
	if se.State != SessionProposed {
		return se, false, nil
	}
	var r Request
	if err := tx.Take(&r, se.RequestID).Error; err != nil {
		return se, false, notFound(err, "request")
	}
	return se, r.State == RequestProposed && r.SessionID != nil && *r.SessionID == se.ID, nil
}

// PendingProposal is a proposed date waiting for its coordinator, as their
// dashboard lists it.
type PendingProposal struct {
	RequestID       int64
	SessionID       int64
	CLSMName        string `gorm:"column:clsm_name"`
	StartsAt        time.Time
	EndsAt          time.Time
	TimeZone        string
	FacilitatorName string
	CreatedAt       time.Time
}

// ProposalsOfCoordinator lists the proposed dates waiting for coordinator
// coordID (the requests of their CLSMs), the soonest session first. It
// starts from the coordinator's CLSMs (CROSS JOIN fixes SQLite's join
// order): from the requests' state, it read every proposed request of the
// programme (0.34 ms at --scale 100 in sqlite3, 0.11 ms now, as on the demo).
func (s *Store) ProposalsOfCoordinator(ctx context.Context, coordID int64) ([]PendingProposal, error) {
	var out []PendingProposal
	err := s.q(ctx).Table("clsms AS c").
		Select(`r.id AS request_id, s.id AS session_id, c.name AS clsm_name, s.starts_at, s.ends_at, s.time_zone,
			COALESCE(u.name, '') AS facilitator_name, s.created_at`).
		// The join conditions are in WHERE: PostgreSQL takes no ON after
		// a CROSS JOIN.
		Joins("CROSS JOIN requests r").
		Joins("CROSS JOIN sessions AS s").
		Joins("LEFT JOIN users u ON u.id = s.facilitator_id").
		Where("r.clsm_id = c.id AND s.id = r.session_id").
		Where("c.coordinator_id = ? AND s.state = ? AND r.state = ?", coordID, SessionProposed, RequestProposed).
		Order("s.starts_at, s.id").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("proposals of coordinator %d: %w", coordID, err)
	}
	return out, nil
}
