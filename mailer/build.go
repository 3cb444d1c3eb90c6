package mailer

import (
	"bytes"
	"fmt"
	"io"
	netmail "net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

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
	from, err := m.From.mailAddress()
	if err != nil {
		return nil, fmt.Errorf("from: %w", err)
	}
	msg.FromMailAddress(from)
	to, err := m.To.mailAddress()
	if err != nil {
		return nil, Permanent(fmt.Errorf("to: %w", err))
	}
	msg.ToMailAddress(to)
	if m.ReplyTo != nil {
		replyTo, err := m.ReplyTo.mailAddress()
		if err != nil {
			return nil, fmt.Errorf("reply-to: %w", err)
		}
		msg.ReplyToMailAddress(replyTo)
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

// mailAddress checks the address and pairs it with the display name, which
// go-mail writes through net/mail: quoted or RFC 2047-encoded as needed,
// so a name with quotes, accents or even a line break stays a name. (The
// *Format methods of go-mail build "name" <addr> by concatenation, which a
// stray quote breaks.)
func (a Address) mailAddress() (*netmail.Address, error) {
	parsed, err := netmail.ParseAddress(a.Email)
	if err != nil || parsed.Name != "" || parsed.Address != a.Email {
		return nil, fmt.Errorf("invalid address %q", a.Email)
	}
	return &netmail.Address{Name: displayName(a.Name), Address: a.Email}, nil
}

// displayName prepares a name for net/mail's encoder: a display name is one
// line, so control characters become spaces; and a backslash in a name that
// net/mail Q-encodes (one with non-ASCII letters and no specials) is left
// raw in the encoded word, which readers then fail to parse, so there it
// becomes the look-alike U+29F5.
func displayName(name string) string {
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, name)
	ascii := true
	for _, r := range name {
		ascii = ascii && r < utf8.RuneSelf
	}
	if !ascii && !strings.ContainsAny(name, "\"#$%&'(),.:;<>@[]^`{|}~") {
		name = strings.ReplaceAll(name, `\`, "\u29f5")
	}
	return name
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
