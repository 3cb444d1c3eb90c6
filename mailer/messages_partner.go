package mailer

import (
	"fmt"

	"quartier/frtime"
	"quartier/models"
)

// PartnerLinkData mails a partner organisation's contact its secret
// sign-up link for one session: who invites (InvitedBy, of CLSMName), the
// session (its contact is the coordinator), how many people the
// organisation may register (OrgCap) out of Capacity, and the link. Why
// is models.LinkFirst, LinkResent or LinkReissued.
type PartnerLinkData struct {
	Key, Name, Email  string
	OrgName, CLSMName string
	InvitedBy         string
	Session           SessionInfo
	OrgCap, Capacity  int
	Link              string
	Why               models.LinkSend
}

type partnerLinkView struct {
	layout
	S                       sessionView
	Name, OrgName, CLSMName string
	InvitedBy, Link         string
	OrgCap, Capacity        int
	Resent, Reissued        bool
}

// PartnerLink composes « Inscrivez vos participant·es » with the sign-up
// link of an invited organisation. The link is shown again on the
// coordinator's page, so the message is not sensitive.
func (c *Composer) PartnerLink(d PartnerLinkData) (models.Envelope, error) {
	if err := checkRecipient(d.Key, d.Email); err != nil {
		return models.Envelope{}, err
	}
	s := d.Session
	loc, err := frtime.LoadZone(s.Zone)
	if err != nil || s.Zone == "" || s.Zone == "Local" || !s.End.After(s.Start) {
		return models.Envelope{}, fmt.Errorf("mailer: partner link: needs a slot in an IANA zone (%q)", s.Zone)
	}
	if d.Link == "" || d.OrgCap <= 0 {
		return models.Envelope{}, fmt.Errorf("mailer: partner link: needs a link and a cap per organisation")
	}
	switch d.Why {
	case models.LinkFirst, models.LinkResent, models.LinkReissued:
	default:
		return models.Envelope{}, fmt.Errorf("mailer: partner link: unknown reason %q", d.Why)
	}
	sv := c.sessionView(s, loc)
	v := &partnerLinkView{
		layout: layout{
			Why: frenchTypography(fmt.Sprintf("Vous recevez ce message parce que %s vous a indiqué·e comme contact de « %s » pour cette séance.",
				d.InvitedBy, d.OrgName)),
			ReplyLine: frenchTypography("Une question sur la séance ? Répondez à ce message : votre réponse arrive à " + d.InvitedBy + ", qui la co-organise."),
		},
		S: sv, Name: d.Name, OrgName: frenchTypography(d.OrgName), CLSMName: d.CLSMName, InvitedBy: d.InvitedBy,
		Link: c.link(d.Link), OrgCap: d.OrgCap, Capacity: d.Capacity,
		Resent: d.Why == models.LinkResent, Reissued: d.Why == models.LinkReissued,
	}
	r, err := c.render(KindPartnerLink, v)
	if err != nil {
		return models.Envelope{}, err
	}
	m := c.newMessage(d.Key, Address{Name: d.Name, Email: d.Email}, r)
	if s.ContactEmail != "" {
		m.ReplyTo = &Address{Name: s.ContactName, Email: s.ContactEmail}
	}
	return envelope(KindPartnerLink, d.Key, false, m)
}

// partnerLink composes the message of a models.PartnerLinkNotice: one per
// send (its number is in the dedup key), under the link's version.
func (c *Composer) partnerLink(n *models.PartnerLinkNotice) (models.Envelope, error) {
	info := sessionInfoOf(n.Session, n.CLSM, n.By)
	info.AccessNote = stepFreeNote(n.Session.StepFree)
	return c.PartnerLink(PartnerLinkData{
		Key:  fmt.Sprintf("partner-link:%d:%d:%d", n.Partner.ID, n.Partner.LinkVersion, n.Send),
		Name: n.Organisation.ContactName, Email: n.Organisation.ContactEmail,
		OrgName: n.Organisation.Name, CLSMName: n.CLSM.Name, InvitedBy: n.By.Name, Session: info,
		OrgCap: n.Session.OrgCap, Capacity: n.Session.Capacity,
		Link: c.links.SignupURL(n.Partner.ID, n.Partner.LinkVersion), Why: n.Why,
	})
}

// stepFreeNote says in a sentence whether the room is step-free.
func stepFreeNote(s models.StepFree) string {
	switch s {
	case models.StepFreeYes:
		return "Salle accessible de plain-pied."
	case models.StepFreeNo:
		return "Salle non accessible de plain-pied : signalez-le aux personnes que vous inscrivez, et précisez leurs besoins dans le formulaire."
	}
	return "Accessibilité de la salle à confirmer auprès de la coordination du CLSM."
}
