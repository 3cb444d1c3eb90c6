package planning

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"quartier/models"
	"quartier/planner"
)

// Slot is a session's slot as a replan keeps it.
type Slot struct {
	FacilitatorID int64
	Start, End    time.Time
	TimeZone      string
}

func slotOf(s models.SessionSlot) Slot {
	return Slot{FacilitatorID: s.FacilitatorID, Start: s.Start, End: s.End, TimeZone: s.TimeZone}
}

// SessionSlot is the slot as the store writes it.
func (s Slot) SessionSlot() models.SessionSlot {
	return models.SessionSlot{FacilitatorID: s.FacilitatorID, Start: s.Start, End: s.End, TimeZone: s.TimeZone}
}

// Change is one affected session of a replan: why its slot no longer fits,
// where it goes (After), or why it cannot go anywhere (NoSolution).
type Change struct {
	SessionID  int64
	RequestID  int64
	State      models.SessionState
	Sequence   int
	Reason     string
	Before     Slot
	After      *Slot
	NoSolution string
	// Kind says what changes: "time" (same facilitator), "facilitator"
	// (same time) or "both".
	Kind string
	// KmDelta is the season's travel with this change alone, minus the
	// travel with the session where it was.
	KmDelta float64
	// Outcome is what sending did: "" (not sent), "moved", or the French
	// reason the store refused the move.
	Outcome string
}

// Kept is a live session of the period the replan leaves where it is.
type Kept struct {
	SessionID int64
	Slot      Slot
}

// Replan is the result of re-planning the sessions a change of
// circumstances broke, as a replan draft keeps it (its PlanJSON).
type Replan struct {
	Changes           []Change
	Kept              []Kept
	KmBefore, KmAfter float64
}

// ReplanSessions finds the live sessions of a season starting in [from,
// to) that no longer pass the hard rules (the store's own checks,
// models.Store.SessionConflicts) and re-plans only those, every other
// session kept where it is as a fixed session. Fewest changes first: each
// affected session is tried with its facilitator at another time, then at
// its time with another facilitator, then anywhere else — each stage a
// planner run over what is left, so travel is minimised within it. It
// returns the replan and the draft that stores it.
func ReplanSessions(ctx context.Context, store *models.Store, geo Places, seasonID int64, from, to time.Time) (Replan, models.PlanDraft, error) {
	conflicts, err := store.SessionConflicts(ctx, seasonID, from, to)
	if err != nil {
		return Replan{}, models.PlanDraft{}, err
	}
	cals, err := Availability(ctx, store, geo, from, to)
	if err != nil {
		return Replan{}, models.PlanDraft{}, fmt.Errorf("replan availability: %w", err)
	}
	proposed, err := store.ProposedSessions(ctx, from.Add(-fixedMargin), to.Add(fixedMargin))
	if err != nil {
		return Replan{}, models.PlanDraft{}, err
	}
	affected := map[string]bool{}
	for _, c := range conflicts {
		affected[FixedID(c.SessionID)] = true
	}
	// Every live session stays where it is, proposed ones included: they
	// hold their slot until the coordinator answers (Availability loads
	// them with the others).
	all := cals.Fixed
	facZone := map[string]*time.Location{}
	for _, f := range cals.Facilitators {
		facZone[f.ID] = zone(f.Timezone)
	}
	var kept []planner.FixedSession
	for _, x := range all {
		if !affected[x.ID] {
			kept = append(kept, x)
		}
	}
	idx := Index{Requests: map[string]PlannedRequest{}, Facilitators: map[string]int64{}, SessionLength: models.DefaultSessionLength, Skipped: cals.Skipped}
	for _, f := range cals.Facilitators {
		id, err := userOf(f.ID)
		if err != nil {
			return Replan{}, models.PlanDraft{}, err
		}
		idx.Facilitators[f.ID] = id
	}
	base := planner.Instance{SessionMinutes: int(idx.SessionLength / time.Minute), Travel: planner.Travel{SpeedKmh: TravelSpeedKmh},
		Facilitators: cals.Facilitators, Fixed: kept, Requests: []planner.Request{}}

	out := Replan{Changes: []Change{}, Kept: []Kept{}}
	live := map[int64]models.ScheduledSession{}
	for _, s := range proposed {
		live[s.ID] = s
	}
	if sched, err := store.ScheduledSessions(ctx, nil, from, to); err == nil {
		for _, s := range sched {
			live[s.ID] = s
		}
	} else {
		return Replan{}, models.PlanDraft{}, err
	}
	for _, x := range kept {
		id, _ := SessionOfFixed(x.ID)
		s, ok := live[id]
		if !ok || s.StartsAt.Before(from) || !s.StartsAt.Before(to) || (s.State != string(models.SessionScheduled) && s.State != string(models.SessionProposed)) {
			continue
		}
		out.Kept = append(out.Kept, Kept{SessionID: id, Slot: Slot{FacilitatorID: s.FacilitatorID, Start: s.StartsAt, End: s.EndsAt, TimeZone: s.TimeZone}})
	}

	ids := make([]int64, 0, len(conflicts))
	for _, c := range conflicts {
		ids = append(ids, c.RequestID)
	}
	reqs, err := store.RequestsWithWindows(ctx, ids)
	if err != nil {
		return Replan{}, models.PlanDraft{}, err
	}
	byReq := map[int64]models.Request{}
	for _, r := range reqs {
		byReq[r.ID] = r
	}
	// The planner's view of each affected session: its place and windows.
	type todo struct {
		change  *Change
		req     planner.Request
		fac     string
		current planner.Interval
	}
	var left []todo
	for _, c := range conflicts {
		out.Changes = append(out.Changes, Change{SessionID: c.SessionID, RequestID: c.RequestID, State: c.State,
			Sequence: c.Sequence, Reason: c.Reason, Before: slotOf(c.Slot)})
	}
	for i, c := range conflicts {
		ch := &out.Changes[i]
		r := byReq[c.RequestID]
		pr := planner.Request{ID: RequestID(r.ID), Windows: windows(r, from, to)}
		if r.Format == models.FormatRemote {
			pr.Remote = true
		} else if p, ok := geo.Commune(r.CommuneINSEE); ok {
			pr.Location = &planner.Point{Lat: p.Lat, Lon: p.Lon}
		} else {
			ch.NoSolution = "commune du lieu inconnue : la distance du trajet ne peut pas être calculée"
			continue
		}
		idx.Requests[pr.ID] = PlannedRequest{ID: r.ID, TimeZone: models.LocationOf(c.Slot.TimeZone).String()}
		loc := models.LocationOf(c.Slot.TimeZone)
		left = append(left, todo{change: ch, req: pr, fac: FacilitatorID(c.Slot.FacilitatorID),
			current: planner.Interval{Start: c.Slot.Start.In(loc).Format(time.RFC3339), End: c.Slot.End.In(loc).Format(time.RFC3339)}})
	}
	others := func(fac string) []string {
		var ids []string
		for _, f := range cals.Facilitators {
			if f.ID != fac {
				ids = append(ids, f.ID)
			}
		}
		return ids
	}
	stages := []struct {
		kind  string
		shape func(t todo) (planner.Request, bool)
	}{
		{"time", func(t todo) (planner.Request, bool) {
			if _, ok := facZone[t.fac]; !ok {
				return planner.Request{}, false
			}
			r := t.req
			r.Facilitators = []string{t.fac}
			r.Windows = slices.DeleteFunc(slices.Clone(r.Windows), func(w planner.Interval) bool { return sameInterval(w, t.current) })
			return r, len(r.Windows) > 0
		}},
		{"facilitator", func(t todo) (planner.Request, bool) {
			r := t.req
			r.Facilitators, r.Windows = others(t.fac), []planner.Interval{t.current}
			return r, len(r.Facilitators) > 0
		}},
		{"both", func(t todo) (planner.Request, bool) {
			r := t.req
			r.Facilitators = others(t.fac)
			return r, len(r.Facilitators) > 0 && len(r.Windows) > 0
		}},
	}
	reasons := map[string]string{}
	for _, st := range stages {
		if len(left) == 0 {
			break
		}
		in := base
		in.Requests = nil
		byID := map[string]todo{}
		for _, t := range left {
			if r, ok := st.shape(t); ok {
				in.Requests = append(in.Requests, r)
				byID[r.ID] = t
			}
		}
		if len(in.Requests) == 0 {
			continue
		}
		plan, err := planner.Solve(ctx, &in, planner.Options{})
		if err != nil {
			return Replan{}, models.PlanDraft{}, fmt.Errorf("replan season %d (%s): %w", seasonID, st.kind, err)
		}
		placed := map[string]bool{}
		for _, a := range plan.Assignments {
			t := byID[a.Request]
			start, err := time.Parse(time.RFC3339, a.Start)
			if err != nil {
				return Replan{}, models.PlanDraft{}, fmt.Errorf("replan %s: start: %w", a.Request, err)
			}
			t.change.After = &Slot{FacilitatorID: idx.Facilitators[a.Facilitator], Start: start.UTC(),
				End: start.Add(idx.SessionLength).UTC(), TimeZone: t.change.Before.TimeZone}
			t.change.Kind = st.kind
			base.Fixed = append(base.Fixed, planner.FixedSession{ID: FixedID(t.change.SessionID), Facilitator: a.Facilitator,
				Start: a.Start, Location: t.req.Location, Remote: t.req.Remote})
			placed[a.Request] = true
		}
		for _, u := range plan.Unassigned {
			reasons[u.Request] = u.Reason
		}
		left = slices.DeleteFunc(left, func(t todo) bool { return placed[t.req.ID] })
	}
	for _, t := range left {
		t.change.NoSolution = reasons[t.req.ID]
		if t.change.NoSolution == "" {
			t.change.NoSolution = "aucune chargée de mission ni aucun créneau de la demande ne convient"
		}
	}

	// Travel: the season with every session where it was, then with each
	// change alone, then with all of them.
	before := base
	before.Fixed = slices.Clone(kept)
	for _, x := range all {
		if affected[x.ID] {
			before.Fixed = append(before.Fixed, x)
		}
	}
	out.KmBefore = TotalKm(Trips(before, planner.Plan{}))
	out.KmAfter = out.KmBefore
	after := base
	after.Fixed = slices.Clone(kept)
	for _, x := range before.Fixed[len(kept):] {
		if moved := movedFixed(base.Fixed, x.ID); moved != nil {
			after.Fixed = append(after.Fixed, *moved)
		} else {
			after.Fixed = append(after.Fixed, x)
		}
	}
	out.KmAfter = TotalKm(Trips(after, planner.Plan{}))
	for i := range out.Changes {
		ch := &out.Changes[i]
		if ch.After == nil {
			continue
		}
		one := before
		one.Fixed = slices.Clone(before.Fixed)
		id := FixedID(ch.SessionID)
		for j, x := range one.Fixed {
			if x.ID == id {
				if m := movedFixed(base.Fixed, id); m != nil {
					one.Fixed[j] = *m
				}
			}
		}
		ch.KmDelta = TotalKm(Trips(one, planner.Plan{})) - out.KmBefore
	}

	h, err := Hash(before)
	if err != nil {
		return Replan{}, models.PlanDraft{}, err
	}
	d := models.PlanDraft{Kind: models.DraftReplan, SeasonID: seasonID, PeriodFrom: from.UTC(), PeriodTo: to.UTC(), InputsHash: h, BaselineJSON: "{}"}
	for _, part := range []struct {
		dst *string
		v   any
	}{{&d.InstanceJSON, after}, {&d.IndexJSON, idx}, {&d.PlanJSON, out}} {
		b, err := json.Marshal(part.v)
		if err != nil {
			return Replan{}, models.PlanDraft{}, fmt.Errorf("encode replan: %w", err)
		}
		*part.dst = string(b)
	}
	return out, d, nil
}

// movedFixed is the fixed session id as a stage placed it (the last entry
// of that id), or nil.
func movedFixed(fixed []planner.FixedSession, id string) *planner.FixedSession {
	for i := len(fixed) - 1; i >= 0; i-- {
		if fixed[i].ID == id {
			return &fixed[i]
		}
	}
	return nil
}

func sameInterval(a, b planner.Interval) bool {
	as, err1 := time.Parse(time.RFC3339, a.Start)
	bs, err2 := time.Parse(time.RFC3339, b.Start)
	return err1 == nil && err2 == nil && as.Equal(bs)
}

// LoadReplan reads a replan draft's changes back.
func LoadReplan(d models.PlanDraft) (Replan, Index, error) {
	var r Replan
	var idx Index
	if err := json.Unmarshal([]byte(d.PlanJSON), &r); err != nil {
		return Replan{}, Index{}, fmt.Errorf("decode replan %d: %w", d.ID, err)
	}
	if err := json.Unmarshal([]byte(d.IndexJSON), &idx); err != nil {
		return Replan{}, Index{}, fmt.Errorf("decode replan %d index: %w", d.ID, err)
	}
	if d.ResultJSON != "" {
		var outcomes map[int64]string
		if err := json.Unmarshal([]byte(d.ResultJSON), &outcomes); err != nil {
			return Replan{}, Index{}, fmt.Errorf("decode replan %d result: %w", d.ID, err)
		}
		for i := range r.Changes {
			r.Changes[i].Outcome = outcomes[r.Changes[i].SessionID]
		}
	}
	return r, idx, nil
}

// Moves are the sessions a replan moves, for models.Store.SendReplanDraft.
func (r Replan) Moves() ([]models.SessionMove, []int64) {
	var moves []models.SessionMove
	var ids []int64
	for _, c := range r.Changes {
		if c.After == nil {
			continue
		}
		moves = append(moves, models.SessionMove{SessionID: c.SessionID, Sequence: c.Sequence, Slot: c.After.SessionSlot()})
		ids = append(ids, c.SessionID)
	}
	return moves, ids
}

// EncodeOutcomes is what sending did to each session, as the draft keeps
// it: "moved" or the French refusal, by session id.
func EncodeOutcomes(outcomes map[int64]string) (string, error) {
	b, err := json.Marshal(outcomes)
	if err != nil {
		return "", fmt.Errorf("encode replan outcomes: %w", err)
	}
	return string(b), nil
}
