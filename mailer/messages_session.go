package mailer

import (
	"fmt"
	"strings"
	"time"

	"quartier/frtime"
	"quartier/ical"
	"quartier/models"
)

// SessionInfo describes a session as its participants see it. Start and
// End are instants; Zone (IANA) is the session's own zone, in which every
// time is written.
type SessionInfo struct {
	ID                                        int64
	Title                                     string
	Start, End                                time.Time
	Zone                                      string
	VenueName, Address, AccessNote, RemoteURL string
	ContactName, ContactEmail, WhatToBring    string
	// Phones are the day's contact numbers, when known.
	Phones []DayPhone
}

// InvitationData addresses one attendee about one session. Sequence is the
// iCalendar SEQUENCE: 0 for the first invitation, higher for each update
// and for the cancellation. FirstMessage adds the privacy notice (the first
// email a person registered by a partner receives).
type InvitationData struct {
	Key                         string
	Session                     SessionInfo
	AttendeeName, AttendeeEmail string
	Sequence                    int
	CancelURL, PrivacyURL       string
	FirstMessage                bool
	// Previous is the session as last sent, for an update to say what
	// changed; Changes, when set, replaces that computed list.
	Previous *SessionInfo
	Changes  []string
	// SessionCancelled says the whole session is cancelled (with Reason),
	// rather than this attendee's registration.
	SessionCancelled bool
	Reason           string
	// Role is who the attendee is: a participant (RoleParticipant), the
	// facilitator or the coordinator; the texts follow it. Reassigned, on
	// a facilitator's cancellation, says the session goes on without them.
	Role       string
	Reassigned bool
	// UID, when set, is the calendar entry's UID (a participant's is
	// derived from their registration); otherwise it is derived from the
	// session and the address.
	UID string
	// RegisteredBy names the organisation that signed a participant up;
	// Promoted says their place comes from the waiting list.
	RegisteredBy string
	Promoted     bool
}

type sessionView struct {
	Title, When, Day                          string
	VenueName, Address, AccessNote, RemoteURL string
	ContactName, ContactEmail, WhatToBring    string
	Phones                                    []DayPhone
}

type invitationView struct {
	layout
	S                sessionView
	AttendeeName     string
	Changes          []string
	SessionCancelled bool
	Reason           string
	Role             string
	RegisteredBy     string
	Promoted         bool
}

// Invitation composes the confirmation of a registration, with the
// calendar invitation (METHOD:REQUEST).
func (c *Composer) Invitation(d InvitationData) (models.Envelope, error) {
	return c.sessionMessage(KindInvitation, ical.MethodRequest, d)
}

// InvitationUpdate composes the message sent when a session's time or place
// changes: the same calendar entry (same UID) with a higher SEQUENCE, and
// the list of what changed.
func (c *Composer) InvitationUpdate(d InvitationData) (models.Envelope, error) {
	if d.Sequence < 1 {
		return models.Envelope{}, fmt.Errorf("mailer: invitation update needs a sequence above the first invitation's, got %d", d.Sequence)
	}
	return c.sessionMessage(KindInvitationUpdate, ical.MethodRequest, d)
}

// Cancellation composes the message that removes the session from the
// attendee's calendar (METHOD:CANCEL, same UID, higher SEQUENCE), whether
// the attendee cancelled or the session was cancelled.
func (c *Composer) Cancellation(d InvitationData) (models.Envelope, error) {
	if d.Sequence < 1 {
		return models.Envelope{}, fmt.Errorf("mailer: cancellation needs a sequence above the invitation's, got %d", d.Sequence)
	}
	return c.sessionMessage(KindCancellation, ical.MethodCancel, d)
}

func (c *Composer) sessionMessage(kind string, method ical.Method, d InvitationData) (models.Envelope, error) {
	if err := checkRecipient(d.Key, d.AttendeeEmail); err != nil {
		return models.Envelope{}, err
	}
	s := d.Session
	if s.ID == 0 || s.Title == "" || s.Start.IsZero() || !s.End.After(s.Start) {
		return models.Envelope{}, fmt.Errorf("mailer: %s: session needs an id, a title and a start before its end", kind)
	}
	loc, err := frtime.LoadZone(s.Zone)
	if err != nil || s.Zone == "" || s.Zone == "Local" {
		return models.Envelope{}, fmt.Errorf("mailer: %s: session zone %q is not an IANA zone", kind, s.Zone)
	}
	v := &invitationView{
		layout: layout{
			Why:           "Vous recevez ce message parce que vous êtes inscrit·e à cette séance.",
			PrivacyNotice: d.FirstMessage, PrivacyURL: c.link(d.PrivacyURL), RegisteredBy: d.RegisteredBy,
		},
		RegisteredBy: d.RegisteredBy, Promoted: d.Promoted,
		S: c.sessionView(s, loc), AttendeeName: d.AttendeeName,
		SessionCancelled: d.SessionCancelled, Reason: frenchTypography(strings.TrimSpace(d.Reason)), Role: d.Role,
	}
	switch {
	case d.Role == RoleFacilitator && d.Reassigned:
		v.Why = "Vous recevez ce message parce que vous deviez animer cette séance."
	case d.Role == RoleFacilitator:
		v.Why = "Vous recevez ce message parce que vous animez cette séance."
	case d.Role == RoleCoordinator:
		v.Why = "Vous recevez ce message parce que vous coordonnez le CLSM qui a demandé cette séance."
	case d.Role != RoleParticipant:
		return models.Envelope{}, fmt.Errorf("mailer: %s: unknown attendee role %q", kind, d.Role)
	case kind != KindCancellation:
		v.CancelURL = c.link(d.CancelURL)
	case !d.SessionCancelled:
		v.Why = "Vous recevez ce message parce que votre inscription à cette séance a été annulée."
	}
	if kind == KindInvitationUpdate {
		v.Changes = d.Changes
		if len(v.Changes) == 0 && d.Previous != nil {
			v.Changes = sessionChanges(*d.Previous, s, loc)
		}
	}
	if s.ContactEmail != "" && kind != KindCancellation {
		who := strings.TrimSpace(s.ContactName)
		if who == "" {
			who = s.ContactEmail
		}
		v.ReplyLine = frenchTypography("Une question sur la séance ? Répondez à ce message : votre réponse ira à " + who + ".")
	}
	r, err := c.render(kind, v)
	if err != nil {
		return models.Envelope{}, err
	}
	ics, err := c.calendar(method, d, loc)
	if err != nil {
		return models.Envelope{}, err
	}
	m := c.newMessage(d.Key, Address{Name: d.AttendeeName, Email: d.AttendeeEmail}, r)
	m.Calendar = &CalendarPart{Method: string(method), Content: ics}
	if s.ContactEmail != "" && kind != KindCancellation {
		m.ReplyTo = &Address{Name: s.ContactName, Email: s.ContactEmail}
	}
	if v.CancelURL != "" {
		// The participant's way out of further messages about this session.
		m.Headers = append(m.Headers, Header{Name: "List-Unsubscribe", Value: "<" + v.CancelURL + ">"})
	}
	return envelope(kind, d.Key, false, m)
}

func (c *Composer) sessionView(s SessionInfo, loc *time.Location) sessionView {
	return sessionView{
		Title: frenchTypography(s.Title), When: frtime.Range(s.Start, s.End, loc), Day: frtime.Date(s.Start.In(loc)),
		VenueName: frenchTypography(s.VenueName), Address: s.Address, AccessNote: frenchTypography(s.AccessNote),
		RemoteURL: s.RemoteURL, ContactName: s.ContactName, ContactEmail: s.ContactEmail,
		WhatToBring: frenchTypography(s.WhatToBring), Phones: s.Phones,
	}
}

// changes lists, in French, what differs between two versions of a session.
func sessionChanges(before, after SessionInfo, loc *time.Location) []string {
	var out []string
	if !before.Start.Equal(after.Start) || !before.End.Equal(after.End) {
		out = append(out, fmt.Sprintf("L’horaire : %s — auparavant : %s.",
			frtime.Range(after.Start, after.End, loc), frtime.Range(before.Start, before.End, loc)))
	}
	if before.VenueName != after.VenueName || before.Address != after.Address {
		out = append(out, fmt.Sprintf("Le lieu : %s — auparavant : %s.", orUnknown(eventLocation(after)), orUnknown(eventLocation(before))))
	}
	if before.AccessNote != after.AccessNote {
		out = append(out, "Les indications d’accès.")
	}
	if before.RemoteURL != after.RemoteURL {
		out = append(out, "Le lien de connexion à distance.")
	}
	if before.ContactName != after.ContactName || before.ContactEmail != after.ContactEmail {
		out = append(out, "Le contact.")
	}
	if before.WhatToBring != after.WhatToBring {
		out = append(out, "Ce qu’il faut prévoir.")
	}
	for i := range out {
		out[i] = frenchTypography(out[i])
	}
	return out
}

func orUnknown(s string) string {
	if s == "" {
		return "non précisé"
	}
	return s
}
