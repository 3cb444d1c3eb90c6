package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// SessionPartner is a partner organisation invited to one session. Its
// secret sign-up link is links.SignupURL(ID, LinkVersion): bumping
// LinkVersion issues a new link and revokes the old one; RevokedAt set
// means no link of it works until a new one is issued.
type SessionPartner struct {
	ID             int64
	SessionID      int64
	OrganisationID int64
	LinkVersion    int
	RevokedAt      *time.Time
	LinkSentAt     *time.Time
	CreatedBy      *int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// TableName is the table of invited partners.
func (SessionPartner) TableName() string { return "session_partners" }

// Revoked says whether no link of the partner works.
func (p SessionPartner) Revoked() bool { return p.RevokedAt != nil }

// ErrLinkRevoked says a sign-up link's partner exists but its link was
// revoked (or an unknown partner id): handlers answer it as an unknown link.
var ErrLinkRevoked = errors.New("models: sign-up link revoked or unknown")

// SignupLinkVersion is the current version of a partner's sign-up link,
// for links.Verify; an unknown partner or a revoked link is ErrLinkRevoked.
func (s *Store) SignupLinkVersion(ctx context.Context, partnerID int64) (int, error) {
	var p SessionPartner
	err := s.q(ctx).Select("id", "link_version", "revoked_at").Where("id = ?", partnerID).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && p.RevokedAt != nil) {
		return 0, ErrLinkRevoked
	}
	return p.LinkVersion, err
}

// MaxPicks bounds how many organisations of the address book one
// invitation picks at once.
const MaxPicks = 100

// InvitePartner invites an organisation of the session's CLSM to a
// scheduled session: an existing one of the address book (orgID > 0), or a
// new one recorded from in (or the address book's entry of the same name
// and contact email). The organisation's contact is mailed the sign-up
// link in the same transaction. Inviting the same organisation twice
// returns the existing invitation and sends nothing.
func (s *Store) InvitePartner(ctx context.Context, actorID, sessionID, orgID int64, in OrganisationInput) (SessionPartner, error) {
	var p SessionPartner
	if orgID == 0 {
		var f map[string]string
		if in, f = in.Problems(true); len(f) > 0 {
			return p, &ValidationError{Fields: f}
		}
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		inv, err := s.loadInvitation(tx, actorID, sessionID)
		if err != nil {
			return err
		}
		p, err = s.invitePartner(tx, inv, orgID, in)
		return err
	})
	return p, err
}

// InvitePartners invites several organisations of the address book to a
// scheduled session at once, all or none: each contact is mailed its link.
// Organisations already invited are left as they are.
func (s *Store) InvitePartners(ctx context.Context, actorID, sessionID int64, orgIDs []int64) ([]SessionPartner, error) {
	if len(orgIDs) == 0 {
		return nil, &ValidationError{Fields: map[string]string{"orgs": "Cochez au moins une structure à inviter."}}
	}
	if len(orgIDs) > MaxPicks {
		return nil, &ValidationError{Fields: map[string]string{"orgs": TooManyMessage(MaxPicks, len(orgIDs))}}
	}
	var out []SessionPartner
	err := s.tx(ctx, func(tx *gorm.DB) error {
		inv, err := s.loadInvitation(tx, actorID, sessionID)
		if err != nil {
			return err
		}
		for _, id := range orgIDs {
			if id <= 0 {
				return &NotFoundError{What: "structure partenaire"}
			}
			p, err := s.invitePartner(tx, inv, id, OrganisationInput{})
			if err != nil {
				return err
			}
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// invitation is what every message of an invited partner needs: the
// session, its request and CLSM, and who sends it.
type invitation struct {
	session Session
	request Request
	clsm    CLSM
	by      User
	now     time.Time
}

// loadInvitation loads a scheduled session and its parties for an
// operation on its partners; any other state is a conflict.
func (s *Store) loadInvitation(tx *gorm.DB, actorID, sessionID int64) (invitation, error) {
	inv := invitation{now: s.Now()}
	// Two instances inviting one organisation to the session at once: the
	// second finds the first's invitation instead of adding another.
	if err := s.lockSessions(tx, sessionID); err != nil {
		return inv, fmt.Errorf("lock session %d: %w", sessionID, err)
	}
	if err := tx.Where("id = ?", sessionID).Take(&inv.session).Error; err != nil {
		return inv, notFound(err, "séance")
	}
	if inv.session.State != SessionScheduled {
		return inv, &ConflictError{Message: "Les structures partenaires ne s’invitent qu’à une séance programmée : celle-ci ne l’est pas (ou plus)."}
	}
	if !inv.session.StartsAt.After(inv.now) {
		return inv, &ConflictError{Message: "La séance a commencé : on ne peut plus y inviter de structure ni envoyer de lien d’inscription."}
	}
	if err := tx.Where("id = ?", inv.session.RequestID).Take(&inv.request).Error; err != nil {
		return inv, notFound(err, "demande")
	}
	if err := tx.Where("id = ?", inv.request.CLSMID).Take(&inv.clsm).Error; err != nil {
		return inv, notFound(err, "CLSM")
	}
	if err := tx.Where("id = ?", actorID).Take(&inv.by).Error; err != nil {
		return inv, fmt.Errorf("load user %d: %w", actorID, err)
	}
	return inv, nil
}

// invitePartner invites one organisation (orgID, or a new one from in)
// inside the caller's transaction, and mails its link once.
func (s *Store) invitePartner(tx *gorm.DB, inv invitation, orgID int64, in OrganisationInput) (SessionPartner, error) {
	var p SessionPartner
	var org Organisation
	if orgID > 0 {
		if err := tx.Where("id = ? AND clsm_id = ?", orgID, inv.clsm.ID).Take(&org).Error; err != nil {
			return p, notFound(err, "structure partenaire")
		}
	} else {
		// The same organisation typed again (same name, same contact) is
		// the one of the address book; the same name with another contact
		// is refused rather than recorded twice (and typed on two
		// instances at once, recorded once: lockKey).
		if err := s.lockKey(tx, fmt.Sprintf("organisations:%d", inv.clsm.ID)); err != nil {
			return p, fmt.Errorf("lock address book: %w", err)
		}
		err := tx.Where("clsm_id = ? AND lower(name) = lower(?)", inv.clsm.ID, in.Name).Order("id").Take(&org).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			org, err = createOrganisation(tx, inv.by.ID, Organisation{CLSMID: inv.clsm.ID, Name: in.Name, Kind: in.Kind,
				ContactName: in.ContactName, ContactEmail: in.ContactEmail}, inv.now)
		case err == nil && org.ContactEmail != in.ContactEmail:
			return p, &ValidationError{Fields: map[string]string{"name": "« " + org.Name + " » est déjà dans le carnet d’adresses du CLSM" +
				contactOf(org) + " : invitez-la depuis le carnet, ou modifiez d’abord son contact dans le carnet d’adresses."}}
		}
		if err != nil {
			return p, err
		}
	}
	err := tx.Where("session_id = ? AND organisation_id = ?", inv.session.ID, org.ID).Take(&p).Error
	if err == nil {
		return p, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return p, err
	}
	if org.ContactEmail == "" {
		return p, &ValidationError{Fields: map[string]string{"orgs": "« " + org.Name +
			" » n’a pas d’adresse électronique de contact : complétez-la dans le carnet d’adresses, puis invitez-la."}}
	}
	p = SessionPartner{SessionID: inv.session.ID, OrganisationID: org.ID, CreatedBy: &inv.by.ID, CreatedAt: inv.now, UpdatedAt: inv.now}
	if err := tx.Create(&p).Error; err != nil {
		return p, err
	}
	if err := audit(tx, &inv.by.ID, "session", inv.session.ID, "partner", "structure invitée : "+org.Name, inv.now); err != nil {
		return p, err
	}
	return p, s.sendPartnerLink(tx, inv, &p, org, LinkFirst)
}

// LinkSend says why a partner's link is mailed.
type LinkSend string

// The reasons a partner's link is mailed.
const (
	// LinkFirst: the organisation was just invited.
	LinkFirst LinkSend = "first"
	// LinkResent: the same link again (the contact lost the message).
	LinkResent LinkSend = "resent"
	// LinkReissued: a new link, the former one no longer works.
	LinkReissued LinkSend = "reissued"
)

// sendPartnerLink queues the message with p's current link to its
// organisation's contact, records it in the partner's audit trail and
// sets LinkSentAt. Each send is numbered by the sends before it, so that
// every message has its own dedup key.
func (s *Store) sendPartnerLink(tx *gorm.DB, inv invitation, p *SessionPartner, org Organisation, why LinkSend) error {
	var sent int64
	if err := tx.Model(&AuditEvent{}).Where("object_type = ? AND object_id = ? AND action = ?", "session_partner", p.ID, "link_sent").
		Count(&sent).Error; err != nil {
		return err
	}
	if err := audit(tx, &inv.by.ID, "session_partner", p.ID, "link_sent", partnerSendDetail(why, org), inv.now); err != nil {
		return err
	}
	p.LinkSentAt, p.UpdatedAt = &inv.now, inv.now
	if err := tx.Model(&SessionPartner{}).Where("id = ?", p.ID).
		Updates(map[string]any{"link_sent_at": inv.now, "updated_at": inv.now}).Error; err != nil {
		return err
	}
	if s.mail == nil {
		return nil
	}
	return s.queue(tx, &PartnerLinkNotice{Partner: *p, Organisation: org, Session: inv.session, Request: inv.request,
		CLSM: inv.clsm, By: inv.by, Why: why, Send: int(sent) + 1}, inv.now)
}

func partnerSendDetail(why LinkSend, org Organisation) string {
	switch why {
	case LinkResent:
		return "lien d’inscription renvoyé à " + org.ContactEmail
	case LinkReissued:
		return "nouveau lien d’inscription envoyé à " + org.ContactEmail
	}
	return "lien d’inscription envoyé à " + org.ContactEmail
}

// sessionPartner loads partner partnerID of session sessionID with its
// organisation; a partner of another session is not found.
func sessionPartner(tx *gorm.DB, sessionID, partnerID int64) (SessionPartner, Organisation, error) {
	var p SessionPartner
	var org Organisation
	if err := tx.Where("id = ? AND session_id = ?", partnerID, sessionID).Take(&p).Error; err != nil {
		return p, org, notFound(err, "structure invitée")
	}
	if err := tx.Where("id = ?", p.OrganisationID).Take(&org).Error; err != nil {
		return p, org, notFound(err, "structure partenaire")
	}
	return p, org, nil
}

// ResendPartnerLink mails the same sign-up link again to the contact of
// partner partnerID of session sessionID (a new message each time). A
// revoked link is not resent: issue a new one.
func (s *Store) ResendPartnerLink(ctx context.Context, actorID, sessionID, partnerID int64) (SessionPartner, error) {
	var p SessionPartner
	err := s.tx(ctx, func(tx *gorm.DB) error {
		inv, err := s.loadInvitation(tx, actorID, sessionID)
		if err != nil {
			return err
		}
		var org Organisation
		if p, org, err = sessionPartner(tx, sessionID, partnerID); err != nil {
			return err
		}
		if p.Revoked() {
			return &ConflictError{Message: "Ce lien a été révoqué : il ne peut plus être renvoyé. Créez un nouveau lien pour cette structure."}
		}
		return s.sendPartnerLink(tx, inv, &p, org, LinkResent)
	})
	return p, err
}

// RevokePartnerLink stops partner partnerID's sign-up link at once (the
// people already registered stay). Revoking a revoked link does nothing.
func (s *Store) RevokePartnerLink(ctx context.Context, actorID, sessionID, partnerID int64) (SessionPartner, error) {
	var p SessionPartner
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var org Organisation
		var err error
		if p, org, err = sessionPartner(tx, sessionID, partnerID); err != nil || p.Revoked() {
			return err
		}
		now := s.Now()
		p.RevokedAt, p.UpdatedAt = &now, now
		if err := tx.Model(&SessionPartner{}).Where("id = ?", p.ID).
			Updates(map[string]any{"revoked_at": now, "updated_at": now}).Error; err != nil {
			return err
		}
		return audit(tx, &actorID, "session_partner", p.ID, "link_revoked", "lien d’inscription révoqué : "+org.Name, now)
	})
	return p, err
}

// ReissuePartnerLink gives partner partnerID a new sign-up link (its
// version + 1: every former link stops working, revoked or not) and mails
// it to the organisation's contact.
func (s *Store) ReissuePartnerLink(ctx context.Context, actorID, sessionID, partnerID int64) (SessionPartner, error) {
	var p SessionPartner
	err := s.tx(ctx, func(tx *gorm.DB) error {
		inv, err := s.loadInvitation(tx, actorID, sessionID)
		if err != nil {
			return err
		}
		var org Organisation
		if p, org, err = sessionPartner(tx, sessionID, partnerID); err != nil {
			return err
		}
		p.LinkVersion++
		p.RevokedAt, p.UpdatedAt = nil, inv.now
		if err := tx.Model(&SessionPartner{}).Where("id = ?", p.ID).
			Updates(map[string]any{"link_version": p.LinkVersion, "revoked_at": nil, "updated_at": inv.now}).Error; err != nil {
			return err
		}
		return s.sendPartnerLink(tx, inv, &p, org, LinkReissued)
	})
	return p, err
}

// SessionPartnerOf loads partner partnerID of session sessionID with its
// organisation; a partner of another session is not found.
func (s *Store) SessionPartnerOf(ctx context.Context, sessionID, partnerID int64) (SessionPartner, Organisation, error) {
	return sessionPartner(s.q(ctx), sessionID, partnerID)
}

// contactOf is « (contact : x@y.fr) », or nothing without a contact.
func contactOf(o Organisation) string {
	if o.ContactEmail == "" {
		return ""
	}
	return " (contact : " + o.ContactEmail + ")"
}
