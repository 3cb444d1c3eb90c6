package models

import (
	"strings"
	"time"
)

// RegistrationState is where a registration stands.
type RegistrationState string

// The states of a registration.
const (
	// Confirmed holds a place in the session.
	RegistrationConfirmed RegistrationState = "confirmed"
	// Waiting is on the session's waiting list (promoted in id order).
	RegistrationWaiting RegistrationState = "waiting"
	// Cancelled by the person, their partner contact or the coordinator.
	RegistrationCancelled RegistrationState = "cancelled"
)

// Category is the kind of participant, as the season report counts them.
type Category string

// The categories of participant (form values are the constants' strings).
const (
	CategoryResident     Category = "habitant"
	CategoryElected      Category = "elu"
	CategoryProfessional Category = "professionnel"
	CategoryVolunteer    Category = "benevole"
)

// Categories lists the categories in the order forms offer them.
var Categories = []Category{CategoryResident, CategoryElected, CategoryProfessional, CategoryVolunteer}

// Label is the category in French, inclusive writing.
func (c Category) Label() string {
	switch c {
	case CategoryResident:
		return "habitant·e"
	case CategoryElected:
		return "élu·e"
	case CategoryProfessional:
		return "professionnel·le"
	case CategoryVolunteer:
		return "bénévole"
	}
	return string(c)
}

// Valid says whether c is one of Categories.
func (c Category) Valid() bool {
	for _, v := range Categories {
		if v == c {
			return true
		}
	}
	return false
}

// Accommodation is one of the fixed accessibility choices a person may
// ask for. There is no free-text condition: no health data is collected.
type Accommodation string

// The accommodations offered (form values are the constants' strings).
const (
	AccStepFree   Accommodation = "step_free"
	AccHearing    Accommodation = "hearing"
	AccLargePrint Accommodation = "large_print"
	AccContactMe  Accommodation = "contact_me"
)

// Accommodations lists the choices in the order forms offer them.
var Accommodations = []Accommodation{AccStepFree, AccHearing, AccLargePrint, AccContactMe}

// Label is the choice in French.
func (a Accommodation) Label() string {
	switch a {
	case AccStepFree:
		return "accès de plain-pied (fauteuil roulant, mobilité réduite)"
	case AccHearing:
		return "boucle magnétique ou interprète en langue des signes"
	case AccLargePrint:
		return "documents en gros caractères"
	case AccContactMe:
		return "être contacté·e avant la séance pour en parler"
	}
	return string(a)
}

// Registration is one person signed up to a session by a partner
// (PartnerID). Their cancel link is links.CancelURL(ID, CancelVersion).
type Registration struct {
	ID             int64
	SessionID      int64
	PartnerID      int64
	FirstName      string
	LastName       string
	Email          string
	Category       Category
	Role           string
	Accommodations string // comma list of Accommodation codes
	State          RegistrationState
	CancelVersion  int
	ConfirmedAt    *time.Time
	PromotedAt     *time.Time
	CancelledAt    *time.Time
	// CancelledBy says who cancelled: "participant", "partner",
	// "coordinator", "session".
	CancelledBy string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// TableName is the table of registrations.
func (Registration) TableName() string { return "registrations" }

// Needs is the registration's accommodations.
func (r Registration) Needs() []Accommodation {
	var out []Accommodation
	for _, c := range strings.Split(r.Accommodations, ",") {
		if c != "" {
			out = append(out, Accommodation(c))
		}
	}
	return out
}

// ShortName is how the partner's page lists a person: first name and the
// initial of the last name (« Amina B. »).
func (r Registration) ShortName() string {
	last := []rune(strings.TrimSpace(r.LastName))
	if len(last) == 0 {
		return r.FirstName
	}
	return r.FirstName + " " + strings.ToUpper(string(last[0])) + "."
}
