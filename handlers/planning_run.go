package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"quartier/frtime"
	"quartier/internal/planning"
	"quartier/models"
	"quartier/planner"
)

// backgroundRunTimeout bounds one background planner run; a draft still
// running after staleRun is shown as interrupted (the process stopped
// during the run).
const (
	backgroundRunTimeout = 5 * time.Minute
	staleRun             = 10 * time.Minute
)

// startPlan runs the planner for a season over [start, end). A season with
// at most requests.background_plan_above accepted requests is planned
// while the admin waits (the demo's: well under a second) and the draft
// shown at once; a larger one is stored as a running draft and planned in
// the background, one run at a time, and the answer redirects at once to
// its page, which refreshes until the proposal is there.
func (h *Handler) startPlan(c echo.Context, f plannerForm, se models.Season, start, end time.Time) error {
	ctx := c.Request().Context()
	in, idx, err := planning.Build(ctx, h.store, h.geo, se.ID, start, end)
	if err != nil {
		return err
	}
	actor := currentUser(c).ID
	if len(in.Requests) <= h.cfg.Requests.BackgroundPlanAbove {
		run, err := planning.SolveBuilt(ctx, in, idx, se.ID)
		if err != nil {
			return err
		}
		d, err := run.Draft(se.ID, start, end)
		if err != nil {
			return err
		}
		if d, err = h.store.CreatePlanDraft(ctx, actor, d); err != nil {
			return err
		}
		return h.redirect(c, draftPath(d.ID), "success", "Planification calculée : vérifiez la proposition, ajustez-la si besoin, puis envoyez-la.")
	}
	select {
	case h.planSlot <- struct{}{}:
	default:
		f.Errors["season_id"] = "Un autre calcul est en cours : attendez qu’il se termine (moins d’une minute), puis relancez."
		return h.renderPlanner(c, http.StatusConflict, f)
	}
	d, err := h.store.CreatePlanDraft(ctx, actor, models.PlanDraft{SeasonID: se.ID, PeriodFrom: start, PeriodTo: end,
		Status: models.DraftRunning, InstanceJSON: "{}", IndexJSON: "{}", PlanJSON: "{}", BaselineJSON: "{}"})
	if err != nil {
		<-h.planSlot
		return err
	}
	go h.planInBackground(d, in, idx)
	return h.redirect(c, draftPath(d.ID), "", "")
}

// planInBackground solves the instance of draft d and stores the result,
// or marks the draft failed; it frees the run slot when done.
func (h *Handler) planInBackground(d models.PlanDraft, in planner.Instance, idx planning.Index) {
	defer func() { <-h.planSlot }()
	ctx, cancel := context.WithTimeout(context.Background(), backgroundRunTimeout)
	defer cancel()
	fail := func(err error) {
		h.log.Error("background planner run failed", "draft", d.ID, "err", err)
		if ferr := h.store.FailPlanDraft(ctx, d.ID, err.Error()); ferr != nil {
			h.log.Error("mark planner run failed", "draft", d.ID, "err", ferr)
		}
	}
	run, err := planning.SolveBuilt(ctx, in, idx, d.SeasonID)
	if err != nil {
		fail(err)
		return
	}
	done, err := run.Draft(d.SeasonID, d.PeriodFrom, d.PeriodTo)
	if err != nil {
		fail(err)
		return
	}
	if err := h.store.FinishPlanDraft(ctx, d.ID, done); err != nil {
		fail(err)
	}
}

// runningView is a draft being computed.
type runningView struct {
	ID          int64
	Season      string
	Period      string
	Failed      bool
	RefreshSecs int
}

// renderRunning shows a draft not ready yet: « Calcul en cours… », with a
// refresh without JavaScript (and a progress indication with it), or the
// failure of an interrupted run with the offer to run it again.
func (h *Handler) renderRunning(c echo.Context, d models.PlanDraft) error {
	paris := models.LocationOf("Europe/Paris")
	v := runningView{ID: d.ID, RefreshSecs: 2, Failed: d.Status == models.DraftFailed ||
		(d.Status == models.DraftRunning && h.now().Sub(d.UpdatedAt) > staleRun)}
	v.Period = periodText(d, paris)
	if se, err := h.store.SeasonByID(c.Request().Context(), d.SeasonID); err == nil {
		v.Season = se.Name
	}
	form := plannerForm{SeasonID: d.SeasonID, From: d.PeriodFrom.In(paris).Format(time.DateOnly),
		To: d.PeriodTo.Add(-time.Second).In(paris).Format(time.DateOnly), Errors: formErrors{}}
	seasons, err := h.store.Seasons(c.Request().Context())
	if err != nil {
		return err
	}
	for _, se := range seasons {
		if se.Status == models.SeasonOpen {
			form.Seasons = append(form.Seasons, se)
		}
	}
	return h.render(c, http.StatusOK, pagePlanning, "planning", planningPage{Form: form, Running: &v})
}

// periodText is a draft's period as the page writes it.
func periodText(d models.PlanDraft, loc *time.Location) string {
	return frtime.Span(d.PeriodFrom.In(loc), d.PeriodTo.Add(-time.Second).In(loc))
}
