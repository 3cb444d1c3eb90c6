package models

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// SessionConflict is a live session whose slot no longer passes the hard
// rules (its facilitator fell ill, their calendar changed, a limit was
// lowered…), with the rule it breaks and why, in French.
type SessionConflict struct {
	SessionID int64
	RequestID int64
	State     SessionState
	Sequence  int
	Slot      SessionSlot
	Rule      SlotRule // "" when the slot itself became invalid (an inactive facilitator)
	Reason    string
}

// SessionConflicts checks every live session (proposed or scheduled, the
// live one of its request) of the season that starts in [from, to) against
// the very rules a write would check (checkSlot), read-only, and returns
// those that fail, in time order. Each session is checked with the others
// where they are: two sessions that clash are both reported.
func (s *Store) SessionConflicts(ctx context.Context, seasonID int64, from, to time.Time) ([]SessionConflict, error) {
	var live []Session
	if err := s.q(ctx).Table("sessions").Select("sessions.*").
		Joins("JOIN requests r ON r.session_id = sessions.id").
		Where("r.season_id = ? AND sessions.state IN ? AND sessions.starts_at >= ? AND sessions.starts_at < ?",
			seasonID, []SessionState{SessionProposed, SessionScheduled}, from.UTC(), to.UTC()).
		Order("sessions.starts_at, sessions.id").Find(&live).Error; err != nil {
		return nil, fmt.Errorf("live sessions of season %d: %w", seasonID, err)
	}
	out := []SessionConflict{}
	db := s.q(ctx)
	for _, se := range live {
		err := s.checkSlot(db, se.slotOf(), se.ID, se.RequestID)
		if err == nil {
			continue
		}
		c := SessionConflict{SessionID: se.ID, RequestID: se.RequestID, State: se.State, Sequence: se.Sequence, Slot: se.slotOf()}
		var re *SlotRuleError
		var ve *ValidationError
		switch {
		case errors.As(err, &re):
			c.Rule, c.Reason = re.Rule, re.Message
		case errors.As(err, &ve):
			c.Reason = ve.UserMessage()
		default:
			return nil, fmt.Errorf("check session %d: %w", se.ID, err)
		}
		out = append(out, c)
	}
	return out, nil
}

// ProposedSessions returns the proposed sessions that overlap [from, to),
// as ScheduledSessions does for the confirmed ones: a replan keeps them
// where they are, as it keeps those.
func (s *Store) ProposedSessions(ctx context.Context, from, to time.Time) ([]ScheduledSession, error) {
	return s.sessionsIn(ctx, []SessionState{SessionProposed}, nil, from, to)
}
