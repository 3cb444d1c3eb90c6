// Package gen builds planning instances for tests and benchmarks: random
// instances for property-based tests, and larger copies of a reference
// season for scaling runs. Everything is deterministic given its inputs.
package gen

import (
	"fmt"
	"time"

	"quartier/planner"
)

// Scale returns k seasons laid end to end: copy i of every request, fixed
// session, availability and busy time is moved i × (the season's length in
// whole weeks) later, at the same wall-clock time in Europe/Paris, and
// requests and fixed sessions get the suffix "-i". Facilitators stay the
// same people, so a 10× instance is ten years of the same team.
func Scale(in *planner.Instance, k int) (*planner.Instance, error) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return nil, err
	}
	days, err := seasonDays(in)
	if err != nil {
		return nil, err
	}
	shift := func(s string, i int) string {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil || i == 0 {
			return s
		}
		return t.In(paris).AddDate(0, 0, i*days).Format(time.RFC3339)
	}
	shiftAll := func(ivs []planner.Interval, i int) []planner.Interval {
		out := make([]planner.Interval, len(ivs))
		for j, iv := range ivs {
			out[j] = planner.Interval{Start: shift(iv.Start, i), End: shift(iv.End, i)}
		}
		return out
	}
	out := &planner.Instance{SessionMinutes: in.SessionMinutes, Travel: in.Travel}
	for _, f := range in.Facilitators {
		g := f
		g.Available, g.Busy = nil, nil
		for i := 0; i < k; i++ {
			g.Available = append(g.Available, shiftAll(f.Available, i)...)
			g.Busy = append(g.Busy, shiftAll(f.Busy, i)...)
		}
		out.Facilitators = append(out.Facilitators, g)
	}
	for i := 0; i < k; i++ {
		for _, r := range in.Requests {
			c := r
			c.ID = fmt.Sprintf("%s-%d", r.ID, i)
			c.Windows = shiftAll(r.Windows, i)
			out.Requests = append(out.Requests, c)
		}
		for _, x := range in.Fixed {
			c := x
			c.ID = fmt.Sprintf("%s-%d", x.ID, i)
			c.Start = shift(x.Start, i)
			out.Fixed = append(out.Fixed, c)
		}
	}
	return out, nil
}

// seasonDays is the instance's span in whole weeks, as days.
func seasonDays(in *planner.Instance) (int, error) {
	var first, last time.Time
	see := func(s string) error {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return err
		}
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
		return nil
	}
	for _, f := range in.Facilitators {
		for _, iv := range f.Available {
			if err := see(iv.Start); err != nil {
				return 0, err
			}
			if err := see(iv.End); err != nil {
				return 0, err
			}
		}
	}
	for _, r := range in.Requests {
		for _, iv := range r.Windows {
			if err := see(iv.Start); err != nil {
				return 0, err
			}
			if err := see(iv.End); err != nil {
				return 0, err
			}
		}
	}
	weeks := int(last.Sub(first).Hours()/(24*7)) + 1
	return weeks * 7, nil
}
