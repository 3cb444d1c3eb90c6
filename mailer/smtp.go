package mailer

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"time"

	mail "github.com/wneessen/go-mail"
)

// SMTPConfig is what the SMTP driver needs from the mail section.
type SMTPConfig struct {
	Host     string
	Port     int
	User     string
	Password string
	// TLS is "starttls" (mandatory STARTTLS), "starttls-opportunistic",
	// "tls" (implicit TLS, usually port 465) or "none".
	TLS     string
	Timeout time.Duration
	// TLSConfig overrides the TLS settings (tests with a private CA).
	TLSConfig *tls.Config
}

// SMTPDriver sends messages through an SMTP server, one connection per
// batch.
type SMTPDriver struct {
	cfg SMTPConfig
}

// NewSMTPDriver checks cfg and returns the driver; it does not connect.
func NewSMTPDriver(cfg SMTPConfig) (*SMTPDriver, error) {
	if cfg.Host == "" {
		return nil, errors.New("mail.smtp_host: must be set")
	}
	switch cfg.TLS {
	case "starttls", "starttls-opportunistic", "tls", "none":
	default:
		return nil, fmt.Errorf("mail.smtp_tls: unknown policy %q", cfg.TLS)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &SMTPDriver{cfg: cfg}, nil
}

func (d *SMTPDriver) client() (*mail.Client, error) {
	opts := []mail.Option{mail.WithPort(d.cfg.Port), mail.WithTimeout(d.cfg.Timeout)}
	switch d.cfg.TLS {
	case "starttls":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case "starttls-opportunistic":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	case "tls":
		opts = append(opts, mail.WithSSL(), mail.WithTLSPolicy(mail.NoTLS))
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	}
	if d.cfg.TLSConfig != nil {
		opts = append(opts, mail.WithTLSConfig(d.cfg.TLSConfig))
	}
	if d.cfg.User != "" {
		// Let go-mail pick the strongest mechanism the server offers.
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover),
			mail.WithUsername(d.cfg.User), mail.WithPassword(d.cfg.Password))
	}
	return mail.NewClient(d.cfg.Host, opts...)
}

// Send opens one connection, sends each message and closes it. A failure
// to connect fails every message (temporarily); a refusal of one message
// fails that message only. An SMTP 5xx answer to the recipient or to the
// content is permanent.
func (d *SMTPDriver) Send(ctx context.Context, msgs []*Message) []error {
	errs := make([]error, len(msgs))
	built := make([]*mail.Msg, len(msgs))
	pending := 0
	for i, m := range msgs {
		gm, err := m.goMail()
		if err != nil {
			errs[i] = err
			continue
		}
		built[i] = gm
		pending++
	}
	if pending == 0 {
		return errs
	}
	failAll := func(err error) []error {
		for i := range errs {
			if built[i] != nil {
				errs[i] = err
			}
		}
		return errs
	}
	c, err := d.client()
	if err != nil {
		return failAll(fmt.Errorf("smtp client: %w", err))
	}
	conn, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return failAll(fmt.Errorf("smtp connect to %s: %w", c.ServerAddr(), err))
	}
	defer c.CloseWithSMTPClient(conn)
	for i, gm := range built {
		if gm == nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		// One message per call: go-mail extends the connection deadline
		// per call, so a long batch does not run into the timeout.
		if err := c.SendWithSMTPClient(conn, gm); err != nil {
			errs[i] = classify(err)
		}
	}
	return errs
}

// classify marks as permanent what the server refused for good: a 5xx to
// RCPT TO (unknown mailbox) or to the message itself. A 5xx to MAIL FROM or
// to authentication is a configuration problem that an administrator can
// fix, so it stays temporary, as does anything without an SMTP code.
func classify(err error) error {
	var se *mail.SendError
	if !errors.As(err, &se) || se.IsTemp() {
		return err
	}
	code := se.ErrorCode()
	if code < 500 || code > 599 {
		return err
	}
	switch se.Reason {
	case mail.ErrSMTPRcptTo, mail.ErrSMTPData, mail.ErrSMTPDataClose, mail.ErrGetRcpts:
		return Permanent(err)
	}
	return err
}
