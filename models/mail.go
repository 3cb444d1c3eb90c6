package models

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Mail turns what a business operation did into the messages to send. The
// mailer implements it (templates, dedup keys, links); the Store receives it
// once at wiring (UseMail) and every operation queues through it, inside its
// own transaction, so a message leaves if and only if the operation
// committed, whatever started the operation: a page, the scheduler, the demo.
//
// It is one method taking a typed notice rather than one method per kind:
// a new kind of message adds a notice struct and a case in the mailer, and
// the interface, its fakes and the wiring do not change. Each notice carries
// only data (what happened, to whom), never a rendered text or a URL.
//
// at is the operation's time (the store's clock), which dates the message:
// a message depends on (at, n) only, so composing it again gives the same
// bytes, and tests with a moved clock see the dates they set.
type Mail interface {
	Compose(at time.Time, n Notice) ([]Envelope, error)
}

// Notice is one thing that happened that people must be told about. The
// set is closed: only the structs of this file implement it.
type Notice interface{ notice() }

// SignInLinkNotice asks for a sign-in link for User. Token is the secret
// (the link's only copy: the store keeps its hash); Next is the page to go
// to after signing in.
type SignInLinkNotice struct {
	User    User
	Token   string
	Next    string
	Expires time.Time
}

// WelcomeNotice announces a new account to User, with a first sign-in link
// (Token, valid until Expires). InvitedBy names the admin who opened it.
type WelcomeNotice struct {
	User      User
	InvitedBy string
	Token     string
	Expires   time.Time
}

// RequestDecisionNotice tells the coordinator (Recipient) that an admin
// accepted, declined or sent back their request. Event is the history line
// of the decision (its state, its comment; its id makes the message unique).
type RequestDecisionNotice struct {
	Request   Request
	CLSM      CLSM
	Recipient User
	Event     RequestEvent
}

// RequestSubmittedNotice acknowledges a submitted (or resubmitted, when
// Event.FromState is RequestChangesRequested) request to its coordinator
// (Recipient), and tells every active admin (Admins) there is one to review.
type RequestSubmittedNotice struct {
	Request   Request
	CLSM      CLSM
	Recipient User
	Admins    []User
	Event     RequestEvent
}

// RequestEditedNotice tells the admins that a request awaiting review was
// changed by its coordinator (Editor).
type RequestEditedNotice struct {
	Request Request
	CLSM    CLSM
	Editor  User
	Admins  []User
	Event   RequestEvent
}

// RequestWithdrawnNotice tells the admins that a coordinator (Editor) gave
// up a request they had seen (submitted or later); Event.Comment is why.
type RequestWithdrawnNotice struct {
	Request Request
	CLSM    CLSM
	Editor  User
	Admins  []User
	Event   RequestEvent
}

func (*SignInLinkNotice) notice()       {}
func (*WelcomeNotice) notice()          {}
func (*RequestDecisionNotice) notice()  {}
func (*RequestSubmittedNotice) notice() {}
func (*RequestEditedNotice) notice()    {}
func (*RequestWithdrawnNotice) notice() {}

// UseMail gives the store the mailer through which its operations queue
// messages. Call it once, at wiring, before serving. A store without mail
// (migrations, `quartier admin`, tests of other rules) queues nothing.
func (s *Store) UseMail(m Mail) { s.mail = m }

// compose renders a notice, or nothing when the store has no mail.
func (s *Store) compose(at time.Time, n Notice) ([]Envelope, error) {
	if s.mail == nil {
		return nil, nil
	}
	envs, err := s.mail.Compose(at, n)
	if err != nil {
		return nil, fmt.Errorf("compose %T: %w", n, err)
	}
	return envs, nil
}

// queue composes a notice and writes its messages into the outbox inside
// the operation's transaction tx. The outbox keeps the rendered message, so
// a retry of the delivery sends the very same bytes; the dedup keys make a
// retried operation queue nothing twice.
func (s *Store) queue(tx *gorm.DB, n Notice, now time.Time) error {
	envs, err := s.compose(now, n)
	if err != nil {
		return err
	}
	for _, env := range envs {
		if err := enqueue(tx, env, now); err != nil {
			return fmt.Errorf("queue %s: %w", env.Kind, err)
		}
	}
	return nil
}

// enqueue writes env into the outbox inside the caller's transaction. A
// second message with the same dedup key is silently ignored: retrying an
// operation never sends twice.
func enqueue(tx *gorm.DB, env Envelope, now time.Time) error {
	row := OutboxMessage{
		DedupKey: env.DedupKey, Kind: env.Kind, Recipient: env.To, Subject: env.Subject,
		MessageID: env.MessageID, Payload: string(env.Payload), Sensitive: env.Sensitive,
		Status: OutboxPending, NextAttemptAt: now, CreatedAt: now,
	}
	return tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "dedup_key"}}, DoNothing: true}).Create(&row).Error
}

// enqueueAll writes envs into the outbox inside the caller's transaction
// with multi-row INSERTs, as enqueue writes one: a dedup key already
// queued (or twice in envs) is silently ignored.
func enqueueAll(tx *gorm.DB, envs []Envelope, now time.Time) error {
	for chunk := range slices.Chunk(envs, 100) {
		var sql strings.Builder
		sql.WriteString(`INSERT INTO outbox_messages (dedup_key, kind, recipient, subject, message_id, payload, sensitive,
			status, attempts, next_attempt_at, last_error, permanent, created_at) VALUES `)
		args := make([]any, 0, 13*len(chunk))
		for i, env := range chunk {
			if i > 0 {
				sql.WriteString(", ")
			}
			sql.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, 0, ?, '', FALSE, ?)")
			args = append(args, env.DedupKey, env.Kind, env.To, env.Subject, env.MessageID, string(env.Payload), env.Sensitive,
				string(OutboxPending), now, now)
		}
		sql.WriteString(" ON CONFLICT (dedup_key) DO NOTHING")
		if err := tx.Exec(sql.String(), args...).Error; err != nil {
			return fmt.Errorf("queue %d messages: %w", len(chunk), err)
		}
	}
	return nil
}

// activeAdmins are the people told about requests to review.
func activeAdmins(tx *gorm.DB) ([]User, error) {
	var admins []User
	err := tx.Where("role = ? AND active", RoleAdmin).Order("id").Find(&admins).Error
	return admins, err
}
