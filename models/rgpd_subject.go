package models

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// MaxSubjectEmail bounds the address an admin types on the personal data
// page (RFC 5321 allows 254 characters).
const MaxSubjectEmail = 254

// SubjectExport is everything quartier holds about one email address, as
// the admin downloads it for a subject access request (JSON).
type SubjectExport struct {
	Email         string                `json:"email"`
	ExportedAt    time.Time             `json:"exported_at"`
	User          *SubjectUser          `json:"user"`
	Registrations []SubjectRegistration `json:"registrations"`
	Organisations []SubjectOrganisation `json:"organisations"`
	Outbox        []SubjectMessage      `json:"outbox_messages"`
	Audit         []SubjectAuditEvent   `json:"audit_events"`
	// Note says, in French, what is not there and why.
	Note string `json:"note"`
}

// Empty reports whether nothing is held about the address.
func (e SubjectExport) Empty() bool {
	return e.User == nil && len(e.Registrations) == 0 && len(e.Organisations) == 0 && len(e.Outbox) == 0 && len(e.Audit) == 0
}

// SubjectUser is the account of the address, if any.
type SubjectUser struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	Active    bool      `json:"active"`
	HomeINSEE string    `json:"home_insee" gorm:"column:home_insee"`
	TimeZone  string    `json:"time_zone"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// SubjectRegistration is one sign-up of the address, with its session and
// what the day recorded of it.
type SubjectRegistration struct {
	ID             int64      `json:"id"`
	SessionID      int64      `json:"session_id"`
	SessionStarts  time.Time  `json:"session_starts_at"`
	SessionVenue   string     `json:"session_venue"`
	CLSM           string     `json:"clsm" gorm:"column:clsm"`
	Organisation   string     `json:"registered_by_organisation"`
	FirstName      string     `json:"first_name"`
	LastName       string     `json:"last_name"`
	Category       Category   `json:"category"`
	Role           string     `json:"role"`
	Accommodations string     `json:"accommodations"`
	State          string     `json:"state"`
	CreatedAt      time.Time  `json:"created_at"`
	ConfirmedAt    *time.Time `json:"confirmed_at"`
	CancelledAt    *time.Time `json:"cancelled_at"`
	CancelledBy    string     `json:"cancelled_by"`
	// Present is the tick of the day (nil: not recorded).
	Present *bool `json:"present"`
	// FeedbackSentAt and FeedbackUsed say whether a feedback link was
	// sent and used; the answer itself is anonymous and tied to no one.
	FeedbackSentAt *time.Time `json:"feedback_link_sent_at"`
	FeedbackUsed   bool       `json:"feedback_link_used"`
}

// SubjectOrganisation is a partner organisation whose contact is the
// address.
type SubjectOrganisation struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	CLSM        string `json:"clsm" gorm:"column:clsm"`
	ContactName string `json:"contact_name"`
}

// SubjectMessage is the metadata of one message of the outbox addressed
// to the address (not its content).
type SubjectMessage struct {
	ID        int64      `json:"id"`
	Kind      string     `json:"kind"`
	Subject   string     `json:"subject"`
	Status    string     `json:"status"`
	CreatedAt time.Time  `json:"created_at"`
	SentAt    *time.Time `json:"sent_at"`
}

// SubjectAuditEvent is one event of the audit trail about the address:
// on its account, or whose detail names it.
type SubjectAuditEvent struct {
	ID         int64     `json:"id"`
	ObjectType string    `json:"object_type"`
	ObjectID   int64     `json:"object_id"`
	Action     string    `json:"action"`
	Detail     string    `json:"detail"`
	CreatedAt  time.Time `json:"created_at"`
}

// ErasureResult counts what an erasure changed.
type ErasureResult struct {
	Registrations  int
	Users          int
	Organisations  int
	OutboxMessages int
	AuditEvents    int
	// KeptAdmin is set when the address is the last active admin's: the
	// account was left as it is (everything else was erased).
	KeptAdmin bool
}

// Total is the number of rows the erasure changed.
func (r ErasureResult) Total() int {
	return r.Registrations + r.Users + r.Organisations + r.OutboxMessages + r.AuditEvents
}

// subjectAddress normalises an address typed for a subject request, with a
// French message when it is not one.
func subjectAddress(email string) (string, error) {
	if len(email) > MaxSubjectEmail {
		return "", &ValidationError{Fields: map[string]string{"email": fmt.Sprintf("L’adresse ne doit pas dépasser %d caractères.", MaxSubjectEmail)}}
	}
	norm, err := NormalizeEmail(email)
	if err != nil {
		return "", &ValidationError{Fields: map[string]string{"email": "Saisissez une adresse électronique valide, par exemple prenom.nom@exemple.fr."}}
	}
	return norm, nil
}

// likePattern is a LIKE pattern matching s anywhere, with the wildcards of
// s escaped (ESCAPE '\').
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// ExportSubject gathers everything held about one email address: its
// account, its registrations with their sessions and ticks, the partner
// organisations it is the contact of, the messages addressed to it
// (metadata) and the audit events about it. The export itself is
// recorded in the audit trail by a keyed hash of the address
// (SubjectFingerprint), never the address.
func (s *Store) ExportSubject(ctx context.Context, actorID int64, email string) (SubjectExport, error) {
	norm, err := subjectAddress(email)
	if err != nil {
		return SubjectExport{}, err
	}
	var out SubjectExport
	err = s.tx(ctx, func(tx *gorm.DB) error {
		var err error
		if out, err = collectSubject(tx, norm, s.Now()); err != nil {
			return err
		}
		return audit(tx, &actorID, "rgpd", 0, "export", fmt.Sprintf("export des données d’une personne (empreinte %s) : %s",
			s.SubjectFingerprint(norm), exportSummary(out)), out.ExportedAt)
	})
	return out, err
}

// PreviewSubject is what ExportSubject would return, read without being
// recorded: the erasure's confirmation page counts what it will change.
func (s *Store) PreviewSubject(ctx context.Context, email string) (SubjectExport, error) {
	norm, err := subjectAddress(email)
	if err != nil {
		return SubjectExport{}, err
	}
	return collectSubject(s.q(ctx), norm, s.Now())
}

// collectSubject reads everything held about the normalised address norm.
func collectSubject(tx *gorm.DB, norm string, now time.Time) (SubjectExport, error) {
	out := SubjectExport{Email: norm, ExportedAt: now,
		Registrations: []SubjectRegistration{}, Organisations: []SubjectOrganisation{},
		Outbox: []SubjectMessage{}, Audit: []SubjectAuditEvent{},
		Note: "Les réponses aux questionnaires de satisfaction sont anonymes : rien ne les relie à une personne, elles ne figurent donc pas ici. " +
			"Les personnes venues sans inscription sont notées sans adresse électronique et ne peuvent pas être retrouvées par elle."}
	err := func() error {
		var users []SubjectUser
		if err := tx.Table("users").Where("email = ?", norm).Limit(1).Scan(&users).Error; err != nil {
			return fmt.Errorf("export: user: %w", err)
		}
		if len(users) == 1 {
			out.User = &users[0]
		}
		err := tx.Raw(`SELECT g.id, g.session_id, s.starts_at AS session_starts, s.venue_name AS session_venue,
				c.name AS clsm, o.name AS organisation, g.first_name, g.last_name, g.category, g.role, g.accommodations,
				g.state, g.created_at, g.confirmed_at, g.cancelled_at, g.cancelled_by, a.present,
				f.sent_at AS feedback_sent_at, f.used_at IS NOT NULL AS feedback_used
			FROM registrations g
			JOIN sessions s ON s.id = g.session_id
			JOIN requests r ON r.id = s.request_id JOIN clsms c ON c.id = r.clsm_id
			JOIN session_partners p ON p.id = g.partner_id JOIN organisations o ON o.id = p.organisation_id
			LEFT JOIN attendances a ON a.registration_id = g.id
			LEFT JOIN feedback_links f ON f.registration_id = g.id
			WHERE g.email = ? ORDER BY s.starts_at, g.id`, norm).Scan(&out.Registrations).Error
		if err != nil {
			return fmt.Errorf("export: registrations: %w", err)
		}
		err = tx.Raw(`SELECT o.id, o.name, c.name AS clsm, o.contact_name FROM organisations o JOIN clsms c ON c.id = o.clsm_id
			WHERE o.contact_email = ? ORDER BY o.id`, norm).Scan(&out.Organisations).Error
		if err != nil {
			return fmt.Errorf("export: organisations: %w", err)
		}
		err = tx.Raw(`SELECT id, kind, subject, status, created_at, sent_at FROM outbox_messages
			WHERE recipient = ? ORDER BY created_at, id`, norm).Scan(&out.Outbox).Error
		if err != nil {
			return fmt.Errorf("export: outbox: %w", err)
		}
		q := tx.Table("audit_events").Select("id, object_type, object_id, action, detail, created_at").
			Where(`detail LIKE ? ESCAPE '\'`, likePattern(norm))
		if out.User != nil {
			q = q.Or("object_type = 'user' AND object_id = ?", out.User.ID)
		}
		if err := q.Order("created_at, id").Limit(10000).Scan(&out.Audit).Error; err != nil {
			return fmt.Errorf("export: audit: %w", err)
		}
		return nil
	}()
	return out, err
}

// exportSummary counts an export in French, for the audit trail.
func exportSummary(e SubjectExport) string {
	acc := "aucun compte"
	if e.User != nil {
		acc = "un compte"
	}
	return fmt.Sprintf("%d inscription(s), %s, %d structure(s), %d courriel(s), %d événement(s)",
		len(e.Registrations), acc, len(e.Organisations), len(e.Outbox), len(e.Audit))
}

// erasureKey is the keyed hash of an address that the erasure log and the
// audit trail hold instead of the address.
func erasureKey(key []byte, email string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("quartier erasure|" + email))
	return hex.EncodeToString(m.Sum(nil))
}

// SubjectFingerprint is the short keyed hash by which the audit trail
// names an address it must not hold (the first 16 hex digits of the
// erasure log's key; without an erasure log, of an unkeyed hash).
func (s *Store) SubjectFingerprint(email string) string {
	return erasureKey(s.erasures.key, email)[:16]
}

// EraseSubject erases one email address on request: its registrations are
// anonymised in place (so every count stays right; their links are
// revoked), the messages addressed to it wiped (those still to be sent are
// cancelled), the partner organisations it is the contact of lose their
// contact, the audit details naming it lose the address, and its account,
// if any, is deactivated and anonymised, except the last active admin's
// (KeptAdmin). The erasure is written first to the erasure log (when the
// store has one), so that a restored older backup forgets the address
// again (ReplayErasures), then done and recorded in the audit trail by
// the address's fingerprint, in one transaction.
func (s *Store) EraseSubject(ctx context.Context, actorID int64, email string) (ErasureResult, error) {
	norm, err := subjectAddress(email)
	if err != nil {
		return ErasureResult{}, err
	}
	now := s.Now()
	key := erasureKey(s.erasures.key, norm)
	// Logged before the transaction: an erasure that then fails is
	// replayed at the next start, which is what the admin asked for.
	if err := s.erasures.append(erasureEntry{Key: key, At: now}); err != nil {
		return ErasureResult{}, err
	}
	var res ErasureResult
	err = s.tx(ctx, func(tx *gorm.DB) error {
		var err error
		if res, err = eraseAddress(tx, norm, now, now); err != nil {
			return err
		}
		detail := fmt.Sprintf("effacement des données d’une personne (empreinte %s) : %s", key[:16], erasureSummary(res))
		return audit(tx, &actorID, "rgpd", 0, "erase", detail, now)
	})
	return res, err
}

// erasureSummary counts an erasure in French, for the audit trail.
func erasureSummary(r ErasureResult) string {
	acc := fmt.Sprintf("%d compte(s) désactivé(s) et anonymisé(s)", r.Users)
	if r.KeptAdmin {
		acc = "compte du dernier administrateur actif conservé"
	}
	return fmt.Sprintf("%d inscription(s) anonymisée(s), %s, %d structure(s) sans contact, %d courriel(s) effacé(s), %d événement(s) du journal expurgé(s)",
		r.Registrations, acc, r.Organisations, r.OutboxMessages, r.AuditEvents)
}

// eraseAddress erases what holds email and was written at or before
// before, inside the caller's transaction (EraseSubject, and the replay
// of the erasure log after a restore, which must spare what the person
// gave again since).
func eraseAddress(tx *gorm.DB, email string, before, now time.Time) (ErasureResult, error) {
	var res ErasureResult
	var err error
	if res.Registrations, err = anonymiseRegistrations(tx, "email = ? AND created_at <= ?", []any{email, before}, now); err != nil {
		return res, err
	}
	if res.OutboxMessages, err = wipeOutbox(tx, "recipient = ? AND created_at <= ?", []any{email, before},
		"annulé : données personnelles effacées sur demande"); err != nil {
		return res, err
	}
	o := tx.Exec(`UPDATE organisations SET contact_name = '', contact_email = '', updated_at = ?
		WHERE contact_email = ? AND created_at <= ?`, now, email, before)
	if o.Error != nil {
		return res, fmt.Errorf("erase organisation contacts: %w", o.Error)
	}
	res.Organisations = int(o.RowsAffected)

	var users []User
	if err := tx.Where("email = ? AND created_at <= ?", email, before).Limit(1).Find(&users).Error; err != nil {
		return res, fmt.Errorf("erase: user: %w", err)
	}
	names := []string{email}
	for _, u := range users {
		if u.Role == RoleAdmin && u.Active {
			if keepOneAdmin(tx, u.ID) != nil {
				res.KeptAdmin = true
				continue
			}
		}
		names = append(names, u.Name)
		err := tx.Exec(`UPDATE users SET name = ?, email = ? || id, active = FALSE, home_insee = '', updated_at = ? WHERE id = ?`,
			AnonymisedName, anonymisedMarker+"user:", now, u.ID).Error
		if err != nil {
			return res, fmt.Errorf("anonymise user %d: %w", u.ID, err)
		}
		for _, t := range []string{"web_sessions", "login_tokens"} {
			if err := tx.Exec("DELETE FROM "+t+" WHERE user_id = ?", u.ID).Error; err != nil {
				return res, fmt.Errorf("erase: %s of user %d: %w", t, u.ID, err)
			}
		}
		res.Users++
	}

	// The audit details naming the address (an account's creation names
	// the person too) keep the event, without the address or the name.
	var events []AuditEvent
	if err := tx.Where(`detail LIKE ? ESCAPE '\' AND created_at <= ?`, likePattern(email), before).Limit(10000).Find(&events).Error; err != nil {
		return res, fmt.Errorf("erase: audit events: %w", err)
	}
	for _, e := range events {
		d := strings.ReplaceAll(e.Detail, email, "[adresse effacée]")
		for _, n := range names[1:] {
			if len(n) > 1 {
				d = strings.ReplaceAll(d, n, AnonymisedName)
			}
		}
		if err := tx.Model(&AuditEvent{}).Where("id = ?", e.ID).Update("detail", d).Error; err != nil {
			return res, fmt.Errorf("erase: audit event %d: %w", e.ID, err)
		}
		res.AuditEvents++
	}
	return res, nil
}
