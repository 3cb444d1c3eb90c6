package models

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// AuditEvent records one change: who (nil for the system), when, what.
type AuditEvent struct {
	ID         int64
	ActorID    *int64
	ObjectType string
	ObjectID   int64
	Action     string
	Detail     string
	CreatedAt  time.Time
	ActorName  string `gorm:"->;-:migration"`
}

// audit writes an event inside the operation's transaction.
func audit(tx *gorm.DB, actorID *int64, objectType string, objectID int64, action, detail string, now time.Time) error {
	return tx.Create(&AuditEvent{
		ActorID: actorID, ObjectType: objectType, ObjectID: objectID,
		Action: action, Detail: detail, CreatedAt: now,
	}).Error
}

// AuditTrail returns the events of one object, newest first, with the
// actor's name (kept even when the actor was deactivated).
func (s *Store) AuditTrail(ctx context.Context, objectType string, objectID int64) ([]AuditEvent, error) {
	out, err := scanAuditEvents(s.auditTrailQuery(ctx, objectType, objectID))
	if err != nil {
		return nil, fmt.Errorf("audit trail of %s %d: %w", objectType, objectID, err)
	}
	return out, nil
}

// AuditCount returns the number of events of one object: its history
// grows with every change, so a page shows it page by page (AuditPage).
func (s *Store) AuditCount(ctx context.Context, objectType string, objectID int64) (int64, error) {
	var total int64
	if err := s.q(ctx).Table("audit_events").Where("object_type = ? AND object_id = ?", objectType, objectID).
		Count(&total).Error; err != nil {
		return 0, fmt.Errorf("count the audit trail of %s %d: %w", objectType, objectID, err)
	}
	return total, nil
}

// AuditPage returns limit events of one object after its newest offset,
// newest first, with the actor's name, in the order of the index on the
// object (audit_events_object), without a sort.
func (s *Store) AuditPage(ctx context.Context, objectType string, objectID int64, offset, limit int) ([]AuditEvent, error) {
	out, err := scanAuditEvents(s.auditTrailQuery(ctx, objectType, objectID).Offset(offset).Limit(limit))
	if err != nil {
		return nil, fmt.Errorf("audit trail of %s %d: %w", objectType, objectID, err)
	}
	return out, nil
}

// auditTrailQuery is the statement of AuditTrail and AuditPage.
func (s *Store) auditTrailQuery(ctx context.Context, objectType string, objectID int64) *gorm.DB {
	return s.q(ctx).Table("audit_events AS a").
		Select("a.id, a.actor_id, a.object_type, a.object_id, a.action, a.detail, a.created_at, COALESCE(u.name, 'Système') AS actor_name").
		Joins("LEFT JOIN users u ON u.id = a.actor_id").
		Where("a.object_type = ? AND a.object_id = ?", objectType, objectID).
		Order("a.created_at DESC, a.id DESC")
}

// scanAuditEvents runs q (auditTrailQuery's columns, in their order) and
// scans its rows by hand: gorm's Scan matched each column to a field by
// reflection, row after row, on every page that shows a history.
func scanAuditEvents(q *gorm.DB) ([]AuditEvent, error) {
	return scanRows(q, func(rows *sql.Rows, e *AuditEvent) error {
		return rows.Scan(&e.ID, &e.ActorID, &e.ObjectType, &e.ObjectID, &e.Action, &e.Detail, &e.CreatedAt, &e.ActorName)
	})
}
