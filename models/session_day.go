package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// SessionDay is what belongs to the day of a session besides its slot:
// the contact phones for the day, the count from the signed attendance
// sheet, and the facilitator's debrief. A session has no row until one of
// them is written; SessionDayOf gives an empty one then.
type SessionDay struct {
	SessionID        int64 `gorm:"primaryKey;autoIncrement:false"`
	FacilitatorPhone string
	CoordinatorPhone string
	// SheetCount is how many signed the paper sheet, as the coordinator
	// typed it; nil until entered.
	SheetCount *int
	CountedBy  *int64
	CountedAt  *time.Time
	Debrief
	DebriefedBy *int64
	DebriefedAt *time.Time
	UpdatedAt   time.Time
}

// TableName is the table of session days.
func (SessionDay) TableName() string { return "session_days" }

// Debrief is the facilitator's account of a session.
type Debrief struct {
	Atmosphere string
	Topics     string
	Resources  string
	FollowUp   string `gorm:"column:follow_up"`
	Notes      string
}

// MaxDebriefText bounds each text of a debrief.
const MaxDebriefText = MaxLongText

// MaxPhoneInput bounds a phone number as typed (spaces and dots included).
const MaxPhoneInput = 30

// Problems checks a debrief (field → French message: "atmosphere",
// "topics", "resources", "follow_up", "notes") and returns it trimmed. At
// least the atmosphere must be told: an empty debrief is not a debrief.
func (d Debrief) Problems() (Debrief, map[string]string) {
	d.Atmosphere, d.Topics, d.Resources = strings.TrimSpace(d.Atmosphere), strings.TrimSpace(d.Topics), strings.TrimSpace(d.Resources)
	d.FollowUp, d.Notes = strings.TrimSpace(d.FollowUp), strings.TrimSpace(d.Notes)
	f := map[string]string{}
	if d.Atmosphere == "" {
		f["atmosphere"] = "Décrivez en quelques mots l’ambiance de la séance."
	}
	for field, v := range map[string]string{"atmosphere": d.Atmosphere, "topics": d.Topics, "resources": d.Resources,
		"follow_up": d.FollowUp, "notes": d.Notes} {
		checkText(f, field, v, MaxDebriefText, true)
	}
	return d, f
}

// Done says whether the debrief was filled in.
func (d SessionDay) Done() bool { return d.DebriefedAt != nil }

// SessionDayOf returns the day row of a session, or an empty one.
func (s *Store) SessionDayOf(ctx context.Context, sessionID int64) (SessionDay, error) {
	return sessionDayOf(s.q(ctx), sessionID)
}

func sessionDayOf(tx *gorm.DB, sessionID int64) (SessionDay, error) {
	var d SessionDay
	err := tx.Where("session_id = ?", sessionID).Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return SessionDay{SessionID: sessionID}, nil
	}
	if err != nil {
		return d, fmt.Errorf("load day of session %d: %w", sessionID, err)
	}
	return d, nil
}

// updateSessionDay writes cols on the day row of a session, creating the
// row first when the session has none.
func updateSessionDay(tx *gorm.DB, sessionID int64, cols map[string]any, now time.Time) error {
	if err := tx.Clauses(clause.OnConflict{DoNothing: true}).
		Create(&SessionDay{SessionID: sessionID, UpdatedAt: now}).Error; err != nil {
		return fmt.Errorf("create day of session %d: %w", sessionID, err)
	}
	cols["updated_at"] = now
	if err := tx.Model(&SessionDay{}).Where("session_id = ?", sessionID).Updates(cols).Error; err != nil {
		return fmt.Errorf("update day of session %d: %w", sessionID, err)
	}
	return nil
}

// PhonesInput is the day's contact phones as typed.
type PhonesInput struct {
	Facilitator, Coordinator string
}

// Problems checks both numbers (field → French message: "facilitator_phone",
// "coordinator_phone") and returns them written the French way. Either may
// be empty.
func (in PhonesInput) Problems() (PhonesInput, map[string]string) {
	f := map[string]string{}
	for _, p := range []struct {
		field string
		v     *string
	}{{"facilitator_phone", &in.Facilitator}, {"coordinator_phone", &in.Coordinator}} {
		n, ok := NormalizePhone(*p.v)
		if !ok {
			f[p.field] = "Saisissez un numéro de téléphone français, par exemple 06 12 34 56 78, 0590 12 34 56 ou +262 692 12 34 56."
			continue
		}
		*p.v = n
	}
	return in, f
}

// overseasCodes are the country codes of overseas France and the number
// of digits after each.
var overseasCodes = []struct {
	code   string
	digits int
}{
	{"590", 9}, {"594", 9}, {"596", 9}, {"262", 9}, {"269", 9}, // Guadeloupe, Guyane, Martinique, La Réunion, Mayotte
	{"508", 6}, {"681", 6}, {"687", 6}, // Saint-Pierre-et-Miquelon, Wallis-et-Futuna, Nouvelle-Calédonie
	{"689", 8}, // Polynésie française
}

// NormalizePhone reads a French phone number, metropolitan or overseas,
// national (06 12 34 56 78, 0590 12 34 56) or international (+33 6 12 34
// 56 78, 0033…, +590 690 12 34 56), with spaces, dots, dashes or
// brackets, and writes it in groups of two the French way. Empty is
// empty; ok is false for anything else.
func NormalizePhone(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	if len([]rune(s)) > MaxPhoneInput {
		return "", false
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteString("00")
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')' || r == '\u00a0' || r == '\u202f':
		default:
			return "", false
		}
	}
	d := b.String()
	pairs := func(digits string) string {
		var parts []string
		for len(digits) > 2 {
			parts = append(parts, digits[:2])
			digits = digits[2:]
		}
		return strings.Join(append(parts, digits), " ")
	}
	switch {
	case len(d) == 10 && d[0] == '0' && d[1] != '0':
		return pairs(d), true
	case strings.HasPrefix(d, "0033"):
		rest := strings.TrimPrefix(d[4:], "0") // « +33 (0)6… »
		if len(rest) == 9 && rest[0] != '0' {
			return "+33 " + rest[:1] + " " + pairs(rest[1:]), true
		}
		return "", false
	case strings.HasPrefix(d, "00"):
		for _, o := range overseasCodes {
			rest, ok := strings.CutPrefix(d[2:], o.code)
			if !ok {
				continue
			}
			if len(rest) != o.digits || rest[0] == '0' {
				return "", false
			}
			if o.digits == 9 {
				return "+" + o.code + " " + rest[:3] + " " + pairs(rest[3:]), true
			}
			return "+" + o.code + " " + pairs(rest), true
		}
	}
	return "", false
}

// SetSessionPhones records the day's contact phones of a live session of
// the coordinator's CLSM (or any, for an administrator); they appear in
// the reminders and on the attendance sheet.
func (s *Store) SetSessionPhones(ctx context.Context, actorID, requestID int64, in PhonesInput) (SessionDay, error) {
	in, f := in.Problems()
	if len(f) > 0 {
		return SessionDay{}, &ValidationError{Fields: f}
	}
	var day SessionDay
	err := s.tx(ctx, func(tx *gorm.DB) error {
		se, err := dayOfRequest(tx, actorID, requestID)
		if err != nil {
			return err
		}
		if se.State != SessionProposed && se.State != SessionScheduled && se.State != SessionHeld {
			return &ConflictError{Message: fmt.Sprintf("Cette séance est à l’état « %s » : ses numéros ne peuvent plus être modifiés.", se.State.Label())}
		}
		now := s.Now()
		if err := updateSessionDay(tx, se.ID, map[string]any{"facilitator_phone": in.Facilitator, "coordinator_phone": in.Coordinator}, now); err != nil {
			return err
		}
		if err := audit(tx, &actorID, "session", se.ID, "phones", "numéros du jour : animation « "+in.Facilitator+" », coordination « "+in.Coordinator+" »", now); err != nil {
			return err
		}
		day, err = sessionDayOf(tx, se.ID)
		return err
	})
	return day, err
}

// dayOfRequest loads the live session of a request for actorID: the
// coordinator of the request's CLSM or an administrator. A request of
// another CLSM is not found; a request without a session is a conflict.
func dayOfRequest(tx *gorm.DB, actorID, requestID int64) (Session, error) {
	actor, err := activeActor(tx, actorID)
	if err != nil {
		return Session{}, err
	}
	var r Request
	if actor.Role == RoleAdmin {
		err = notFound(tx.Take(&r, requestID).Error, "request")
	} else {
		r, err = coordinatorsRequest(tx, actorID, requestID)
	}
	if err != nil {
		return Session{}, err
	}
	if r.SessionID == nil {
		return Session{}, ErrNoLiveSession
	}
	var se Session
	if err := tx.Take(&se, *r.SessionID).Error; err != nil {
		return se, notFound(err, "session")
	}
	return se, nil
}

// ErrNoLiveSession says a request has no session (yet, or any more) for a page
// about the day of its session.
var ErrNoLiveSession = &ConflictError{Message: "Cette demande n’a pas de séance programmée : la feuille d’émargement, la liste des inscrits et les présences n’existent qu’une fois la date confirmée."}

// AccessNote is how the venue's access is told in reminders and on the
// sheet.
func (s Session) AccessNote() string {
	switch s.StepFree {
	case StepFreeYes:
		return "Lieu accessible de plain-pied (fauteuil roulant, mobilité réduite)."
	case StepFreeNo:
		return "Lieu sans accès de plain-pied : prévenez la coordination si vous avez besoin d’aide pour y accéder."
	}
	return ""
}
