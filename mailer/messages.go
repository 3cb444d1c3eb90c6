package mailer

import (
	"fmt"
	"time"

	"quartier/frtime"
	"quartier/models"
)

// staffZone is the zone of times shown to staff when no session gives one.
const staffZone = "Europe/Paris"

// MagicLinkData is a sign-in link for one user. Key is the dedup key, e.g.
// "login:<token-hash-prefix>".
type MagicLinkData struct {
	Key, Name, Email, Link string
	Expires                time.Time
}

type magicLinkView struct {
	layout
	Name, Link, Validity string
}

// MagicLink composes « Votre lien de connexion ». The message is sensitive:
// its payload is wiped from the outbox once sent.
func (c *Composer) MagicLink(d MagicLinkData) (models.Envelope, error) {
	if err := checkRecipient(d.Key, d.Email); err != nil {
		return models.Envelope{}, err
	}
	minutes := 15
	if !d.Expires.IsZero() {
		minutes = max(1, int(d.Expires.Sub(c.cfg.Now()).Round(time.Minute)/time.Minute))
	}
	v := &magicLinkView{
		layout: layout{
			Preheader: "Votre lien pour vous connecter, valable " + minutesText(minutes) + ".",
			Why:       "Vous recevez ce message parce qu’une connexion a été demandée avec votre adresse électronique.",
		},
		Name: d.Name, Link: c.link(d.Link), Validity: minutesText(minutes),
	}
	r, err := c.render(KindMagicLink, v)
	if err != nil {
		return models.Envelope{}, err
	}
	m := c.newMessage(d.Key, Address{Name: d.Name, Email: d.Email}, r)
	if !d.Expires.IsZero() {
		notAfter := d.Expires.UTC()
		m.NotAfter = &notAfter
	}
	return envelope(KindMagicLink, d.Key, true, m)
}

func minutesText(n int) string {
	if n == 1 {
		return "1 minute"
	}
	return fmt.Sprintf("%d minutes", n)
}

// WelcomeData announces a new account, with a first sign-in link.
type WelcomeData struct {
	Key, Name, Email string
	Role             models.Role
	Link             string
	Expires          time.Time
	InvitedBy        string
}

type welcomeView struct {
	layout
	Name, RoleLabel, RoleDuties, Link, Expires, InvitedBy, LoginURL string
}

// Welcome composes the message sent when an administrator opens an account.
// It holds a sign-in link, so it is sensitive.
func (c *Composer) Welcome(d WelcomeData) (models.Envelope, error) {
	if err := checkRecipient(d.Key, d.Email); err != nil {
		return models.Envelope{}, err
	}
	if !d.Role.Valid() {
		return models.Envelope{}, fmt.Errorf("mailer: welcome: unknown role %q", d.Role)
	}
	loc, err := frtime.LoadZone(staffZone)
	if err != nil {
		return models.Envelope{}, err
	}
	expires := d.Expires
	if expires.IsZero() {
		expires = c.cfg.Now().Add(15 * time.Minute)
	}
	e := expires.In(loc)
	v := &welcomeView{
		layout: layout{
			Preheader: "Votre compte est prêt : voici votre lien de première connexion.",
			Why:       "Vous recevez ce message parce qu’un compte a été créé pour vous sur l’outil de réservation des séances.",
		},
		Name: d.Name, RoleLabel: d.Role.Label(), RoleDuties: roleDuties(d.Role), Link: c.link(d.Link),
		Expires:   fmt.Sprintf("%s à %s (%s)", frtime.Date(e), frtime.Clock(e), frtime.ZoneLabel(staffZone)),
		InvitedBy: d.InvitedBy, LoginURL: c.link("/connexion"),
	}
	r, err := c.render(KindWelcome, v)
	if err != nil {
		return models.Envelope{}, err
	}
	m := c.newMessage(d.Key, Address{Name: d.Name, Email: d.Email}, r)
	notAfter := expires.UTC()
	m.NotAfter = &notAfter
	return envelope(KindWelcome, d.Key, true, m)
}

func roleDuties(r models.Role) string {
	switch r {
	case models.RoleAdmin:
		return "gérer les saisons, les CLSM et les comptes, examiner les demandes de séance et valider la planification"
	case models.RoleCoordinator:
		return "déposer les demandes de séance de votre CLSM, confirmer les dates proposées, inviter vos partenaires et suivre les inscriptions"
	case models.RoleFacilitator:
		return "indiquer vos disponibilités, suivre les séances que vous animez, noter les présences et en faire le bilan"
	}
	return "suivre les séances"
}
