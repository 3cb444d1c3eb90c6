package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// FinishPlanDraft stores the result of a draft computed in the background
// (its instance, index, plan and figures, from done) and makes it ready. A
// draft that is no longer running is left alone.
func (s *Store) FinishPlanDraft(ctx context.Context, id int64, done PlanDraft) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&PlanDraft{}).Where("id = ? AND status = ?", id, DraftRunning).Updates(map[string]any{
			"inputs_hash": done.InputsHash, "instance_json": done.InstanceJSON, "index_json": done.IndexJSON,
			"plan_json": done.PlanJSON, "baseline_json": done.BaselineJSON, "status": DraftReady, "updated_at": s.Now()})
		if res.Error != nil {
			return fmt.Errorf("finish plan draft %d: %w", id, res.Error)
		}
		return nil
	})
}

// FailPlanDraft marks a running draft failed, with the failure for the
// log's reader (the page says only that the run failed).
func (s *Store) FailPlanDraft(ctx context.Context, id int64, failure string) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		return tx.Model(&PlanDraft{}).Where("id = ? AND status = ?", id, DraftRunning).
			Updates(map[string]any{"status": DraftFailed, "failure": failure, "updated_at": s.Now()}).Error
	})
}

// SessionMove is one session a replan moves: to Slot, if its SEQUENCE is
// still Sequence (the session has not changed since the replan).
type SessionMove struct {
	SessionID int64
	Sequence  int
	Slot      SessionSlot
}

// SendReplanDraft applies a replan once: it marks the draft sent (a second
// send, by this admin or another, gets ErrDraftSent and moves nothing),
// then moves each session in its own transaction, as MoveSession does — the
// hard rules re-checked inside it, an updated invitation for a scheduled
// session, a new proposal for a proposed one. A move that no longer fits
// is not forced: outcomes[i] is its error (nil when moved), and the others
// go on.
func (s *Store) SendReplanDraft(ctx context.Context, actorID, id int64, moves []SessionMove) (outcomes []error, err error) {
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := requireAdmin(tx, actorID); err != nil {
			return err
		}
		now := s.Now()
		res := tx.Model(&PlanDraft{}).Where("id = ? AND sent_at IS NULL AND kind = ? AND status = ?", id, DraftReplan, DraftReady).
			Updates(map[string]any{"sent_at": now, "sent_by": actorID, "updated_at": now})
		if res.Error != nil {
			return fmt.Errorf("mark replan %d sent: %w", id, res.Error)
		}
		if res.RowsAffected == 0 {
			return s.draftNotOpen(tx, id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	outcomes = make([]error, len(moves))
	moved := 0
	for i, m := range moves {
		outcomes[i] = s.tx(ctx, func(tx *gorm.DB) error {
			_, err := s.moveSession(tx, actorID, m.SessionID, m.Slot, m.Sequence)
			return err
		})
		if outcomes[i] == nil {
			moved++
		}
	}
	if err := s.tx(ctx, func(tx *gorm.DB) error {
		return tx.Model(&PlanDraft{}).Where("id = ?", id).Update("sent_count", moved).Error
	}); err != nil {
		return outcomes, fmt.Errorf("count moves of replan %d: %w", id, err)
	}
	return outcomes, nil
}

// RecordReplanResult keeps what sending a replan did to each session (the
// JSON belongs to internal/planning), once it is sent.
func (s *Store) RecordReplanResult(ctx context.Context, id int64, resultJSON string) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		return tx.Model(&PlanDraft{}).Where("id = ? AND sent_at IS NOT NULL", id).Update("result_json", resultJSON).Error
	})
}
