package models

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Organisation is a partner organisation of a CLSM: an association, a
// school, a social landlord… Its contact signs people up to sessions.
type Organisation struct {
	ID           int64
	CLSMID       int64 `gorm:"column:clsm_id"`
	Name         string
	Kind         string
	ContactEmail string
	CreatedAt    time.Time
}

// CreateOrganisation records a partner organisation of a CLSM.
func (s *Store) CreateOrganisation(ctx context.Context, actorID, clsmID int64, name, kind, contact string) (Organisation, error) {
	o := Organisation{CLSMID: clsmID, Name: strings.TrimSpace(name), Kind: strings.TrimSpace(kind)}
	f := map[string]string{}
	if o.Name == "" {
		f["name"] = "Saisissez le nom de la structure."
	}
	checkLine(f, "name", o.Name, MaxTitle)
	checkLine(f, "kind", o.Kind, MaxLine)
	if contact != "" {
		email, err := NormalizeEmail(contact)
		if err != nil {
			f["contact_email"] = "Saisissez une adresse électronique valide."
		}
		o.ContactEmail = email
	}
	if len(f) > 0 {
		return o, &ValidationError{Fields: f}
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		o.CreatedAt = s.Now()
		if err := tx.Create(&o).Error; err != nil {
			return err
		}
		return audit(tx, &actorID, "clsm", clsmID, "partner", "structure partenaire ajoutée : "+o.Name, o.CreatedAt)
	})
	return o, err
}

// OrganisationsOf lists a CLSM's partner organisations.
func (s *Store) OrganisationsOf(ctx context.Context, clsmID int64) ([]Organisation, error) {
	var out []Organisation
	return out, s.q(ctx).Where("clsm_id = ?", clsmID).Order("name").Find(&out).Error
}
