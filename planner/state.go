package planner

import (
	"math"
	"slices"
	"sort"
)

// state is a plan under construction: who leads which request when, with
// the per-day session lists, per-week counts and the two objective figures
// kept up to date incrementally. Every change goes through setDay, which a
// journal can undo, so a search move is "begin, change, then commit or
// revert".
type state struct {
	p      *problem
	nReq   int32
	at     []int32     // per request: candidate index, or -1 when unassigned
	start  []int64     // per session id: start (Unix seconds) when placed
	days   [][][]int32 // [fac][day-dayBase]: session ids in time order
	weeks  [][]int32   // [fac][week-weekBase]: sessions in that ISO week
	ipDays [][]int32   // [fac]: sorted days holding an in-person session
	load   []int32     // sessions per facilitator, for balance
	prio   int64       // total priority assigned
	travel int64       // total travel, metres
	jr     journal

	// scratch buffers, reused to keep the search allocation-free
	items  []item
	starts []int64
	seq    []int32
	ids    []int32
}

func newState(p *problem) *state {
	s := &state{p: p, nReq: int32(len(p.reqs))}
	n := len(p.reqs) + len(p.fixed)
	s.at = make([]int32, len(p.reqs))
	s.start = make([]int64, n)
	s.days = make([][][]int32, len(p.facs))
	s.weeks = make([][]int32, len(p.facs))
	s.ipDays = make([][]int32, len(p.facs))
	s.load = make([]int32, len(p.facs))
	for f := range p.facs {
		s.days[f] = make([][]int32, p.facs[f].nDays)
		s.weeks[f] = make([]int32, p.facs[f].nWeeks)
	}
	s.reset(nil, nil)
	return s
}

// reset empties the plan (keeping fixed sessions), then places the
// requests listed in at (when not nil) at the given starts.
func (s *state) reset(at []int32, start []int64) {
	p := s.p
	for f := range p.facs {
		for d := range s.days[f] {
			s.days[f][d] = s.days[f][d][:0]
		}
		clear(s.weeks[f])
		s.ipDays[f] = s.ipDays[f][:0]
		s.load[f] = 0
	}
	s.prio, s.travel = 0, 0
	for r := range s.at {
		s.at[r] = -1
	}
	put := func(id, f, d int32) {
		fac := &p.facs[f]
		s.days[f][d-fac.dayBase] = append(s.days[f][d-fac.dayBase], id)
		s.weeks[f][isoWeek(d)-fac.weekBase]++
		s.load[f]++
	}
	for i, x := range p.fixed {
		id := s.nReq + int32(i)
		s.start[id] = x.start
		put(id, x.fac, x.day)
	}
	for r := range at {
		if at[r] < 0 {
			continue
		}
		c := &p.cands[at[r]]
		s.at[r], s.start[r] = at[r], start[r]
		s.prio += int64(p.reqs[r].prio)
		put(int32(r), c.fac, c.day)
	}
	for f := range p.facs {
		for d, ids := range s.days[f] {
			slices.SortFunc(ids, func(a, b int32) int { return cmpInt64(s.start[a], s.start[b]) })
			if s.hasInPerson(ids) {
				s.ipDays[f] = append(s.ipDays[f], p.facs[f].dayBase+int32(d))
			}
		}
	}
	s.travel = s.fullTravel()
}

// fullTravel recomputes the total travel from scratch (see link).
func (s *state) fullTravel() int64 {
	var total int64
	for f := range s.p.facs {
		fac := &s.p.facs[f]
		prev, prevDay := int32(-1), int32(0)
		for _, d := range s.ipDays[f] {
			for _, id := range s.days[f][d-fac.dayBase] {
				if loc := s.loc(id); loc >= 0 {
					total += s.p.link(fac.home, prev, prevDay, loc, d)
					prev, prevDay = loc, d
				}
			}
		}
		total += s.p.link(fac.home, prev, prevDay, -1, 0)
	}
	return total
}

// loc returns the location of a session (-1 when remote).
func (s *state) loc(id int32) int32 {
	if id < s.nReq {
		return s.p.reqs[id].loc
	}
	return s.p.fixed[id-s.nReq].loc
}

// itemOf describes a placed session for the day scheduler.
func (s *state) itemOf(id int32) item {
	if id < s.nReq {
		c := &s.p.cands[s.at[id]]
		return item{id: id, loc: s.p.reqs[id].loc, lo: c.lo, hi: c.hi}
	}
	x := &s.p.fixed[id-s.nReq]
	return item{id: id, loc: x.loc, lo: x.start, hi: x.start}
}

func (s *state) hasInPerson(ids []int32) bool {
	for _, id := range ids {
		if s.loc(id) >= 0 {
			return true
		}
	}
	return false
}

// day returns the sessions of facilitator f on day d, in time order.
func (s *state) day(f, d int32) []int32 {
	fac := &s.p.facs[f]
	i := d - fac.dayBase
	if i < 0 || i >= fac.nDays {
		return nil
	}
	return s.days[f][i]
}

// weekCount returns the sessions of f in ISO week w.
func (s *state) weekCount(f, w int32) int32 {
	fac := &s.p.facs[f]
	i := w - fac.weekBase
	if i < 0 || i >= fac.nWeeks {
		return 0
	}
	return s.weeks[f][i]
}

// bounds returns the end of f's last session on the day before d and the
// start of its first session on the day after: sessions never overlap,
// even across midnight.
func (s *state) bounds(f, d int32) (notBefore, notAfter int64) {
	notBefore, notAfter = math.MinInt64, math.MaxInt64
	if prev := s.day(f, d-1); len(prev) > 0 {
		notBefore = s.start[prev[len(prev)-1]] + s.p.dur
	}
	if next := s.day(f, d+1); len(next) > 0 {
		notAfter = s.start[next[0]]
	}
	return notBefore, notAfter
}

// neighbours returns f's last in-person session before day d and its first
// in-person session after day d, with their days (-1 when there is none).
func (s *state) neighbours(f, d int32) (prev, prevDay, next, nextDay int32) {
	prev, next = -1, -1
	days := s.ipDays[f]
	i := sort.Search(len(days), func(k int) bool { return days[k] >= d })
	if i > 0 {
		prevDay = days[i-1]
		ids := s.day(f, prevDay)
		for k := len(ids) - 1; k >= 0; k-- {
			if l := s.loc(ids[k]); l >= 0 {
				prev = l
				break
			}
		}
	}
	if i < len(days) && days[i] == d {
		i++
	}
	if i < len(days) {
		nextDay = days[i]
		for _, id := range s.day(f, nextDay) {
			if l := s.loc(id); l >= 0 {
				next = l
				break
			}
		}
	}
	return prev, prevDay, next, nextDay
}

// inPersonSeq appends the locations of the in-person sessions among ids.
func (s *state) inPersonSeq(dst []int32, ids []int32) []int32 {
	for _, id := range ids {
		if l := s.loc(id); l >= 0 {
			dst = append(dst, l)
		}
	}
	return dst
}

// dayCost is the travel segment through day d of f if its sessions were ids.
func (s *state) dayCost(f, d int32, ids []int32) int64 {
	prev, prevDay, next, nextDay := s.neighbours(f, d)
	s.seq = s.inPersonSeq(s.seq[:0], ids)
	return s.p.segmentCost(s.p.facs[f].home, prev, prevDay, s.seq, d, next, nextDay)
}

// setDay replaces the sessions of f on day d by ids at the given starts,
// journaling the old day, and updates the counts and the travel.
func (s *state) setDay(f, d int32, ids []int32, starts []int64) {
	fac := &s.p.facs[f]
	old := s.days[f][d-fac.dayBase]
	if s.jr.on {
		s.jr.saveDay(f, d, old, s.start)
	}
	s.travel += s.dayCost(f, d, ids) - s.dayCost(f, d, old)
	delta := int32(len(ids) - len(old))
	s.weeks[f][isoWeek(d)-fac.weekBase] += delta
	s.load[f] += delta
	cur := append(old[:0], ids...)
	s.days[f][d-fac.dayBase] = cur
	for i, id := range cur {
		s.start[id] = starts[i]
	}
	days := s.ipDays[f]
	i, found := slices.BinarySearch(days, d)
	switch has := s.hasInPerson(cur); {
	case has && !found:
		s.ipDays[f] = slices.Insert(days, i, d)
	case !has && found:
		s.ipDays[f] = slices.Delete(days, i, i+1)
	}
}

// setAt records that request r now has candidate c (or -1).
func (s *state) setAt(r, c int32) {
	if s.jr.on {
		s.jr.reqs = append(s.jr.reqs, reqSave{r: r, at: s.at[r]})
	}
	if s.at[r] >= 0 {
		s.prio -= int64(s.p.reqs[r].prio)
	}
	if c >= 0 {
		s.prio += int64(s.p.reqs[r].prio)
	}
	s.at[r] = c
}
