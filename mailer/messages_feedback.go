package mailer

import (
	"fmt"
	"strings"
	"time"

	"quartier/frtime"
	"quartier/models"
)

// KindFeedback is the feedback questionnaire's single-use link, mailed to
// an attendee after a held session, and its one reminder.
const KindFeedback = "feedback"

// FeedbackData mails one attendee their feedback link for a session that
// took place: Link (single use), valid until Expires; Reminder for the one
// reminder of an unanswered link.
type FeedbackData struct {
	Key, Name, Email string
	Session          SessionInfo
	Link             string
	Expires          time.Time
	Reminder         bool
}

type feedbackView struct {
	layout
	S        sessionView
	Name     string
	Link     string
	Until    string
	Reminder bool
}

// Feedback composes « Votre avis sur la séance du … » with the link to the
// questionnaire. The link answers once and lets its holder answer in the
// attendee's place, so the message is sensitive: its payload is wiped
// once sent.
func (c *Composer) Feedback(d FeedbackData) (models.Envelope, error) {
	if err := checkRecipient(d.Key, d.Email); err != nil {
		return models.Envelope{}, err
	}
	s := d.Session
	loc, err := time.LoadLocation(s.Zone)
	if err != nil || s.Zone == "" || s.Zone == "Local" || !s.End.After(s.Start) {
		return models.Envelope{}, fmt.Errorf("mailer: feedback: needs a slot in an IANA zone (%q)", s.Zone)
	}
	if d.Link == "" || d.Expires.IsZero() {
		return models.Envelope{}, fmt.Errorf("mailer: feedback: needs a link and its expiry")
	}
	v := &feedbackView{
		layout: layout{Why: "Vous recevez ce message parce que vous avez participé à cette séance."},
		S:      c.sessionView(s, loc), Name: d.Name, Link: c.link(d.Link), Reminder: d.Reminder,
		Until: frtime.Date(d.Expires.In(loc)),
	}
	v.Preheader = frenchTypography("Cinq questions, deux minutes : vos réponses sont anonymes.")
	r, err := c.render(KindFeedback, v)
	if err != nil {
		return models.Envelope{}, err
	}
	m := c.newMessage(d.Key, Address{Name: d.Name, Email: d.Email}, r)
	// Nobody should answer a questionnaire after its link expired.
	notAfter := d.Expires.UTC()
	m.NotAfter = &notAfter
	return envelope(KindFeedback, d.Key, true, m)
}

// feedbackKey is the dedup key of one attendee's link (or its reminder)
// at one link version.
func feedbackKey(inv models.FeedbackInvite, reminder bool) string {
	key := fmt.Sprintf("feedback:%d:%d", inv.Registration.ID, inv.LinkVersion)
	if reminder {
		key += ":reminder"
	}
	return key
}

// feedback composes the links (or reminders) of a models.FeedbackNotice.
func (c *Composer) feedback(n *models.FeedbackNotice) ([]models.Envelope, error) {
	info := sessionInfoOf(n.Session, n.CLSM, n.Coordinator)
	out := make([]models.Envelope, 0, len(n.Invites))
	for _, inv := range n.Invites {
		r := inv.Registration
		env, err := c.Feedback(FeedbackData{Key: feedbackKey(inv, n.Reminder), Name: strings.TrimSpace(r.FirstName + " " + r.LastName),
			Email: r.Email, Session: info, Link: c.links.FeedbackURL(r.ID, inv.LinkVersion), Expires: inv.ExpiresAt, Reminder: n.Reminder})
		if err != nil {
			return nil, err
		}
		out = append(out, env)
	}
	return out, nil
}
