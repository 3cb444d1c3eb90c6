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
