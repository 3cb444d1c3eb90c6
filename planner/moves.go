package planner

import "math"

// journal records what a search move changed, so the move can be undone.
type journal struct {
	on     bool
	days   []daySave
	ids    []int32
	starts []int64
	reqs   []reqSave
	prio   int64
	travel int64
}

type daySave struct{ f, d, off, n int32 }

type reqSave struct{ r, at int32 }

func (j *journal) saveDay(f, d int32, ids []int32, start []int64) {
	j.days = append(j.days, daySave{f: f, d: d, off: int32(len(j.ids)), n: int32(len(ids))})
	for _, id := range ids {
		j.ids = append(j.ids, id)
		j.starts = append(j.starts, start[id])
	}
}

// begin starts recording a move.
func (s *state) begin() {
	s.jr.on = true
	s.jr.days, s.jr.ids, s.jr.starts, s.jr.reqs = s.jr.days[:0], s.jr.ids[:0], s.jr.starts[:0], s.jr.reqs[:0]
	s.jr.prio, s.jr.travel = s.prio, s.travel
}

// commit keeps the move.
func (s *state) commit() { s.jr.on = false }

// revert undoes the whole move.
func (s *state) revert() {
	s.rollback(savepoint{prio: s.jr.prio, travel: s.jr.travel})
	s.jr.on = false
}

// savepoint marks a point inside a move that rollback can return to, so
// that a move can try a branch and abandon it (see augment.go).
type savepoint struct {
	days, reqs   int
	prio, travel int64
}

func (s *state) savepoint() savepoint {
	return savepoint{days: len(s.jr.days), reqs: len(s.jr.reqs), prio: s.prio, travel: s.travel}
}

// rollback undoes what the move changed since sp, restoring days in
// reverse order so that the first snapshot of each day, its state at sp,
// is applied last.
func (s *state) rollback(sp savepoint) {
	on := s.jr.on
	s.jr.on = false
	for i := len(s.jr.days) - 1; i >= sp.days; i-- {
		sv := s.jr.days[i]
		s.setDay(sv.f, sv.d, s.jr.ids[sv.off:sv.off+sv.n], s.jr.starts[sv.off:sv.off+sv.n])
	}
	if sp.days < len(s.jr.days) {
		off := s.jr.days[sp.days].off
		s.jr.ids, s.jr.starts = s.jr.ids[:off], s.jr.starts[:off]
		s.jr.days = s.jr.days[:sp.days]
	}
	for i := len(s.jr.reqs) - 1; i >= sp.reqs; i-- {
		s.at[s.jr.reqs[i].r] = s.jr.reqs[i].at
	}
	s.jr.reqs = s.jr.reqs[:sp.reqs]
	s.prio, s.travel = sp.prio, sp.travel
	s.jr.on = on
}

// insertion is the best way found to add a request on one candidate: the
// position among the day's sessions, the travel it adds and its start.
type insertion struct {
	cand  int32
	pos   int
	delta int64
	start int64
}

// better orders insertions: less travel, then the less loaded facilitator
// (balance), then the earlier start, then the lower candidate index.
func (s *state) better(a, b insertion) bool {
	if a.delta != b.delta {
		return a.delta < b.delta
	}
	fa, fb := s.p.cands[a.cand].fac, s.p.cands[b.cand].fac
	if s.load[fa] != s.load[fb] {
		return s.load[fa] < s.load[fb]
	}
	if a.start != b.start {
		return a.start < b.start
	}
	return a.cand < b.cand
}

// capsAllow reports whether f may take one more session on day d (rule 5).
func (s *state) capsAllow(c *cand) bool {
	fac := &s.p.facs[c.fac]
	if fac.maxDay >= 0 && len(s.day(c.fac, c.day)) >= fac.maxDay {
		return false
	}
	return fac.maxWeek < 0 || int(s.weekCount(c.fac, c.week)) < fac.maxWeek
}

// fillItems builds, in s.items, the day's sessions with the candidate's
// session inserted at position pos.
func (s *state) fillItems(day []int32, pos int, r int32, c *cand) {
	s.items = s.items[:0]
	for i := 0; i <= len(day); i++ {
		if i == pos {
			s.items = append(s.items, item{id: r, loc: s.p.reqs[r].loc, lo: c.lo, hi: c.hi})
		}
		if i < len(day) {
			s.items = append(s.items, s.itemOf(day[i]))
		}
	}
	if cap(s.starts) < len(s.items) {
		s.starts = make([]int64, len(s.items)*2)
	}
	s.starts = s.starts[:len(s.items)]
}

// evalCand finds the best position for request r on candidate ci without
// changing anything (ok is false when none satisfies rules 4 and 5). Each
// position tried counts as one step of the search budget.
func (s *state) evalCand(r, ci int32, steps *int64) (best insertion, ok bool) {
	c := &s.p.cands[ci]
	if !s.capsAllow(c) {
		return best, false
	}
	day := s.day(c.fac, c.day)
	notBefore, notAfter := s.bounds(c.fac, c.day)
	var oldCost int64
	if s.p.reqs[r].loc >= 0 {
		oldCost = s.dayCost(c.fac, c.day, day)
	}
	for pos := 0; pos <= len(day); pos++ {
		*steps++
		s.fillItems(day, pos, r, c)
		if !s.p.scheduleDay(s.items, s.starts, notBefore, notAfter) {
			continue
		}
		cand := insertion{cand: ci, pos: pos, start: s.starts[pos]}
		if s.p.reqs[r].loc >= 0 {
			s.ids = s.ids[:0]
			for _, it := range s.items {
				s.ids = append(s.ids, it.id)
			}
			cand.delta = s.dayCost(c.fac, c.day, s.ids) - oldCost
		}
		if !ok || s.better(cand, best) {
			best, ok = cand, true
		}
	}
	return best, ok
}

// bestInsertion returns the best insertion of unassigned request r over all
// its candidates.
func (s *state) bestInsertion(r int32, steps *int64) (best insertion, ok bool) {
	best, _, ok = s.bestTwoInsertions(r, steps)
	return best, ok
}

// bestTwoInsertions also returns the travel of the best insertion on
// another facilitator or day than the best one (math.MaxInt64 / 4 when
// there is none): the regret of not taking the best now.
func (s *state) bestTwoInsertions(r int32, steps *int64) (best insertion, second int64, ok bool) {
	second = math.MaxInt64 / 4
	for _, ci := range s.p.reqs[r].cands {
		in, found := s.evalCand(r, ci, steps)
		if !found {
			continue
		}
		switch {
		case !ok:
			best, ok = in, true
		case s.better(in, best):
			if c, b := &s.p.cands[in.cand], &s.p.cands[best.cand]; c.fac != b.fac || c.day != b.day {
				second = min(second, best.delta)
			}
			best = in
		default:
			if c, b := &s.p.cands[in.cand], &s.p.cands[best.cand]; c.fac != b.fac || c.day != b.day {
				second = min(second, in.delta)
			}
		}
	}
	return best, second, ok
}

// insert applies an insertion found by evalCand on the current state.
func (s *state) insert(r int32, in insertion) {
	c := &s.p.cands[in.cand]
	day := s.day(c.fac, c.day)
	notBefore, notAfter := s.bounds(c.fac, c.day)
	s.fillItems(day, in.pos, r, c)
	if !s.p.scheduleDay(s.items, s.starts, notBefore, notAfter) {
		panic("planner: insertion no longer fits its day")
	}
	s.ids = s.ids[:0]
	for _, it := range s.items {
		s.ids = append(s.ids, it.id)
	}
	s.setAt(r, in.cand)
	s.setDay(c.fac, c.day, s.ids, s.starts)
}

// remove unassigns request r and moves the rest of its day as early as
// it can (removing a session only relaxes the others' constraints).
func (s *state) remove(r int32) {
	c := &s.p.cands[s.at[r]]
	day := s.day(c.fac, c.day)
	s.items = s.items[:0]
	s.ids = s.ids[:0]
	for _, id := range day {
		if id != r {
			s.items = append(s.items, s.itemOf(id))
			s.ids = append(s.ids, id)
		}
	}
	if cap(s.starts) < len(s.items) {
		s.starts = make([]int64, len(s.items)*2)
	}
	s.starts = s.starts[:len(s.items)]
	notBefore, notAfter := s.bounds(c.fac, c.day)
	if !s.p.scheduleDay(s.items, s.starts, notBefore, notAfter) {
		// Only fixed sessions that already break the rules among themselves
		// can get here: keep every remaining start as it was.
		for i, id := range s.ids {
			s.starts[i] = s.start[id]
		}
	}
	s.setAt(r, -1)
	s.setDay(c.fac, c.day, s.ids, s.starts)
}

// removalGain is the travel saved by removing request r (0 when remote).
func (s *state) removalGain(r int32) int64 {
	loc := s.p.reqs[r].loc
	if loc < 0 || s.at[r] < 0 {
		return 0
	}
	c := &s.p.cands[s.at[r]]
	day := s.day(c.fac, c.day)
	before := s.dayCost(c.fac, c.day, day)
	s.ids = s.ids[:0]
	for _, id := range day {
		if id != r {
			s.ids = append(s.ids, id)
		}
	}
	return before - s.dayCost(c.fac, c.day, s.ids)
}
