package planner

import (
	"math"
	"slices"
	"time"
)

// Plan is the planner's answer: every request appears exactly once, in
// Assignments or in Unassigned with a reason a person can act on.
type Plan struct {
	Assignments []Assignment `json:"assignments"`
	Unassigned  []Unassigned `json:"unassigned"`
	Stats       Stats        `json:"stats"`
}

// Assignment gives a request to a facilitator at a start time (RFC 3339, in
// the facilitator's time zone).
type Assignment struct {
	Request     string `json:"request"`
	Facilitator string `json:"facilitator"`
	Start       string `json:"start"`
}

// Unassigned is a request left out, with the reason in French.
type Unassigned struct {
	Request string `json:"request"`
	Reason  string `json:"reason"`
}

// Stats are the plan's figures; checkers recompute them.
type Stats struct {
	Assigned         int     `json:"assigned"`
	PriorityAssigned int     `json:"priority_assigned"`
	TravelKm         float64 `json:"travel_km"`
}

// buildPlan turns a state into a Plan: assignments in time order (then by
// facilitator), unassigned requests in file order with their reasons.
func buildPlan(s *state) *Plan {
	p := s.p
	plan := &Plan{Assignments: []Assignment{}, Unassigned: []Unassigned{}}
	var placed []int32
	for r := range p.reqs {
		if s.at[r] >= 0 {
			placed = append(placed, int32(r))
		}
	}
	slices.SortFunc(placed, func(a, b int32) int {
		if c := cmpInt64(s.start[a], s.start[b]); c != 0 {
			return c
		}
		return int(p.cands[s.at[a]].fac - p.cands[s.at[b]].fac)
	})
	for _, r := range placed {
		fac := &p.facs[p.cands[s.at[r]].fac]
		plan.Assignments = append(plan.Assignments, Assignment{
			Request:     p.reqs[r].id,
			Facilitator: fac.id,
			Start:       time.Unix(s.start[r], 0).In(fac.tz).Format(time.RFC3339),
		})
		plan.Stats.PriorityAssigned += p.reqs[r].prio
	}
	plan.Stats.Assigned = len(placed)
	plan.Stats.TravelKm = math.Round(float64(s.travel)/100) / 10
	explain := newExplainer(s)
	for r := range p.reqs {
		if s.at[r] < 0 {
			plan.Unassigned = append(plan.Unassigned, Unassigned{Request: p.reqs[r].id, Reason: explain.reason(int32(r))})
		}
	}
	return plan
}
