package mailer

import (
	"bytes"
	"fmt"
	"io"

	mail "github.com/wneessen/go-mail"
)

// calendarFileName is the name of the invitation attached to session
// messages, next to the text/calendar alternative that calendar clients
// read in place.
const calendarFileName = "invitation.ics"

// goMail rebuilds the MIME message from its stored form. The result is the
// same for every call (Message-ID, Date and content are stored), which is
// what makes a retried delivery the same message to the recipient's client.
func (m *Message) goMail() (*mail.Msg, error) {
	msg := mail.NewMsg(mail.WithCharset(mail.CharsetUTF8), mail.WithEncoding(mail.NoEncoding))
	if err := setAddress(msg.FromFormat, m.From); err != nil {
		return nil, fmt.Errorf("from: %w", err)
	}
	if err := setAddress(msg.AddToFormat, m.To); err != nil {
		return nil, Permanent(fmt.Errorf("to: %w", err))
	}
	if m.ReplyTo != nil {
		if err := setAddress(msg.ReplyToFormat, *m.ReplyTo); err != nil {
			return nil, fmt.Errorf("reply-to: %w", err)
		}
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(m.MessageID)
	msg.SetDateWithValue(m.Date)
	msg.SetUserAgent("quartier")
	for _, h := range m.Headers {
		msg.SetGenHeader(mail.Header(h.Name), h.Value)
	}
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	}
	if m.Calendar != nil {
		ctype := mail.ContentType("text/calendar; method=" + m.Calendar.Method)
		msg.AddAlternativeString(ctype, m.Calendar.Content)
		if err := msg.AttachReader(calendarFileName, bytes.NewReader([]byte(m.Calendar.Content)),
			mail.WithFileContentType("application/ics")); err != nil {
			return nil, fmt.Errorf("attach %s: %w", calendarFileName, err)
		}
	}
	for _, a := range m.Attachments {
		if err := msg.AttachReader(a.Name, bytes.NewReader(a.Content),
			mail.WithFileContentType(mail.ContentType(a.ContentType))); err != nil {
			return nil, fmt.Errorf("attach %s: %w", a.Name, err)
		}
	}
	return msg, nil
}

func setAddress(set func(name, addr string) error, a Address) error {
	return set(a.Name, a.Email)
}

// WriteTo writes the message in RFC 5322 form (what the file driver stores
// and what the SMTP driver sends).
func (m *Message) WriteTo(w io.Writer) (int64, error) {
	msg, err := m.goMail()
	if err != nil {
		return 0, err
	}
	return msg.WriteTo(w)
}
