package planner

import "math"

// FirstFit is the toy planner the solver is measured against: requests in
// file order, each given the earliest valid start over all its windows and
// allowed facilitators, never moving a session already placed. It is kept
// for tests and benchmarks (the instances README quotes its figures).
func FirstFit(in *Instance) (*Plan, error) {
	p, err := compile(in)
	if err != nil {
		return nil, err
	}
	return buildPlan(firstFit(p)), nil
}

// firstFit runs the baseline on a compiled problem.
func firstFit(p *problem) *state {
	s := newState(p)
	for r := range p.reqs {
		bestT, bestC := int64(math.MaxInt64), int32(-1)
		for _, ci := range p.reqs[r].cands {
			c := &p.cands[ci]
			if c.lo >= bestT || !s.capsAllow(c) {
				continue
			}
			if t, ok := s.earliestFixed(int32(r), c); ok && t < bestT {
				bestT, bestC = t, ci
			}
		}
		if bestC >= 0 {
			s.putFixed(int32(r), bestC, bestT)
		}
	}
	return s
}

// earliestFixed returns the earliest start in c's range at which request r
// fits among the facilitator's sessions without moving any of them. The
// earliest valid start is either the range's start or just after one of
// the day's sessions (plus the travel from it).
func (s *state) earliestFixed(r int32, c *cand) (int64, bool) {
	day := s.day(c.fac, c.day)
	notBefore, notAfter := s.bounds(c.fac, c.day)
	loc := s.p.reqs[r].loc
	fits := func(t int64) bool {
		if t < c.lo || t > c.hi || t < notBefore || t+s.p.dur > notAfter {
			return false
		}
		for _, id := range day {
			gap := int64(0)
			if l := s.loc(id); l >= 0 && loc >= 0 {
				gap = s.p.travelGap(l, loc)
			}
			x := s.start[id]
			if !(t >= x+s.p.dur+gap || x >= t+s.p.dur+gap) {
				return false
			}
		}
		return true
	}
	best, ok := int64(math.MaxInt64), false
	try := func(t int64) {
		if t < best && fits(t) {
			best, ok = t, true
		}
	}
	try(max(c.lo, notBefore))
	for _, id := range day {
		gap := int64(0)
		if l := s.loc(id); l >= 0 && loc >= 0 {
			gap = s.p.travelGap(l, loc)
		}
		try(max(c.lo, s.start[id]+s.p.dur+gap))
	}
	return best, ok
}

// putFixed places request r at start t on candidate ci, leaving the other
// sessions of the day where they are.
func (s *state) putFixed(r, ci int32, t int64) {
	c := &s.p.cands[ci]
	day := s.day(c.fac, c.day)
	ids := make([]int32, 0, len(day)+1)
	starts := make([]int64, 0, len(day)+1)
	placed := false
	for _, id := range day {
		if !placed && t < s.start[id] {
			ids, starts, placed = append(ids, r), append(starts, t), true
		}
		ids, starts = append(ids, id), append(starts, s.start[id])
	}
	if !placed {
		ids, starts = append(ids, r), append(starts, t)
	}
	s.setAt(r, ci)
	s.setDay(c.fac, c.day, ids, starts)
}
