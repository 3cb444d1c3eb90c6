package planning

import (
	"math"
	"slices"
	"strings"
	"time"

	"quartier/planner"
)

// Stop is one session of a facilitator's timeline: a request of the plan,
// or a session already scheduled (Fixed) that the plan works around.
type Stop struct {
	// ID is the planner's id: a request ("r12") or a fixed session ("s5").
	ID     string
	Start  time.Time
	End    time.Time
	Remote bool
	Fixed  bool
	// Km is the distance driven to reach this stop (from home or from the
	// previous stop of the trip).
	Km float64
}

// Trip is a chain of in-person sessions on consecutive days, from home back
// home (the planner's travel model: the officer stays over between two
// sessions on the same or the next day), or a single remote session.
type Trip struct {
	Stops  []Stop
	Remote bool
	// Km is the whole trip's distance, home to home.
	Km float64
	// Nights is the number of nights away from home.
	Nights int
}

// Timeline is one facilitator's trips in time order.
type Timeline struct {
	Facilitator string
	Trips       []Trip
	Km          float64
	Sessions    int // sessions of the plan (fixed ones not counted)
	meters      int64
}

// Trips cuts each facilitator's sessions (the plan's and the fixed ones)
// into trips, in the instance's order of facilitators, leaving out those
// who have none. Distances are great circles, metre-rounded per leg, as the
// planner counts them, so the total of an unmodified plan is its TravelKm.
func Trips(in planner.Instance, plan planner.Plan) []Timeline {
	reqs := map[string]planner.Request{}
	for _, r := range in.Requests {
		reqs[r.ID] = r
	}
	length := time.Duration(in.SessionMinutes) * time.Minute
	type session struct {
		stop Stop
		at   *planner.Point
	}
	byFac := map[string][]session{}
	for _, a := range plan.Assignments {
		t, err := time.Parse(time.RFC3339, a.Start)
		if err != nil {
			continue
		}
		r := reqs[a.Request]
		byFac[a.Facilitator] = append(byFac[a.Facilitator], session{Stop{ID: a.Request, Start: t, End: t.Add(length), Remote: r.Remote}, r.Location})
	}
	for _, x := range in.Fixed {
		t, err := time.Parse(time.RFC3339, x.Start)
		if err != nil {
			continue
		}
		byFac[x.Facilitator] = append(byFac[x.Facilitator], session{Stop{ID: x.ID, Start: t, End: t.Add(length), Remote: x.Remote || x.Location == nil, Fixed: true}, x.Location})
	}
	var out []Timeline
	for _, f := range in.Facilitators {
		list := byFac[f.ID]
		if len(list) == 0 {
			continue
		}
		loc := zone(f.Timezone)
		slices.SortStableFunc(list, func(a, b session) int { return a.stop.Start.Compare(b.stop.Start) })
		tl := Timeline{Facilitator: f.ID}
		var cur *Trip
		var prev *planner.Point
		var prevDay int
		var meters, tripMeters int64
		closeTrip := func() {
			if cur == nil {
				return
			}
			back := legMeters(prev, f.Home)
			tripMeters += back
			meters += back
			cur.Km = km(tripMeters)
			tl.Trips = append(tl.Trips, *cur)
			cur, prev, tripMeters = nil, nil, 0
		}
		for _, s := range list {
			if !s.stop.Fixed {
				tl.Sessions++
			}
			if s.stop.Remote {
				tl.Trips = append(tl.Trips, Trip{Stops: []Stop{s.stop}, Remote: true})
				continue
			}
			day := civilDay(s.stop.Start, loc)
			if cur != nil && day-prevDay > 1 {
				closeTrip()
			}
			var leg int64
			if cur == nil {
				cur = &Trip{}
				leg = legMeters(f.Home, s.at)
			} else {
				leg = legMeters(prev, s.at)
				cur.Nights += day - prevDay
			}
			s.stop.Km = km(leg)
			tripMeters += leg
			meters += leg
			cur.Stops = append(cur.Stops, s.stop)
			prev, prevDay = s.at, day
		}
		closeTrip()
		slices.SortStableFunc(tl.Trips, func(a, b Trip) int { return a.Stops[0].Start.Compare(b.Stops[0].Start) })
		tl.Km, tl.meters = km(meters), meters
		out = append(out, tl)
	}
	return out
}

// TotalKm adds up the timelines' distances.
func TotalKm(tls []Timeline) float64 {
	var m int64
	for _, tl := range tls {
		m += tl.meters
	}
	return km(m)
}

// zone is a facilitator's time zone, Europe/Paris when empty or unknown.
func zone(name string) *time.Location {
	if strings.TrimSpace(name) == "" {
		name = "Europe/Paris"
	}
	if l, err := time.LoadLocation(name); err == nil {
		return l
	}
	return time.UTC
}

// civilDay numbers the local calendar day of t.
func civilDay(t time.Time, loc *time.Location) int {
	y, m, d := t.In(loc).Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// legMeters is the great-circle distance between two points, rounded to
// the metre (FORMAT.md's radius); 0 when either is missing.
func legMeters(a, b *planner.Point) int64 {
	if a == nil || b == nil {
		return 0
	}
	const rad = math.Pi / 180
	la, lb := a.Lat*rad, b.Lat*rad
	s1 := math.Sin((lb - la) / 2)
	s2 := math.Sin((b.Lon - a.Lon) * rad / 2)
	h := s1*s1 + math.Cos(la)*math.Cos(lb)*s2*s2
	return int64(math.Round(2 * 6371.0 * math.Asin(math.Sqrt(math.Min(1, h))) * 1000))
}

// km is metres as kilometres to one decimal.
func km(m int64) float64 { return math.Round(float64(m)/100) / 10 }
