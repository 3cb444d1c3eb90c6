package planner

import "slices"

// Ejection chains raise the priority where greedy repairs get stuck: an
// unassigned request u wants a slot whose week (or day) is full, so one of
// the sessions there, b, is taken out, u goes in, and b is placed again
// elsewhere — possibly by ejecting another session in turn, up to a depth.
// It is an augmenting path in the matching of requests to slots. A chain
// is kept when it raises the priority (b may then stay out if its
// priority is lower than u's) or, at equal priority, when it shortens the
// travel (a swap); otherwise it is rolled back.

// maxChainDepth bounds the number of ejections in one chain.
const maxChainDepth = 2

// augment tries to bring unassigned request u into the plan by an
// ejection chain. It returns whether the plan changed.
func (x *search) augment(u int32) bool {
	s := x.s
	s.begin()
	x.stamp++
	x.mark[u] = x.stamp
	if x.placeChain(u, maxChainDepth) && (s.prio > s.jr.prio || (s.prio == s.jr.prio && s.travel < s.jr.travel)) {
		s.commit()
		return true
	}
	s.revert()
	return false
}

// placeChain places request r directly if it fits, or else by ejecting one
// session that blocks one of its candidates and re-placing that session
// with depth-1. Requests already moved by the chain are marked and never
// ejected again, so a chain cannot loop. An ejected session that finds no
// place may stay out only if the chain still gains priority overall.
func (x *search) placeChain(r int32, depth int) bool {
	s := x.s
	if in, ok := s.bestInsertion(r, &x.steps); ok {
		s.insert(r, in)
		return true
	}
	if depth == 0 {
		return false
	}
	for _, ci := range s.p.reqs[r].cands {
		if x.steps >= x.budget {
			return false
		}
		for _, b := range x.blockers(ci) {
			if x.mark[b] == x.stamp {
				continue
			}
			// A branch costs a removal, an insertion and a rollback: three
			// day rewrites, counted as steps like evaluations.
			x.steps += 3
			sp := s.savepoint()
			s.remove(b)
			in, ok := s.evalCand(r, ci, &x.steps)
			if !ok {
				s.rollback(sp)
				continue
			}
			s.insert(r, in)
			x.mark[b] = x.stamp
			if x.placeChain(b, depth-1) || s.prio > s.jr.prio {
				return true
			}
			s.rollback(sp)
			x.mark[b] = 0
		}
	}
	return false
}

// augmentAll runs augment on every unassigned request, highest priority
// first, within a share of the step budget.
func (x *search) augmentAll(order []int32, steps int64) {
	limit := min(x.budget, x.steps+steps)
	saved := x.budget
	x.budget = limit
	for _, r := range order {
		if x.steps >= limit {
			break
		}
		if x.s.at[r] < 0 && len(x.s.p.reqs[r].cands) > 0 {
			x.augment(r)
		}
	}
	x.budget = saved
}

// blockers lists the requests whose removal could open candidate ci: the
// facilitator's sessions that week when the weekly limit is reached, else
// the sessions of that day. Lowest priority first, then file order.
func (x *search) blockers(ci int32) []int32 {
	s := x.s
	c := &s.p.cands[ci]
	fac := &s.p.facs[c.fac]
	out := x.blockBuf[:0]
	if fac.maxWeek >= 0 && int(s.weekCount(c.fac, c.week)) >= fac.maxWeek {
		monday := c.week*7 - 3
		for d := monday; d < monday+7; d++ {
			for _, id := range s.day(c.fac, d) {
				if id < s.nReq {
					out = append(out, id)
				}
			}
		}
	} else {
		for _, id := range s.day(c.fac, c.day) {
			if id < s.nReq {
				out = append(out, id)
			}
		}
	}
	slices.SortFunc(out, func(a, b int32) int {
		if pa, pb := s.p.reqs[a].prio, s.p.reqs[b].prio; pa != pb {
			return pa - pb
		}
		return int(a - b)
	})
	// The buffer is shared by every level of the chain: hand out a copy.
	x.blockBuf = out
	return slices.Clone(out)
}
