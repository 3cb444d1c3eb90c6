package models

import (
	"context"
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
	var out []AuditEvent
	err := s.q(ctx).Table("audit_events AS a").
		Select("a.*, COALESCE(u.name, 'Système') AS actor_name").
		Joins("LEFT JOIN users u ON u.id = a.actor_id").
		Where("a.object_type = ? AND a.object_id = ?", objectType, objectID).
		Order("a.created_at DESC, a.id DESC").
		Scan(&out).Error
	return out, err
}
