package models

import "time"

// OutboxStatus is where a message is in its delivery.
type OutboxStatus string

// Outbox statuses: pending (due at NextAttemptAt), sending (claimed by a
// worker until LeaseUntil), sent, failed (gave up, or permanently refused).
const (
	OutboxPending OutboxStatus = "pending"
	OutboxSending OutboxStatus = "sending"
	OutboxSent    OutboxStatus = "sent"
	OutboxFailed  OutboxStatus = "failed"
)

// Label is the status in French, as the outbox page shows it.
func (s OutboxStatus) Label() string {
	switch s {
	case OutboxPending:
		return "à envoyer"
	case OutboxSending:
		return "en cours d'envoi"
	case OutboxSent:
		return "envoyé"
	case OutboxFailed:
		return "en échec"
	}
	return string(s)
}

// Envelope is a composed message ready to be queued. The mailer builds it
// (templates, iCalendar); the business operation queues it in its own
// transaction. Payload is the mailer's serialised message; models never
// looks inside.
type Envelope struct {
	DedupKey  string
	Kind      string
	To        string
	Subject   string
	MessageID string
	Payload   []byte
	// Sensitive messages (sign-in links) have their payload wiped once sent.
	Sensitive bool
}

// OutboxMessage is one row of the outbox.
type OutboxMessage struct {
	ID            int64
	DedupKey      string
	Kind          string
	Recipient     string
	Subject       string
	MessageID     string
	Payload       string
	Sensitive     bool
	Status        OutboxStatus
	Attempts      int
	NextAttemptAt time.Time
	LeaseUntil    *time.Time
	LastError     string
	Permanent     bool
	CreatedAt     time.Time
	SentAt        *time.Time
}

// MessagePreview is what the admin page « Courriels » shows of one outbox
// message, rebuilt by the mailer from the stored payload. HTML is the
// message's own HTML document, to be shown isolated from the page (e.g.
// <iframe sandbox srcdoc="…">), never inlined.
type MessagePreview struct {
	From, To, ReplyTo, Subject, Date, MessageID string
	Headers                                     []PreviewHeader
	Text, HTML, Calendar                        string
	Attachments                                 []string
	// Erased: a sensitive message whose content was wiped once sent.
	// Hidden: a sensitive message not sent yet, whose content (a personal
	// sign-in link) only its recipient should see. Note says so in French.
	Erased, Hidden bool
	Note           string
}

// PreviewHeader is one extra header of a previewed message.
type PreviewHeader struct{ Name, Value string }

// OutboxKindLabel names a kind of message in French, for the admin's
// « Courriels » page (the kinds are the mailer's: mailer.Kinds).
func OutboxKindLabel(kind string) string {
	switch kind {
	case "magic_link":
		return "lien de connexion"
	case "welcome":
		return "bienvenue"
	case "request_decision":
		return "décision sur une demande"
	case "request_received":
		return "accusé de réception d’une demande"
	case "request_to_review":
		return "demande à examiner"
	case "invitation":
		return "invitation à une séance"
	case "invitation_update":
		return "modification d’invitation"
	case "cancellation":
		return "annulation"
	case "session_proposed":
		return "date proposée"
	case "proposal_declined":
		return "autre date demandée ou proposition expirée"
	case "proposal_expired":
		return "proposition de date expirée"
	case "feedback":
		return "questionnaire de satisfaction"
	case "waiting_list":
		return "liste d’attente d’une séance"
	case "partner_link":
		return "lien d’inscription d’une structure partenaire"
	case "session_reminder":
		return "rappel de séance"
	}
	return kind
}
