package handlers

import (
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"quartier/frtime"
	"quartier/internal/planning"
	"quartier/models"
)

// planningPage is the planning page: the chooser, and a draft once the
// planner has run.
type planningPage struct {
	Form    plannerForm
	Draft   *draftView
	Running *runningView
	Replan  *replanView
	// Facilitators are the choices of the form marking one absent.
	Facilitators []models.User
	Absence      absenceForm
}

// draftView is one draft as the page shows it.
type draftView struct {
	ID                    int64
	Season, Period        string
	RanBy, RanAt          string
	Sent                  bool
	SentAt                string
	SentCount             int
	Stale                 bool
	Problem               string // why the last action was refused
	Figures               draftFigures
	Timelines             []timelineView
	Unassigned            []unassignedView
	SkippedFacilitators   []planning.Skipped
	Move                  *moveView
	Map                   template.HTML // the trips on the map of France (territory/francemap)
	Requests, Assignments int
}

// draftFigures compare the plan with first-fit on the same instance.
type draftFigures struct {
	Placed, BaselinePlaced int
	Km, BaselineKm         string
	KmSaved                string // empty when the plan drives no less
}

type timelineView struct {
	Name     string
	Km       string
	Sessions int
	Trips    []tripView
}

type tripView struct {
	When, Km, Nights string
	Remote           bool
	Stops            []stopView
}

type stopView struct {
	Request      string // planner id of a request of the plan; empty for a fixed session
	When, Place  string
	Label, Km    string
	Fixed, Moved bool
	Proposed     bool // a fixed session still waiting for its coordinator's answer
}

type unassignedView struct{ Label, Reason string }

// moveView is the form moving one session to one of its alternatives.
type moveView struct {
	Request, Label, Current string
	Options                 []moveOption
	Error                   string
}

type moveOption struct{ Value, Label string }

// renderDraft shows a draft; move names the request whose alternatives to
// list, problem a refused action's message.
func (h *Handler) renderDraft(c echo.Context, status int, d models.PlanDraft, move, problem string) error {
	ctx := c.Request().Context()
	run, err := planning.LoadRun(d)
	if err != nil {
		return err
	}
	v := &draftView{ID: d.ID, Sent: d.Sent(), SentCount: d.SentCount, Problem: problem,
		Requests: len(run.Instance.Requests) + len(run.Index.SkippedRequests), Assignments: len(run.Plan.Assignments),
		SkippedFacilitators: run.Index.Skipped}
	paris := models.LocationOf("Europe/Paris")
	v.Period = frtime.Span(d.PeriodFrom.In(paris), d.PeriodTo.Add(-time.Second).In(paris))
	v.RanAt = frtime.DateTime(d.CreatedAt.In(paris))
	if d.SentAt != nil {
		v.SentAt = frtime.DateTime(d.SentAt.In(paris))
	}
	form := plannerForm{SeasonID: d.SeasonID, From: d.PeriodFrom.In(paris).Format(time.DateOnly),
		To: d.PeriodTo.Add(-time.Second).In(paris).Format(time.DateOnly), Errors: formErrors{}}
	if se, err := h.store.SeasonByID(ctx, d.SeasonID); err == nil {
		v.Season = se.Name
		form.Seasons = []models.Season{se}
	}
	if !v.Sent {
		if v.Stale, err = planning.Current(ctx, h.store, h.geo, d); err != nil {
			return err
		}
		v.Stale = !v.Stale
	}

	// Names, in a bounded number of queries whatever the plan's size.
	var reqIDs, sessIDs, userIDs []int64
	for _, r := range run.Index.Requests {
		reqIDs = append(reqIDs, r.ID)
	}
	for _, s := range run.Index.SkippedRequests {
		reqIDs = append(reqIDs, s.RequestID)
	}
	for _, x := range run.Instance.Fixed {
		if id, ok := planning.SessionOfFixed(x.ID); ok {
			sessIDs = append(sessIDs, id)
		}
	}
	for _, id := range run.Index.Facilitators {
		userIDs = append(userIDs, id)
	}
	userIDs = append(userIDs, d.CreatedBy)
	byReq, bySess, err := h.store.PlanLabels(ctx, reqIDs, sessIDs)
	if err != nil {
		return err
	}
	names, err := h.store.UserNames(ctx, userIDs)
	if err != nil {
		return err
	}
	v.RanBy = names[d.CreatedBy]
	facName := func(id string) string { return names[run.Index.Facilitators[id]] }
	label := func(l models.PlanLabel) string {
		if l.VenueName == "" {
			return l.CLSMName
		}
		return l.CLSMName + " — " + l.VenueName
	}
	place := func(l models.PlanLabel, remote bool) string {
		if remote {
			return "à distance"
		}
		if c, ok := h.geo.Commune(l.CommuneINSEE); ok {
			return c.Name
		}
		return "commune inconnue"
	}
	length := run.Index.SessionLength

	v.Figures = draftFigures{Placed: run.Plan.Stats.Assigned, BaselinePlaced: run.Baseline.Assigned,
		Km: frKm(run.Plan.Stats.TravelKm), BaselineKm: frKm(run.Baseline.TravelKm)}
	if saved := run.Baseline.TravelKm - run.Plan.Stats.TravelKm; saved > 0.05 {
		v.Figures.KmSaved = frKm(saved)
	}
	facZone := map[string]string{}
	for _, f := range run.Instance.Facilitators {
		facZone[f.ID] = f.Timezone
	}
	for _, tl := range planning.Trips(run.Instance, run.Plan) {
		tv := timelineView{Name: facName(tl.Facilitator), Km: frKm(tl.Km), Sessions: tl.Sessions}
		for _, tr := range tl.Trips {
			t := tripView{Remote: tr.Remote, Km: frKm(tr.Km), Nights: nights(tr.Nights)}
			for _, st := range tr.Stops {
				sv := stopView{Fixed: st.Fixed, Km: frKm(st.Km), Moved: st.ID == move}
				var l models.PlanLabel
				loc := models.LocationOf(facZone[tl.Facilitator])
				if st.Fixed {
					if id, ok := planning.SessionOfFixed(st.ID); ok {
						l = bySess[id]
						sv.Proposed = l.SessionState == string(models.SessionProposed)
					}
				} else {
					pr := run.Index.Requests[st.ID]
					l, loc, sv.Request = byReq[pr.ID], models.LocationOf(pr.TimeZone), st.ID
				}
				sv.When, sv.Label, sv.Place = frtime.Range(st.Start, st.End, loc), label(l), place(l, st.Remote)
				t.Stops = append(t.Stops, sv)
			}
			first, last := tr.Stops[0].Start.In(paris), tr.Stops[len(tr.Stops)-1].Start.In(paris)
			if first.YearDay() == last.YearDay() && first.Year() == last.Year() {
				t.When = "le " + frtime.Date(first)
			} else {
				t.When = frtime.Span(first, last)
			}
			tv.Trips = append(tv.Trips, t)
		}
		v.Timelines = append(v.Timelines, tv)
	}
	if v.Map, err = h.planMap(ctx, run, names, byReq, bySess); err != nil {
		return err
	}
	for _, u := range run.Plan.Unassigned {
		v.Unassigned = append(v.Unassigned, unassignedView{Label: label(byReq[run.Index.Requests[u.Request].ID]), Reason: u.Reason})
	}
	for _, s := range run.Index.SkippedRequests {
		v.Unassigned = append(v.Unassigned, unassignedView{Label: label(byReq[s.RequestID]), Reason: s.Reason})
	}

	if move != "" && !v.Sent {
		mv := &moveView{Request: move}
		if problem != "" && status == invalidForm {
			mv.Error, v.Problem = problem, ""
		}
		for _, a := range run.Plan.Assignments {
			if a.Request != move {
				continue
			}
			pr := run.Index.Requests[a.Request]
			mv.Label = label(byReq[pr.ID])
			mv.Current = facName(a.Facilitator) + ", " + slotText(a.Start, length, pr.TimeZone)
			alts, err := planning.Alternatives(run.Instance, run.Plan, move)
			if err != nil {
				return err
			}
			for _, alt := range alts {
				opt := moveOption{Value: planning.AlternativeValue(alt), Label: facName(alt.Facilitator) + ", " + slotText(alt.Start, length, pr.TimeZone)}
				opt.Label += " — trajets : " + frKm(planning.MovedKm(run.Instance, run.Plan, alt))
				mv.Options = append(mv.Options, opt)
			}
		}
		if mv.Label != "" {
			v.Move = mv
		}
	}
	return h.render(c, status, pagePlanning, "planning", planningPage{Form: form, Draft: v})
}

// slotText writes an assignment's start as the session's time range.
func slotText(start string, length time.Duration, zone string) string {
	t, err := time.Parse(time.RFC3339, start)
	if err != nil {
		return start
	}
	return frtime.Range(t, t.Add(length), models.LocationOf(zone))
}

// nights writes the nights away from home of a trip.
func nights(n int) string {
	switch n {
	case 0:
		return "aucune (retour le jour même)"
	case 1:
		return "1 nuit"
	}
	return strconv.Itoa(n) + " nuits"
}

// frKm writes a distance as « 1 234,5 km » (narrow no-break spaces
// between thousands, a no-break space before the unit).
func frKm(km float64) string {
	tenths := int64(math.Round(km * 10))
	whole, frac := tenths/10, tenths%10
	s := strconv.FormatInt(whole, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteRune(c)
	}
	return b.String() + "," + strconv.FormatInt(frac, 10) + "\u00a0km"
}
