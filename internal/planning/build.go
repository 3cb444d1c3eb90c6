package planning

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"quartier/frtime"
	"quartier/models"
	"quartier/planner"
)

// TravelSpeedKmh is the average door-to-door speed of the officers'
// trips, for the planner's travel times.
const TravelSpeedKmh = 70

// Index maps the planner's ids back to quartier's, for Propose: built by
// Build with the instance it describes.
type Index struct {
	// Requests maps a planner request id ("r12") to its request.
	Requests map[string]PlannedRequest
	// Facilitators maps a planner facilitator id ("f3") to a user id.
	Facilitators map[string]int64
	// SessionLength is the length of every session of the instance.
	SessionLength time.Duration
	// Skipped lists the facilitators left out, with the reason in French.
	Skipped []Skipped
	// SkippedRequests lists the accepted requests left out, with the
	// reason in French (an in-person request whose commune is unknown).
	SkippedRequests []SkippedRequest
}

// PlannedRequest is what Propose needs of a request: its id and the zone
// its session is shown in.
type PlannedRequest struct {
	ID       int64
	TimeZone string
}

// SkippedRequest is an accepted request left out of the instance.
type SkippedRequest struct {
	RequestID int64
	Reason    string
}

// RequestID is the planner's id for a request.
func RequestID(requestID int64) string { return "r" + strconv.FormatInt(requestID, 10) }

// partHours are the local hours [start, end) a window's part of the day
// offers, as the request form announces them (« Matin (9 h – 12 h) »…).
var partHours = map[models.DayPart][2]int{
	models.Morning:   {9 * 60, 12 * 60},
	models.Afternoon: {14 * 60, 17 * 60},
	models.Evening:   {18 * 60, 21 * 60},
}

// Build is the one place where the store becomes a planner instance for
// a season over [from, to): the accepted requests of the season (their
// windows in each request's own zone, clipped to the period; the commune's
// coordinates; the priority), the facilitators' availability and their
// scheduled sessions as fixed sessions (see Availability). The Index maps
// the plan's ids back for Propose.
func Build(ctx context.Context, store *models.Store, geo Places, seasonID int64, from, to time.Time) (planner.Instance, Index, error) {
	cals, err := Availability(ctx, store, geo, from, to)
	if err != nil {
		return planner.Instance{}, Index{}, fmt.Errorf("planning availability: %w", err)
	}
	reqs, err := store.RequestsToPlan(ctx, seasonID)
	if err != nil {
		return planner.Instance{}, Index{}, err
	}
	idx := Index{Requests: map[string]PlannedRequest{}, Facilitators: map[string]int64{},
		SessionLength: models.DefaultSessionLength, Skipped: cals.Skipped}
	in := planner.Instance{
		SessionMinutes: int(idx.SessionLength / time.Minute),
		Travel:         planner.Travel{SpeedKmh: TravelSpeedKmh},
		Facilitators:   cals.Facilitators,
		Fixed:          cals.Fixed,
		Requests:       []planner.Request{},
	}
	for _, f := range cals.Facilitators {
		id, err := userOf(f.ID)
		if err != nil {
			return planner.Instance{}, Index{}, err
		}
		idx.Facilitators[f.ID] = id
	}
	for _, r := range reqs {
		pr := planner.Request{ID: RequestID(r.ID), Windows: windows(r, from, to)}
		if r.Format == models.FormatRemote {
			pr.Remote = true
		} else if c, ok := geo.Commune(r.CommuneINSEE); ok && r.CommuneINSEE != "" {
			pr.Location = &planner.Point{Lat: c.Lat, Lon: c.Lon}
		} else {
			idx.SkippedRequests = append(idx.SkippedRequests, SkippedRequest{RequestID: r.ID,
				Reason: "commune du lieu inconnue : la distance du trajet ne peut pas être calculée"})
			continue
		}
		if r.Priority > 0 {
			p := r.Priority
			pr.Priority = &p
		}
		in.Requests = append(in.Requests, pr)
		idx.Requests[pr.ID] = PlannedRequest{ID: r.ID, TimeZone: models.LocationOf(r.TimeZone).String()}
	}
	return in, idx, nil
}

// windows turns a request's preferred windows into the planner's, each
// day's part in the request's own zone, kept when inside [from, to) and
// not a public holiday of the request's commune (venues are closed).
func windows(r models.Request, from, to time.Time) []planner.Interval {
	loc := models.LocationOf(r.TimeZone)
	dept := frtime.DepartementOfCommune(r.CommuneINSEE)
	out := []planner.Interval{}
	for _, w := range r.Windows {
		hours, ok := partHours[w.Part]
		if !ok {
			continue
		}
		for _, d := range w.Days() {
			if frtime.Holiday(d, dept) != "" {
				continue
			}
			start := time.Date(d.Year(), d.Month(), d.Day(), 0, hours[0], 0, 0, loc)
			end := time.Date(d.Year(), d.Month(), d.Day(), 0, hours[1], 0, 0, loc)
			if start.Before(from) || end.After(to) {
				continue
			}
			out = append(out, planner.Interval{Start: start.Format(time.RFC3339), End: end.Format(time.RFC3339)})
		}
	}
	return out
}

// Propose saves each assignment of the plan as a proposed session, through
// the store's ProposeSession (one transaction each, by actorID). An
// assignment that cannot be saved (the request moved meanwhile, the
// facilitator was deactivated…) does not stop the others: n counts the
// sessions proposed and err joins the failures.
func Propose(ctx context.Context, store *models.Store, actorID int64, plan planner.Plan, idx Index) (n int, err error) {
	var errs []error
	for _, a := range plan.Assignments {
		req, ok := idx.Requests[a.Request]
		if !ok {
			errs = append(errs, fmt.Errorf("assignment of %s: unknown request", a.Request))
			continue
		}
		userID, ok := idx.Facilitators[a.Facilitator]
		if !ok {
			errs = append(errs, fmt.Errorf("assignment of %s: unknown facilitator %s", a.Request, a.Facilitator))
			continue
		}
		start, perr := time.Parse(time.RFC3339, a.Start)
		if perr != nil {
			errs = append(errs, fmt.Errorf("assignment of %s: start: %w", a.Request, perr))
			continue
		}
		slot := models.SessionSlot{FacilitatorID: userID, Start: start, End: start.Add(idx.SessionLength), TimeZone: req.TimeZone}
		if _, perr := store.ProposeSession(ctx, actorID, req.ID, slot); perr != nil {
			errs = append(errs, fmt.Errorf("propose request %d: %w", req.ID, perr))
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}
