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
