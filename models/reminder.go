package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ReminderKind says which reminder of a session: a week or a day before.
type ReminderKind string

// The reminders of a scheduled session.
const (
	Reminder7d ReminderKind = "7d"
	Reminder1d ReminderKind = "1d"
)

// reminderWindows say when each reminder goes: the sweep queues a
// reminder while the session starts within (now+From, now+To]. The week's
// reminder is for a session set a week ahead: a session confirmed or
// moved later than six days before has just had its invitation and gets
// only the day's reminder.
var reminderWindows = []struct {
	Kind     ReminderKind
	From, To time.Duration
}{
	{Reminder7d, 6 * 24 * time.Hour, 7 * 24 * time.Hour},
	{Reminder1d, 0, 24 * time.Hour},
}

// The scheduler's periodic jobs of the day of a session.
const (
	// JobSessionReminders queues the reminders that are due.
	JobSessionReminders = "session_reminders"
	// JobSessionClose closes the held sessions whose debrief and
	// feedback period are over.
	JobSessionClose = "session_close"
)

// SessionReminder is a reminder batch already queued: one per session,
// SEQUENCE and kind.
type SessionReminder struct {
	SessionID int64 `gorm:"primaryKey;autoIncrement:false"`
	Sequence  int   `gorm:"primaryKey;autoIncrement:false"`
	Kind      ReminderKind
	QueuedAt  time.Time
}

// TableName is the table of queued reminder batches.
func (SessionReminder) TableName() string { return "session_reminders" }

// SessionReminderNotice reminds everyone of a scheduled session a week
// (Kind 7d) or a day (1d) before: its facilitator, its coordinator and
// every confirmed participant (each with their cancel link), with the
// venue's access and the day's contact phones (Day).
type SessionReminderNotice struct {
	Kind         ReminderKind
	Request      Request
	CLSM         CLSM
	Session      Session
	Facilitator  User
	Coordinator  User
	Day          SessionDay
	Participants []Registration
}

func (*SessionReminderNotice) notice() {}

// QueueDueReminders is the periodic session_reminders job: for every
// scheduled session inside a reminder's window whose batch for its
// current SEQUENCE is not queued yet, it queues the batch and marks it, in
// one transaction per session. The mark makes the batch go once, across
// restarts and with several serve processes; a moved session (a higher
// SEQUENCE) is reminded at its new date, a cancelled one not at all. It
// returns how many batches it queued.
func (s *Store) QueueDueReminders(ctx context.Context) (int, error) {
	now := s.Now()
	n := 0
	for _, w := range reminderWindows {
		var ids []int64
		err := s.q(ctx).Table("sessions AS s").Select("s.id").
			Joins("JOIN requests r ON r.session_id = s.id").
			Where("s.state = ? AND s.starts_at > ? AND s.starts_at <= ?", SessionScheduled, now.Add(w.From), now.Add(w.To)).
			Where("NOT EXISTS (SELECT 1 FROM session_reminders m WHERE m.session_id = s.id AND m.sequence = s.sequence AND m.kind = ?)", w.Kind).
			Order("s.starts_at, s.id").Pluck("s.id", &ids).Error
		if err != nil {
			return n, fmt.Errorf("sessions to remind (%s): %w", w.Kind, err)
		}
		for _, id := range ids {
			queued, err := s.queueReminder(ctx, id, w.Kind, w.From, w.To)
			if err != nil {
				return n, err
			}
			if queued {
				n++
			}
		}
	}
	return n, nil
}

// queueReminder queues one reminder batch of session id, unless the
// session changed since it was listed or the batch is already marked.
func (s *Store) queueReminder(ctx context.Context, id int64, kind ReminderKind, from, to time.Duration) (bool, error) {
	queued := false
	err := s.tx(ctx, func(tx *gorm.DB) error {
		// A move or a cancellation on another instance goes before or
		// after: the reminder is of the session as it then is.
		if err := s.lockSessions(tx, id); err != nil {
			return fmt.Errorf("lock session %d: %w", id, err)
		}
		var se Session
		if err := tx.Take(&se, id).Error; err != nil {
			return notFound(err, "session")
		}
		now := s.Now()
		if se.State != SessionScheduled || !se.StartsAt.After(now.Add(from)) || se.StartsAt.After(now.Add(to)) {
			return nil
		}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).
			Create(&SessionReminder{SessionID: se.ID, Sequence: se.Sequence, Kind: kind, QueuedAt: now})
		if res.Error != nil {
			return fmt.Errorf("mark reminder %s of session %d: %w", kind, se.ID, res.Error)
		}
		if res.RowsAffected == 0 {
			return nil // another instance queued it
		}
		queued = true
		if s.mail == nil {
			return nil
		}
		r, c, coord, fac, err := sessionParties(tx, se)
		if err != nil {
			return err
		}
		day, err := sessionDayOf(tx, se.ID)
		if err != nil {
			return err
		}
		var regs []Registration
		if err := tx.Where("session_id = ? AND state = ?", se.ID, RegistrationConfirmed).Order("id").Find(&regs).Error; err != nil {
			return fmt.Errorf("participants of session %d: %w", se.ID, err)
		}
		return s.queue(tx, &SessionReminderNotice{Kind: kind, Request: r, CLSM: c, Session: se, Facilitator: fac,
			Coordinator: coord, Day: day, Participants: regs}, now)
	})
	if err != nil {
		return false, fmt.Errorf("remind session %d (%s): %w", id, kind, err)
	}
	return queued, nil
}
