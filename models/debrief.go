package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// DefaultFeedbackPeriod is how long after a session its participants may
// answer the feedback questionnaire when the configuration says nothing
// (sessions.feedback_period); a held session whose debrief is done closes
// at its end.
const DefaultFeedbackPeriod = 14 * 24 * time.Hour

// UseFeedbackPeriod sets the feedback period. Call it once, at wiring.
func (s *Store) UseFeedbackPeriod(d time.Duration) { s.feedbackPeriod = d }

// FeedbackPeriod is how long after its end a session stays open to feedback.
func (s *Store) FeedbackPeriod() time.Duration {
	if s.feedbackPeriod <= 0 {
		return DefaultFeedbackPeriod
	}
	return s.feedbackPeriod
}

// SaveDebrief records the facilitator's debrief of a session they led (or
// an administrator's, on their behalf). A started session still scheduled
// becomes held: a debrief says it took place. It may be edited until the
// session is closed.
func (s *Store) SaveDebrief(ctx context.Context, actorID, sessionID int64, d Debrief) (SessionDay, error) {
	d, f := d.Problems()
	if len(f) > 0 {
		return SessionDay{}, &ValidationError{Fields: f}
	}
	var day SessionDay
	err := s.withLedSession(ctx, actorID, sessionID, func(tx *gorm.DB, se Session, r *Request) error {
		now := s.Now()
		if err := recordDay(tx, se, r, actorID, now); err != nil {
			return err
		}
		before, err := sessionDayOf(tx, se.ID)
		if err != nil {
			return err
		}
		cols := map[string]any{"atmosphere": d.Atmosphere, "topics": d.Topics, "resources": d.Resources,
			"follow_up": d.FollowUp, "notes": d.Notes, "debriefed_by": actorID}
		action := "debrief_edit"
		if before.DebriefedAt == nil {
			cols["debriefed_at"], action = now, "debrief"
		}
		if err := updateSessionDay(tx, se.ID, cols, now); err != nil {
			return err
		}
		if err := audit(tx, &actorID, "session", se.ID, action, "bilan de la séance enregistré", now); err != nil {
			return err
		}
		day, err = sessionDayOf(tx, se.ID)
		return err
	})
	return day, err
}

// CloseDueSessions is the periodic session_close job: every held session
// whose debrief is done and whose feedback period is over is closed, with
// its request. Each session closes in its own transaction; one that moved
// meanwhile is skipped.
func (s *Store) CloseDueSessions(ctx context.Context) (int, error) {
	now := s.Now()
	var ids []int64
	err := s.q(ctx).Table("sessions AS s").Select("s.id").
		Joins("JOIN session_days d ON d.session_id = s.id").
		Where("s.state = ? AND d.debriefed_at IS NOT NULL AND s.ends_at <= ?", SessionHeld, now.Add(-s.FeedbackPeriod())).
		Order("s.id").Pluck("s.id", &ids).Error
	if err != nil {
		return 0, fmt.Errorf("sessions to close: %w", err)
	}
	n := 0
	for _, id := range ids {
		err := s.withSessionRequest(ctx, id, func(tx *gorm.DB, se Session, r *Request) error {
			if se.State != SessionHeld {
				return nil
			}
			_, err := moveRequest(tx, r, nil, RequestClosed, "Séance clôturée : bilan rempli et période de retours terminée.", s.Now())
			if err == nil {
				n++
			}
			return err
		})
		if err != nil {
			return n, fmt.Errorf("close session %d: %w", id, err)
		}
	}
	return n, nil
}
