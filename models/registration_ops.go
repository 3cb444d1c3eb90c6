package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Bounds of a session's places (SetSessionLimits).
const (
	MaxCapacity = 500
	MaxOrgCap   = 100
)

// DefaultPromotionCutoff is how long before a session the waiting list
// stops being promoted, when the configuration says nothing
// (signups.promotion_cutoff).
const DefaultPromotionCutoff = 24 * time.Hour

// Who cancelled a registration (Registration.CancelledBy).
const (
	CancelledByParticipant = "participant"
	CancelledByPartner     = "partner"
	CancelledByCoordinator = "coordinator"
	CancelledBySession     = "session"
)

// SignupPolicy is what the configuration says about sign-ups.
type SignupPolicy struct {
	// PromotionCutoff: no promotion from the waiting list closer than this
	// to the session's start.
	PromotionCutoff time.Duration
	// PostsPerLink sign-ups per Window are accepted from one partner's
	// link (0: no limit).
	PostsPerLink int
	Window       time.Duration
}

// UseSignupPolicy sets the sign-up rules of the configuration. Call it
// once, at wiring.
func (s *Store) UseSignupPolicy(p SignupPolicy) { s.signups = p }

// PromotionCutoff is how long before a session promotions stop.
func (s *Store) PromotionCutoff() time.Duration {
	if s.signups.PromotionCutoff <= 0 {
		return DefaultPromotionCutoff
	}
	return s.signups.PromotionCutoff
}

// RegistrationInput is what a partner types about one person.
type RegistrationInput struct {
	FirstName, LastName, Email string
	Category                   Category
	Role                       string
	Accommodations             []string
}

// Problems checks the input (field → French message, keyed by the sign-up
// form's field names: first_name, last_name, email, category, role,
// accommodations) and returns it cleaned.
func (in RegistrationInput) Problems() (RegistrationInput, map[string]string) {
	in.FirstName = strings.TrimSpace(in.FirstName)
	in.LastName = strings.TrimSpace(in.LastName)
	in.Email = strings.TrimSpace(in.Email)
	in.Role = strings.TrimSpace(in.Role)
	f := map[string]string{}
	if in.FirstName == "" {
		f["first_name"] = "Saisissez le prénom de la personne."
	}
	if in.LastName == "" {
		f["last_name"] = "Saisissez le nom de la personne."
	}
	checkLine(f, "first_name", in.FirstName, MaxPersonName)
	checkLine(f, "last_name", in.LastName, MaxPersonName)
	checkLine(f, "role", in.Role, MaxLine)
	if in.Email == "" {
		f["email"] = "Saisissez l’adresse électronique de la personne : son invitation y est envoyée."
	} else if email, err := NormalizeEmail(in.Email); err != nil {
		f["email"] = "Saisissez une adresse électronique valide, par exemple prenom.nom@exemple.fr."
	} else {
		in.Email = email
	}
	if !in.Category.Valid() {
		f["category"] = "Choisissez la catégorie de la personne : habitant·e, élu·e, professionnel·le ou bénévole."
	}
	seen := map[Accommodation]bool{}
	var needs []string
	for _, a := range in.Accommodations {
		acc := Accommodation(strings.TrimSpace(a))
		if !acc.valid() {
			f["accommodations"] = "Choisissez les aménagements dans la liste proposée."
			break
		}
		if !seen[acc] {
			seen[acc] = true
			needs = append(needs, string(acc))
		}
	}
	in.Accommodations = needs
	return in, f
}

// valid says whether a is one of Accommodations.
func (a Accommodation) valid() bool {
	for _, v := range Accommodations {
		if v == a {
			return true
		}
	}
	return false
}

// Signup is the outcome of a registration: the registration and, when it
// is on the waiting list, its rank there (1 is next).
type Signup struct {
	Registration Registration
	Rank         int
}

// ErrSignupRateLimited says a partner's link sent more sign-ups than
// SignupPolicy.PostsPerLink in the window.
var ErrSignupRateLimited = errors.New("models: too many sign-ups from one link")

// Register signs one person up to the session of partner partnerID (an
// invited organisation whose link the caller verified). In one
// transaction: the session must be scheduled and not started; the same
// email may hold one live registration per session; the organisation may
// register at most the session's OrgCap people (confirmed and waiting
// together: the cap is on the people it signs up, so that no organisation
// fills the waiting list either); the person is confirmed while places are
// left and nobody waits, otherwise put on the waiting list. Their
// invitation or waiting-list message is queued in the same transaction.
//
// Concurrent calls are committed together (group commit, see
// signupBatcher): each returns only after the transaction holding its
// registration is durable.
func (s *Store) Register(ctx context.Context, partnerID int64, in RegistrationInput) (Signup, error) {
	in, f := in.Problems()
	if len(f) > 0 {
		return Signup{}, &ValidationError{Fields: f}
	}
	if err := ctx.Err(); err != nil {
		return Signup{}, err
	}
	return s.batcher.submit(s, partnerID, in)
}

// checkOpenForSignup refuses a session that is not scheduled or has begun.
func checkOpenForSignup(se Session, now time.Time) error {
	if se.State != SessionScheduled {
		return &ConflictError{Message: "Les inscriptions à cette séance sont fermées : elle n’est pas (ou plus) programmée."}
	}
	if !now.Before(se.StartsAt) {
		return &ConflictError{Message: "Les inscriptions à cette séance sont closes : elle a déjà commencé."}
	}
	return nil
}

// Canceller is who cancels a registration: the participant through their
// cancel link (Role CancelledByParticipant), the partner through its
// sign-up link (PartnerID), or a coordinator of the session's CLSM or an
// admin (UserID).
type Canceller struct {
	Role      string
	PartnerID int64
	UserID    int64
}

// CancelRegistration cancels a registration, in one transaction: it is
// told to the person (METHOD:CANCEL when they held a place), and when a
// confirmed place frees, the waiting list is promoted (see promote).
// Cancelling a registration already cancelled changes nothing. A partner
// may cancel only its own registrations, a coordinator only those of its
// CLSM's sessions; any other is not found.
func (s *Store) CancelRegistration(ctx context.Context, registrationID int64, by Canceller) (Registration, error) {
	var r Registration
	err := s.tx(ctx, func(tx *gorm.DB) error {
		// A sign-up or another cancellation deciding the same waiting
		// list on another instance goes before or after, not beside.
		if err := s.lockRegistrationSession(tx, registrationID); err != nil {
			return fmt.Errorf("lock session of registration %d: %w", registrationID, err)
		}
		if err := tx.Take(&r, registrationID).Error; err != nil {
			return notFound(err, "inscription")
		}
		var se Session
		if err := tx.Take(&se, r.SessionID).Error; err != nil {
			return notFound(err, "séance")
		}
		switch by.Role {
		case CancelledByParticipant:
		case CancelledByPartner:
			if r.PartnerID != by.PartnerID {
				return &NotFoundError{What: "inscription"}
			}
		case CancelledByCoordinator:
			if err := mayManageSession(tx, by.UserID, se); err != nil {
				return err
			}
		default:
			return fmt.Errorf("cancel registration %d: unknown canceller %q", r.ID, by.Role)
		}
		if r.State == RegistrationCancelled {
			return nil
		}
		now := s.Now()
		was := r.State
		res := tx.Model(&Registration{}).Where("id = ? AND state = ?", r.ID, was).
			Updates(map[string]any{"state": RegistrationCancelled, "cancelled_at": now, "cancelled_by": by.Role, "updated_at": now})
		if res.Error != nil {
			return fmt.Errorf("cancel registration %d: %w", r.ID, res.Error)
		}
		if res.RowsAffected != 1 {
			return &ConflictError{Message: "Cette inscription vient d’être modifiée : rechargez la page."}
		}
		r.State, r.CancelledAt, r.CancelledBy, r.UpdatedAt = RegistrationCancelled, &now, by.Role, now
		cache := newBatchCache()
		if err := s.queueParticipant(tx, cache, ParticipantCancelled, r, se, 0, now); err != nil {
			return err
		}
		if was == RegistrationConfirmed {
			if _, err := s.promote(tx, cache, se, now); err != nil {
				return err
			}
		}
		return nil
	})
	return r, err
}

// mayManageSession says whether user may manage the sign-ups of se: the
// coordinator of its request's CLSM, or an admin; anyone else gets not
// found.
func mayManageSession(tx *gorm.DB, userID int64, se Session) error {
	u, err := activeActor(tx, userID)
	if err != nil {
		return &NotFoundError{What: "séance"}
	}
	if u.Role == RoleAdmin {
		return nil
	}
	if _, err := coordinatorsRequest(tx, userID, se.RequestID); err != nil {
		return &NotFoundError{What: "séance"}
	}
	return nil
}

// promote confirms people from the waiting list, first come first served,
// while places are free, and queues their invitations. Nobody is promoted
// once the session is closer than the promotion cut-off (a freed place
// then stays free: a person told the day before could not arrange to
// come), nor when the session is not scheduled. It returns how many were
// promoted.
func (s *Store) promote(tx *gorm.DB, cache *batchCache, se Session, now time.Time) (int, error) {
	if se.State != SessionScheduled || !now.Before(se.StartsAt.Add(-s.PromotionCutoff())) {
		return 0, nil
	}
	var confirmed int64
	if err := tx.Model(&Registration{}).Where("session_id = ? AND state = ?", se.ID, RegistrationConfirmed).Count(&confirmed).Error; err != nil {
		return 0, err
	}
	free := se.Capacity - int(confirmed)
	if free <= 0 {
		return 0, nil
	}
	var next []Registration
	if err := tx.Where("session_id = ? AND state = ?", se.ID, RegistrationWaiting).Order("id").Limit(free).Find(&next).Error; err != nil {
		return 0, err
	}
	if len(next) == 0 {
		return 0, nil
	}
	ids := make([]int64, len(next))
	for i, r := range next {
		ids[i] = r.ID
	}
	if err := tx.Model(&Registration{}).Where("id IN ? AND state = ?", ids, RegistrationWaiting).
		Updates(map[string]any{"state": RegistrationConfirmed, "confirmed_at": now, "promoted_at": now, "updated_at": now}).Error; err != nil {
		return 0, fmt.Errorf("promote on session %d: %w", se.ID, err)
	}
	for _, r := range next {
		r.State, r.ConfirmedAt, r.PromotedAt, r.UpdatedAt = RegistrationConfirmed, &now, &now, now
		if err := s.queueParticipant(tx, cache, ParticipantPromoted, r, se, 0, now); err != nil {
			return 0, err
		}
	}
	return len(next), nil
}

// SetSessionLimits changes a session's capacity and per-organisation cap
// (the coordinator of its CLSM or an admin), audited. Raising the capacity
// promotes from the waiting list. The capacity cannot go below the number
// of people already confirmed (they have their invitation: cancel some
// first); a cap below what an organisation has already registered keeps
// those people and only refuses further sign-ups from it.
func (s *Store) SetSessionLimits(ctx context.Context, actorID, sessionID int64, capacity, orgCap int) (Session, error) {
	f := map[string]string{}
	if capacity < 1 || capacity > MaxCapacity {
		f["capacity"] = fmt.Sprintf("Indiquez un nombre de places entre 1 et %d.", MaxCapacity)
	}
	if orgCap < 1 || orgCap > MaxOrgCap {
		f["org_cap"] = fmt.Sprintf("Indiquez un maximum par structure entre 1 et %d.", MaxOrgCap)
	}
	if len(f) > 0 {
		return Session{}, &ValidationError{Fields: f}
	}
	var se Session
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.lockSessions(tx, sessionID); err != nil {
			return fmt.Errorf("lock session %d: %w", sessionID, err)
		}
		if err := tx.Take(&se, sessionID).Error; err != nil {
			return notFound(err, "séance")
		}
		if err := mayManageSession(tx, actorID, se); err != nil {
			return err
		}
		if se.State != SessionScheduled && se.State != SessionProposed {
			return &ConflictError{Message: fmt.Sprintf("Cette séance est à l’état « %s » : ses places ne peuvent plus être modifiées.", se.State.Label())}
		}
		if se.Capacity == capacity && se.OrgCap == orgCap {
			return nil
		}
		var confirmed int64
		if err := tx.Model(&Registration{}).Where("session_id = ? AND state = ?", se.ID, RegistrationConfirmed).Count(&confirmed).Error; err != nil {
			return err
		}
		if int64(capacity) < confirmed {
			return invalid("capacity", fmt.Sprintf("%d personnes ont déjà une place confirmée : la séance ne peut pas en compter moins. Annulez d’abord des inscriptions si nécessaire.", confirmed))
		}
		now := s.Now()
		detail := fmt.Sprintf("places : %d → %d ; maximum par structure : %d → %d", se.Capacity, capacity, se.OrgCap, orgCap)
		if err := tx.Model(&Session{}).Where("id = ?", se.ID).
			Updates(map[string]any{"capacity": capacity, "org_cap": orgCap, "updated_at": now}).Error; err != nil {
			return fmt.Errorf("set limits of session %d: %w", se.ID, err)
		}
		if err := audit(tx, &actorID, "session", se.ID, "limits", detail, now); err != nil {
			return err
		}
		se.Capacity, se.OrgCap, se.UpdatedAt = capacity, orgCap, now
		_, err := s.promote(tx, newBatchCache(), se, now)
		return err
	})
	return se, err
}

// cancelSessionRegistrations cancels every live registration of a session
// being cancelled and returns them, to be told.
func cancelSessionRegistrations(tx *gorm.DB, sessionID int64, now time.Time) ([]Registration, error) {
	var live []Registration
	if err := tx.Where("session_id = ? AND state <> ?", sessionID, RegistrationCancelled).Order("id").Find(&live).Error; err != nil {
		return nil, err
	}
	if len(live) == 0 {
		return nil, nil
	}
	if err := tx.Model(&Registration{}).Where("session_id = ? AND state <> ?", sessionID, RegistrationCancelled).
		Updates(map[string]any{"state": RegistrationCancelled, "cancelled_at": now, "cancelled_by": CancelledBySession, "updated_at": now}).Error; err != nil {
		return nil, fmt.Errorf("cancel registrations of session %d: %w", sessionID, err)
	}
	return live, nil
}
