package mailer

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"net/mail"
	"net/url"
	"strings"
	texttemplate "text/template"
	"time"
	"unicode"

	"quartier/assets"
	"quartier/frtime"
	"quartier/links"
	"quartier/models"
)

// Kinds of message, one template pair (.txt, .html) each under
// assets/templates/emails/, sharing layout.txt and layout.html.
const (
	KindMagicLink        = "magic_link"
	KindWelcome          = "welcome"
	KindRequestDecision  = "request_decision"
	KindInvitation       = "invitation"
	KindInvitationUpdate = "invitation_update"
	KindCancellation     = "cancellation"
	KindRequestReceived  = "request_received"
	KindRequestToReview  = "request_to_review"
	KindSessionProposed  = "session_proposed"
	KindProposalDeclined = "proposal_declined"
	KindProposalExpired  = "proposal_expired"
	KindWaitingList      = "waiting_list"
	KindPartnerLink      = "partner_link"
)

// Kinds lists every kind of message, each with its templates.
func Kinds() []string {
	return []string{KindMagicLink, KindWelcome, KindRequestDecision, KindInvitation, KindInvitationUpdate, KindCancellation,
		KindRequestReceived, KindRequestToReview, KindSessionProposed, KindProposalDeclined, KindProposalExpired, KindWaitingList, KindPartnerLink, KindReminder, KindFeedback}
}

// ComposerConfig is what composing needs from the configuration: the
// public base URL (links, Message-ID and UID host) and the sender.
type ComposerConfig struct {
	BaseURL, From, FromName string
	// Contact is the programme team's address (team.contact_email): the
	// Reply-To of every message that has no better one, and shown in every
	// footer, so that nobody is left without someone to write to. TeamName
	// names it.
	Contact, TeamName string
	// Links builds the links that carry a secret, under server.secret. When
	// nil, a Links under a random secret of this Composer is used: sign-in
	// links (not signed) are right, signed links would not verify anywhere
	// else. The application always passes the shared one.
	Links *links.Links
	// Now is the clock for Date and DTSTAMP; time.Now when nil.
	Now func() time.Time
}

// Composer builds the messages quartier sends, ready for the outbox.
type Composer struct {
	cfg   ComposerConfig
	links *links.Links
	base  string // BaseURL without trailing slash
	host  string // BaseURL's host without port
	html  map[string]*htmltemplate.Template
	text  map[string]*texttemplate.Template
}

// NewComposer parses every email template at start-up: a missing or broken
// template fails here, not when a user is waiting for a message.
func NewComposer(cfg ComposerConfig) (*Composer, error) {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("mailer: base URL %q is not an absolute http(s) URL", cfg.BaseURL)
	}
	if _, err := mail.ParseAddress(cfg.From); err != nil {
		return nil, fmt.Errorf("mailer: sender %q: %w", cfg.From, err)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Links == nil {
		secret := make([]byte, 32)
		if _, err := rand.Read(secret); err != nil {
			return nil, fmt.Errorf("mailer: link secret: %w", err)
		}
		if cfg.Links, err = links.New(secret, cfg.BaseURL); err != nil {
			return nil, err
		}
	}
	c := &Composer{
		links: cfg.Links,
		cfg:   cfg, base: strings.TrimRight(cfg.BaseURL, "/"), host: u.Hostname(),
		html: map[string]*htmltemplate.Template{}, text: map[string]*texttemplate.Template{},
	}
	emails, err := fs.Sub(assets.FS, "templates/emails")
	if err != nil {
		return nil, err
	}
	for _, k := range Kinds() {
		h, err := htmltemplate.New(k).Option("missingkey=error").ParseFS(emails, "layout.html", k+".html")
		if err != nil {
			return nil, fmt.Errorf("mailer: template %s.html: %w", k, err)
		}
		t, err := texttemplate.New(k).Option("missingkey=error").ParseFS(emails, "layout.txt", k+".txt")
		if err != nil {
			return nil, fmt.Errorf("mailer: template %s.txt: %w", k, err)
		}
		for _, name := range []string{"content"} {
			if h.Lookup(name) == nil {
				return nil, fmt.Errorf("mailer: template %s.html defines no %q", k, name)
			}
		}
		for _, name := range []string{"subject", "content"} {
			if t.Lookup(name) == nil {
				return nil, fmt.Errorf("mailer: template %s.txt defines no %q", k, name)
			}
		}
		c.html[k], c.text[k] = h, t
	}
	return c, nil
}

// Compose implements models.Mail: it turns what an operation did into its
// messages, choosing for each the template, the dedup key and the links.
// The messages are dated at (the operation's time), so the same notice at
// the same time always gives the same bytes.
func (c *Composer) Compose(at time.Time, n models.Notice) ([]models.Envelope, error) {
	cc := *c
	cc.cfg.Now = func() time.Time { return at }
	return cc.compose(n)
}

func (c *Composer) compose(n models.Notice) ([]models.Envelope, error) {
	one := func(env models.Envelope, err error) ([]models.Envelope, error) {
		if err != nil {
			return nil, err
		}
		return []models.Envelope{env}, nil
	}
	switch n := n.(type) {
	case *models.SignInLinkNotice:
		return one(c.MagicLink(MagicLinkData{
			Key: "login:" + models.HashSecret(n.Token)[:24], Name: n.User.Name, Email: n.User.Email,
			Link: c.links.SignIn(n.Token, n.Next), Expires: n.Expires,
		}))
	case *models.WelcomeNotice:
		return one(c.Welcome(WelcomeData{
			Key: fmt.Sprintf("welcome:%d", n.User.ID), Name: n.User.Name, Email: n.User.Email, Role: n.User.Role,
			Link: c.links.SignIn(n.Token, ""), Expires: n.Expires, InvitedBy: n.InvitedBy,
		}))
	case *models.RequestDecisionNotice:
		link := fmt.Sprintf("/demandes/%d", n.Request.ID)
		if n.Event.ToState == models.RequestChangesRequested {
			link += "/modifier"
		}
		return one(c.RequestDecision(RequestDecisionData{
			Key:  fmt.Sprintf("request-decision:%d:%d", n.Request.ID, n.Event.ID),
			Name: n.Recipient.Name, Email: n.Recipient.Email, CLSMName: n.CLSM.Name, RequestID: n.Request.ID,
			Decision: string(n.Event.ToState), Comment: n.Event.Comment, RequestURL: link,
			Windows: windowLabels(n.Request.Windows),
		}))
	case *models.RequestSubmittedNotice:
		change := ChangeSubmitted
		if n.Event.FromState == models.RequestChangesRequested {
			change = ChangeResubmitted
		}
		ack, err := c.RequestReceived(RequestReceivedData{
			Key:  fmt.Sprintf("request-received:%d:%d", n.Request.ID, n.Event.ID),
			Name: n.Recipient.Name, Email: n.Recipient.Email, CLSMName: n.CLSM.Name,
			Resubmitted: change == ChangeResubmitted, Request: n.Request, Windows: windowLabels(n.Request.Windows),
			RequestURL: fmt.Sprintf("/demandes/%d", n.Request.ID),
		})
		if err != nil {
			return nil, err
		}
		admins, err := c.toReview(n.Admins, n.Request, n.CLSM, n.Recipient, n.Event, change)
		return append([]models.Envelope{ack}, admins...), err
	case *models.RequestEditedNotice:
		return c.toReview(n.Admins, n.Request, n.CLSM, n.Editor, n.Event, ChangeEdited)
	case *models.RequestWithdrawnNotice:
		return c.toReview(n.Admins, n.Request, n.CLSM, n.Editor, n.Event, ChangeWithdrawn)
	case *models.SessionProposedNotice:
		kind := KindSessionProposed
		if n.Reminder {
			kind += ":reminder"
		}
		return one(c.SessionProposed(SessionProposedData{
			Key: sessionKey(kind, n.Session, n.Recipient), Name: n.Recipient.Name, Email: n.Recipient.Email,
			CLSMName: n.CLSM.Name, RequestID: n.Request.ID, Session: sessionInfoOf(n.Session, n.CLSM, n.Facilitator),
			Facilitator: n.Facilitator.Name, Deadline: n.Deadline, Reminder: n.Reminder,
			RequestURL: fmt.Sprintf("/demandes/%d", n.Request.ID),
		}))
	case *models.SessionInvitationsNotice:
		return c.invitations(n)
	case *models.ProposalEndedNotice:
		return c.proposalEnded(n)
	case *models.ParticipantNotice:
		return one(c.participant(n))
	case *models.PartnerLinkNotice:
		return one(c.partnerLink(n))
	case *models.SessionReminderNotice:
		return c.reminders(n)
	case *models.FeedbackNotice:
		return c.feedback(n)
	}
	return nil, fmt.Errorf("mailer: no message for %T", n)
}

// proposalEnded tells each admin that a proposal will not be held, and
// the coordinator when it expired.
func (c *Composer) proposalEnded(n *models.ProposalEndedNotice) ([]models.Envelope, error) {
	when := frtime.Range(n.Session.StartsAt, n.Session.EndsAt, models.LocationOf(n.Session.TimeZone))
	var out []models.Envelope
	if n.Expired {
		env, err := c.ProposalExpired(ProposalExpiredData{
			Key: sessionKey(KindProposalExpired, n.Session, n.Coordinator), Name: n.Coordinator.Name, Email: n.Coordinator.Email,
			CLSMName: n.CLSM.Name, RequestID: n.Request.ID, When: when, RequestURL: fmt.Sprintf("/demandes/%d", n.Request.ID),
		})
		if err != nil {
			return nil, err
		}
		out = append(out, env)
	}
	for _, a := range n.Admins {
		env, err := c.ProposalDeclined(ProposalDeclinedData{
			Key: sessionKey(KindProposalDeclined, n.Session, a), Name: a.Name, Email: a.Email, CLSMName: n.CLSM.Name,
			RequestID: n.Request.ID, When: when, Facilitator: n.Facilitator.Name, By: n.By.Name, Reason: n.Reason,
			Expired: n.Expired, ReviewURL: fmt.Sprintf("/admin/demandes/%d", n.Request.ID),
		})
		if err != nil {
			return nil, err
		}
		out = append(out, env)
	}
	return out, nil
}

// toReview tells each admin what happened to a request, one message each
// (one dedup key each, so a retry resends only what is missing).
func (c *Composer) toReview(admins []models.User, r models.Request, cl models.CLSM, by models.User, ev models.RequestEvent, change string) ([]models.Envelope, error) {
	out := make([]models.Envelope, 0, len(admins))
	for _, a := range admins {
		env, err := c.RequestToReview(RequestToReviewData{
			Key:  fmt.Sprintf("request-review:%d:%d:%d", r.ID, ev.ID, a.ID),
			Name: a.Name, Email: a.Email, CLSMName: cl.Name, RequestID: r.ID, Change: change,
			By: by.Name, Comment: ev.Comment, Windows: windowLabels(r.Windows),
			ReviewURL: fmt.Sprintf("/admin/demandes/%d", r.ID),
		})
		if err != nil {
			return nil, err
		}
		out = append(out, env)
	}
	return out, nil
}

// layout is what the common layout shows around every message. Each kind's
// view embeds it.
type layout struct {
	Subject   string
	Preheader string
	BaseURL   string
	// Why says why the recipient gets this message.
	Why string
	// ReplyLine says whether and where to reply.
	ReplyLine string
	// CancelURL, when set, adds the one-click cancellation line.
	CancelURL string
	// PrivacyNotice adds the notice for people registered by a partner.
	PrivacyNotice bool
	PrivacyURL    string
	// RegisteredBy names the organisation that signed the person up, in
	// the privacy notice.
	RegisteredBy string
	// Contact and TeamName: who answers questions, in every footer.
	Contact, TeamName string
}

func (l *layout) base() *layout { return l }

type view interface{ base() *layout }

// noReply is the reply line when no team contact is configured (tests of
// the composer alone); the application always configures one.
const noReply = "Ce message est envoyé automatiquement : merci de ne pas y répondre."

// teamReply is the reply line that sends questions to the programme team.
const teamReply = "Une question ? Répondez simplement à ce message : votre réponse arrive à l’équipe du programme."

// rendered is one composed body.
type rendered struct{ subject, text, html string }

func (c *Composer) render(kind string, v view) (rendered, error) {
	l := v.base()
	l.BaseURL = c.base
	l.Contact, l.TeamName = c.cfg.Contact, c.cfg.TeamName
	switch {
	case l.ReplyLine != "":
	case c.cfg.Contact != "":
		l.ReplyLine = teamReply
	default:
		l.ReplyLine = noReply
	}
	l.ReplyLine = frenchTypography(l.ReplyLine)
	var buf bytes.Buffer
	if err := c.text[kind].ExecuteTemplate(&buf, "subject", v); err != nil {
		return rendered{}, fmt.Errorf("render %s subject: %w", kind, err)
	}
	// Collapse ASCII white space only: the non-breaking spaces are wanted.
	l.Subject = strings.Join(strings.FieldsFunc(buf.String(), func(r rune) bool { return r < 0x80 && unicode.IsSpace(r) }), " ")
	if l.Preheader == "" {
		l.Preheader = l.Subject
	}
	l.Preheader = frenchTypography(l.Preheader)
	buf.Reset()
	if err := c.text[kind].ExecuteTemplate(&buf, "layout", v); err != nil {
		return rendered{}, fmt.Errorf("render %s text: %w", kind, err)
	}
	text := tidyText(buf.String())
	buf.Reset()
	if err := c.html[kind].ExecuteTemplate(&buf, "layout", v); err != nil {
		return rendered{}, fmt.Errorf("render %s html: %w", kind, err)
	}
	return rendered{subject: l.Subject, text: text, html: buf.String()}, nil
}

// tidyText drops trailing spaces and runs of blank lines that conditional
// template sections leave behind, keeping the signature separator "-- ".
func tidyText(s string) string {
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	blank := 0
	for _, line := range lines {
		if line != "-- " {
			line = strings.TrimRight(line, " \t")
		}
		if line == "" {
			blank++
			if blank > 1 || len(out) == 0 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, line)
	}
	return strings.TrimRight(strings.Join(out, "\n"), "\n") + "\n"
}

// link makes an absolute link from a path, or keeps an absolute URL.
func (c *Composer) link(pathOrURL string) string {
	if pathOrURL == "" || strings.HasPrefix(pathOrURL, "http://") || strings.HasPrefix(pathOrURL, "https://") {
		return pathOrURL
	}
	return c.base + "/" + strings.TrimLeft(pathOrURL, "/")
}

// messageID derives the Message-ID from the dedup key: stable across
// retries and restarts, unique per message, and revealing nothing of the
// key (which may name a token hash or a person).
func (c *Composer) messageID(key string) string {
	sum := sha256.Sum256([]byte("quartier-message:" + key))
	return hex.EncodeToString(sum[:16]) + "@" + c.host
}

// newMessage starts a message to one recipient with the headers every
// message carries.
func (c *Composer) newMessage(key string, to Address, r rendered) *Message {
	var replyTo *Address
	if c.cfg.Contact != "" {
		replyTo = &Address{Name: c.cfg.TeamName, Email: c.cfg.Contact}
	}
	return &Message{
		From: Address{Name: c.cfg.FromName, Email: c.cfg.From}, To: to, ReplyTo: replyTo,
		Subject: r.subject, MessageID: c.messageID(key), Date: c.cfg.Now().UTC().Truncate(time.Second),
		Text: r.text, HTML: r.html,
		Headers: []Header{{Name: "Auto-Submitted", Value: "auto-generated"}, {Name: "X-Auto-Response-Suppress", Value: "All"}},
	}
}

// envelope serialises m for the outbox.
func envelope(kind, key string, sensitive bool, m *Message) (models.Envelope, error) {
	payload, err := json.Marshal(m)
	if err != nil {
		return models.Envelope{}, fmt.Errorf("encode %s message: %w", kind, err)
	}
	return models.Envelope{
		DedupKey: key, Kind: kind, To: m.To.Email, Subject: m.Subject,
		MessageID: m.MessageID, Payload: payload, Sensitive: sensitive,
	}, nil
}

// frenchTypography applies French typography to prose, including what
// people typed (titles, access notes, comments): a non-breaking space
// before « : » and inside guillemets, a narrow one before « ; ! ? », and
// the typographic apostrophe. Never apply it to a URL or an address.
func frenchTypography(s string) string { return frenchSpaces.Replace(s) }

// frenchSpaces is built once: a Replacer builds its tables on first use.
var frenchSpaces = strings.NewReplacer(
	" :", "\u00a0:", "« ", "«\u00a0", " »", "\u00a0»",
	" !", "\u202f!", " ?", "\u202f?", " ;", "\u202f;", "'", "’",
)

// checkRecipient validates what every message needs.
func checkRecipient(key, email string) error {
	if strings.TrimSpace(key) == "" {
		return errors.New("mailer: empty dedup key")
	}
	if _, err := mail.ParseAddress(email); err != nil {
		return fmt.Errorf("mailer: recipient %q: %w", email, err)
	}
	return nil
}
