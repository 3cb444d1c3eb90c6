package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"quartier/frtime"
)

// Defaults of a new session (DESIGN §3.3).
const (
	// DefaultCapacity is how many people a session seats.
	DefaultCapacity = 20
	// DefaultOrgCap is how many people one partner organisation may sign up.
	DefaultOrgCap = 4
	// DefaultSessionLength is the usual length of a session; slots of
	// another length are accepted (up to MaxSessionLength).
	DefaultSessionLength = 3 * time.Hour
	// MaxSessionLength bounds a slot typed by hand.
	MaxSessionLength = 12 * time.Hour
)

// Session is one session of a request: who leads it, when (UTC, with the
// IANA zone it is shown in), where (a snapshot of the request's venue at
// the time of the proposal), how many may come, and the iCalendar SEQUENCE
// its invitations carry. A request points to its live session
// (Request.SessionID); cancelled sessions stay, for history.
type Session struct {
	ID            int64
	RequestID     int64
	FacilitatorID int64
	State         SessionState
	StartsAt      time.Time
	EndsAt        time.Time
	TimeZone      string
	VenueName     string
	VenueAddress  string
	StepFree      StepFree
	RemoteURL     string `gorm:"column:remote_url"`
	Capacity      int
	OrgCap        int
	// Sequence rises with every change an invitation carries: time,
	// place, facilitator, cancellation.
	Sequence     int
	CancelReason string
	ScheduledAt  *time.Time
	HeldAt       *time.Time
	ClosedAt     *time.Time
	CancelledAt  *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// TableName is the table of sessions.
func (Session) TableName() string { return "sessions" }

// Location is the session's time zone.
func (s Session) Location() *time.Location { return LocationOf(s.TimeZone) }

// SessionSlot is when and by whom a session is led.
type SessionSlot struct {
	FacilitatorID int64
	Start, End    time.Time
	TimeZone      string
}

// normalise puts the instants in UTC, to the second.
func (sl SessionSlot) normalise() SessionSlot {
	sl.Start = sl.Start.UTC().Truncate(time.Second)
	sl.End = sl.End.UTC().Truncate(time.Second)
	sl.TimeZone = strings.TrimSpace(sl.TimeZone)
	return sl
}

// Problems returns what is wrong with the slot on its own (field → French
// message: "facilitator", "start", "end", "time_zone"); checkSlot adds what
// needs the database. The zone must be an IANA name of a place
// (Region/City): "Local" or "UTC" would show a session at no one's time.
func (sl SessionSlot) Problems() map[string]string {
	f := map[string]string{}
	if sl.FacilitatorID == 0 {
		f["facilitator"] = "Choisissez la chargée de mission qui animera la séance."
	}
	switch {
	case sl.Start.IsZero():
		f["start"] = "Indiquez la date et l’heure de début de la séance."
	case sl.End.IsZero():
		f["end"] = "Indiquez l’heure de fin de la séance."
	case !sl.End.After(sl.Start):
		f["end"] = "La fin de la séance doit être après son début."
	case sl.End.Sub(sl.Start) > MaxSessionLength:
		f["end"] = fmt.Sprintf("Une séance ne peut pas durer plus de %d heures.", int(MaxSessionLength.Hours()))
	}
	if sl.TimeZone == "" {
		f["time_zone"] = "Indiquez le fuseau horaire de la séance (par exemple Europe/Paris)."
	} else if _, err := time.LoadLocation(sl.TimeZone); err != nil || !strings.Contains(sl.TimeZone, "/") {
		f["time_zone"] = fmt.Sprintf("« %s » n’est pas un fuseau horaire connu (par exemple Europe/Paris, America/Martinique).", sl.TimeZone)
	}
	return f
}

// checkSlot validates the slot with every hard rule, inside the
// transaction that writes it: its facilitator is an active facilitator,
// none of their other live sessions overlaps it (except is the session
// being moved or confirmed, 0 for a new one), and it lies within their
// availability and limits (checkCalendarRules), leaving the travel time
// from and to their other sessions that day (checkTravel). requestID is
// the request the slot's session serves: its commune is the place.
func (s *Store) checkSlot(tx *gorm.DB, sl SessionSlot, except, requestID int64) error {
	u, err := checkSlotShape(tx, sl, except)
	if err != nil {
		return err
	}
	if err := s.checkTravel(tx, sl, u, except, requestID); err != nil {
		return err
	}
	return checkCalendarRules(tx, sl, u, except)
}

// checkSlotToWrite is checkSlot in a transaction that then writes the
// slot: on PostgreSQL it first locks the facilitator's row, so that two
// instances placing sessions of one facilitator at once check each its
// rules (overlap, limits per day and week, travel) after the other's
// commit. SQLite's single writer does the same by itself.
func (s *Store) checkSlotToWrite(tx *gorm.DB, sl SessionSlot, except, requestID int64) error {
	if err := s.lockUsers(tx, sl.FacilitatorID); err != nil {
		return fmt.Errorf("lock facilitator %d: %w", sl.FacilitatorID, err)
	}
	return s.checkSlot(tx, sl, except, requestID)
}

// checkSlotShape checks the slot on its own, its facilitator and the
// overlap with their other live sessions, and returns the facilitator.
// SeedSession uses it alone: the demo's past is not re-checked against
// today's calendars.
func checkSlotShape(tx *gorm.DB, sl SessionSlot, except int64) (User, error) {
	f := sl.Problems()
	var u User
	if _, bad := f["facilitator"]; !bad {
		err := tx.Take(&u, sl.FacilitatorID).Error
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return u, err
		}
		if err != nil || u.Role != RoleFacilitator || !u.Active {
			f["facilitator"] = "Cette personne n’est pas une chargée de mission active : choisissez-en une autre."
		}
	}
	if len(f) > 0 {
		return u, &ValidationError{Fields: f}
	}
	var n int64
	if err := tx.Model(&Session{}).
		Where("facilitator_id = ? AND state IN ? AND starts_at < ? AND ends_at > ? AND id <> ?",
			sl.FacilitatorID, []SessionState{SessionProposed, SessionScheduled, SessionHeld}, sl.End, sl.Start, except).
		Count(&n).Error; err != nil {
		return u, err
	}
	if n > 0 {
		return u, &SlotRuleError{Rule: RuleOverlap, Message: "La chargée de mission anime déjà une autre séance à ce moment-là."}
	}
	return u, nil
}

// describeSlot is a slot as the audit trail and the history show it, in
// the session's zone.
func describeSlot(tx *gorm.DB, sl SessionSlot) string {
	var name string
	tx.Model(&User{}).Where("id = ?", sl.FacilitatorID).Pluck("name", &name)
	// « mardi 12 janvier 2027, 14 h 00 – 17 h 00 (heure de Paris), avec … »,
	// as pages and emails write a session's time.
	return frtime.Range(sl.Start, sl.End, LocationOf(sl.TimeZone)) + ", avec " + name
}

// slotOf is the session's current slot.
func (s Session) slotOf() SessionSlot {
	return SessionSlot{FacilitatorID: s.FacilitatorID, Start: s.StartsAt, End: s.EndsAt, TimeZone: s.TimeZone}
}

// moveSession applies one transition of the session state machine inside
// the operation's transaction and records it in the audit trail. A
// cancellation keeps its reason and raises the SEQUENCE (the invitations'
// METHOD:CANCEL carries it).
func moveSession(tx *gorm.DB, se *Session, actorID *int64, to SessionState, reason string, now time.Time) error {
	if err := checkSessionTransition(se.State, to); err != nil {
		return err
	}
	cols := map[string]any{"state": to, "updated_at": now}
	switch to {
	case SessionScheduled:
		cols["scheduled_at"] = now
	case SessionHeld:
		cols["held_at"] = now
	case SessionClosed:
		cols["closed_at"] = now
	case SessionCancelled:
		cols["cancelled_at"], cols["cancel_reason"], cols["sequence"] = now, reason, se.Sequence+1
	}
	res := tx.Model(&Session{}).Where("id = ? AND state = ? AND sequence = ?", se.ID, se.State, se.Sequence).Updates(cols)
	if res.Error != nil {
		return fmt.Errorf("move session %d to %s: %w", se.ID, to, res.Error)
	}
	if res.RowsAffected != 1 {
		return &InvalidSessionTransitionError{From: se.State, To: to}
	}
	detail := fmt.Sprintf("séance « %s » → « %s »", se.State.Label(), to.Label())
	if reason != "" {
		detail += " : " + reason
	}
	if err := audit(tx, actorID, "session", se.ID, string(to), detail, now); err != nil {
		return err
	}
	se.State, se.UpdatedAt = to, now
	if to == SessionCancelled {
		se.Sequence++
		se.CancelReason, se.CancelledAt = reason, &now
	}
	return nil
}

// followSession moves the request's live session with the request, inside
// moveRequest: so that no operation, present or future, can move one
// without the other. A request that goes back to accepted (another date
// asked) loses its session, which is cancelled; a request withdrawn or
// cancelled keeps pointing to its cancelled session.
func followSession(tx *gorm.DB, r *Request, actorID *int64, to RequestState, comment string, now time.Time) error {
	target, ok := sessionStateFor(to)
	if !ok {
		if to == RequestProposed && r.SessionID == nil {
			return fmt.Errorf("request %d: proposed without a session", r.ID)
		}
		return nil
	}
	if r.SessionID == nil {
		if target != SessionCancelled {
			return fmt.Errorf("request %d: %s without a session", r.ID, to)
		}
		return nil
	}
	var se Session
	if err := tx.Take(&se, *r.SessionID).Error; err != nil {
		return fmt.Errorf("load session %d of request %d: %w", *r.SessionID, r.ID, err)
	}
	if se.State != target {
		if err := moveSession(tx, &se, actorID, target, comment, now); err != nil {
			return err
		}
	}
	if to == RequestAccepted {
		if err := tx.Model(&Request{}).Where("id = ?", r.ID).Update("session_id", nil).Error; err != nil {
			return fmt.Errorf("clear session of request %d: %w", r.ID, err)
		}
		r.SessionID = nil
	}
	return nil
}

// activeActor loads the acting user if active, or ErrForbidden.
func activeActor(tx *gorm.DB, actorID int64) (User, error) {
	var u User
	if err := tx.Take(&u, actorID).Error; err != nil || !u.Active {
		return u, ErrForbidden
	}
	return u, nil
}

// requireAdmin returns ErrForbidden unless actorID is an active admin.
func requireAdmin(tx *gorm.DB, actorID int64) error {
	u, err := activeActor(tx, actorID)
	if err != nil || u.Role != RoleAdmin {
		return ErrForbidden
	}
	return nil
}

// checkReason trims a reason and checks it is there and not too long.
func checkReason(reason, missing string) (string, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return "", invalid("reason", missing)
	}
	if len([]rune(reason)) > MaxCommentLength {
		return "", invalid("reason", fmt.Sprintf("Le message est trop long (%d caractères au plus).", MaxCommentLength))
	}
	return reason, nil
}

// SessionByID loads a session.
func (s *Store) SessionByID(ctx context.Context, id int64) (Session, error) {
	var se Session
	err := s.q(ctx).Take(&se, id).Error
	return se, notFound(err, "session")
}

// SessionsOfRequest returns every session a request has had, the oldest
// first (the cancelled ones included).
func (s *Store) SessionsOfRequest(ctx context.Context, requestID int64) ([]Session, error) {
	var out []Session
	err := s.q(ctx).Where("request_id = ?", requestID).Order("created_at, id").Find(&out).Error
	return out, err
}
