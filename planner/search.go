package planner

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
)

// search is a large-neighbourhood search (LNS) over the whole plan. Each
// iteration removes a handful of related sessions (a destroy move, see
// destroy.go), then re-inserts them together with unassigned requests that
// could use the room freed (repair), and keeps the result when it is
// better, or — on travel only, never on priority — when simulated
// annealing accepts it. The objective compared is lexicographic:
// (priority assigned, −travel).
//
// Re-inserting unassigned requests alongside the removed ones is what
// lets the search both raise the priority (a priority-2 request takes the
// place of a priority-1 one that moves to another week) and choose, among
// requests of equal priority in an overbooked week, the ones that fit the
// trips being built.
type search struct {
	s      *state
	rng    *rand.Rand
	budget int64
	steps  int64

	removed []int32  // requests taken out by the current destroy move
	pool    []int32  // requests to re-insert
	keys    []int64  // repair order keys, parallel to pool
	mark    []uint32 // per request: stamp when already in the pool
	stamp   uint32
	weeks   []int32 // weeks touched by the current destroy move

	blockBuf []int32 // scratch for blockers
	order    []int32 // requests by priority then scarcity

	byWeek [][]int32 // [week-weekLo]: requests with a candidate that week
	weekLo int32

	best snapshot

	temp0, noise float64 // startTemperature and repairNoise, kept in fields for tuning
}

// snapshot is a copy of the best plan met so far.
type snapshot struct {
	at     []int32
	start  []int64
	prio   int64
	travel int64
}

// Tuning of the search, fixed so that runs are reproducible.
const (
	// startTemperature is the travel increase (metres) beyond which
	// annealing accepts nothing at the start; it falls linearly to 0.
	startTemperature = 80000
	// maxUnassignedInPool caps the unassigned requests offered to a repair.
	maxUnassignedInPool = 24
	// augmentEvery makes one LNS iteration in that many an ejection chain
	// for a random unassigned request.
	augmentEvery = 64
	// repairNoise is the half-width (metres) of the noise added to
	// insertion costs when ordering a repair.
	repairNoise = 300000
	// maxRegret caps the regret counted for a request with a single option.
	maxRegret = 1000000
)

func newSearch(s *state, budget int64, seed uint64) *search {
	x := &search{
		s:      s,
		rng:    rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)),
		budget: budget,
		mark:   make([]uint32, len(s.p.reqs)),
		temp0:  startTemperature,
		noise:  repairNoise,
	}

	lo, hi := int32(math.MaxInt32), int32(math.MinInt32)
	for _, c := range s.p.cands {
		lo, hi = min(lo, c.week), max(hi, c.week)
	}
	if lo <= hi {
		x.weekLo = lo
		x.byWeek = make([][]int32, hi-lo+1)
		for r := range s.p.reqs {
			for _, ci := range s.p.reqs[r].cands {
				w := s.p.cands[ci].week - lo
				if l := x.byWeek[w]; len(l) == 0 || l[len(l)-1] != int32(r) {
					x.byWeek[w] = append(l, int32(r))
				}
			}
		}
	}
	return x
}

// run iterates until the step budget is spent, then restores the best plan.
func (x *search) run(ctx context.Context) error {
	s := x.s
	x.order = byPriorityThenScarcity(s.p)
	x.augmentAll(x.order, x.budget/10)
	x.saveBest()
	if !x.anyAssigned() {
		return nil
	}
	mainBudget := x.budget - x.budget/10
	for it := 0; x.steps < mainBudget; it++ {
		if it%64 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		x.steps++ // an iteration costs at least one step, even an empty one
		if it%augmentEvery == augmentEvery-1 {
			if r := x.randomUnassigned(); r >= 0 && x.augment(r) {
				x.keepIfBest()
			}
			continue
		}
		s.begin()
		x.destroy()
		x.repair()
		if x.accept() {
			s.commit()
			x.keepIfBest()
		} else {
			s.revert()
		}
	}
	s.reset(x.best.at, x.best.start)
	x.augmentAll(x.order, x.budget/10)
	return nil
}

// keepIfBest saves the current plan when it beats the best one.
func (x *search) keepIfBest() {
	s := x.s
	if s.prio > x.best.prio || (s.prio == x.best.prio && s.travel < x.best.travel) {
		x.saveBest()
	}
}

// randomUnassigned picks an unassigned request that has candidates.
func (x *search) randomUnassigned() int32 {
	n := len(x.s.at)
	off := x.rng.IntN(n)
	for i := range n {
		if r := (off + i) % n; x.s.at[r] < 0 && len(x.s.p.reqs[r].cands) > 0 {
			return int32(r)
		}
	}
	return -1
}

// accept decides on the current move: a priority gain always wins, a
// priority loss never; at equal priority a shorter (or equal) travel is
// kept, and a longer one by Δ with probability 1 − Δ/T, where the
// temperature T falls linearly to 0 over the budget (an annealing that
// needs no exp: transcendental functions may round differently from one
// processor to another, and plans must not).
func (x *search) accept() bool {
	s := x.s
	if dp := s.prio - s.jr.prio; dp != 0 {
		return dp > 0
	}
	dt := s.travel - s.jr.travel
	if dt <= 0 {
		return true
	}
	t := float64(x.temp0 * float64(1-float64(x.steps)/float64(x.budget)))
	return float64(dt) < float64(t*x.rng.Float64())
}

func (x *search) saveBest() {
	s := x.s
	x.best.at = append(x.best.at[:0], s.at...)
	x.best.start = append(x.best.start[:0], s.start...)
	x.best.prio, x.best.travel = s.prio, s.travel
}

func (x *search) anyAssigned() bool {
	return slices.ContainsFunc(x.s.at, func(c int32) bool { return c >= 0 })
}

// randomAssigned picks an assigned request uniformly enough: random draws
// first, then a scan from a random offset.
func (x *search) randomAssigned() int32 {
	n := len(x.s.at)
	for range 32 {
		if r := x.rng.IntN(n); x.s.at[r] >= 0 {
			return int32(r)
		}
	}
	off := x.rng.IntN(n)
	for i := range n {
		if r := (off + i) % n; x.s.at[r] >= 0 {
			return int32(r)
		}
	}
	return -1
}

// take removes request r from the plan as part of the destroy move.
func (x *search) take(r int32) {
	x.touchWeek(x.s.p.cands[x.s.at[r]].week)
	x.s.remove(r)
	x.removed = append(x.removed, r)
}

// repair re-inserts the removed requests and the unassigned requests
// wanting the weeks touched, highest priority first and, within a
// priority, cheapest insertion first (with noise, so that repeated repairs
// explore different orders). A second pass retries those that did not fit.
func (x *search) repair() {
	s := x.s
	x.stamp++
	x.pool = x.pool[:0]
	for _, r := range x.removed {
		x.mark[r] = x.stamp
		x.pool = append(x.pool, r)
	}
	x.addUnassigned()
	x.keys = x.keys[:0]
	for _, r := range x.pool {
		key := int64(math.MaxInt64 / 4)
		if in, second, ok := s.bestTwoInsertions(r, &x.steps); ok {
			regret := min(second-in.delta, maxRegret)
			// Triangular noise in (−noise, noise): exact arithmetic only.
			noise := float64(float64(x.rng.Float64()+x.rng.Float64()-1) * x.noise)
			key = in.delta - regret/2 + int64(noise)
		}
		x.keys = append(x.keys, key-int64(s.p.reqs[r].prio)<<50)
	}
	idx := make([]int, len(x.pool))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmpInt64(x.keys[a], x.keys[b]) })
	for pass := 0; pass < 2; pass++ {
		for _, i := range idx {
			r := x.pool[i]
			if s.at[r] >= 0 {
				continue
			}
			if in, ok := s.bestInsertion(r, &x.steps); ok {
				s.insert(r, in)
			}
		}
	}
}

// addUnassigned offers the repair some unassigned requests that have a
// candidate in a week the destroy move touched, starting at a random point
// of each week's list so that every request gets its turn.
func (x *search) addUnassigned() {
	added := 0
	for _, w := range x.weeks {
		i := w - x.weekLo
		if i < 0 || int(i) >= len(x.byWeek) {
			continue
		}
		list := x.byWeek[i]
		if len(list) == 0 {
			continue
		}
		off := x.rng.IntN(len(list))
		for k := range list {
			r := list[(off+k)%len(list)]
			if x.s.at[r] >= 0 || x.mark[r] == x.stamp {
				continue
			}
			x.mark[r] = x.stamp
			x.pool = append(x.pool, r)
			if added++; added >= maxUnassignedInPool {
				return
			}
		}
	}
}
