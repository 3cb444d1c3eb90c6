package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"quartier/internal/planning"
	"quartier/models"
)

// planningPath is the admin's planning page; a draft lives under it.
const planningPath = "/admin/planification"

// draftPath is the page of one draft.
func draftPath(id int64) string { return planningPath + "/" + strconv.FormatInt(id, 10) }

// plannerForm is the season and period chooser, with what was typed.
type plannerForm struct {
	Seasons  []models.Season
	SeasonID int64
	From, To string
	Errors   formErrors
}

// showPlanner shows the chooser: by default the current season, from
// today to the season's end.
func (h *Handler) showPlanner(c echo.Context) error {
	f := plannerForm{Errors: formErrors{}}
	if se, err := h.store.CurrentSeason(c.Request().Context()); err == nil {
		f.SeasonID = se.ID
		f.From, f.To = h.defaultPeriod(se)
	} else if !errors.Is(err, models.ErrNotFound) {
		return err
	}
	return h.renderPlanner(c, http.StatusOK, f)
}

// defaultPeriod is today (or the season's start, if later) to the season's
// last day, as the date fields show them.
func (h *Handler) defaultPeriod(se models.Season) (from, to string) {
	today := models.CalendarDay(h.now().In(models.LocationOf("Europe/Paris")))
	start := se.StartsOn
	if today.After(start) {
		start = today
	}
	return start.Format(time.DateOnly), se.EndsOn.Format(time.DateOnly)
}

func (h *Handler) renderPlanner(c echo.Context, status int, f plannerForm) error {
	return h.renderPlannerWith(c, status, f, absenceForm{Errors: formErrors{}})
}

// renderPlannerWith shows the chooser and the form marking a facilitator
// absent, each with what was typed.
func (h *Handler) renderPlannerWith(c echo.Context, status int, f plannerForm, a absenceForm) error {
	ctx := c.Request().Context()
	seasons, err := h.store.Seasons(ctx)
	if err != nil {
		return err
	}
	for _, se := range seasons {
		if se.Status == models.SeasonOpen {
			f.Seasons = append(f.Seasons, se)
		}
	}
	if f.SeasonID == 0 && len(f.Seasons) > 0 {
		f.SeasonID = f.Seasons[0].ID
	}
	facs, err := h.store.Facilitators(ctx)
	if err != nil {
		return err
	}
	return h.render(c, status, pagePlanning, "planning", planningPage{Form: f, Facilitators: facs, Absence: a})
}

// runPlanner is the chooser's post: action=plan runs the planner on the
// season's accepted requests over the period (see startPlan), action=replan
// re-plans the live sessions that no longer fit; either stores a draft and
// shows it.
func (h *Handler) runPlanner(c echo.Context) error {
	f := plannerForm{SeasonID: formID(c, "season_id"), From: c.FormValue("from"), To: c.FormValue("to"), Errors: formProblems(c)}
	action := c.FormValue("action")
	if action == "absent" {
		return h.markAbsent(c)
	}
	if action != "plan" && action != "replan" {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	ctx := c.Request().Context()
	from := formDate(c, "from", "Du", f.Errors)
	to := formDate(c, "to", "Au", f.Errors)
	se, err := h.store.SeasonByID(ctx, f.SeasonID)
	switch {
	case errors.Is(err, models.ErrNotFound):
		f.Errors["season_id"] = "Saison : choisissez une saison ouverte."
	case err != nil:
		return err
	case se.Status != models.SeasonOpen:
		f.Errors["season_id"] = "Saison : cette saison est clôturée, choisissez une saison ouverte."
	}
	if _, bad := f.Errors["from"]; !bad && from.IsZero() {
		f.Errors["from"] = "Du : saisissez la première date à planifier."
	}
	if _, bad := f.Errors["to"]; !bad && to.IsZero() {
		f.Errors["to"] = "Au : saisissez la dernière date à planifier."
	}
	if len(f.Errors) == 0 && to.Before(from) {
		f.Errors["to"] = "Au : la période doit finir après son premier jour."
	}
	if len(f.Errors) > 0 {
		return h.renderPlanner(c, invalidForm, f)
	}
	// The period covers whole days in Paris, the last one included.
	paris := models.LocationOf("Europe/Paris")
	start := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, paris).UTC()
	end := time.Date(to.Year(), to.Month(), to.Day()+1, 0, 0, 0, 0, paris).UTC()
	if now := h.now().UTC(); start.Before(now) {
		start = now.Truncate(time.Minute)
	}
	if action == "replan" {
		return h.runReplan(c, se, start, end)
	}
	return h.startPlan(c, f, se, start, end)
}

// showDraft shows a draft: the trips per facilitator, the requests left
// out, the figures against first-fit; with ?deplacer=<request> the valid
// alternatives of one session.
func (h *Handler) showDraft(c echo.Context, d models.PlanDraft) error {
	if d.Kind == models.DraftReplan {
		return h.renderReplan(c, http.StatusOK, d, "")
	}
	if d.Status != models.DraftReady {
		return h.renderRunning(c, d)
	}
	return h.renderDraft(c, http.StatusOK, d, c.QueryParam("deplacer"), "")
}

// actOnDraft is the draft's post: action=send sends the proposals,
// action=move moves one session to one of its alternatives.
func (h *Handler) actOnDraft(c echo.Context, d models.PlanDraft) error {
	if d.Kind == models.DraftReplan {
		if c.FormValue("action") != "send" {
			return echo.NewHTTPError(http.StatusBadRequest)
		}
		return h.sendReplan(c, d)
	}
	if d.Status != models.DraftReady {
		return h.redirect(c, draftPath(d.ID), "error", "Le calcul n’est pas terminé : attendez la proposition avant d’agir.")
	}
	switch c.FormValue("action") {
	case "send":
		return h.sendDraft(c, d)
	case "move":
		return h.moveDraftSession(c, d)
	}
	return echo.NewHTTPError(http.StatusBadRequest)
}

// sendDraft proposes every session of a current, unsent draft: the
// requests become proposed and each coordinator is told (by the store's
// operation). A sent or stale draft is refused, with the offer to re-run.
func (h *Handler) sendDraft(c echo.Context, d models.PlanDraft) error {
	ctx := c.Request().Context()
	if d.Sent() {
		return h.renderDraft(c, http.StatusConflict, d, "", models.ErrDraftSent.Message)
	}
	current, err := planning.Current(ctx, h.store, h.geo, d)
	if err != nil {
		return err
	}
	if !current {
		return h.renderDraft(c, http.StatusConflict, d, "", staleMessage)
	}
	run, err := planning.LoadRun(d)
	if err != nil {
		return err
	}
	props, err := planning.Proposals(run.Plan, run.Index)
	if err != nil {
		return err
	}
	// Time has passed too: a slot already begun cannot be proposed.
	for _, p := range props {
		if p.Slot.Start.Before(h.now()) {
			return h.renderDraft(c, http.StatusConflict, d, "", pastMessage)
		}
	}
	if err := h.store.SendPlanDraft(ctx, currentUser(c).ID, d.ID, props); err != nil {
		var ce *models.ConflictError
		if errors.As(err, &ce) {
			if d, lerr := h.store.PlanDraftByID(ctx, d.ID); lerr == nil {
				return h.renderDraft(c, http.StatusConflict, d, "", ce.Message)
			}
		}
		return err
	}
	n := len(props)
	msg := "Aucune séance à proposer."
	if n > 0 {
		msg = strconv.Itoa(n) + plural(n, " proposition envoyée", " propositions envoyées") + " : chaque coordinateur·rice reçoit la date proposée."
	}
	return h.redirect(c, draftPath(d.ID), "success", msg)
}

// staleMessage says a draft no longer matches the store.
const staleMessage = "Les demandes ou les calendriers ont changé depuis ce calcul (une demande n’est plus acceptée, une séance a été programmée…) : relancez le planificateur avant d’envoyer."

// pastMessage says a draft proposes a slot that has already begun.
const pastMessage = "Une des dates de cette proposition est déjà passée : relancez le planificateur avant d’envoyer."

// moveDraftSession moves one session of an unsent draft to one of the
// alternatives the page offered; anything else is refused.
func (h *Handler) moveDraftSession(c echo.Context, d models.PlanDraft) error {
	ctx := c.Request().Context()
	request := c.FormValue("assignment")
	if d.Sent() {
		return h.renderDraft(c, http.StatusConflict, d, "", models.ErrDraftSent.Message)
	}
	run, err := planning.LoadRun(d)
	if err != nil {
		return err
	}
	moved, err := planning.Move(run.Instance, run.Plan, planning.ParseAlternative(request, c.FormValue("alternative")))
	if errors.Is(err, planning.ErrNotAnAlternative) {
		return h.renderDraft(c, invalidForm, d, request, "Choisissez l’un des créneaux proposés : celui-ci ne respecte pas les disponibilités, les limites ou les trajets.")
	}
	if err != nil {
		return err
	}
	js, err := planning.EncodePlan(moved)
	if err != nil {
		return err
	}
	if err := h.store.UpdatePlanDraftPlan(ctx, currentUser(c).ID, d.ID, js); err != nil {
		return err
	}
	return h.redirect(c, draftPath(d.ID)+"#propositions", "success", "Séance déplacée : les trajets et les chiffres sont recalculés.")
}

// formID reads an id field; 0 when absent or malformed.
func formID(c echo.Context, name string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(c.FormValue(name)), 10, 64)
	return n
}
