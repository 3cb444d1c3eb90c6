package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// DeleteDraft deletes a draft of the actor's CLSM that was never sent: the
// request, its windows, quartiers and history go in one transaction. Only
// an audit line remains, without any of the draft's content. Once sent, a
// request is withdrawn instead, so that the resource centre keeps its trace.
func (s *Store) DeleteDraft(ctx context.Context, actorID, id int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		r, err := coordinatorsRequest(tx, actorID, id)
		if err != nil {
			return err
		}
		if r.State != RequestDraft || r.SubmittedAt != nil {
			return &ConflictError{Message: fmt.Sprintf("Cette demande est à l’état « %s » : seul un brouillon jamais envoyé peut être supprimé. Vous pouvez la retirer.", r.State.Label())}
		}
		for _, table := range []string{"request_windows", "request_qpvs", "request_events"} {
			if err := tx.Exec("DELETE FROM "+table+" WHERE request_id = ?", id).Error; err != nil {
				return fmt.Errorf("delete draft %d from %s: %w", id, table, err)
			}
		}
		res := tx.Exec("DELETE FROM requests WHERE id = ? AND state = ?", id, RequestDraft)
		if res.Error != nil {
			return fmt.Errorf("delete draft %d: %w", id, res.Error)
		}
		if res.RowsAffected != 1 {
			return &ConflictError{Message: "Ce brouillon a changé entre-temps : rechargez la page pour voir son état actuel."}
		}
		return audit(tx, &actorID, "request", id, "delete_draft", "brouillon supprimé", s.Now())
	})
}
