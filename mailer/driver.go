// Package mailer is the one road for every email quartier sends: it
// composes French messages from embedded templates, one method per kind of
// message (deciding what a session's invitation says, which package ical
// writes), its outbox worker delivers the messages that business
// operations queued through a Driver (SMTP or files), and Preview shows
// them. Calendar import and subscriptions live in packages ical and
// internal/calendarsub.
package mailer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"time"

	"quartier/config"
)

// Driver delivers composed messages. Send returns one error per message,
// in order (nil when delivered); a driver that opens a connection opens one
// per call. An error wrapped with Permanent means retrying cannot help.
type Driver interface {
	Send(ctx context.Context, msgs []*Message) []error
}

// Message is a composed email as it is stored in the outbox payload (JSON)
// and handed to a driver. Everything needed to rebuild the exact same MIME
// message is here, including its Message-ID and Date, so a retry sends the
// same message.
type Message struct {
	From      Address   `json:"from"`
	To        Address   `json:"to"`
	ReplyTo   *Address  `json:"reply_to,omitempty"`
	Subject   string    `json:"subject"`
	MessageID string    `json:"message_id"` // without angle brackets
	Date      time.Time `json:"date"`
	Text      string    `json:"text"`
	HTML      string    `json:"html"`
	// Calendar is sent both as a text/calendar alternative and as an
	// invitation.ics attachment.
	Calendar    *CalendarPart `json:"calendar,omitempty"`
	Attachments []Attachment  `json:"attachments,omitempty"`
	Headers     []Header      `json:"headers,omitempty"`
	// NotAfter, when set, is the moment the message becomes pointless (a
	// sign-in link that has expired): the worker drops it instead of
	// sending it late.
	NotAfter *time.Time `json:"not_after,omitempty"`
}

// Address is a mailbox with an optional display name.
type Address struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email"`
}

// CalendarPart is an iCalendar object and its iTIP method (REQUEST, CANCEL).
type CalendarPart struct {
	Method  string `json:"method"`
	Content string `json:"content"`
}

// Attachment is a file joined to the message.
type Attachment struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Content     []byte `json:"content"`
}

// Header is one extra header (Auto-Submitted, List-Unsubscribe, …).
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// PermanentError marks a delivery failure that a retry cannot fix, such as
// a recipient address the server refuses for good (SMTP 5xx).
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return "permanent failure: " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent wraps err as a PermanentError.
func Permanent(err error) error { return &PermanentError{Err: err} }

// IsPermanent reports whether err says retrying is pointless.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

// emailAddress matches what looks like an email address in free text.
var emailAddress = regexp.MustCompile(`[^\s<>"'(),;:\[\]]+@[\p{L}0-9-]+(\.[\p{L}0-9-]+)+`)

// RedactAddresses replaces the email addresses in s (an SMTP server's
// answer quotes the recipient) with « [adresse] », for logs.
func RedactAddresses(s string) string { return emailAddress.ReplaceAllString(s, "[adresse]") }

// NewDriver returns the driver that mail.mode names: "file" writes .eml
// files under mail.dir, "smtp" sends through the configured server.
func NewDriver(cfg config.Config, log *slog.Logger) (Driver, error) {
	if log == nil {
		log = slog.Default()
	}
	switch cfg.Mail.Mode {
	case "file":
		return NewFileDriver(cfg.Mail.Dir, log)
	case "smtp":
		return NewSMTPDriver(SMTPConfig{
			Host: cfg.Mail.SMTPHost, Port: cfg.Mail.SMTPPort,
			User: cfg.Mail.SMTPUser, Password: cfg.Mail.SMTPPassword,
			TLS: cfg.Mail.SMTPTLS, Timeout: cfg.Mail.SMTPTimeout.Duration,
		})
	}
	return nil, fmt.Errorf("mail.mode: unknown mode %q", cfg.Mail.Mode)
}
