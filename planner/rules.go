package planner

import (
	"math"
	"time"
)

// earthRadiusKm is the radius FORMAT.md fixes for great-circle distances.
const earthRadiusKm = 6371.0

// gridSeconds is the step to which a start pushed back by an earlier
// session is rounded up, so that plans read 14:05 rather than 14:03.
const gridSeconds = 5 * 60

// point is a location in radians, with the cosine of its latitude cached.
type point struct{ lat, lon, cosLat float64 }

func newPoint(latDeg, lonDeg float64) point {
	const rad = math.Pi / 180
	lat := float64(latDeg * rad)
	return point{lat: lat, lon: float64(lonDeg * rad), cosLat: math.Cos(lat)}
}

// haversineKm is the great-circle distance. Every product is wrapped in an
// explicit conversion so that no architecture fuses it into an FMA and
// rounds differently: plans must not depend on the machine.
func haversineKm(a, b point) float64 {
	s1 := math.Sin(float64(b.lat-a.lat) / 2)
	s2 := math.Sin(float64(b.lon-a.lon) / 2)
	h := float64(s1*s1) + float64(float64(a.cosLat*b.cosLat)*float64(s2*s2))
	return float64(2*earthRadiusKm) * math.Asin(math.Sqrt(math.Min(1, h)))
}

// meters is the distance between two points rounded to the metre. The
// search compares integers, so sums are exact and no tie is decided by a
// last-bit difference between machines.
func (p *problem) meters(a, b int32) int64 {
	if p.dist != nil {
		return int64(p.dist[int(a)*len(p.points)+int(b)])
	}
	return p.computeMeters(a, b)
}

func (p *problem) computeMeters(a, b int32) int64 {
	if a == b {
		return 0
	}
	return int64(math.Round(haversineKm(p.points[a], p.points[b]) * 1000))
}

// travelGap is the least gap, in seconds, between two same-day in-person
// sessions at a and b (rule 4): the travel time rounded up to the minute.
// The planner adds 1e-7 min before rounding, where FORMAT.md's checker
// subtracts 1e-9: a distance that lands within a rounding error of a whole
// minute then gets the extra minute, so no checker can find the gap short.
func (p *problem) travelGap(a, b int32) int64 {
	if p.gap != nil {
		return int64(p.gap[int(a)*len(p.points)+int(b)])
	}
	return p.computeGap(a, b)
}

func (p *problem) computeGap(a, b int32) int64 {
	if a == b {
		return 0
	}
	minutes := haversineKm(p.points[a], p.points[b]) / p.speedKmh * 60
	return int64(math.Ceil(minutes+1e-7)) * 60
}

// item is one session of a facilitator's day, as the day scheduler sees it:
// a range of possible starts (lo == hi for a fixed session) and a location.
type item struct {
	id     int32 // session id: a request index, or len(reqs)+i for fixed[i]
	loc    int32 // -1 when remote
	lo, hi int64
}

// scheduleDay gives each item of one facilitator's day, in the order given,
// its earliest start: no earlier than notBefore (the end of the previous
// day's last session), after every earlier item's end plus, when both are
// in person, the travel time between them (rule 4, checked on every pair,
// not only neighbours, since a remote session in between does not move the
// officer). The last session must end by notAfter (the next day's first
// start). Earliest starts are optimal for feasibility once the order is
// fixed. It returns false when some item cannot start within its range.
func (p *problem) scheduleDay(items []item, starts []int64, notBefore, notAfter int64) bool {
	for i := range items {
		it := &items[i]
		t := max(it.lo, notBefore)
		for j := 0; j < i; j++ {
			end := starts[j] + p.dur
			if it.loc >= 0 && items[j].loc >= 0 {
				end += p.travelGap(items[j].loc, it.loc)
			}
			t = max(t, end)
		}
		if t > it.lo {
			if r := (t + gridSeconds - 1) / gridSeconds * gridSeconds; r <= it.hi {
				t = r
			}
		}
		if t > it.hi {
			return false
		}
		starts[i] = t
	}
	return len(items) == 0 || starts[len(items)-1]+p.dur <= notAfter
}

// link is the travel between two consecutive in-person sessions a (on day
// da) and b (on day db) of one facilitator whose home is home: straight on
// when b's day is the same as a's or the next one (the officer stays over),
// through home otherwise. A missing end (-1) stands for home itself: the
// start or the end of the facilitator's season.
func (p *problem) link(home, a, da, b, db int32) int64 {
	switch {
	case a < 0 && b < 0:
		return 0
	case a < 0:
		return p.meters(home, b)
	case b < 0:
		return p.meters(a, home)
	case db-da <= 1:
		return p.meters(a, b)
	}
	return p.meters(a, home) + p.meters(home, b)
}

// segmentCost is the travel from prev (the last in-person session before
// day d) through the in-person locations seq of day d to next (the first
// in-person session after day d). Trips are a chain of links, so changing
// one day changes only this segment of the facilitator's travel.
func (p *problem) segmentCost(home, prev, prevDay int32, seq []int32, d int32, next, nextDay int32) int64 {
	if len(seq) == 0 {
		return p.link(home, prev, prevDay, next, nextDay)
	}
	c := p.link(home, prev, prevDay, seq[0], d)
	for i := 1; i < len(seq); i++ {
		c += p.meters(seq[i-1], seq[i])
	}
	return c + p.link(home, seq[len(seq)-1], d, next, nextDay)
}

// TravelTime is rule 4's least gap between two same-day in-person sessions
// at a and b, at speedKmh: the great-circle distance over the speed,
// rounded up to the whole minute, with the planner's own rounding (see
// travelGap), so that a slot the planner chose always passes a check made
// with it.
func TravelTime(a, b Point, speedKmh float64) time.Duration {
	if speedKmh <= 0 || (a.Lat == b.Lat && a.Lon == b.Lon) {
		return 0
	}
	km := haversineKm(newPoint(a.Lat, a.Lon), newPoint(b.Lat, b.Lon))
	return time.Duration(math.Ceil(km/speedKmh*60+1e-7)) * time.Minute
}
