package planner_test

// An independent checker of plans, written from FORMAT.md (it mirrors
// shared/planning/check.py) without any of the planner's own rule code, so
// that a bug shared by the solver and its checks cannot hide.

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"time"
)

type vPoint struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

type vSpan struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

type vInstance struct {
	SessionMinutes int `json:"session_minutes"`
	Travel         struct {
		SpeedKmh float64 `json:"speed_kmh"`
	} `json:"travel"`
	Facilitators []struct {
		ID         string  `json:"id"`
		Home       vPoint  `json:"home"`
		Timezone   string  `json:"timezone"`
		Available  []vSpan `json:"available"`
		Busy       []vSpan `json:"busy"`
		MaxPerDay  *int    `json:"max_per_day"`
		MaxPerWeek *int    `json:"max_per_week"`
	} `json:"facilitators"`
	Requests []struct {
		ID           string   `json:"id"`
		Location     *vPoint  `json:"location"`
		Remote       bool     `json:"remote"`
		Windows      []vSpan  `json:"windows"`
		Facilitators []string `json:"facilitators"`
		Priority     *int     `json:"priority"`
	} `json:"requests"`
	Fixed []struct {
		ID          string    `json:"id"`
		Facilitator string    `json:"facilitator"`
		Start       time.Time `json:"start"`
		Location    *vPoint   `json:"location"`
		Remote      bool      `json:"remote"`
	} `json:"fixed"`
}

type vPlan struct {
	Assignments []struct {
		Request     string    `json:"request"`
		Facilitator string    `json:"facilitator"`
		Start       time.Time `json:"start"`
	} `json:"assignments"`
	Unassigned []struct {
		Request string `json:"request"`
		Reason  string `json:"reason"`
	} `json:"unassigned"`
}

// figures are what the checker measures on a plan.
type figures struct {
	breaches []string
	assigned int
	priority int
	travelKm float64
}

func vKm(a, b *vPoint) float64 {
	if a == nil || b == nil {
		return 0
	}
	rad := func(x float64) float64 { return x * (math.Pi / 180) }
	la1, lo1, la2, lo2 := rad(a.Lat), rad(a.Lon), rad(b.Lat), rad(b.Lon)
	h := math.Pow(math.Sin((la2-la1)/2), 2) + math.Cos(la1)*math.Cos(la2)*math.Pow(math.Sin((lo2-lo1)/2), 2)
	return 2 * 6371.0 * math.Asin(math.Sqrt(math.Min(1, h)))
}

func inside(s, e time.Time, spans []vSpan) bool {
	for _, x := range spans {
		if !s.Before(x.Start) && !x.End.Before(e) {
			return true
		}
	}
	return false
}

func overlaps(s, e time.Time, spans []vSpan) bool {
	for _, x := range spans {
		if s.Before(x.End) && x.Start.Before(e) {
			return true
		}
	}
	return false
}

type vSession struct {
	start, end time.Time
	name       string
	loc        *vPoint
}

// checkPlan validates planJSON against instJSON and measures it.
func checkPlan(instJSON, planJSON []byte) (figures, error) {
	var in vInstance
	var plan vPlan
	if err := json.Unmarshal(instJSON, &in); err != nil {
		return figures{}, err
	}
	if err := json.Unmarshal(planJSON, &plan); err != nil {
		return figures{}, err
	}
	var fig figures
	breach := func(format string, args ...any) { fig.breaches = append(fig.breaches, fmt.Sprintf(format, args...)) }
	dur := time.Duration(in.SessionMinutes) * time.Minute
	facIdx := map[string]int{}
	for i, f := range in.Facilitators {
		facIdx[f.ID] = i
	}
	reqIdx := map[string]int{}
	for i, r := range in.Requests {
		reqIdx[r.ID] = i
	}
	seen := map[string]int{}
	for _, a := range plan.Assignments {
		seen[a.Request]++
	}
	for _, u := range plan.Unassigned {
		seen[u.Request]++
		if u.Reason == "" {
			breach("request %s unassigned without a reason", u.Request)
		}
	}
	for _, r := range in.Requests {
		if seen[r.ID] != 1 {
			breach("request %s appears %d times", r.ID, seen[r.ID])
		}
	}
	for id := range seen {
		if _, ok := reqIdx[id]; !ok {
			breach("unknown request %s", id)
		}
	}
	byFac := map[int][]vSession{}
	for _, a := range plan.Assignments {
		ri, ok1 := reqIdx[a.Request]
		fi, ok2 := facIdx[a.Facilitator]
		if !ok1 || !ok2 {
			breach("assignment %v names an unknown request or facilitator", a)
			continue
		}
		r, f := &in.Requests[ri], &in.Facilitators[fi]
		s, e := a.Start, a.Start.Add(dur)
		if !inside(s, e, r.Windows) {
			breach("%s: %v not inside a window", r.ID, s)
		}
		if !inside(s, e, f.Available) {
			breach("%s: %v not inside an availability of %s", r.ID, s, f.ID)
		}
		if overlaps(s, e, f.Busy) {
			breach("%s: %v overlaps busy time of %s", r.ID, s, f.ID)
		}
		if len(r.Facilitators) > 0 {
			allowed := false
			for _, id := range r.Facilitators {
				allowed = allowed || id == f.ID
			}
			if !allowed {
				breach("%s: %s not allowed", r.ID, f.ID)
			}
		}
		var loc *vPoint
		if !r.Remote {
			loc = r.Location
		}
		byFac[fi] = append(byFac[fi], vSession{s, e, r.ID, loc})
		fig.assigned++
		if r.Priority != nil {
			fig.priority += *r.Priority
		} else {
			fig.priority++
		}
	}
	for _, x := range in.Fixed {
		fi, ok := facIdx[x.Facilitator]
		if !ok {
			breach("fixed %s: unknown facilitator", x.ID)
			continue
		}
		var loc *vPoint
		if !x.Remote {
			loc = x.Location
		}
		byFac[fi] = append(byFac[fi], vSession{x.Start, x.Start.Add(dur), "fixed:" + x.ID, loc})
	}
	facs := make([]int, 0, len(byFac))
	for fi := range byFac {
		facs = append(facs, fi)
	}
	sort.Ints(facs)
	for _, fi := range facs {
		fig.travelKm += checkFacilitator(&in, fi, byFac[fi], breach)
	}
	return fig, nil
}

// checkFacilitator applies rules 4 and 5 to one facilitator's sessions and
// returns its travel.
func checkFacilitator(in *vInstance, fi int, sess []vSession, breach func(string, ...any)) float64 {
	f := &in.Facilitators[fi]
	name := f.Timezone
	if name == "" {
		name = "Europe/Paris"
	}
	tz, err := time.LoadLocation(name)
	if err != nil {
		breach("%s: time zone %q: %v", f.ID, name, err)
		return 0
	}
	sort.Slice(sess, func(i, j int) bool { return sess[i].start.Before(sess[j].start) })
	date := func(t time.Time) time.Time {
		y, m, d := t.In(tz).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	for i := range sess {
		for j := i + 1; j < len(sess); j++ {
			a, b := sess[i], sess[j]
			if b.start.Before(a.end) {
				breach("%s: %s and %s overlap", f.ID, a.name, b.name)
			} else if date(a.start).Equal(date(b.start)) && a.loc != nil && b.loc != nil {
				need := math.Ceil(vKm(a.loc, b.loc)/in.Travel.SpeedKmh*60 - 1e-9)
				if b.start.Sub(a.end) < time.Duration(need)*time.Minute {
					breach("%s: %s -> %s leaves %v, travel needs %v min", f.ID, a.name, b.name, b.start.Sub(a.end), need)
				}
			}
		}
	}
	perDay, perWeek := map[time.Time]int{}, map[[2]int]int{}
	for _, s := range sess {
		d := date(s.start)
		perDay[d]++
		y, w := d.ISOWeek()
		perWeek[[2]int{y, w}]++
	}
	for d, n := range perDay {
		if f.MaxPerDay != nil && n > *f.MaxPerDay {
			breach("%s: %d sessions on %v", f.ID, n, d)
		}
	}
	for w, n := range perWeek {
		if f.MaxPerWeek != nil && n > *f.MaxPerWeek {
			breach("%s: %d sessions in week %v", f.ID, n, w)
		}
	}
	travel := 0.0
	var prevDay time.Time
	var prevLoc *vPoint
	for _, s := range sess {
		if s.loc == nil {
			continue
		}
		d := date(s.start)
		if prevLoc == nil || d.Sub(prevDay) > 24*time.Hour {
			if prevLoc != nil {
				travel += vKm(prevLoc, &f.Home)
			}
			travel += vKm(&f.Home, s.loc)
		} else {
			travel += vKm(prevLoc, s.loc)
		}
		prevDay, prevLoc = d, s.loc
	}
	if prevLoc != nil {
		travel += vKm(prevLoc, &f.Home)
	}
	return travel
}
