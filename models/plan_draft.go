package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// PlanDraft is one run of the planner kept between « plan » and « send »:
// the instance it was given and the hash of it (a draft whose inputs have
// changed is stale), the plan as adjusted by hand, and the first-fit
// figures it is compared with. The JSON documents belong to
// internal/planning; the store keeps them as they are.
type PlanDraft struct {
	ID           int64
	SeasonID     int64
	PeriodFrom   time.Time
	PeriodTo     time.Time
	InputsHash   string
	InstanceJSON string
	IndexJSON    string
	PlanJSON     string
	BaselineJSON string
	CreatedBy    int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
	SentBy       *int64
	SentAt       *time.Time
	// SentCount is the number of sessions proposed (or moved, for a
	// replan) when it was sent.
	SentCount int
	// Kind is a plan of accepted requests or a replan of live sessions.
	Kind DraftKind
	// Status is running while the planner computes it in the background,
	// then ready (or failed, with Failure for the log's reader).
	Status  DraftStatus
	Failure string
	// ResultJSON is what sending a replan did to each of its sessions.
	ResultJSON string
}

// DraftKind says what a draft plans.
type DraftKind string

// The kinds of draft.
const (
	// DraftPlan places the accepted requests of a season.
	DraftPlan DraftKind = "plan"
	// DraftReplan moves the live sessions that no longer fit.
	DraftReplan DraftKind = "replan"
)

// DraftStatus says whether a draft's plan is there yet.
type DraftStatus string

// The statuses of a draft.
const (
	DraftRunning DraftStatus = "running"
	DraftReady   DraftStatus = "ready"
	DraftFailed  DraftStatus = "failed"
)

// Sent reports whether the draft's proposals have gone out.
func (d PlanDraft) Sent() bool { return d.SentAt != nil }

// SessionProposal is one session of a draft to propose: the request and
// the slot chosen for it.
type SessionProposal struct {
	RequestID int64
	Slot      SessionSlot
}

// ErrDraftSent says a draft was already sent (by this admin or another).
var ErrDraftSent = &ConflictError{Message: "Ces propositions ont déjà été envoyées : relancez le planificateur pour en préparer de nouvelles."}

// CreatePlanDraft stores a new, unsent draft run by an administrator.
func (s *Store) CreatePlanDraft(ctx context.Context, actorID int64, d PlanDraft) (PlanDraft, error) {
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := requireAdmin(tx, actorID); err != nil {
			return err
		}
		now := s.Now()
		d.ID, d.CreatedBy, d.CreatedAt, d.UpdatedAt = 0, actorID, now, now
		d.SentBy, d.SentAt, d.SentCount = nil, nil, 0
		if d.Kind == "" {
			d.Kind = DraftPlan
		}
		if d.Status == "" {
			d.Status = DraftReady
		}
		if err := tx.Create(&d).Error; err != nil {
			return fmt.Errorf("create plan draft: %w", err)
		}
		return nil
	})
	return d, err
}

// PlanDraftByID loads one draft.
func (s *Store) PlanDraftByID(ctx context.Context, id int64) (PlanDraft, error) {
	var d PlanDraft
	if err := s.q(ctx).Take(&d, id).Error; err != nil {
		return PlanDraft{}, notFound(err, "plan draft")
	}
	return d, nil
}

// UpdatePlanDraftPlan replaces the plan of an unsent draft (a session moved
// by hand). A sent draft is refused with ErrDraftSent.
func (s *Store) UpdatePlanDraftPlan(ctx context.Context, actorID, id int64, planJSON string) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := requireAdmin(tx, actorID); err != nil {
			return err
		}
		res := tx.Model(&PlanDraft{}).Where("id = ? AND sent_at IS NULL AND status = ?", id, DraftReady).
			Updates(map[string]any{"plan_json": planJSON, "updated_at": s.Now()})
		if res.Error != nil {
			return fmt.Errorf("update plan draft %d: %w", id, res.Error)
		}
		if res.RowsAffected == 0 {
			return s.draftNotOpen(tx, id)
		}
		return nil
	})
}

// SendPlanDraft proposes every session of a draft and marks it sent, all in
// one transaction: either every request becomes proposed (each through the
// same steps as ProposeSession, its email included) and the draft is sent,
// or nothing changes. A draft already sent is refused with ErrDraftSent,
// so two admins sending the same draft propose its sessions once.
func (s *Store) SendPlanDraft(ctx context.Context, actorID, id int64, proposals []SessionProposal) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := requireAdmin(tx, actorID); err != nil {
			return err
		}
		now := s.Now()
		res := tx.Model(&PlanDraft{}).Where("id = ? AND sent_at IS NULL AND kind = ? AND status = ?", id, DraftPlan, DraftReady).
			Updates(map[string]any{"sent_at": now, "sent_by": actorID, "sent_count": len(proposals), "updated_at": now})
		if res.Error != nil {
			return fmt.Errorf("mark plan draft %d sent: %w", id, res.Error)
		}
		if res.RowsAffected == 0 {
			return s.draftNotOpen(tx, id)
		}
		for _, p := range proposals {
			if _, err := s.proposeSession(tx, actorID, p.RequestID, p.Slot); err != nil {
				return fmt.Errorf("propose request %d: %w", p.RequestID, err)
			}
		}
		return nil
	})
}

// draftNotOpen tells why an update of draft id matched no row.
func (s *Store) draftNotOpen(tx *gorm.DB, id int64) error {
	var n int64
	if err := tx.Model(&PlanDraft{}).Where("id = ?", id).Count(&n).Error; err != nil {
		return fmt.Errorf("find plan draft %d: %w", id, err)
	}
	if n == 0 {
		return &NotFoundError{What: "plan draft"}
	}
	return ErrDraftSent
}

// PlanLabel is what the planning page shows of a request: its CLSM, its
// venue and its commune.
type PlanLabel struct {
	RequestID    int64
	CLSMName     string
	VenueName    string
	CommuneINSEE string
	// SessionState is the state of a session of the plan's fixed ones
	// (proposed or scheduled…); empty for a request.
	SessionState string
}

// PlanLabels names the requests and the sessions of a plan, in two
// queries whatever the size of the plan: by request id, and by session id
// (for the sessions already scheduled that the plan works around).
func (s *Store) PlanLabels(ctx context.Context, requestIDs, sessionIDs []int64) (byRequest, bySession map[int64]PlanLabel, err error) {
	byRequest, bySession = map[int64]PlanLabel{}, map[int64]PlanLabel{}
	type row struct {
		RowKey int64
		PlanLabel
	}
	const cols = "requests.id AS request_id, clsms.name AS clsm_name, requests.venue_name, requests.commune_insee"
	if len(requestIDs) > 0 {
		var rows []row
		if err := s.q(ctx).Table("requests").Select("requests.id AS row_key, "+cols).
			Joins("JOIN clsms ON clsms.id = requests.clsm_id").Where("requests.id IN ?", requestIDs).Scan(&rows).Error; err != nil {
			return nil, nil, fmt.Errorf("plan labels of requests: %w", err)
		}
		for _, r := range rows {
			byRequest[r.RowKey] = r.PlanLabel
		}
	}
	if len(sessionIDs) > 0 {
		var rows []row
		if err := s.q(ctx).Table("sessions").Select("sessions.id AS row_key, sessions.state AS session_state, "+cols).
			Joins("JOIN requests ON requests.id = sessions.request_id").Joins("JOIN clsms ON clsms.id = requests.clsm_id").
			Where("sessions.id IN ?", sessionIDs).Scan(&rows).Error; err != nil {
			return nil, nil, fmt.Errorf("plan labels of sessions: %w", err)
		}
		for _, r := range rows {
			bySession[r.RowKey] = r.PlanLabel
		}
	}
	return byRequest, bySession, nil
}

// UserNames maps user ids to their names, in one query.
func (s *Store) UserNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ID   int64
		Name string
	}
	if err := s.q(ctx).Table("users").Select("id, name").Where("id IN ?", ids).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("user names: %w", err)
	}
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, nil
}

// UserHomes returns the home commune (INSEE code) of each user of ids, in
// one query: the planning map starts each facilitator's trips there.
func (s *Store) UserHomes(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ID        int64
		HomeINSEE string `gorm:"column:home_insee"`
	}
	if err := s.q(ctx).Table("users").Select("id, home_insee").Where("id IN ?", ids).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("user homes: %w", err)
	}
	for _, r := range rows {
		out[r.ID] = r.HomeINSEE
	}
	return out, nil
}
