package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// JobRetentionPurge anonymises the personal data of the seasons closed
// longer ago than the retention period (Store.PurgeExpiredPersonalData).
const JobRetentionPurge = "retention_purge"

// DefaultRetentionMonths is the retention period when none is configured.
const DefaultRetentionMonths = 12

// What an anonymised row holds in place of a person: the name reads
// « Personne anonymisée » wherever a full name is shown, and the email
// becomes a marker that is not an address (no @), unique per row so that
// the unique indexes on addresses still hold.
const (
	AnonymisedFirstName = "Personne"
	AnonymisedLastName  = "anonymisée"
	AnonymisedName      = AnonymisedFirstName + " " + AnonymisedLastName
	anonymisedMarker    = "anonymise:"
)

// IsAnonymisedAddress reports whether an email column holds the marker of
// an anonymised row rather than an address.
func IsAnonymisedAddress(s string) bool { return strings.HasPrefix(s, anonymisedMarker) }

// RetentionRun is the record of one run of the retention purge: counts
// only, never who.
type RetentionRun struct {
	ID           int64
	RanAt        time.Time
	ClosedBefore time.Time
	// Registrations and Attendances (walk-ins) anonymised, SessionDays
	// whose contact phones were cleared, OutboxMessages whose recipient
	// and content were wiped.
	Registrations  int
	Attendances    int
	SessionDays    int
	OutboxMessages int
}

// TableName is the table of retention runs.
func (RetentionRun) TableName() string { return "retention_runs" }

// Total is the number of rows the run changed.
func (r RetentionRun) Total() int {
	return r.Registrations + r.Attendances + r.SessionDays + r.OutboxMessages
}

// sessionsOfSeasonsClosedBefore selects the sessions of the seasons closed
// at or before its one argument.
const sessionsOfSeasonsClosedBefore = `SELECT s.id FROM sessions s
	JOIN requests r ON r.id = s.request_id
	JOIN seasons se ON se.id = r.season_id
	WHERE se.status = 'closed' AND se.closed_at IS NOT NULL AND se.closed_at <= ?`

// PurgeExpiredPersonalData anonymises, in one transaction, what names a
// person in the seasons closed at least months ago: the registrations
// (names, email, role, accommodations; the cancel and feedback links are
// revoked), the walk-ins typed on the day, the day's contact phones, and
// the messages of the outbox created before the same cutoff that are no
// longer to be sent (recipient and content wiped). Categories, states,
// ticks, counts and the anonymous feedback answers stay, so the season
// reports are unchanged. Rows already anonymised are left alone: a second
// run changes nothing and records zeros. The run is recorded
// (RetentionRuns) with its counts.
func (s *Store) PurgeExpiredPersonalData(ctx context.Context, months int) (RetentionRun, error) {
	if months <= 0 {
		months = DefaultRetentionMonths
	}
	now := s.Now()
	run := RetentionRun{RanAt: now, ClosedBefore: now.AddDate(0, -months, 0)}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var err error
		where := "session_id IN (" + sessionsOfSeasonsClosedBefore + ")"
		if run.Registrations, err = anonymiseRegistrations(tx, where, []any{run.ClosedBefore}, now); err != nil {
			return err
		}
		if run.Attendances, err = anonymiseWalkIns(tx, where, []any{run.ClosedBefore}, now); err != nil {
			return err
		}
		res := tx.Exec(`UPDATE session_days SET facilitator_phone = '', coordinator_phone = '', updated_at = ?
			WHERE (facilitator_phone <> '' OR coordinator_phone <> '') AND `+where, now, run.ClosedBefore)
		if res.Error != nil {
			return fmt.Errorf("clear the day's phones: %w", res.Error)
		}
		run.SessionDays = int(res.RowsAffected)
		if run.OutboxMessages, err = wipeOutbox(tx, "created_at <= ? AND status IN ('sent', 'failed')", []any{run.ClosedBefore}, ""); err != nil {
			return err
		}
		return tx.Create(&run).Error
	})
	return run, err
}

// RetentionRuns returns the last runs of the purge, newest first.
func (s *Store) RetentionRuns(ctx context.Context, limit int) ([]RetentionRun, error) {
	if limit <= 0 || limit > 100 {
		limit = 10
	}
	var out []RetentionRun
	err := s.q(ctx).Order("ran_at DESC, id DESC").Limit(limit).Find(&out).Error
	return out, err
}

// anonymiseRegistrations anonymises the registrations matching where (not
// yet anonymised) and revokes their cancel and feedback links; it returns
// how many. The rows of this batch are those stamped with now.
func anonymiseRegistrations(tx *gorm.DB, where string, args []any, now time.Time) (int, error) {
	res := tx.Exec(`UPDATE registrations SET first_name = ?, last_name = ?, email = ? || id,
		role = '', accommodations = '', cancel_version = cancel_version + 1, anonymised_at = ?, updated_at = ?
		WHERE anonymised_at IS NULL AND `+where,
		append([]any{AnonymisedFirstName, AnonymisedLastName, anonymisedMarker + "registration:", now, now}, args...)...)
	if res.Error != nil {
		return 0, fmt.Errorf("anonymise registrations: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return 0, nil
	}
	err := tx.Exec(`UPDATE feedback_links SET link_version = link_version + 1
		WHERE registration_id IN (SELECT id FROM registrations WHERE anonymised_at = ?)`, now).Error
	if err != nil {
		return 0, fmt.Errorf("revoke feedback links: %w", err)
	}
	return int(res.RowsAffected), nil
}

// anonymiseWalkIns anonymises the names of the walk-ins (attendances typed
// on the day, without a registration) matching where. Their category and
// organisation stay: the report counts them.
func anonymiseWalkIns(tx *gorm.DB, where string, args []any, now time.Time) (int, error) {
	res := tx.Exec(`UPDATE attendances SET first_name = ?, last_name = ?, anonymised_at = ?, updated_at = ?
		WHERE registration_id IS NULL AND anonymised_at IS NULL AND `+where,
		append([]any{AnonymisedFirstName, AnonymisedLastName, now, now}, args...)...)
	if res.Error != nil {
		return 0, fmt.Errorf("anonymise walk-ins: %w", res.Error)
	}
	return int(res.RowsAffected), nil
}

// wipeOutbox replaces the recipient of the outbox messages matching where
// by a marker and empties their content; the messages still to be sent
// are cancelled (failed, permanently, with reason as their last error)
// when reason is set. It returns how many messages it wiped.
func wipeOutbox(tx *gorm.DB, where string, args []any, reason string) (int, error) {
	res := tx.Exec(`UPDATE outbox_messages SET recipient = ? || id, payload = '', sensitive = TRUE,
		status = CASE WHEN status IN ('pending', 'failed') AND ? <> '' THEN 'failed' ELSE status END,
		permanent = CASE WHEN status IN ('pending', 'failed') AND ? <> '' THEN TRUE ELSE permanent END,
		last_error = CASE WHEN status IN ('pending', 'failed') AND ? <> '' THEN ? ELSE last_error END
		WHERE recipient NOT LIKE ? AND `+where,
		append([]any{anonymisedMarker + "outbox:", reason, reason, reason, reason, anonymisedMarker + "%"}, args...)...)
	if res.Error != nil {
		return 0, fmt.Errorf("wipe outbox messages: %w", res.Error)
	}
	return int(res.RowsAffected), nil
}

// RecentAudit returns the last limit events of one object (at most 100),
// newest first, with the actor's name: the personal data page shows the
// last exports and erasures.
func (s *Store) RecentAudit(ctx context.Context, objectType string, objectID int64, limit int) ([]AuditEvent, error) {
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	return s.AuditPage(ctx, objectType, objectID, 0, limit)
}
