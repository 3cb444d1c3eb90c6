package models

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// OrgKind is the kind of a partner organisation, from a fixed list (the
// season report counts participants by kind).
type OrgKind string

// The kinds of partner organisation.
const (
	OrgAssociation   OrgKind = "association"
	OrgSchool        OrgKind = "school"
	OrgLandlord      OrgKind = "landlord"
	OrgYouthJob      OrgKind = "youth_job"
	OrgPublicService OrgKind = "public_service"
	OrgHealth        OrgKind = "health"
	OrgResidents     OrgKind = "residents"
	OrgElected       OrgKind = "elected"
	OrgOther         OrgKind = "other"
)

// OrgKinds lists the kinds in the order forms offer them.
var OrgKinds = []OrgKind{OrgAssociation, OrgSchool, OrgLandlord, OrgYouthJob, OrgPublicService, OrgHealth, OrgResidents, OrgElected, OrgOther}

// Label is the kind in French.
func (k OrgKind) Label() string {
	switch k {
	case OrgAssociation:
		return "association"
	case OrgSchool:
		return "établissement scolaire"
	case OrgLandlord:
		return "bailleur social"
	case OrgYouthJob:
		return "mission locale"
	case OrgPublicService:
		return "service public"
	case OrgHealth:
		return "santé, médico-social"
	case OrgResidents:
		return "collectif d’habitant·es"
	case OrgElected:
		return "élu·es, collectivité"
	case OrgOther:
		return "autre"
	}
	return string(k)
}

// Valid says whether k is one of OrgKinds.
func (k OrgKind) Valid() bool {
	for _, v := range OrgKinds {
		if v == k {
			return true
		}
	}
	return false
}

// Organisation is a partner organisation of a CLSM: an association, a
// school, a social landlord… The CLSM's organisations are its address book
// of partners; each is invited to sessions (SessionPartner), and its
// contact signs people up through the invitation's secret link.
type Organisation struct {
	ID           int64
	CLSMID       int64 `gorm:"column:clsm_id"`
	Name         string
	Kind         OrgKind
	ContactName  string
	ContactEmail string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// OrganisationInput is what a coordinator types about an organisation.
type OrganisationInput struct {
	Name, ContactName, ContactEmail string
	Kind                            OrgKind
}

// Problems checks the input (field → French message: "name", "kind",
// "contact_name", "contact_email") and returns it cleaned; requireContact
// asks for the contact's email, which an invitation needs.
func (in OrganisationInput) Problems(requireContact bool) (OrganisationInput, map[string]string) {
	in.Name = strings.TrimSpace(in.Name)
	in.ContactName = strings.TrimSpace(in.ContactName)
	in.ContactEmail = strings.TrimSpace(in.ContactEmail)
	f := map[string]string{}
	if in.Name == "" {
		f["name"] = "Saisissez le nom de la structure."
	}
	checkLine(f, "name", in.Name, MaxTitle)
	checkLine(f, "contact_name", in.ContactName, MaxLine)
	if !in.Kind.Valid() {
		f["kind"] = "Choisissez le type de structure dans la liste."
	}
	switch {
	case in.ContactEmail != "":
		email, err := NormalizeEmail(in.ContactEmail)
		if err != nil {
			f["contact_email"] = "Saisissez une adresse électronique valide, par exemple contact@structure.fr."
		}
		in.ContactEmail = email
	case requireContact:
		f["contact_email"] = "Saisissez l’adresse électronique du contact : le lien d’inscription lui est envoyé."
	}
	return in, f
}

// CreateOrganisation records a partner organisation of a CLSM.
func (s *Store) CreateOrganisation(ctx context.Context, actorID, clsmID int64, in OrganisationInput) (Organisation, error) {
	in, f := in.Problems(false)
	o := Organisation{CLSMID: clsmID, Name: in.Name, Kind: in.Kind, ContactName: in.ContactName, ContactEmail: in.ContactEmail}
	if len(f) > 0 {
		return o, &ValidationError{Fields: f}
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var err error
		o, err = createOrganisation(tx, actorID, o, s.Now())
		return err
	})
	return o, err
}

// createOrganisation writes a checked organisation and its audit line.
func createOrganisation(tx *gorm.DB, actorID int64, o Organisation, now time.Time) (Organisation, error) {
	o.CreatedAt, o.UpdatedAt = now, now
	if err := tx.Create(&o).Error; err != nil {
		return o, err
	}
	return o, audit(tx, &actorID, "clsm", o.CLSMID, "partner", "structure partenaire ajoutée : "+o.Name, now)
}

// OrganisationsOf lists a CLSM's partner organisations.
func (s *Store) OrganisationsOf(ctx context.Context, clsmID int64) ([]Organisation, error) {
	out, err := scanOrganisations(s.organisationsOfQuery(ctx, clsmID))
	if err != nil {
		return nil, fmt.Errorf("organisations of CLSM %d: %w", clsmID, err)
	}
	return out, nil
}

// organisationsOfQuery is the statement of OrganisationsOf.
func (s *Store) organisationsOfQuery(ctx context.Context, clsmID int64) *gorm.DB {
	return s.q(ctx).Table("organisations").
		Select("id, clsm_id, name, kind, contact_name, contact_email, created_at, updated_at").
		Where("clsm_id = ?", clsmID).Order("name")
}

// scanOrganisations runs q (organisationsOfQuery's columns, in their
// order) and scans its rows by hand, without gorm's reflection per row.
// An organisation older than the column has no updated_at: zero, as gorm
// left it.
func scanOrganisations(q *gorm.DB) ([]Organisation, error) {
	return scanRows(q, func(rows *sql.Rows, o *Organisation) error {
		var kind string
		var updated sql.NullTime
		err := rows.Scan(&o.ID, &o.CLSMID, &o.Name, &kind, &o.ContactName, &o.ContactEmail, &o.CreatedAt, &updated)
		o.Kind, o.UpdatedAt = OrgKind(kind), updated.Time
		return err
	})
}

// OrganisationOf loads organisation id of CLSM clsmID; one of another
// CLSM is not found.
func (s *Store) OrganisationOf(ctx context.Context, clsmID, id int64) (Organisation, error) {
	var o Organisation
	err := s.q(ctx).Where("id = ? AND clsm_id = ?", id, clsmID).Take(&o).Error
	return o, notFound(err, "structure partenaire")
}

// UpdateOrganisation changes the name, kind and contact of organisation id
// of CLSM clsmID (the address book). The links already sent stay valid;
// the next message goes to the new contact.
func (s *Store) UpdateOrganisation(ctx context.Context, actorID, clsmID, id int64, in OrganisationInput) (Organisation, error) {
	in, f := in.Problems(false)
	o := Organisation{ID: id, CLSMID: clsmID, Name: in.Name, Kind: in.Kind, ContactName: in.ContactName, ContactEmail: in.ContactEmail}
	if len(f) > 0 {
		return o, &ValidationError{Fields: f}
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var old Organisation
		if err := tx.Where("id = ? AND clsm_id = ?", id, clsmID).Take(&old).Error; err != nil {
			return notFound(err, "structure partenaire")
		}
		if old.ContactEmail != "" && o.ContactEmail == "" {
			var invited int64
			if err := tx.Model(&SessionPartner{}).Where("organisation_id = ?", id).Count(&invited).Error; err != nil {
				return err
			}
			if invited > 0 {
				return &ValidationError{Fields: map[string]string{"contact_email": "Cette structure est invitée à une séance : gardez l’adresse électronique de son contact, ou remplacez-la."}}
			}
		}
		now := s.Now()
		o.CreatedAt, o.UpdatedAt = old.CreatedAt, now
		if err := tx.Model(&Organisation{}).Where("id = ?", id).Updates(map[string]any{
			"name": o.Name, "kind": o.Kind, "contact_name": o.ContactName, "contact_email": o.ContactEmail, "updated_at": now,
		}).Error; err != nil {
			return err
		}
		return audit(tx, &actorID, "clsm", clsmID, "partner", "structure partenaire modifiée : "+o.Name, now)
	})
	return o, err
}

// OrganisationRow is an organisation of the address book with its CLSM's
// name and how many sessions invited it.
type OrganisationRow struct {
	Organisation
	CLSMName string `gorm:"column:clsm_name"`
	Invited  int
}

// OrganisationsOfCoordinator lists the organisations of every CLSM of
// coordinator coordID, by CLSM and name, in one statement.
func (s *Store) OrganisationsOfCoordinator(ctx context.Context, coordID int64) ([]OrganisationRow, error) {
	var out []OrganisationRow
	err := s.q(ctx).Raw(`SELECT o.*, c.name AS clsm_name,
			(SELECT COUNT(*) FROM session_partners p WHERE p.organisation_id = o.id) AS invited
		FROM organisations o JOIN clsms c ON c.id = o.clsm_id
		WHERE c.coordinator_id = ? ORDER BY c.name, c.id, o.name, o.id`, coordID).Scan(&out).Error
	return out, err
}

// OrganisationOfCoordinator loads organisation id if it belongs to one of
// coordinator coordID's CLSMs; any other is not found.
func (s *Store) OrganisationOfCoordinator(ctx context.Context, coordID, id int64) (Organisation, error) {
	var o Organisation
	err := s.q(ctx).Where("id = ? AND clsm_id IN (SELECT id FROM clsms WHERE coordinator_id = ?)", id, coordID).Take(&o).Error
	return o, notFound(err, "structure partenaire")
}
