package mailer

import (
	"fmt"
	"strings"
	"time"

	"quartier/frtime"
	"quartier/models"
)

// KindReminder is the reminder of a scheduled session, a week or a day
// before, to its facilitator, its coordinator and every confirmed
// participant.
const KindReminder = "session_reminder"

// DayPhone is one contact phone number for the day of a session.
type DayPhone struct{ Who, Role, Number string }

// Tel is the number for a tel: link, without its spaces.
func (p DayPhone) Tel() string { return strings.ReplaceAll(p.Number, " ", "") }

// ReminderData reminds one person of a session (Session, in its zone) at
// Kind (7d or 1d) before it. Role is RoleParticipant, RoleFacilitator or
// RoleCoordinator; CancelURL is a participant's one-click cancel link;
// Phones are the day's contact numbers; Confirmed is how many are signed
// up (told to staff); DayURL is the staff's page of the day (the
// facilitator's attendance, the coordinator's request).
type ReminderData struct {
	Key                         string
	Session                     SessionInfo
	AttendeeName, AttendeeEmail string
	Role                        string
	CancelURL                   string
	Phones                      []DayPhone
	Confirmed                   int
	DayURL, SheetURL            string
}

type reminderView struct {
	layout
	S            sessionView
	AttendeeName string
	Role         string
	InDays       string
	Phones       []DayPhone
	Confirmed    int
	DayURL       string
	SheetURL     string
}

// Reminder composes « Rappel : … » for one person.
func (c *Composer) Reminder(d ReminderData) (models.Envelope, error) {
	if err := checkRecipient(d.Key, d.AttendeeEmail); err != nil {
		return models.Envelope{}, err
	}
	s := d.Session
	loc, err := frtime.LoadZone(s.Zone)
	if err != nil || s.Zone == "" || s.Zone == "Local" || s.ID == 0 || !s.End.After(s.Start) {
		return models.Envelope{}, fmt.Errorf("mailer: reminder: needs a session with a slot in an IANA zone (%q)", s.Zone)
	}
	v := &reminderView{
		S: c.sessionView(s, loc), AttendeeName: d.AttendeeName, Role: d.Role,
		InDays: inDays(c.cfg.Now().In(loc), s.Start.In(loc)), Phones: d.Phones, Confirmed: d.Confirmed,
		DayURL: c.link(d.DayURL), SheetURL: c.link(d.SheetURL),
	}
	v.Preheader = frenchTypography("La séance a lieu " + v.InDays + " : " + v.S.When + ".")
	switch d.Role {
	case RoleFacilitator:
		v.Why = "Vous recevez ce message parce que vous animez cette séance."
	case RoleCoordinator:
		v.Why = "Vous recevez ce message parce que vous coordonnez le CLSM qui a demandé cette séance."
	case RoleParticipant:
		v.Why = "Vous recevez ce message parce que vous êtes inscrit·e à cette séance."
		v.CancelURL = c.link(d.CancelURL)
	default:
		return models.Envelope{}, fmt.Errorf("mailer: reminder: unknown attendee role %q", d.Role)
	}
	if s.ContactEmail != "" {
		who := s.ContactName
		if who == "" {
			who = s.ContactEmail
		}
		v.ReplyLine = frenchTypography("Une question sur la séance ? Répondez à ce message : votre réponse ira à " + who + ".")
	}
	r, err := c.render(KindReminder, v)
	if err != nil {
		return models.Envelope{}, err
	}
	m := c.newMessage(d.Key, Address{Name: d.AttendeeName, Email: d.AttendeeEmail}, r)
	if s.ContactEmail != "" {
		m.ReplyTo = &Address{Name: s.ContactName, Email: s.ContactEmail}
	}
	if v.CancelURL != "" {
		m.Headers = append(m.Headers, Header{Name: "List-Unsubscribe", Value: "<" + v.CancelURL + ">"})
	}
	// A reminder is worthless once the session has begun.
	notAfter := s.Start.UTC()
	m.NotAfter = &notAfter
	return envelope(KindReminder, d.Key, false, m)
}

// inDays says when a session starts, seen from now, in calendar days of
// the session's zone: « aujourd’hui », « demain », « dans 7 jours ».
func inDays(now, start time.Time) string {
	y, m, d := now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	y, m, d = start.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	switch n := int(day.Sub(today).Hours() / 24); {
	case n <= 0:
		return "aujourd’hui"
	case n == 1:
		return "demain"
	default:
		return fmt.Sprintf("dans %d jours", n)
	}
}

// reminderKey is the dedup key of one reminder: per session, SEQUENCE,
// kind and recipient (a user u<id> or a registration r<id>).
func reminderKey(se models.Session, kind models.ReminderKind, recipient string) string {
	return fmt.Sprintf("reminder:%d:%d:%s:%s", se.ID, se.Sequence, kind, recipient)
}

// phonesOf lists the day's contact numbers that are known.
func phonesOf(day models.SessionDay, facilitator, coordinator models.User) []DayPhone {
	var out []DayPhone
	if p := day.FacilitatorPhone; p != "" {
		out = append(out, DayPhone{Who: facilitator.Name, Role: "animation", Number: p})
	}
	if p := day.CoordinatorPhone; p != "" {
		out = append(out, DayPhone{Who: coordinator.Name, Role: "coordination du CLSM", Number: p})
	}
	return out
}

// reminders composes one reminder batch: the facilitator's, the
// coordinator's and each confirmed participant's.
func (c *Composer) reminders(n *models.SessionReminderNotice) ([]models.Envelope, error) {
	phones := phonesOf(n.Day, n.Facilitator, n.Coordinator)
	staff := func(to, contact models.User, role, dayURL string) (models.Envelope, error) {
		info := sessionInfoOf(n.Session, n.CLSM, contact)
		info.AccessNote = n.Session.AccessNote()
		return c.Reminder(ReminderData{Key: reminderKey(n.Session, n.Kind, fmt.Sprintf("u%d", to.ID)), Session: info,
			AttendeeName: to.Name, AttendeeEmail: to.Email, Role: role, Phones: phones, Confirmed: len(n.Participants),
			DayURL: dayURL, SheetURL: fmt.Sprintf("/demandes/%d/emargement", n.Request.ID)})
	}
	out := make([]models.Envelope, 0, 2+len(n.Participants))
	for _, o := range []struct {
		to, contact models.User
		role, url   string
	}{
		{n.Facilitator, n.Coordinator, RoleFacilitator, fmt.Sprintf("/seances/%d/presences", n.Session.ID)},
		{n.Coordinator, n.Facilitator, RoleCoordinator, fmt.Sprintf("/demandes/%d", n.Request.ID)},
	} {
		env, err := staff(o.to, o.contact, o.role, o.url)
		if err != nil {
			return nil, err
		}
		out = append(out, env)
	}
	for _, reg := range n.Participants {
		info := sessionInfoOf(n.Session, n.CLSM, n.Coordinator)
		info.AccessNote = n.Session.AccessNote()
		env, err := c.Reminder(ReminderData{Key: reminderKey(n.Session, n.Kind, fmt.Sprintf("r%d", reg.ID)), Session: info,
			AttendeeName: reg.FirstName + " " + reg.LastName, AttendeeEmail: reg.Email, Role: RoleParticipant,
			CancelURL: c.links.CancelURL(reg.ID, reg.CancelVersion), Phones: phones})
		if err != nil {
			return nil, err
		}
		out = append(out, env)
	}
	return out, nil
}
