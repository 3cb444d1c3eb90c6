package mailer

import (
	"fmt"
	"strings"

	"quartier/frtime"
	"quartier/models"
)

// participantUID is the calendar entry of one registration: a person who
// cancels and signs up again gets a new entry, not a cancelled one revived.
func (c *Composer) participantUID(registrationID int64) string {
	return fmt.Sprintf("registration-%d@%s", registrationID, c.host)
}

// participantSession describes a session to its participants: the
// coordinator is their contact, and the access says whether the venue is
// step-free.
func participantSession(se models.Session, cl models.CLSM, contact models.User) SessionInfo {
	info := sessionInfoOf(se, cl, contact)
	switch se.StepFree {
	case models.StepFreeYes:
		info.AccessNote = "salle accessible de plain-pied (fauteuil roulant, mobilité réduite)"
	case models.StepFreeNo:
		info.AccessNote = "salle sans accès de plain-pied : prévenez la coordination si vous en avez besoin"
	}
	return info
}

// participantData is the invitation data of one registration.
func (c *Composer) participantData(kind string, r models.Registration, se models.Session, info SessionInfo, org string) InvitationData {
	return InvitationData{
		Key:     fmt.Sprintf("registration:%d:%s:%d", r.ID, kind, se.Sequence),
		Session: info, AttendeeName: strings.TrimSpace(r.FirstName + " " + r.LastName), AttendeeEmail: r.Email,
		Sequence: se.Sequence, CancelURL: c.links.CancelURL(r.ID, r.CancelVersion), PrivacyURL: "/confidentialite",
		UID: c.participantUID(r.ID), RegisteredBy: org, Role: RoleParticipant,
	}
}

// participant composes the message of one change of a registration: the
// invitation (confirmed or promoted: METHOD:REQUEST, with the privacy
// notice), the waiting-list message (no invitation), or the cancellation
// (METHOD:CANCEL, one SEQUENCE above the session's).
func (c *Composer) participant(n *models.ParticipantNotice) (models.Envelope, error) {
	info := participantSession(n.Session, n.CLSM, n.Coordinator)
	switch n.Change {
	case models.ParticipantRegistered, models.ParticipantPromoted:
		d := c.participantData(KindInvitation, n.Registration, n.Session, info, n.Organisation.Name)
		d.FirstMessage, d.Promoted = true, n.Change == models.ParticipantPromoted
		if d.Promoted {
			d.Key += ":promoted"
		}
		return c.Invitation(d)
	case models.ParticipantWaiting:
		d := c.participantData(KindWaitingList, n.Registration, n.Session, info, n.Organisation.Name)
		d.FirstMessage = true
		return c.WaitingList(WaitingListData{InvitationData: d, Rank: n.Rank,
			PromotionUntil: frtime.DateTime(n.PromotionUntil.In(info.Location()))})
	case models.ParticipantCancelled:
		d := c.participantData(KindCancellation, n.Registration, n.Session, info, n.Organisation.Name)
		d.Sequence = n.Session.Sequence + 1
		return c.Cancellation(d)
	}
	return models.Envelope{}, fmt.Errorf("mailer: unknown participant change %q", n.Change)
}

// sessionParticipants composes, for a session moved or cancelled, the
// updated invitation (same UID, the session's SEQUENCE) or the
// cancellation of each participant.
func (c *Composer) sessionParticipants(n *models.SessionInvitationsNotice) ([]models.Envelope, error) {
	out := make([]models.Envelope, 0, len(n.Participants))
	info := participantSession(n.Session, n.CLSM, n.Coordinator)
	for _, p := range n.Participants {
		var env models.Envelope
		var err error
		switch n.Change {
		case models.ChangeMoved:
			d := c.participantData(KindInvitationUpdate, p.Registration, n.Session, info, p.Organisation)
			if n.Previous != nil {
				prev := participantSession(*n.Previous, n.CLSM, n.Coordinator)
				d.Previous = &prev
			}
			env, err = c.InvitationUpdate(d)
		case models.ChangeCancelled:
			d := c.participantData(KindCancellation, p.Registration, n.Session, info, p.Organisation)
			d.SessionCancelled, d.Reason = true, n.Reason
			env, err = c.Cancellation(d)
		default:
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, env)
	}
	return out, nil
}

// WaitingListData tells a person they are on a session's waiting list, at
// Rank, until PromotionUntil (written in the session's zone).
type WaitingListData struct {
	InvitationData
	Rank           int
	PromotionUntil string
}

type waitingListView struct {
	layout
	S                 sessionView
	AttendeeName      string
	RegisteredBy      string
	Rank              int
	PromotionDeadline string
	LeaveURL          string
}

// WaitingList composes « Vous êtes sur liste d’attente » : the rank, the
// link to leave the list, and no invitation (the person has no place yet).
func (c *Composer) WaitingList(d WaitingListData) (models.Envelope, error) {
	if err := checkRecipient(d.Key, d.AttendeeEmail); err != nil {
		return models.Envelope{}, err
	}
	if d.Rank < 1 || d.CancelURL == "" {
		return models.Envelope{}, fmt.Errorf("mailer: waiting list message needs a rank and a link to leave the list")
	}
	loc := d.Session.Location()
	v := &waitingListView{
		layout: layout{
			Why:           "Vous recevez ce message parce que vous êtes inscrit·e sur la liste d’attente de cette séance.",
			PrivacyNotice: d.FirstMessage, PrivacyURL: c.link(d.PrivacyURL), RegisteredBy: d.RegisteredBy,
		},
		S: c.sessionView(d.Session, loc), AttendeeName: d.AttendeeName, RegisteredBy: d.RegisteredBy,
		Rank: d.Rank, PromotionDeadline: d.PromotionUntil, LeaveURL: c.link(d.CancelURL),
	}
	r, err := c.render(KindWaitingList, v)
	if err != nil {
		return models.Envelope{}, err
	}
	m := c.newMessage(d.Key, Address{Name: d.AttendeeName, Email: d.AttendeeEmail}, r)
	if d.Session.ContactEmail != "" {
		m.ReplyTo = &Address{Name: d.Session.ContactName, Email: d.Session.ContactEmail}
	}
	m.Headers = append(m.Headers, Header{Name: "List-Unsubscribe", Value: "<" + v.LeaveURL + ">"})
	return envelope(KindWaitingList, d.Key, false, m)
}
