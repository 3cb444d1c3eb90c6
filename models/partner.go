package models

import (
	"context"
	"errors"
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

// InvitePartner invites an organisation of the session's CLSM to a
// scheduled session: an existing one of the address book (orgID > 0), or a
// new one recorded from in. Inviting the same organisation twice returns
// the existing invitation. The sign-up link's email is queued in the same
// transaction (the partners issue fills this in).
func (s *Store) InvitePartner(ctx context.Context, actorID, sessionID, orgID int64, in OrganisationInput) (SessionPartner, error) {
	var p SessionPartner
	if orgID == 0 {
		var f map[string]string
		if in, f = in.Problems(true); len(f) > 0 {
			return p, &ValidationError{Fields: f}
		}
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		now := s.Now()
		var sess Session
		if err := tx.Where("id = ?", sessionID).Take(&sess).Error; err != nil {
			return notFound(err, "séance")
		}
		if sess.State != SessionScheduled {
			return &ConflictError{Message: "On ne peut inviter des structures qu’à une séance confirmée."}
		}
		var clsmID int64
		if err := tx.Model(&Request{}).Where("id = ?", sess.RequestID).Pluck("clsm_id", &clsmID).Error; err != nil {
			return err
		}
		var org Organisation
		if orgID > 0 {
			if err := tx.Where("id = ? AND clsm_id = ?", orgID, clsmID).Take(&org).Error; err != nil {
				return notFound(err, "structure partenaire")
			}
		} else {
			var err error
			org, err = createOrganisation(tx, actorID, Organisation{CLSMID: clsmID, Name: in.Name, Kind: in.Kind,
				ContactName: in.ContactName, ContactEmail: in.ContactEmail}, now)
			if err != nil {
				return err
			}
		}
		err := tx.Where("session_id = ? AND organisation_id = ?", sessionID, org.ID).Take(&p).Error
		if err == nil {
			return nil
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		p = SessionPartner{SessionID: sessionID, OrganisationID: org.ID, CreatedBy: &actorID, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&p).Error; err != nil {
			return err
		}
		return audit(tx, &actorID, "session", sessionID, "partner", "structure invitée : "+org.Name, now)
	})
	return p, err
}
