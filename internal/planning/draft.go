package planning

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"quartier/models"
	"quartier/planner"
)

// Run is one run of the planner over the store for a season and a period:
// the instance Build made, the solver's plan and the first-fit figures of
// the same instance, for the admin's comparison.
type Run struct {
	Instance planner.Instance
	Index    Index
	Plan     planner.Plan
	Baseline planner.Stats
	// Hash identifies the instance: the store has changed since the run
	// when Build no longer gives the same hash.
	Hash string
}

// Solve builds the instance for a season over [from, to) and plans it with
// the solver (default options: the plan depends on the inputs only) and
// with the first-fit baseline.
func Solve(ctx context.Context, store *models.Store, geo Places, seasonID int64, from, to time.Time) (Run, error) {
	in, idx, err := Build(ctx, store, geo, seasonID, from, to)
	if err != nil {
		return Run{}, err
	}
	return SolveBuilt(ctx, in, idx, seasonID)
}

// SolveBuilt plans an instance Build made (Solve's second half), so that a
// caller can look at the instance's size before deciding where to run it.
func SolveBuilt(ctx context.Context, in planner.Instance, idx Index, seasonID int64) (Run, error) {
	h, err := Hash(in)
	if err != nil {
		return Run{}, err
	}
	plan, err := planner.Solve(ctx, &in, planner.Options{})
	if err != nil {
		return Run{}, fmt.Errorf("solve season %d: %w", seasonID, err)
	}
	ff, err := planner.FirstFit(&in)
	if err != nil {
		return Run{}, fmt.Errorf("first-fit season %d: %w", seasonID, err)
	}
	return Run{Instance: in, Index: idx, Plan: *plan, Baseline: ff.Stats, Hash: h}, nil
}

// Hash is the SHA-256 of the instance's JSON: equal instances, equal hashes
// (Build lists everything in a stable order).
func Hash(in planner.Instance) (string, error) {
	b, err := json.Marshal(in)
	if err != nil {
		return "", fmt.Errorf("hash instance: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// Current tells whether the store still gives the instance a draft was
// made from (same season, same period): false means the draft is stale.
func Current(ctx context.Context, store *models.Store, geo Places, d models.PlanDraft) (bool, error) {
	in, _, err := Build(ctx, store, geo, d.SeasonID, d.PeriodFrom, d.PeriodTo)
	if err != nil {
		return false, err
	}
	h, err := Hash(in)
	if err != nil {
		return false, err
	}
	return h == d.InputsHash, nil
}

// Draft is the run as the store keeps it until it is sent.
func (r Run) Draft(seasonID int64, from, to time.Time) (models.PlanDraft, error) {
	d := models.PlanDraft{SeasonID: seasonID, PeriodFrom: from.UTC(), PeriodTo: to.UTC(), InputsHash: r.Hash}
	for _, part := range []struct {
		dst *string
		v   any
	}{{&d.InstanceJSON, r.Instance}, {&d.IndexJSON, r.Index}, {&d.PlanJSON, r.Plan}, {&d.BaselineJSON, r.Baseline}} {
		b, err := json.Marshal(part.v)
		if err != nil {
			return models.PlanDraft{}, fmt.Errorf("encode plan draft: %w", err)
		}
		*part.dst = string(b)
	}
	return d, nil
}

// LoadRun reads a stored draft back.
func LoadRun(d models.PlanDraft) (Run, error) {
	r := Run{Hash: d.InputsHash}
	for _, part := range []struct {
		src string
		v   any
	}{{d.InstanceJSON, &r.Instance}, {d.IndexJSON, &r.Index}, {d.PlanJSON, &r.Plan}, {d.BaselineJSON, &r.Baseline}} {
		if err := json.Unmarshal([]byte(part.src), part.v); err != nil {
			return Run{}, fmt.Errorf("decode plan draft %d: %w", d.ID, err)
		}
	}
	return r, nil
}

// EncodePlan is the plan as a draft stores it.
func EncodePlan(p planner.Plan) (string, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return "", fmt.Errorf("encode plan: %w", err)
	}
	return string(b), nil
}

// Proposals turns the plan's assignments into the sessions to propose.
func Proposals(plan planner.Plan, idx Index) ([]models.SessionProposal, error) {
	out := make([]models.SessionProposal, 0, len(plan.Assignments))
	for _, a := range plan.Assignments {
		req, ok := idx.Requests[a.Request]
		if !ok {
			return nil, fmt.Errorf("assignment of %s: unknown request", a.Request)
		}
		userID, ok := idx.Facilitators[a.Facilitator]
		if !ok {
			return nil, fmt.Errorf("assignment of %s: unknown facilitator %s", a.Request, a.Facilitator)
		}
		start, err := time.Parse(time.RFC3339, a.Start)
		if err != nil {
			return nil, fmt.Errorf("assignment of %s: start: %w", a.Request, err)
		}
		out = append(out, models.SessionProposal{RequestID: req.ID, Slot: models.SessionSlot{
			FacilitatorID: userID, Start: start, End: start.Add(idx.SessionLength), TimeZone: req.TimeZone}})
	}
	return out, nil
}

// SessionOfFixed is the session id behind a fixed session's planner id
// (see FixedID).
func SessionOfFixed(id string) (int64, bool) {
	if len(id) < 2 || id[0] != 's' {
		return 0, false
	}
	n, err := strconv.ParseInt(id[1:], 10, 64)
	return n, err == nil
}
