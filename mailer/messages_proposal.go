package mailer

import (
	"fmt"
	"strings"
	"time"

	"quartier/frtime"
	"quartier/models"
)

// SessionProposedData tells a coordinator the date proposed for their
// request's session (When, in the session's zone), where, by whom, and
// until when they may answer (Deadline, written in the same zone).
// Reminder makes it the one reminder of an unanswered proposal.
type SessionProposedData struct {
	Key, Name, Email, CLSMName string
	RequestID                  int64
	Session                    SessionInfo
	Facilitator                string
	Deadline                   time.Time
	Reminder                   bool
	RequestURL                 string
}

type sessionProposedView struct {
	layout
	Name, CLSMName, When, Venue, RemoteURL, Facilitator, Deadline, RequestURL string
	RequestID                                                                 int64
	Reminder                                                                  bool
}

// SessionProposed composes « Une date est proposée pour votre séance ».
func (c *Composer) SessionProposed(d SessionProposedData) (models.Envelope, error) {
	if err := checkRecipient(d.Key, d.Email); err != nil {
		return models.Envelope{}, err
	}
	s := d.Session
	loc, err := frtime.LoadZone(s.Zone)
	if err != nil || s.Zone == "" || s.Zone == "Local" || !s.End.After(s.Start) || d.Deadline.IsZero() {
		return models.Envelope{}, fmt.Errorf("mailer: session proposed: needs a slot in an IANA zone (%q) and a deadline", s.Zone)
	}
	v := &sessionProposedView{
		layout: layout{Why: "Vous recevez ce message parce que vous suivez cette demande de séance pour votre CLSM."},
		Name:   d.Name, CLSMName: d.CLSMName, RequestID: d.RequestID, Reminder: d.Reminder,
		When: frtime.Range(s.Start, s.End, loc), Venue: frenchTypography(joinNonEmpty(", ", s.VenueName, s.Address)),
		RemoteURL: s.RemoteURL, Facilitator: d.Facilitator,
		Deadline:   frtime.DateTime(d.Deadline.In(loc)) + " (" + frtime.ZoneLabel(s.Zone) + ")",
		RequestURL: c.link(d.RequestURL),
	}
	r, err := c.render(KindSessionProposed, v)
	if err != nil {
		return models.Envelope{}, err
	}
	return envelope(KindSessionProposed, d.Key, false, c.newMessage(d.Key, Address{Name: d.Name, Email: d.Email}, r))
}

// ProposalDeclinedData tells one admin that a proposed date will not be
// held: By asked for another one (Reason), or it expired unanswered
// (Expired).
type ProposalDeclinedData struct {
	Key, Name, Email, CLSMName string
	RequestID                  int64
	When, Facilitator          string
	By, Reason                 string
	Expired                    bool
	ReviewURL                  string
}

type proposalDeclinedView struct {
	layout
	Name, CLSMName, When, Facilitator, By, Reason, ReviewURL string
	RequestID                                                int64
	Expired                                                  bool
}

// ProposalDeclined composes the message to an admin about a proposal
// declined or expired.
func (c *Composer) ProposalDeclined(d ProposalDeclinedData) (models.Envelope, error) {
	if err := checkRecipient(d.Key, d.Email); err != nil {
		return models.Envelope{}, err
	}
	v := &proposalDeclinedView{
		layout: layout{Why: "Vous recevez ce message parce que vous administrez l’outil de réservation des séances."},
		Name:   d.Name, CLSMName: d.CLSMName, RequestID: d.RequestID, When: d.When, Facilitator: d.Facilitator,
		By: d.By, Reason: frenchTypography(strings.TrimSpace(d.Reason)), Expired: d.Expired, ReviewURL: c.link(d.ReviewURL),
	}
	r, err := c.render(KindProposalDeclined, v)
	if err != nil {
		return models.Envelope{}, err
	}
	return envelope(KindProposalDeclined, d.Key, false, c.newMessage(d.Key, Address{Name: d.Name, Email: d.Email}, r))
}

// ProposalExpiredData tells a coordinator that the date proposed (When)
// expired without an answer.
type ProposalExpiredData struct {
	Key, Name, Email, CLSMName string
	RequestID                  int64
	When, RequestURL           string
}

type proposalExpiredView struct {
	layout
	Name, CLSMName, When, RequestURL string
	RequestID                        int64
}

// ProposalExpired composes « La date proposée n’a pas été confirmée à
// temps ».
func (c *Composer) ProposalExpired(d ProposalExpiredData) (models.Envelope, error) {
	if err := checkRecipient(d.Key, d.Email); err != nil {
		return models.Envelope{}, err
	}
	v := &proposalExpiredView{
		layout: layout{Why: "Vous recevez ce message parce que vous suivez cette demande de séance pour votre CLSM."},
		Name:   d.Name, CLSMName: d.CLSMName, RequestID: d.RequestID, When: d.When, RequestURL: c.link(d.RequestURL),
	}
	r, err := c.render(KindProposalExpired, v)
	if err != nil {
		return models.Envelope{}, err
	}
	return envelope(KindProposalExpired, d.Key, false, c.newMessage(d.Key, Address{Name: d.Name, Email: d.Email}, r))
}

// sessionInfoOf is a session as its staff's messages show it: the venue
// from the session's snapshot, the CLSM in the title, contact the other
// party (the coordinator for the facilitator, and the other way round).
func sessionInfoOf(se models.Session, cl models.CLSM, contact models.User) SessionInfo {
	return SessionInfo{
		ID: se.ID, Title: "La santé mentale dans mon quartier · " + cl.Name,
		Start: se.StartsAt, End: se.EndsAt, Zone: se.TimeZone,
		VenueName: se.VenueName, Address: se.VenueAddress, RemoteURL: se.RemoteURL,
		ContactName: contact.Name, ContactEmail: contact.Email,
	}
}

// The roles of an attendee of an invitation (InvitationData.Role).
const (
	// RoleParticipant is a person signed up (the zero value).
	RoleParticipant = ""
	// RoleFacilitator is the mission officer who leads the session.
	RoleFacilitator = "facilitator"
	// RoleCoordinator is the coordinator of the CLSM that asked for it.
	RoleCoordinator = "coordinator"
)

// sessionKey is the dedup key of one message about a session: per
// session, SEQUENCE, recipient and kind, so a retry never doubles and a
// later change is a new message.
func sessionKey(kind string, se models.Session, to models.User) string {
	return fmt.Sprintf("session:%d:%d:%d:%s", se.ID, se.Sequence, to.ID, kind)
}

// invitations composes the messages of one change of a session: for each
// of its facilitator and coordinator, the invitation, its update or its
// cancellation; on a reassignment, a cancellation to the former
// facilitator and a first invitation to the new one.
func (c *Composer) invitations(n *models.SessionInvitationsNotice) ([]models.Envelope, error) {
	type one struct {
		to, contact models.User
		role        string
		build       func(InvitationData) (models.Envelope, error)
		kind        string
		reassigned  bool
	}
	var list []one
	switch n.Change {
	case models.ChangeConfirmed:
		list = []one{{n.Facilitator, n.Coordinator, RoleFacilitator, c.Invitation, KindInvitation, false},
			{n.Coordinator, n.Facilitator, RoleCoordinator, c.Invitation, KindInvitation, false}}
	case models.ChangeMoved:
		if n.FormerFacilitator != nil {
			list = []one{{*n.FormerFacilitator, n.Coordinator, RoleFacilitator, c.Cancellation, KindCancellation, true},
				{n.Facilitator, n.Coordinator, RoleFacilitator, c.Invitation, KindInvitation, false}}
		} else {
			list = []one{{n.Facilitator, n.Coordinator, RoleFacilitator, c.InvitationUpdate, KindInvitationUpdate, false}}
		}
		list = append(list, one{n.Coordinator, n.Facilitator, RoleCoordinator, c.InvitationUpdate, KindInvitationUpdate, false})
	case models.ChangeCancelled:
		list = []one{{n.Facilitator, n.Coordinator, RoleFacilitator, c.Cancellation, KindCancellation, false},
			{n.Coordinator, n.Facilitator, RoleCoordinator, c.Cancellation, KindCancellation, false}}
	default:
		return nil, fmt.Errorf("mailer: unknown session change %q", n.Change)
	}
	out := make([]models.Envelope, 0, len(list))
	for _, o := range list {
		info := sessionInfoOf(n.Session, n.CLSM, o.contact)
		if o.kind != KindCancellation {
			info.Phones = phonesOf(n.Day, n.Facilitator, n.Coordinator)
		}
		d := InvitationData{
			Key: sessionKey(o.kind, n.Session, o.to), Session: info, AttendeeName: o.to.Name, AttendeeEmail: o.to.Email,
			Sequence: n.Session.Sequence, Role: o.role, Reassigned: o.reassigned,
			SessionCancelled: n.Change == models.ChangeCancelled, Reason: n.Reason,
		}
		if n.Previous != nil && o.kind == KindInvitationUpdate {
			prev := sessionInfoOf(*n.Previous, n.CLSM, o.contact)
			d.Previous = &prev
			if n.Previous.FacilitatorID != n.Session.FacilitatorID {
				d.Changes = append(sessionChanges(prev, info, info.Location()),
					frenchTypography("La chargée de mission : "+n.Facilitator.Name+" — auparavant : "+n.FormerFacilitator.Name+"."))
			}
		}
		env, err := o.build(d)
		if err != nil {
			return nil, err
		}
		out = append(out, env)
	}
	people, err := c.sessionParticipants(n)
	return append(out, people...), err
}

// Location is the session's zone (UTC when unknown).
func (s SessionInfo) Location() *time.Location {
	if loc, err := frtime.LoadZone(s.Zone); err == nil {
		return loc
	}
	return time.UTC
}
