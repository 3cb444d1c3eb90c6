package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"quartier/frtime"
)

// Attendance is one person in the room: a confirmed registration ticked
// present (or unticked: Present false keeps that it was looked at), or a
// walk-in typed on the day (no RegistrationID; names, organisation and
// category as typed).
type Attendance struct {
	ID             int64
	SessionID      int64
	RegistrationID *int64
	FirstName      string
	LastName       string
	Organisation   string
	Category       Category
	Present        bool
	RecordedBy     *int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// TableName is the table of attendances.
func (Attendance) TableName() string { return "attendances" }

// Participant is a registration as the day's pages list it: with its
// organisation, and whether the facilitator ticked it present.
type Participant struct {
	ID               int64
	FirstName        string
	LastName         string
	Email            string
	Category         Category
	Role             string
	State            RegistrationState
	CreatedAt        time.Time
	Organisation     string
	OrganisationKind OrgKind
	Present          bool
}

// Name is the participant's full name.
func (p Participant) Name() string { return strings.TrimSpace(p.FirstName + " " + p.LastName) }

// Participants lists the registrations of a session in the given states
// (confirmed when none), grouped by organisation (by name), then by last
// and first name: the order of the attendance sheet.
func (s *Store) Participants(ctx context.Context, sessionID int64, states ...RegistrationState) ([]Participant, error) {
	if len(states) == 0 {
		states = []RegistrationState{RegistrationConfirmed}
	}
	var out []Participant
	err := s.q(ctx).Table("registrations AS r").
		Select(`r.id, r.first_name, r.last_name, r.email, r.category, r.role, r.state, r.created_at,
			o.name AS organisation, o.kind AS organisation_kind, COALESCE(a.present, FALSE) AS present`).
		Joins("JOIN session_partners p ON p.id = r.partner_id").
		Joins("JOIN organisations o ON o.id = p.organisation_id").
		Joins("LEFT JOIN attendances a ON a.session_id = r.session_id AND a.registration_id = r.id").
		Where("r.session_id = ? AND r.state IN ?", sessionID, states).
		Order("o.name, r.last_name, r.first_name, r.id").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("participants of session %d: %w", sessionID, err)
	}
	return out, nil
}

// WalkIns lists the people added on the day, in the order they were added.
func (s *Store) WalkIns(ctx context.Context, sessionID int64) ([]Attendance, error) {
	var out []Attendance
	err := s.q(ctx).Where("session_id = ? AND registration_id IS NULL", sessionID).Order("id").Find(&out).Error
	return out, err
}

// SessionOfFacilitator loads a session led by facilitator facID that has a
// day: scheduled, held or closed. Any other session is not found, the same
// as one that does not exist.
func (s *Store) SessionOfFacilitator(ctx context.Context, facID, sessionID int64) (Session, error) {
	var se Session
	err := s.q(ctx).Where("id = ? AND facilitator_id = ? AND state IN ?", sessionID, facID,
		[]SessionState{SessionScheduled, SessionHeld, SessionClosed}).Take(&se).Error
	return se, notFound(err, "session")
}

// SessionsOfFacilitator lists the sessions facID leads that are scheduled,
// held or closed, end after since and start by until, the soonest
// first, with their CLSM and whether their debrief is done: the
// facilitator's dashboard. Both bounds are on the index (facilitator_id,
// starts_at): a facilitator's sessions of every season to come are not
// read (at --scale 100 they were most of the dashboard's time).
func (s *Store) SessionsOfFacilitator(ctx context.Context, facID int64, since, until time.Time) ([]FacilitatorSession, error) {
	var out []FacilitatorSession
	err := s.q(ctx).Table("sessions AS s").
		Select(`s.id, s.state, s.starts_at, s.ends_at, s.time_zone, s.venue_name, c.name AS clsm_name,
			d.debriefed_at IS NOT NULL AS debriefed`).
		Joins("JOIN requests r ON r.session_id = s.id").
		Joins("JOIN clsms c ON c.id = r.clsm_id").
		Joins("LEFT JOIN session_days d ON d.session_id = s.id").
		Where("s.facilitator_id = ? AND s.state IN ? AND s.ends_at >= ?", facID,
			[]SessionState{SessionScheduled, SessionHeld, SessionClosed}, since.UTC()).
		// No session lasts longer than MaxSessionLength: starts_at's range.
		Where("s.starts_at > ? AND s.starts_at <= ?", since.Add(-MaxSessionLength).UTC(), until.UTC()).
		Order("s.starts_at, s.id").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("sessions of facilitator %d: %w", facID, err)
	}
	return out, nil
}

// FacilitatorSession is one row of the facilitator's list of sessions.
type FacilitatorSession struct {
	ID        int64
	State     SessionState
	StartsAt  time.Time
	EndsAt    time.Time
	TimeZone  string
	VenueName string
	CLSMName  string `gorm:"column:clsm_name"`
	Debriefed bool
}

// withLedSession runs fn in one transaction with a session and its
// request, if actorID leads the session (or is an administrator).
func (s *Store) withLedSession(ctx context.Context, actorID, sessionID int64, fn func(tx *gorm.DB, se Session, r *Request) error) error {
	return s.withSessionRequest(ctx, sessionID, func(tx *gorm.DB, se Session, r *Request) error {
		actor, err := activeActor(tx, actorID)
		if err != nil || (actor.Role != RoleAdmin && actor.ID != se.FacilitatorID) {
			return ErrForbidden
		}
		return fn(tx, se, r)
	})
}

// recordDay is what every record of the day checks and does first: the
// session is scheduled and has started (it becomes held, with its
// request), or is held already. A closed session's record is final.
func recordDay(tx *gorm.DB, se Session, r *Request, actorID int64, now time.Time) error {
	switch se.State {
	case SessionHeld:
		return nil
	case SessionScheduled:
		if now.Before(se.StartsAt) {
			return &ConflictError{Message: fmt.Sprintf("La séance n’a pas encore commencé : les présences et le bilan s’enregistrent à partir de son début, le %s.",
				frtime.DateTime(se.StartsAt.In(se.Location())))}
		}
		_, err := moveRequest(tx, r, &actorID, RequestHeld, "Séance tenue : présences enregistrées.", now)
		return err
	}
	return &ConflictError{Message: fmt.Sprintf("Cette séance est à l’état « %s » : ce qui s’y est passé ne peut plus être modifié.", se.State.Label())}
}

// MarkPresent records one tick of the facilitator's attendance list: the
// confirmed registration regID of the session came (present) or not. The
// first record of a started session makes it held.
func (s *Store) MarkPresent(ctx context.Context, actorID, sessionID, regID int64, present bool) error {
	return s.withLedSession(ctx, actorID, sessionID, func(tx *gorm.DB, se Session, r *Request) error {
		now := s.Now()
		if err := recordDay(tx, se, r, actorID, now); err != nil {
			return err
		}
		return markPresent(tx, actorID, se.ID, regID, present, now)
	})
}

// SaveAttendance records the whole list at once (the form posted without
// JavaScript): every confirmed registration of the session is present if
// its id is in present, absent otherwise.
func (s *Store) SaveAttendance(ctx context.Context, actorID, sessionID int64, present []int64) error {
	return s.withLedSession(ctx, actorID, sessionID, func(tx *gorm.DB, se Session, r *Request) error {
		now := s.Now()
		if err := recordDay(tx, se, r, actorID, now); err != nil {
			return err
		}
		var ids []int64
		if err := tx.Model(&Registration{}).Where("session_id = ? AND state = ?", se.ID, RegistrationConfirmed).
			Order("id").Pluck("id", &ids).Error; err != nil {
			return err
		}
		in := make(map[int64]bool, len(present))
		for _, id := range present {
			in[id] = true
		}
		for id := range in {
			found := false
			for _, x := range ids {
				found = found || x == id
			}
			if !found {
				return &ConflictError{Message: "Une des personnes cochées n’est plus inscrite à cette séance : rechargez la page."}
			}
		}
		for _, id := range ids {
			if err := markPresent(tx, actorID, se.ID, id, in[id], now); err != nil {
				return err
			}
		}
		return nil
	})
}

// markPresent writes one registration's tick inside the caller's
// transaction; a registration that is not confirmed in the session is not
// found.
func markPresent(tx *gorm.DB, actorID, sessionID, regID int64, present bool, now time.Time) error {
	var n int64
	if err := tx.Model(&Registration{}).Where("id = ? AND session_id = ? AND state = ?", regID, sessionID, RegistrationConfirmed).
		Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return &NotFoundError{What: "registration"}
	}
	res := tx.Model(&Attendance{}).Where("session_id = ? AND registration_id = ?", sessionID, regID).
		Updates(map[string]any{"present": present, "recorded_by": actorID, "updated_at": now})
	if res.Error != nil {
		return fmt.Errorf("tick registration %d: %w", regID, res.Error)
	}
	if res.RowsAffected > 0 {
		return nil
	}
	return tx.Create(&Attendance{SessionID: sessionID, RegistrationID: &regID, Present: present,
		RecordedBy: &actorID, CreatedAt: now, UpdatedAt: now}).Error
}

// WalkInInput is a person who came without being registered, as typed.
type WalkInInput struct {
	FirstName, LastName, Organisation string
	Category                          Category
}

// Problems checks a walk-in (field → French message: "first_name",
// "last_name", "organisation", "category") and returns it trimmed.
func (in WalkInInput) Problems() (WalkInInput, map[string]string) {
	in.FirstName, in.LastName = strings.TrimSpace(in.FirstName), strings.TrimSpace(in.LastName)
	in.Organisation = strings.TrimSpace(in.Organisation)
	f := map[string]string{}
	if in.FirstName == "" {
		f["first_name"] = "Saisissez le prénom de la personne."
	}
	if in.LastName == "" {
		f["last_name"] = "Saisissez le nom de la personne."
	}
	checkLine(f, "first_name", in.FirstName, MaxPersonName)
	checkLine(f, "last_name", in.LastName, MaxPersonName)
	checkLine(f, "organisation", in.Organisation, MaxTitle)
	if !in.Category.Valid() {
		f["category"] = "Choisissez la catégorie de la personne : habitant·e, élu·e, professionnel·le ou bénévole."
	}
	return in, f
}

// AddWalkIn records a person who came without being registered.
func (s *Store) AddWalkIn(ctx context.Context, actorID, sessionID int64, in WalkInInput) (Attendance, error) {
	in, f := in.Problems()
	if len(f) > 0 {
		return Attendance{}, &ValidationError{Fields: f}
	}
	var a Attendance
	err := s.withLedSession(ctx, actorID, sessionID, func(tx *gorm.DB, se Session, r *Request) error {
		now := s.Now()
		if err := recordDay(tx, se, r, actorID, now); err != nil {
			return err
		}
		a = Attendance{SessionID: se.ID, FirstName: in.FirstName, LastName: in.LastName, Organisation: in.Organisation,
			Category: in.Category, Present: true, RecordedBy: &actorID, CreatedAt: now, UpdatedAt: now}
		return tx.Create(&a).Error
	})
	return a, err
}

// RemoveWalkIn deletes a walk-in typed by mistake.
func (s *Store) RemoveWalkIn(ctx context.Context, actorID, sessionID, attendanceID int64) error {
	return s.withLedSession(ctx, actorID, sessionID, func(tx *gorm.DB, se Session, r *Request) error {
		if err := recordDay(tx, se, r, actorID, s.Now()); err != nil {
			return err
		}
		res := tx.Where("id = ? AND session_id = ? AND registration_id IS NULL", attendanceID, se.ID).Delete(&Attendance{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return &NotFoundError{What: "walk-in"}
		}
		return nil
	})
}

// MaxSheetCount bounds the count typed from a signed sheet.
const MaxSheetCount = 500

// RecordSheetCount is the coordinator of the request's CLSM (or an
// administrator) typing how many people signed the paper attendance sheet
// of its session: the first record of a started session makes it held.
func (s *Store) RecordSheetCount(ctx context.Context, actorID, requestID int64, count int) error {
	if count < 0 || count > MaxSheetCount {
		return invalid("count", fmt.Sprintf("Indiquez un nombre de personnes entre 0 et %d.", MaxSheetCount))
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		se, err := dayOfRequest(tx, actorID, requestID)
		if err != nil {
			return err
		}
		var r Request
		if err := tx.Take(&r, requestID).Error; err != nil {
			return notFound(err, "request")
		}
		now := s.Now()
		if err := recordDay(tx, se, &r, actorID, now); err != nil {
			return err
		}
		if err := updateSessionDay(tx, se.ID, map[string]any{"sheet_count": count, "counted_by": actorID, "counted_at": now}, now); err != nil {
			return err
		}
		return audit(tx, &actorID, "session", se.ID, "sheet_count", fmt.Sprintf("émargement : %d personne(s)", count), now)
	})
}

// SessionOfRequestFor loads the live session of a request for actorID (the
// coordinator of its CLSM, or an administrator), with its day.
func (s *Store) SessionOfRequestFor(ctx context.Context, actorID, requestID int64) (Session, SessionDay, error) {
	db := s.q(ctx)
	se, err := dayOfRequest(db, actorID, requestID)
	if err != nil {
		return se, SessionDay{}, err
	}
	day, err := sessionDayOf(db, se.ID)
	return se, day, err
}

// SessionHeading is what the pages of a session's day show above it: its
// CLSM and the people who run it.
type SessionHeading struct {
	RequestID       int64
	CLSMName        string `gorm:"column:clsm_name"`
	CoordinatorName string
	FacilitatorName string
}

// SessionHeadingOf loads the heading of session se, in one query.
func (s *Store) SessionHeadingOf(ctx context.Context, se Session) (SessionHeading, error) {
	var h SessionHeading
	err := s.q(ctx).Table("requests AS r").
		Select(`r.id AS request_id, c.name AS clsm_name, COALESCE(co.name, '') AS coordinator_name, COALESCE(f.name, '') AS facilitator_name`).
		Joins("JOIN clsms c ON c.id = r.clsm_id").
		Joins("LEFT JOIN users co ON co.id = c.coordinator_id").
		Joins("LEFT JOIN users f ON f.id = ?", se.FacilitatorID).
		Where("r.id = ?", se.RequestID).Take(&h).Error
	return h, notFound(err, "request")
}

// AttendanceTally is what the facilitator recorded of a session: the
// confirmed registrations looked at (Ticked), those present, and the
// walk-ins.
type AttendanceTally struct {
	Confirmed int
	Ticked    int
	Present   int
	WalkIns   int
}

// AttendanceTallyOf counts a session's attendance, in one query.
func (s *Store) AttendanceTallyOf(ctx context.Context, sessionID int64) (AttendanceTally, error) {
	var t AttendanceTally
	err := s.q(ctx).Raw(`SELECT
			(SELECT COUNT(*) FROM registrations WHERE session_id = ? AND state = ?) AS confirmed,
			COALESCE(SUM(CASE WHEN a.registration_id IS NOT NULL THEN 1 ELSE 0 END), 0) AS ticked,
			COALESCE(SUM(CASE WHEN a.registration_id IS NOT NULL AND a.present THEN 1 ELSE 0 END), 0) AS present,
			COALESCE(SUM(CASE WHEN a.registration_id IS NULL THEN 1 ELSE 0 END), 0) AS walk_ins
		FROM attendances a WHERE a.session_id = ?`, sessionID, RegistrationConfirmed, sessionID).Scan(&t).Error
	if err != nil {
		return t, fmt.Errorf("attendance of session %d: %w", sessionID, err)
	}
	return t, nil
}
