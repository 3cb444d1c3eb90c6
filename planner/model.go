package planner

import (
	"fmt"
	"slices"
	"time"
)

// span is a half-open interval of Unix seconds.
type span struct{ start, end int64 }

// problem is the instance compiled for the search: times in Unix seconds,
// days and ISO weeks as integers in each facilitator's time zone, and every
// (request, facilitator, day) start range precomputed as a candidate.
type problem struct {
	dur      int64 // session length, seconds
	speedKmh float64
	facs     []facModel
	reqs     []reqModel
	fixed    []fixedModel
	points   []point // every distinct location: homes, requests, fixed sessions
	pointIDs map[Point]int32
	cands    []cand
	// dist and gap cache meters and travelGap for every pair of points
	// (row-major, len(points)² entries) when there are not too many.
	dist []int32
	gap  []int32
}

// maxCachedPoints bounds the distance cache (2 × 4 bytes × n², 128 MB at
// most); beyond it distances are computed on demand.
const maxCachedPoints = 4000

// facModel is one facilitator.
type facModel struct {
	id          string
	tz          *time.Location
	home        int32 // index in problem.points
	avail, busy []span
	maxDay      int // -1: no limit
	maxWeek     int // -1: no limit
	dayBase     int32
	nDays       int32
	weekBase    int32
	nWeeks      int32
}

// reqModel is one request.
type reqModel struct {
	id      string
	prio    int
	loc     int32 // index in problem.points, -1 when remote
	windows []span
	allowed []int32 // facilitator indices allowed to lead it
	cands   []int32 // indices in problem.cands, by start then facilitator
}

// fixedModel is one session already scheduled.
type fixedModel struct {
	id        string
	fac       int32
	start     int64
	loc       int32 // -1 when remote
	day, week int32
}

// cand is a range of valid starts [lo, hi] for one request with one
// facilitator on one local day: it lies inside a window and an availability
// of the facilitator and overlaps none of its busy times (rules 1–3). Rules 4
// and 5 depend on the other sessions and are checked by the state.
type cand struct {
	req, fac  int32
	day, week int32
	lo, hi    int64
}

// civilDay returns the local calendar day of t as days since 1970-01-01.
func civilDay(t int64, tz *time.Location) int32 {
	y, m, d := time.Unix(t, 0).In(tz).Date()
	return int32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// isoWeek numbers ISO weeks (Monday first): day 0, 1970-01-01, was a
// Thursday, so Monday 1969-12-29 (day -3) starts week 0.
func isoWeek(day int32) int32 {
	x := day + 3
	if x < 0 {
		return (x - 6) / 7
	}
	return x / 7
}

// nextMidnight returns the first instant of the local day after t's.
func nextMidnight(t int64, tz *time.Location) int64 {
	y, m, d := time.Unix(t, 0).In(tz).Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, tz).Unix()
}

// compile validates the instance and builds the search model.
func compile(in *Instance) (*problem, error) {
	if err := checkHeader(in); err != nil {
		return nil, err
	}
	p := &problem{dur: int64(in.SessionMinutes) * 60, speedKmh: in.Travel.SpeedKmh, pointIDs: map[Point]int32{}}
	byID := make(map[string]int32, len(in.Facilitators))
	for i := range in.Facilitators {
		f, err := p.compileFacilitator(i, &in.Facilitators[i])
		if err != nil {
			return nil, err
		}
		if _, dup := byID[f.id]; dup {
			return nil, bad(fmt.Sprintf("facilitators[%d].id", i), "duplicate %q", f.id)
		}
		byID[f.id] = int32(i)
		p.facs = append(p.facs, f)
	}
	seen := make(map[string]bool, len(in.Requests))
	for i := range in.Requests {
		r, err := p.compileRequest(i, &in.Requests[i], byID)
		if err != nil {
			return nil, err
		}
		if seen[r.id] {
			return nil, bad(fmt.Sprintf("requests[%d].id", i), "duplicate %q", r.id)
		}
		seen[r.id] = true
		p.reqs = append(p.reqs, r)
	}
	for i := range in.Fixed {
		x, err := p.compileFixed(i, &in.Fixed[i], byID)
		if err != nil {
			return nil, err
		}
		p.fixed = append(p.fixed, x)
	}
	for r := range p.reqs {
		p.buildCandidates(int32(r))
	}
	p.sizeCalendars()
	p.cacheDistances()
	return p, nil
}

// addPoint returns the index of a location, shared by equal coordinates
// (many requests come from the same town).
func (p *problem) addPoint(pt *Point) int32 {
	if id, ok := p.pointIDs[*pt]; ok {
		return id
	}
	id := int32(len(p.points))
	p.points = append(p.points, newPoint(pt.Lat, pt.Lon))
	p.pointIDs[*pt] = id
	return id
}

// cacheDistances fills the pairwise distance and travel-gap tables.
func (p *problem) cacheDistances() {
	n := len(p.points)
	if n > maxCachedPoints {
		return
	}
	dist := make([]int32, n*n)
	gap := make([]int32, n*n)
	for a := 0; a < n; a++ {
		for b := a + 1; b < n; b++ {
			m, g := int32(p.computeMeters(int32(a), int32(b))), int32(p.computeGap(int32(a), int32(b)))
			dist[a*n+b], dist[b*n+a] = m, m
			gap[a*n+b], gap[b*n+a] = g, g
		}
	}
	p.dist, p.gap = dist, gap
}

func (p *problem) compileFacilitator(i int, f *Facilitator) (facModel, error) {
	path := fmt.Sprintf("facilitators[%d]", i)
	if f.ID == "" {
		return facModel{}, bad(path+".id", "missing")
	}
	if err := checkPoint(path+".home", f.Home); err != nil {
		return facModel{}, err
	}
	name := f.Timezone
	if name == "" {
		name = "Europe/Paris"
	}
	tz, err := time.LoadLocation(name)
	if err != nil {
		return facModel{}, bad(path+".timezone", "unknown time zone %q", f.Timezone)
	}
	avail, err := parseIntervals(path+".available", f.Available)
	if err != nil {
		return facModel{}, err
	}
	busy, err := parseIntervals(path+".busy", f.Busy)
	if err != nil {
		return facModel{}, err
	}
	if err := checkLimit(path+".max_per_day", f.MaxPerDay); err != nil {
		return facModel{}, err
	}
	if err := checkLimit(path+".max_per_week", f.MaxPerWeek); err != nil {
		return facModel{}, err
	}
	byStart := func(a, b span) int { return cmpSpan(a, b) }
	slices.SortFunc(avail, byStart)
	slices.SortFunc(busy, byStart)
	m := facModel{id: f.ID, tz: tz, home: p.addPoint(f.Home), avail: avail, busy: busy, maxDay: -1, maxWeek: -1}
	if f.MaxPerDay != nil {
		m.maxDay = *f.MaxPerDay
	}
	if f.MaxPerWeek != nil {
		m.maxWeek = *f.MaxPerWeek
	}
	return m, nil
}

func cmpSpan(a, b span) int {
	if a.start != b.start {
		return cmpInt64(a.start, b.start)
	}
	return cmpInt64(a.end, b.end)
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (p *problem) compileRequest(i int, r *Request, byID map[string]int32) (reqModel, error) {
	path := fmt.Sprintf("requests[%d]", i)
	if r.ID == "" {
		return reqModel{}, bad(path+".id", "missing")
	}
	m := reqModel{id: r.ID, prio: r.weight(), loc: -1}
	if m.prio <= 0 {
		return reqModel{}, bad(path+".priority", "must be a positive integer, got %d", m.prio)
	}
	if !r.Remote {
		if err := checkPoint(path+".location", r.Location); err != nil {
			return reqModel{}, fmt.Errorf("%w (an in-person request needs a location; set \"remote\": true otherwise)", err)
		}
		m.loc = p.addPoint(r.Location)
	}
	windows, err := parseIntervals(path+".windows", r.Windows)
	if err != nil {
		return reqModel{}, err
	}
	m.windows = windows
	if len(r.Facilitators) == 0 {
		for f := range p.facs {
			m.allowed = append(m.allowed, int32(f))
		}
	}
	for j, id := range r.Facilitators {
		f, ok := byID[id]
		if !ok {
			return reqModel{}, bad(fmt.Sprintf("%s.facilitators[%d]", path, j), "unknown facilitator %q", id)
		}
		if !slices.Contains(m.allowed, f) {
			m.allowed = append(m.allowed, f)
		}
	}
	slices.Sort(m.allowed)
	return m, nil
}

func (p *problem) compileFixed(i int, x *FixedSession, byID map[string]int32) (fixedModel, error) {
	path := fmt.Sprintf("fixed[%d]", i)
	f, ok := byID[x.Facilitator]
	if !ok {
		if x.Facilitator == "" {
			return fixedModel{}, bad(path+".facilitator", "missing")
		}
		return fixedModel{}, bad(path+".facilitator", "unknown facilitator %q", x.Facilitator)
	}
	start, err := parseTime(path+".start", x.Start)
	if err != nil {
		return fixedModel{}, err
	}
	m := fixedModel{id: x.ID, fac: f, start: start, loc: -1}
	if !x.Remote {
		if err := checkPoint(path+".location", x.Location); err != nil {
			return fixedModel{}, err
		}
		m.loc = p.addPoint(x.Location)
	}
	m.day = civilDay(start, p.facs[f].tz)
	m.week = isoWeek(m.day)
	return m, nil
}

// buildCandidates intersects each window of request r with each availability
// of each allowed facilitator, removes the starts that would overlap a busy
// time, and cuts what remains at local midnights.
func (p *problem) buildCandidates(r int32) {
	req := &p.reqs[r]
	var out []cand
	for _, f := range req.allowed {
		fac := &p.facs[f]
		for _, w := range req.windows {
			for _, a := range fac.avail {
				lo, hi := max(w.start, a.start), min(w.end, a.end)-p.dur
				if hi < lo {
					continue
				}
				p.subtractBusy(fac, lo, hi, func(lo, hi int64) {
					for lo <= hi {
						day := civilDay(lo, fac.tz)
						end := min(hi, nextMidnight(lo, fac.tz)-1)
						out = append(out, cand{req: r, fac: f, day: day, week: isoWeek(day), lo: lo, hi: end})
						lo = end + 1
					}
				})
			}
		}
	}
	slices.SortFunc(out, func(a, b cand) int {
		if c := cmpInt64(a.lo, b.lo); c != 0 {
			return c
		}
		if a.fac != b.fac {
			return int(a.fac - b.fac)
		}
		return cmpInt64(a.hi, b.hi)
	})
	out = slices.Compact(out)
	for _, c := range out {
		req.cands = append(req.cands, int32(len(p.cands)))
		p.cands = append(p.cands, c)
	}
}

// subtractBusy calls emit for each maximal sub-range of starts in [lo, hi]
// whose session [s, s+dur) overlaps no busy interval of the facilitator.
func (p *problem) subtractBusy(fac *facModel, lo, hi int64, emit func(lo, hi int64)) {
	cur := lo
	for _, b := range fac.busy {
		if b.start >= hi+p.dur {
			break
		}
		if b.end <= cur {
			continue
		}
		// Starts in (b.start-dur, b.end) overlap b.
		if last := min(hi, b.start-p.dur); last >= cur {
			emit(cur, last)
		}
		cur = max(cur, b.end)
		if cur > hi {
			return
		}
	}
	if cur <= hi {
		emit(cur, hi)
	}
}

// sizeCalendars fixes, per facilitator, the range of days and weeks that
// candidates and fixed sessions can touch, with a day of margin each side.
func (p *problem) sizeCalendars() {
	lo := make([]int32, len(p.facs))
	hi := make([]int32, len(p.facs))
	for f := range p.facs {
		lo[f], hi[f] = 1<<30, -(1 << 30)
	}
	touch := func(f, d int32) {
		lo[f], hi[f] = min(lo[f], d), max(hi[f], d)
	}
	for _, c := range p.cands {
		touch(c.fac, c.day)
	}
	for _, x := range p.fixed {
		touch(x.fac, x.day)
	}
	for f := range p.facs {
		if lo[f] > hi[f] {
			lo[f], hi[f] = 0, 0
		}
		fac := &p.facs[f]
		fac.dayBase = lo[f] - 1
		fac.nDays = hi[f] - lo[f] + 3
		fac.weekBase = isoWeek(fac.dayBase)
		fac.nWeeks = isoWeek(fac.dayBase+fac.nDays-1) - fac.weekBase + 1
	}
}
