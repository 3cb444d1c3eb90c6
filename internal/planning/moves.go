package planning

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"quartier/planner"
)

// ErrNotAnAlternative says a hand move asked for a slot that is not one
// of those Alternatives offers (a forged or out-of-date form).
var ErrNotAnAlternative = errors.New("not a valid alternative")

// Alternatives lists, for the request assigned in the plan, every other
// (facilitator, start) where it could go with the rest of the plan left as
// it is: inside one of the request's windows and the facilitator's
// availability, clear of busy time and of the facilitator's other sessions
// with the travel between them, within the daily and weekly limits. Each
// candidate is checked by the planner itself (its first-fit, on an
// instance holding the facilitator's other sessions as fixed), so the page
// offers nothing the planner's rules refuse. Starts are tried on the hour
// within each window. The list is in time order, then by facilitator.
func Alternatives(in planner.Instance, plan planner.Plan, request string) ([]planner.Assignment, error) {
	ri := slices.IndexFunc(in.Requests, func(r planner.Request) bool { return r.ID == request })
	ai := slices.IndexFunc(plan.Assignments, func(a planner.Assignment) bool { return a.Request == request })
	if ri < 0 || ai < 0 {
		return nil, fmt.Errorf("alternatives of %s: not an assigned request of the plan", request)
	}
	req, current := in.Requests[ri], plan.Assignments[ai]
	length := time.Duration(in.SessionMinutes) * time.Minute
	byID := map[string]planner.Request{}
	for _, r := range in.Requests {
		byID[r.ID] = r
	}
	var out []planner.Assignment
	for _, f := range in.Facilitators {
		if len(req.Facilitators) > 0 && !slices.Contains(req.Facilitators, f.ID) {
			continue
		}
		sub := planner.Instance{SessionMinutes: in.SessionMinutes, Travel: in.Travel, Facilitators: []planner.Facilitator{f}}
		for _, x := range in.Fixed {
			if x.Facilitator == f.ID {
				sub.Fixed = append(sub.Fixed, x)
			}
		}
		for _, a := range plan.Assignments {
			if a.Facilitator != f.ID || a.Request == request {
				continue
			}
			other := byID[a.Request]
			sub.Fixed = append(sub.Fixed, planner.FixedSession{ID: "plan-" + a.Request, Facilitator: f.ID,
				Start: a.Start, Location: other.Location, Remote: other.Remote})
		}
		loc := zone(f.Timezone)
		for _, w := range req.Windows {
			ws, err1 := time.Parse(time.RFC3339, w.Start)
			we, err2 := time.Parse(time.RFC3339, w.End)
			if err1 != nil || err2 != nil {
				return nil, fmt.Errorf("alternatives of %s: window %v", request, w)
			}
			for start := ws; !start.Add(length).After(we); start = start.Add(time.Hour) {
				a := planner.Assignment{Request: request, Facilitator: f.ID, Start: start.In(loc).Format(time.RFC3339)}
				if sameSlot(a, current) {
					continue
				}
				ok, err := fits(sub, req, start, length)
				if err != nil {
					return nil, fmt.Errorf("alternatives of %s: %w", request, err)
				}
				if ok {
					out = append(out, a)
				}
			}
		}
	}
	slices.SortStableFunc(out, func(a, b planner.Assignment) int {
		ta, _ := time.Parse(time.RFC3339, a.Start)
		tb, _ := time.Parse(time.RFC3339, b.Start)
		if c := ta.Compare(tb); c != 0 {
			return c
		}
		return compareStrings(a.Facilitator, b.Facilitator)
	})
	return out, nil
}

// fits asks the planner whether req can start exactly at start among sub's
// fixed sessions.
func fits(sub planner.Instance, req planner.Request, start time.Time, length time.Duration) (bool, error) {
	one := req
	one.Facilitators = nil
	one.Windows = []planner.Interval{{Start: start.Format(time.RFC3339), End: start.Add(length).Format(time.RFC3339)}}
	sub.Requests = []planner.Request{one}
	p, err := planner.FirstFit(&sub)
	if err != nil {
		return false, err
	}
	return len(p.Assignments) == 1, nil
}

// Move puts the request at the alternative chosen, if it is one of those
// Alternatives offers, and returns the new plan with its travel
// recomputed. Anything else is refused with ErrNotAnAlternative.
func Move(in planner.Instance, plan planner.Plan, to planner.Assignment) (planner.Plan, error) {
	alts, err := Alternatives(in, plan, to.Request)
	if err != nil {
		return planner.Plan{}, fmt.Errorf("%w: %v", ErrNotAnAlternative, err)
	}
	if !slices.ContainsFunc(alts, func(a planner.Assignment) bool { return sameSlot(a, to) }) {
		return planner.Plan{}, ErrNotAnAlternative
	}
	return moved(in, plan, to), nil
}

// MovedKm is the plan's total travel once the request is put at to, for
// the page to show next to each alternative (to is not checked: pass one
// of Alternatives').
func MovedKm(in planner.Instance, plan planner.Plan, to planner.Assignment) float64 {
	return moved(in, plan, to).Stats.TravelKm
}

// moved is the plan with the request at to, in time order, its travel
// recomputed.
func moved(in planner.Instance, plan planner.Plan, to planner.Assignment) planner.Plan {
	out := plan
	out.Assignments = slices.Clone(plan.Assignments)
	for i, a := range out.Assignments {
		if a.Request == to.Request {
			out.Assignments[i].Facilitator, out.Assignments[i].Start = to.Facilitator, to.Start
		}
	}
	slices.SortStableFunc(out.Assignments, func(a, b planner.Assignment) int {
		ta, _ := time.Parse(time.RFC3339, a.Start)
		tb, _ := time.Parse(time.RFC3339, b.Start)
		if c := ta.Compare(tb); c != 0 {
			return c
		}
		return compareStrings(a.Facilitator, b.Facilitator)
	})
	out.Stats.TravelKm = TotalKm(Trips(in, out))
	return out
}

// sameSlot compares two assignments by facilitator and instant.
func sameSlot(a, b planner.Assignment) bool {
	if a.Request != b.Request || a.Facilitator != b.Facilitator {
		return false
	}
	ta, err1 := time.Parse(time.RFC3339, a.Start)
	tb, err2 := time.Parse(time.RFC3339, b.Start)
	return err1 == nil && err2 == nil && ta.Equal(tb)
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// AlternativeValue is how a form names an alternative: « facilitator|start ».
func AlternativeValue(a planner.Assignment) string { return a.Facilitator + "|" + a.Start }

// ParseAlternative reads a form's alternative for a request back (see
// AlternativeValue); Move then checks it is one that was offered.
func ParseAlternative(request, value string) planner.Assignment {
	fac, start, _ := strings.Cut(value, "|")
	return planner.Assignment{Request: request, Facilitator: fac, Start: start}
}
