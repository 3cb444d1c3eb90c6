package mailer

import (
	"errors"
	"time"

	"quartier/frtime"
	"quartier/models"
)

// Preview rebuilds an outbox message for the admin page. A message holding
// a sign-in link never shows its content there: it is hidden until sent,
// then erased.
func Preview(m models.OutboxMessage) (models.MessagePreview, error) {
	p := models.MessagePreview{To: m.Recipient, Subject: m.Subject, MessageID: "<" + m.MessageID + ">", Date: frenchDate(m.CreatedAt)}
	if m.Sensitive {
		if m.Payload == "" {
			p.Erased = true
			p.Note = "Le contenu de ce courriel a été effacé après l’envoi\u00a0: il contenait un lien de connexion personnel."
		} else {
			p.Hidden = true
			p.Note = "Contenu masqué\u00a0: ce courriel contient un lien de connexion personnel, que seule la personne destinataire doit voir."
		}
		if msg, err := decodePayload(m); err == nil {
			p.From, p.To, p.Date = msg.From.String(), msg.To.String(), frenchDate(msg.Date)
		}
		return p, nil
	}
	msg, err := decodePayload(m)
	if err != nil {
		return p, errors.Join(errors.New("mailer: preview"), err)
	}
	p.From, p.To, p.Subject, p.Date = msg.From.String(), msg.To.String(), msg.Subject, frenchDate(msg.Date)
	if msg.ReplyTo != nil {
		p.ReplyTo = msg.ReplyTo.String()
	}
	for _, hd := range msg.Headers {
		p.Headers = append(p.Headers, models.PreviewHeader{Name: hd.Name, Value: hd.Value})
	}
	p.Text, p.HTML = msg.Text, msg.HTML
	if msg.Calendar != nil {
		p.Calendar = msg.Calendar.Content
		p.Attachments = append(p.Attachments, calendarFileName)
	}
	for _, a := range msg.Attachments {
		p.Attachments = append(p.Attachments, a.Name)
	}
	return p, nil
}

// PreviewMessage is Preview for the admin pages (handlers.Mail). A message
// whose stored payload names no sender (its content wiped once sent) goes
// out from the configured address: the preview shows that, not nothing.
func (c *Composer) PreviewMessage(m models.OutboxMessage) (models.MessagePreview, error) {
	p, err := Preview(m)
	if err == nil && p.From == "" {
		p.From = Address{Name: c.cfg.FromName, Email: c.cfg.From}.String()
	}
	return p, err
}

// String writes the address as « Nom <adresse> », or the bare address.
func (a Address) String() string {
	if a.Name == "" {
		return a.Email
	}
	return a.Name + " <" + a.Email + ">"
}

func frenchDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	loc, err := frtime.LoadZone(staffZone)
	if err != nil {
		loc = time.UTC
	}
	return frtime.DateTime(t.In(loc)) + " (" + frtime.ZoneLabel(loc.String()) + ")"
}
