package planner

import (
	"math"
	"slices"
)

// destroy picks one of the destroy moves at random and applies it. Each
// removes a small group of sessions that belong together, so that the
// repair can rebuild that corner of the plan differently:
//
//   - trip: a whole trip of one officer (consecutive days away from home),
//     sometimes with the same week of another officer, so that sessions can
//     change hands and trips can merge;
//   - related: a session and its nearest neighbours in space and time,
//     across officers (Shaw removal), to regroup a region into one trip;
//   - week: one week of one or more officers, where the weekly limit is the
//     binding rule, so the repair can choose anew which requests to serve;
//   - worst: the sessions whose removal saves the most travel (long
//     detours), to re-insert them where they cost less.
func (x *search) destroy() {
	x.removed = x.removed[:0]
	x.weeks = x.weeks[:0]
	seed := x.randomAssigned()
	if seed < 0 {
		return
	}
	switch k := x.rng.IntN(12); {
	case k < 3:
		x.destroyTrip(seed)
	case k < 5:
		x.destroyRelated(seed, 6, relatedDayKm)
	case k < 8:
		x.destroyRelated(seed, 90, 0)
	case k < 8:
		x.destroyWeek(seed)
	default:
		x.destroyWorst()
	}
}

func (x *search) touchWeek(w int32) {
	if !slices.Contains(x.weeks, w) {
		x.weeks = append(x.weeks, w)
	}
}

// clearDay removes every request (not the fixed sessions) of f on day d.
func (x *search) clearDay(f, d int32) {
	for {
		day := x.s.day(f, d)
		i := slices.IndexFunc(day, func(id int32) bool { return id < x.s.nReq })
		if i < 0 {
			return
		}
		x.take(day[i])
	}
}

// destroyTrip removes the trip holding seed: its in-person days chained by
// gaps of at most one day.
func (x *search) destroyTrip(seed int32) {
	s := x.s
	c := s.p.cands[s.at[seed]]
	days := s.ipDays[c.fac]
	i, found := slices.BinarySearch(days, c.day)
	if !found {
		x.clearDay(c.fac, c.day)
	} else {
		lo, hi := i, i
		for lo > 0 && days[lo]-days[lo-1] <= 1 {
			lo--
		}
		for hi+1 < len(days) && days[hi+1]-days[hi] <= 1 {
			hi++
		}
		trip := slices.Clone(days[lo : hi+1])
		for _, d := range trip {
			x.clearDay(c.fac, d)
		}
	}
	if len(s.p.facs) > 1 && x.rng.IntN(2) == 0 {
		g := int32(x.rng.IntN(len(s.p.facs) - 1))
		if g >= c.fac {
			g++
		}
		x.clearWeek(g, c.week)
	}
}

// clearWeek removes every request of f in ISO week w.
func (x *search) clearWeek(f, w int32) {
	monday := w*7 - 3
	for d := monday; d < monday+7; d++ {
		x.clearDay(f, d)
	}
}

// destroyWeek removes the seed's week for its officer and, with even odds,
// for each other officer.
func (x *search) destroyWeek(seed int32) {
	c := x.s.p.cands[x.s.at[seed]]
	for f := range x.s.p.facs {
		if int32(f) == c.fac || x.rng.IntN(2) == 0 {
			x.clearWeek(int32(f), c.week)
		}
	}
}

// relatedDayKm is how many km one day apart weighs in the relatedness of
// two sessions: same-place sessions a week apart are not neighbours.
const relatedDayKm = 40

// destroyRelated removes the seed and a few of the sessions closest to it
// in space and time, over every officer, drawing the closest ones first
// with a bias (rank = n·u³) so that the choice varies.
func (x *search) destroyRelated(seed int32, spanDays int32, dayKm int64) {
	s := x.s
	c := s.p.cands[s.at[seed]]
	loc := s.p.reqs[seed].loc
	type near struct {
		r     int32
		score int64
	}
	var cands []near
	for f := range s.p.facs {
		fac := &s.p.facs[f]
		for d := max(c.day-spanDays, fac.dayBase); d <= min(c.day+spanDays, fac.dayBase+fac.nDays-1); d++ {
			for _, id := range s.day(int32(f), d) {
				if id >= s.nReq || id == seed {
					continue
				}
				score := int64(math.Abs(float64(d-c.day))) * dayKm * 1000
				if l := s.p.reqs[id].loc; l >= 0 && loc >= 0 {
					score += s.p.meters(loc, l)
				}
				cands = append(cands, near{id, score})
			}
		}
	}
	slices.SortFunc(cands, func(a, b near) int {
		if a.score != b.score {
			return cmpInt64(a.score, b.score)
		}
		return int(a.r - b.r)
	})
	x.take(seed)
	for k := 2 + x.rng.IntN(6); k > 0 && len(cands) > 0; k-- {
		u := x.rng.Float64()
		i := int(float64(len(cands)) * u * u * u)
		x.take(cands[i].r)
		cands = slices.Delete(cands, i, i+1)
	}
}

// destroyWorst samples assigned sessions and removes the few whose removal
// saves the most travel.
func (x *search) destroyWorst() {
	type gain struct {
		r int32
		g int64
	}
	var sample []gain
	for range 24 {
		r := x.randomAssigned()
		if r >= 0 && !slices.ContainsFunc(sample, func(g gain) bool { return g.r == r }) {
			sample = append(sample, gain{r, x.s.removalGain(r)})
		}
	}
	slices.SortFunc(sample, func(a, b gain) int {
		if a.g != b.g {
			return cmpInt64(b.g, a.g)
		}
		return int(a.r - b.r)
	})
	k := 2 + x.rng.IntN(3)
	for i := 0; i < len(sample) && i < k; i++ {
		x.take(sample[i].r)
	}
}
