package gen

import (
	"fmt"
	"math/rand/v2"
	"time"

	"quartier/planner"
)

// Random returns a random instance, the same for the same seed, built to
// reach the corners of the rules: several time zones (one with a 45-minute
// offset), a daylight-saving change, availabilities running past midnight,
// windows shorter than a session, starts off the half-hour, towns shared by
// several requests, remote requests, restricted facilitators, optional
// limits and sessions already fixed.
func Random(seed uint64) *planner.Instance {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	zones := []string{"Europe/Paris", "Europe/Paris", "Europe/Paris", "America/Cayenne", "Asia/Kolkata", "Pacific/Chatham"}
	in := &planner.Instance{
		SessionMinutes: []int{60, 90, 180, 180}[rng.IntN(4)],
		Travel:         planner.Travel{SpeedKmh: []float64{50, 70, 90}[rng.IntN(3)]},
	}
	// A season of 3 weeks starting a week before the March 2026 change of
	// time in Europe.
	first := time.Date(2026, 3, 23, 0, 0, 0, 0, time.UTC)
	const days = 21
	nFac := 1 + rng.IntN(4)
	for f := 0; f < nFac; f++ {
		in.Facilitators = append(in.Facilitators, randomFacilitator(rng, f, zones[rng.IntN(len(zones))], first, days))
	}
	towns := make([]planner.Point, 3+rng.IntN(10))
	for i := range towns {
		towns[i] = planner.Point{Lat: 43 + rng.Float64()*8, Lon: -1.5 + rng.Float64()*9}
	}
	nReq := 1 + rng.IntN(40)
	for r := 0; r < nReq; r++ {
		in.Requests = append(in.Requests, randomRequest(rng, r, towns, in.Facilitators, first, days))
	}
	in.Fixed = randomFixed(rng, in, towns, first, days)
	return in
}

func randomFacilitator(rng *rand.Rand, f int, zone string, first time.Time, days int) planner.Facilitator {
	tz, _ := time.LoadLocation(zone)
	fac := planner.Facilitator{
		ID:   fmt.Sprintf("f%d", f+1),
		Home: &planner.Point{Lat: 50.63 + rng.Float64()*0.1, Lon: 3.05 + rng.Float64()*0.1},
	}
	if zone != "Europe/Paris" || rng.IntN(2) == 0 {
		fac.Timezone = zone
	}
	for d := 0; d < days; d++ {
		if rng.IntN(5) == 0 {
			continue // day off
		}
		day := first.AddDate(0, 0, d)
		at := func(h, m int) string {
			return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, tz).Format(time.RFC3339)
		}
		switch rng.IntN(4) {
		case 0: // split day
			fac.Available = append(fac.Available, planner.Interval{Start: at(8, 0), End: at(12, 30)}, planner.Interval{Start: at(13, 30), End: at(20, 0)})
		case 1: // evening past midnight
			fac.Available = append(fac.Available, planner.Interval{Start: at(17, 0), End: at(26, 0)})
		default:
			fac.Available = append(fac.Available, planner.Interval{Start: at(8, 0), End: at(19+rng.IntN(4), 0)})
		}
		if rng.IntN(4) == 0 {
			h := 8 + rng.IntN(10)
			fac.Busy = append(fac.Busy, planner.Interval{Start: at(h, 0), End: at(h+1+rng.IntN(2), 30*rng.IntN(2))})
		}
	}
	if rng.IntN(3) > 0 {
		n := 1 + rng.IntN(3)
		fac.MaxPerDay = &n
	}
	if rng.IntN(3) > 0 {
		n := 1 + rng.IntN(5)
		fac.MaxPerWeek = &n
	}
	return fac
}

func randomRequest(rng *rand.Rand, r int, towns []planner.Point, facs []planner.Facilitator, first time.Time, days int) planner.Request {
	paris, _ := time.LoadLocation("Europe/Paris")
	req := planner.Request{ID: fmt.Sprintf("r%03d", r+1)}
	if rng.IntN(7) == 0 {
		req.Remote = true
	} else {
		t := towns[rng.IntN(len(towns))]
		req.Location = &planner.Point{Lat: t.Lat + rng.NormFloat64()*0.05, Lon: t.Lon + rng.NormFloat64()*0.05}
		if rng.IntN(3) == 0 {
			req.Location = &t // exactly the town: shared with other requests
		}
	}
	for w := 1 + rng.IntN(4); w > 0; w-- {
		day := first.AddDate(0, 0, rng.IntN(days))
		h, m := []int{9, 13, 18, 9, 20}[rng.IntN(5)], []int{0, 30, 7}[rng.IntN(3)]
		start := time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, paris)
		length := time.Duration(2+rng.IntN(8)) * 30 * time.Minute
		req.Windows = append(req.Windows, planner.Interval{Start: start.Format(time.RFC3339), End: start.Add(length).Format(time.RFC3339)})
	}
	if rng.IntN(5) == 0 {
		for _, f := range facs {
			if rng.IntN(2) == 0 {
				req.Facilitators = append(req.Facilitators, f.ID)
			}
		}
	}
	if rng.IntN(3) == 0 {
		p := 1 + rng.IntN(3)
		req.Priority = &p
	}
	return req
}

// randomFixed schedules at most one session per facilitator and ISO week,
// each on a day of its own, and raises the limits to allow it: fixed
// sessions that broke the rules among themselves would make every plan
// invalid.
func randomFixed(rng *rand.Rand, in *planner.Instance, towns []planner.Point, first time.Time, days int) []planner.FixedSession {
	var out []planner.FixedSession
	for i := range in.Facilitators {
		f := &in.Facilitators[i]
		zone := f.Timezone
		if zone == "" {
			zone = "Europe/Paris"
		}
		tz, _ := time.LoadLocation(zone)
		for week := 0; week*7 < days; week++ {
			if rng.IntN(3) != 0 {
				continue
			}
			// first is a Monday: a weekday of the same ISO week, in the
			// facilitator's own calendar, morning or afternoon.
			day := first.AddDate(0, 0, week*7+rng.IntN(5))
			x := planner.FixedSession{
				ID:          fmt.Sprintf("s-%s-%d", f.ID, week),
				Facilitator: f.ID,
				Start:       time.Date(day.Year(), day.Month(), day.Day(), 9+rng.IntN(8), 0, 0, 0, tz).Format(time.RFC3339),
			}
			if rng.IntN(4) == 0 {
				x.Remote = true
			} else {
				t := towns[rng.IntN(len(towns))]
				x.Location = &t
			}
			out = append(out, x)
			if f.MaxPerDay != nil && *f.MaxPerDay < 1 {
				*f.MaxPerDay = 1
			}
			if f.MaxPerWeek != nil && *f.MaxPerWeek < 1 {
				*f.MaxPerWeek = 1
			}
		}
	}
	return out
}
