package models

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// SignupView is what a partner's sign-up page shows: the session, the
// organisation, its people (live registrations, the oldest first, each
// with its rank when waiting) and the session's counts.
type SignupView struct {
	Partner      SessionPartner
	Organisation Organisation
	Session      Session
	CLSMName     string `gorm:"column:clsm_name"`
	People       []RankedRegistration
	Confirmed    int
	Waiting      int
}

// RankedRegistration is a registration with its waiting-list rank (0 when
// it holds a place).
type RankedRegistration struct {
	Registration
	Rank int
}

// PlacesLeft is how many people can still be confirmed at once.
func (v SignupView) PlacesLeft() int {
	if v.Waiting > 0 {
		return 0
	}
	return max(0, v.Session.Capacity-v.Confirmed)
}

// MineLeft is how many more people the organisation may register.
func (v SignupView) MineLeft() int { return max(0, v.Session.OrgCap-len(v.People)) }

// SignupPageOf loads the sign-up page of partner partnerID; a revoked or
// unknown partner is ErrLinkRevoked.
func (s *Store) SignupPageOf(ctx context.Context, partnerID int64) (SignupView, error) {
	var v SignupView
	db := s.q(ctx)
	if err := db.Take(&v.Partner, partnerID).Error; err != nil || v.Partner.RevokedAt != nil {
		if err == nil || isNotFound(err) {
			return v, ErrLinkRevoked
		}
		return v, err
	}
	if err := db.Take(&v.Organisation, v.Partner.OrganisationID).Error; err != nil {
		return v, fmt.Errorf("load organisation %d: %w", v.Partner.OrganisationID, err)
	}
	if err := db.Take(&v.Session, v.Partner.SessionID).Error; err != nil {
		return v, notFound(err, "séance")
	}
	if err := db.Table("requests r").Joins("JOIN clsms c ON c.id = r.clsm_id").Where("r.id = ?", v.Session.RequestID).
		Pluck("c.name", &v.CLSMName).Error; err != nil {
		return v, err
	}
	all, err := liveRegistrations(db, v.Session.ID)
	if err != nil {
		return v, err
	}
	for _, r := range all {
		if r.State == RegistrationConfirmed {
			v.Confirmed++
		} else {
			v.Waiting++
		}
		if r.PartnerID == partnerID {
			v.People = append(v.People, r)
		}
	}
	return v, nil
}

// liveRegistrations lists a session's confirmed and waiting people in
// order of registration, the waiting ones ranked.
func liveRegistrations(db *gorm.DB, sessionID int64) ([]RankedRegistration, error) {
	var regs []Registration
	if err := db.Where("session_id = ? AND state <> ?", sessionID, RegistrationCancelled).Order("id").Find(&regs).Error; err != nil {
		return nil, fmt.Errorf("registrations of session %d: %w", sessionID, err)
	}
	out := make([]RankedRegistration, len(regs))
	rank := 0
	for i, r := range regs {
		out[i].Registration = r
		if r.State == RegistrationWaiting {
			rank++
			out[i].Rank = rank
		}
	}
	return out, nil
}

// CancelLinkVersion is the current version of a registration's cancel
// link, for links.Verify; an unknown registration is ErrLinkRevoked.
func (s *Store) CancelLinkVersion(ctx context.Context, registrationID int64) (int, error) {
	var r Registration
	err := s.q(ctx).Select("id", "cancel_version").Take(&r, registrationID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, ErrLinkRevoked
	}
	return r.CancelVersion, err
}

// CancelView is what the page behind a participant's cancel link shows.
type CancelView struct {
	Registration Registration
	Session      Session
	CLSMName     string
	Organisation string
	Rank         int
}

// CancelPageOf loads the page of a participant's cancel link.
func (s *Store) CancelPageOf(ctx context.Context, registrationID int64) (CancelView, error) {
	var v CancelView
	db := s.q(ctx)
	if err := db.Take(&v.Registration, registrationID).Error; err != nil {
		return v, notFound(err, "inscription")
	}
	if err := db.Take(&v.Session, v.Registration.SessionID).Error; err != nil {
		return v, notFound(err, "séance")
	}
	if err := db.Table("requests r").Joins("JOIN clsms c ON c.id = r.clsm_id").Where("r.id = ?", v.Session.RequestID).
		Pluck("c.name", &v.CLSMName).Error; err != nil {
		return v, err
	}
	if err := db.Table("session_partners p").Joins("JOIN organisations o ON o.id = p.organisation_id").
		Where("p.id = ?", v.Registration.PartnerID).Pluck("o.name", &v.Organisation).Error; err != nil {
		return v, err
	}
	if v.Registration.State == RegistrationWaiting {
		var n int64
		if err := db.Model(&Registration{}).Where("session_id = ? AND state = ? AND id <= ?", v.Session.ID, RegistrationWaiting, registrationID).
			Count(&n).Error; err != nil {
			return v, err
		}
		v.Rank = int(n)
	}
	return v, nil
}

// SessionSignupsView is the coordinator's list of a session's
// participants: counts, people grouped by organisation, the waiting list
// in order.
type SessionSignupsView struct {
	Session       Session
	Confirmed     int
	Waiting       []RankedRegistration
	Organisations []OrganisationSignups
}

// OrganisationSignups is one invited organisation and its live people.
type OrganisationSignups struct {
	PartnerID    int64
	Organisation Organisation
	Revoked      bool
	People       []RankedRegistration
}

// SessionSignups loads the participants of session se, for the
// coordinator of its CLSM (the caller authorised the request).
func (s *Store) SessionSignups(ctx context.Context, se Session) (SessionSignupsView, error) {
	v := SessionSignupsView{Session: se}
	db := s.q(ctx)
	var partners []SessionPartner
	if err := db.Where("session_id = ?", se.ID).Order("id").Find(&partners).Error; err != nil {
		return v, err
	}
	orgIDs := make([]int64, len(partners))
	for i, p := range partners {
		orgIDs[i] = p.OrganisationID
	}
	orgs := map[int64]Organisation{}
	if len(orgIDs) > 0 {
		var list []Organisation
		if err := db.Where("id IN ?", orgIDs).Find(&list).Error; err != nil {
			return v, err
		}
		for _, o := range list {
			orgs[o.ID] = o
		}
	}
	index := map[int64]int{}
	for _, p := range partners {
		index[p.ID] = len(v.Organisations)
		v.Organisations = append(v.Organisations, OrganisationSignups{PartnerID: p.ID, Organisation: orgs[p.OrganisationID], Revoked: p.RevokedAt != nil})
	}
	all, err := liveRegistrations(db, se.ID)
	if err != nil {
		return v, err
	}
	for _, r := range all {
		if r.State == RegistrationConfirmed {
			v.Confirmed++
		} else {
			v.Waiting = append(v.Waiting, r)
		}
		if i, ok := index[r.PartnerID]; ok {
			v.Organisations[i].People = append(v.Organisations[i].People, r)
		}
	}
	return v, nil
}

// RegistrationOfSession loads registration id if it belongs to session
// sessionID (any other is not found).
func (s *Store) RegistrationOfSession(ctx context.Context, sessionID, id int64) (Registration, error) {
	var r Registration
	err := s.q(ctx).Where("id = ? AND session_id = ?", id, sessionID).Take(&r).Error
	return r, notFound(err, "inscription")
}

// ForEachRegistrationState calls fn with the number of registrations in
// each state (for the demo's checks and reports).
func (s *Store) ForEachRegistrationState(ctx context.Context, fn func(RegistrationState, int64)) error {
	var rows []struct {
		State RegistrationState
		N     int64
	}
	if err := s.q(ctx).Model(&Registration{}).Select("state, COUNT(*) AS n").Group("state").Scan(&rows).Error; err != nil {
		return err
	}
	for _, r := range rows {
		fn(r.State, r.N)
	}
	return nil
}
