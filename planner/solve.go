package planner

import (
	"context"
	"slices"
)

// Options tunes the search. The zero value is the default used by the
// command line and the web app.
type Options struct {
	// Steps bounds the search by a count of day-schedule evaluations (one
	// per candidate and insertion position tried), never by the clock, so
	// the plan is the same on a fast machine and a slow one. Zero means
	// DefaultStepsPerRequest per request.
	Steps int64
	// Seed seeds the search's random choices. Each seed is reproducible.
	Seed uint64
}

// DefaultStepsPerRequest is the default search effort per request: about
// a second for the 200-request season on one core.
const DefaultStepsPerRequest = 20000

// Solve plans an instance: it places as much priority as it can, then
// shortens travel by building trips. The objective, in this order:
//
//  1. the total priority of the assigned requests, as high as possible;
//  2. the total travel (home → sessions → home per trip), as low as
//     possible;
//  3. ties go to the least loaded facilitator, then to earlier starts.
//
// The method: a greedy construction by priority and scarcity, then a
// large-neighbourhood search (see search.go), then a last pass that adds
// any request still fitting. It returns an error only for an invalid
// instance or a cancelled context; a cancelled search never returns a
// partial plan, so a plan never depends on timing.
func Solve(ctx context.Context, in *Instance, opt Options) (*Plan, error) {
	p, err := compile(in)
	if err != nil {
		return nil, err
	}
	s := newState(p)
	var steps int64
	construct(s, &steps)
	// The search starts from the better of the greedy construction and
	// the first-fit baseline, so it never ends below the baseline.
	if ff := firstFit(p); ff.prio > s.prio || (ff.prio == s.prio && ff.travel < s.travel) {
		s = ff
	}
	budget := opt.Steps
	if budget <= 0 {
		budget = DefaultStepsPerRequest * int64(max(len(p.reqs), 1))
	}
	srch := newSearch(s, budget, opt.Seed)
	if err := srch.run(ctx); err != nil {
		return nil, err
	}
	fill(s, &steps)
	return buildPlan(s), nil
}

// construct places the requests greedily, highest priority first and,
// within a priority, the scarcest first (fewest candidate days), each at
// its cheapest insertion. Scarce requests go first because the flexible
// ones can still find room around them.
func construct(s *state, steps *int64) {
	order := byPriorityThenScarcity(s.p)
	for _, r := range order {
		if in, ok := s.bestInsertion(r, steps); ok {
			s.insert(r, in)
		}
	}
}

// fill inserts every unassigned request that still fits, by priority: an
// insertion always raises the first objective, whatever it costs in travel.
func fill(s *state, steps *int64) {
	for _, r := range byPriorityThenScarcity(s.p) {
		if s.at[r] < 0 {
			if in, ok := s.bestInsertion(r, steps); ok {
				s.insert(r, in)
			}
		}
	}
}

// byPriorityThenScarcity orders requests by priority (highest first), then
// by the number of distinct (facilitator, day) options (fewest first), then
// by file order.
func byPriorityThenScarcity(p *problem) []int32 {
	options := make([]int, len(p.reqs))
	for r := range p.reqs {
		n := 0
		var lastF, lastD int32 = -1, -1
		for _, ci := range p.reqs[r].cands {
			c := &p.cands[ci]
			if c.fac != lastF || c.day != lastD {
				n++
				lastF, lastD = c.fac, c.day
			}
		}
		options[r] = n
	}
	order := make([]int32, len(p.reqs))
	for r := range order {
		order[r] = int32(r)
	}
	slices.SortStableFunc(order, func(a, b int32) int {
		if pa, pb := p.reqs[a].prio, p.reqs[b].prio; pa != pb {
			return pb - pa
		}
		return options[a] - options[b]
	})
	return order
}
