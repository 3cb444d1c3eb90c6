package gen

import (
	"fmt"
	"math/rand/v2"
	"time"

	"quartier/planner"
)

// Dense returns k times the demand over the same weeks: k copies of every
// request and k copies of every facilitator, the same for the same seed.
// Copy i of a request keeps its priority and remoteness, moves a few
// kilometres within its town (another neighbourhood), and has each of its
// windows moved by a whole week earlier or later, or kept, so that the
// copies spread over the season's weeks without leaving them (a window
// that would leave the season stays put). Copy i of a facilitator keeps
// the original's home, time zone, limits, availability and busy time: k
// teams with the same rota. A request restricted to some facilitators may
// be led by any copy of them; fixed sessions are copied to the copies of
// their facilitator, at the same time. Copy i of every id gets the suffix
// "-i", like Scale's.
func Dense(in *planner.Instance, k int, seed uint64) (*planner.Instance, error) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return nil, err
	}
	first, last, err := span(in)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0xde45e))
	copyID := func(id string, i int) string { return fmt.Sprintf("%s-%d", id, i) }
	out := &planner.Instance{SessionMinutes: in.SessionMinutes, Travel: in.Travel}
	for i := 0; i < k; i++ {
		for _, f := range in.Facilitators {
			g := f
			g.ID = copyID(f.ID, i)
			g.Available = append([]planner.Interval(nil), f.Available...)
			g.Busy = append([]planner.Interval(nil), f.Busy...)
			out.Facilitators = append(out.Facilitators, g)
		}
		for _, x := range in.Fixed {
			c := x
			c.ID = copyID(x.ID, i)
			c.Facilitator = copyID(x.Facilitator, i)
			out.Fixed = append(out.Fixed, c)
		}
	}
	for i := 0; i < k; i++ {
		for _, r := range in.Requests {
			c := r
			c.ID = copyID(r.ID, i)
			if r.Location != nil {
				// Up to about 2 km north–south and 1.5 km east–west.
				p := *r.Location
				p.Lat += (rng.Float64()*2 - 1) * 0.018
				p.Lon += (rng.Float64()*2 - 1) * 0.02
				c.Location = &p
			}
			c.Windows = make([]planner.Interval, len(r.Windows))
			for j, w := range r.Windows {
				c.Windows[j] = w
				if weeks := rng.IntN(3) - 1; weeks != 0 {
					s, err1 := time.Parse(time.RFC3339, w.Start)
					e, err2 := time.Parse(time.RFC3339, w.End)
					if err1 != nil || err2 != nil {
						return nil, fmt.Errorf("request %s: bad window", r.ID)
					}
					s, e = s.In(paris).AddDate(0, 0, 7*weeks), e.In(paris).AddDate(0, 0, 7*weeks)
					if !s.Before(first) && !e.After(last) {
						c.Windows[j] = planner.Interval{Start: s.Format(time.RFC3339), End: e.Format(time.RFC3339)}
					}
				}
			}
			if len(r.Facilitators) > 0 {
				c.Facilitators = nil
				for j := 0; j < k; j++ {
					for _, id := range r.Facilitators {
						c.Facilitators = append(c.Facilitators, copyID(id, j))
					}
				}
			}
			out.Requests = append(out.Requests, c)
		}
	}
	return out, nil
}

// span returns the first and last instant of the facilitators'
// availability: the season.
func span(in *planner.Instance) (first, last time.Time, err error) {
	for _, f := range in.Facilitators {
		for _, iv := range f.Available {
			s, err := time.Parse(time.RFC3339, iv.Start)
			if err != nil {
				return first, last, err
			}
			e, err := time.Parse(time.RFC3339, iv.End)
			if err != nil {
				return first, last, err
			}
			if first.IsZero() || s.Before(first) {
				first = s
			}
			if e.After(last) {
				last = e
			}
		}
	}
	if first.IsZero() {
		return first, last, fmt.Errorf("no availability: no season to fill")
	}
	return first, last, nil
}
