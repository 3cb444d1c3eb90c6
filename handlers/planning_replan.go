package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"quartier/frtime"
	"quartier/internal/planning"
	"quartier/models"
)

// runReplan re-plans the live sessions of the season over [start, end)
// that no longer fit (planning.ReplanSessions), stores the replan as a
// draft and shows it: nothing is sent before the admin looks.
func (h *Handler) runReplan(c echo.Context, se models.Season, start, end time.Time) error {
	ctx := c.Request().Context()
	r, d, err := planning.ReplanSessions(ctx, h.store, h.geo, se.ID, start, end)
	if err != nil {
		return err
	}
	if d, err = h.store.CreatePlanDraft(ctx, currentUser(c).ID, d); err != nil {
		return err
	}
	msg, kind := "Aucune séance n’est touchée : toutes respectent encore les disponibilités, les limites et les trajets.", "success"
	if n := len(r.Changes); n > 0 {
		msg = strconv.Itoa(n) + plural(n, " séance ne respecte", " séances ne respectent") + " plus les règles : vérifiez les changements proposés avant de les envoyer."
	}
	stuck := 0
	for _, ch := range r.Changes {
		if ch.After == nil {
			stuck++
		}
	}
	if stuck > 0 {
		msg += " " + strconv.Itoa(stuck) + plural(stuck, " n’a", " n’ont") + " aucune solution : à déplacer ou annuler depuis la page de la demande."
		kind = "error"
	}
	return h.redirect(c, draftPath(d.ID), kind, msg)
}

// replanView is a replan draft as the page shows it.
type replanView struct {
	ID                int64
	Season, Period    string
	RanBy, RanAt      string
	Sent              bool
	SentAt            string
	SentCount         int
	Problem           string
	Changes           []changeView
	Kept              []keptView
	Movable           int
	KmBefore, KmAfter string
}

// changeView is one affected session: before → after, or no solution.
type changeView struct {
	Label, Place, State  string
	StateKey             string // the badge's class: proposed, scheduled
	Reason               string
	Before, After        string
	BeforeWho, AfterWho  string
	What, KmDelta        string
	NoSolution           string
	RequestPath          string
	Moved, Refused, Sent bool
	Outcome              string
}

// keptView is a live session the replan leaves where it is.
type keptView struct{ Label, When, Who string }

// renderReplan shows a replan draft.
func (h *Handler) renderReplan(c echo.Context, status int, d models.PlanDraft, problem string) error {
	ctx := c.Request().Context()
	r, _, err := planning.LoadReplan(d)
	if err != nil {
		return err
	}
	paris := models.LocationOf("Europe/Paris")
	v := &replanView{ID: d.ID, Sent: d.Sent(), SentCount: d.SentCount, Problem: problem, Period: periodText(d, paris),
		RanAt: frtime.DateTime(d.CreatedAt.In(paris)), KmBefore: frKm(r.KmBefore), KmAfter: frKm(r.KmAfter)}
	if d.SentAt != nil {
		v.SentAt = frtime.DateTime(d.SentAt.In(paris))
	}
	form := plannerForm{SeasonID: d.SeasonID, From: d.PeriodFrom.In(paris).Format(time.DateOnly),
		To: d.PeriodTo.Add(-time.Second).In(paris).Format(time.DateOnly), Errors: formErrors{}}
	if se, err := h.store.SeasonByID(ctx, d.SeasonID); err == nil {
		v.Season = se.Name
		form.Seasons = []models.Season{se}
	}
	var sessIDs, userIDs []int64
	userIDs = append(userIDs, d.CreatedBy)
	for _, ch := range r.Changes {
		sessIDs = append(sessIDs, ch.SessionID)
		userIDs = append(userIDs, ch.Before.FacilitatorID)
		if ch.After != nil {
			userIDs = append(userIDs, ch.After.FacilitatorID)
		}
	}
	for _, k := range r.Kept {
		sessIDs, userIDs = append(sessIDs, k.SessionID), append(userIDs, k.Slot.FacilitatorID)
	}
	_, bySess, err := h.store.PlanLabels(ctx, nil, sessIDs)
	if err != nil {
		return err
	}
	names, err := h.store.UserNames(ctx, userIDs)
	if err != nil {
		return err
	}
	v.RanBy = names[d.CreatedBy]
	label := func(l models.PlanLabel) string {
		if l.VenueName == "" {
			return l.CLSMName
		}
		return l.CLSMName + " — " + l.VenueName
	}
	when := func(s planning.Slot) string { return frtime.Range(s.Start, s.End, models.LocationOf(s.TimeZone)) }
	for _, ch := range r.Changes {
		l := bySess[ch.SessionID]
		cv := changeView{Label: label(l), Place: "commune inconnue", Reason: ch.Reason, Before: when(ch.Before),
			BeforeWho: names[ch.Before.FacilitatorID], NoSolution: ch.NoSolution, State: strings.ToLower(ch.State.Label()), StateKey: string(ch.State),
			RequestPath: fmt.Sprintf("/demandes/%d", ch.RequestID), Sent: ch.Outcome != ""}
		if c, ok := h.geo.Commune(l.CommuneINSEE); ok {
			cv.Place = c.Name
		}
		if strings.Contains(cv.Label, cv.Place) {
			cv.Place = "" // « CLSM de Fort-de-France » says it already
		}
		// The planner's reasons are sentences; here one follows « : ».
		cv.NoSolution = lowerFirst(strings.TrimSuffix(cv.NoSolution, "."))
		if ch.After != nil {
			v.Movable++
			cv.After, cv.AfterWho = when(*ch.After), names[ch.After.FacilitatorID]
			cv.What = map[string]string{"time": "même chargée de mission, autre date", "facilitator": "même date, autre chargée de mission",
				"both": "autre date et autre chargée de mission"}[ch.Kind]
			cv.KmDelta = kmChange(ch.KmDelta)
		}
		switch {
		case ch.Outcome == "moved":
			cv.Moved = true
		case ch.Outcome != "":
			cv.Refused, cv.Outcome = true, ch.Outcome
		}
		v.Changes = append(v.Changes, cv)
	}
	for _, k := range r.Kept {
		v.Kept = append(v.Kept, keptView{Label: label(bySess[k.SessionID]), When: when(k.Slot), Who: names[k.Slot.FacilitatorID]})
	}
	page := planningPage{Form: form, Replan: v}
	return h.render(c, status, pagePlanning, "planning", page)
}

// kmChange writes a change of travel: « 12,5 km de trajets en plus »,
// « 3,0 km de trajets en moins », « trajets inchangés ».
func kmChange(km float64) string {
	switch {
	case km > 0.05:
		return frKm(km) + " de trajets en plus"
	case km < -0.05:
		return frKm(-km) + " de trajets en moins"
	}
	return "trajets inchangés"
}

// sendReplan applies a replan once: each session with a solution moves
// (the store re-checks the rules inside each move; one that no longer fits
// is reported, not forced), and the page shows what happened to each.
func (h *Handler) sendReplan(c echo.Context, d models.PlanDraft) error {
	ctx := c.Request().Context()
	if d.Sent() {
		return h.renderReplan(c, http.StatusConflict, d, "Ces changements ont déjà été envoyés : relancez « Replanifier » pour en préparer d’autres.")
	}
	r, _, err := planning.LoadReplan(d)
	if err != nil {
		return err
	}
	moves, ids := r.Moves()
	for _, m := range moves {
		if m.Slot.Start.Before(h.now()) {
			return h.renderReplan(c, http.StatusConflict, d, "Une des nouvelles dates est déjà passée : relancez « Replanifier ».")
		}
	}
	outcomes, err := h.store.SendReplanDraft(ctx, currentUser(c).ID, d.ID, moves)
	if errors.Is(err, models.ErrDraftSent) {
		if d, lerr := h.store.PlanDraftByID(ctx, d.ID); lerr == nil {
			return h.renderReplan(c, http.StatusConflict, d, models.ErrDraftSent.Message)
		}
	}
	if err != nil {
		return err
	}
	result := map[int64]string{}
	moved, refused := 0, 0
	for i, oerr := range outcomes {
		var ue models.UserError
		switch {
		case oerr == nil:
			result[ids[i]], moved = "moved", moved+1
		case errors.As(oerr, &ue):
			result[ids[i]], refused = ue.UserMessage(), refused+1
		default:
			h.log.Error("replan move failed", "draft", d.ID, "session", ids[i], "err", oerr)
			result[ids[i]], refused = "Le déplacement a échoué : réessayez depuis la page de la demande.", refused+1
		}
	}
	js, err := planning.EncodeOutcomes(result)
	if err != nil {
		return err
	}
	if err := h.store.RecordReplanResult(ctx, d.ID, js); err != nil {
		return err
	}
	msg := strconv.Itoa(moved) + plural(moved, " séance déplacée", " séances déplacées") + " : les personnes concernées reçoivent la nouvelle date."
	kind := "success"
	if refused > 0 {
		msg += " " + strconv.Itoa(refused) + plural(refused, " changement n’a pas pu être appliqué", " changements n’ont pas pu être appliqués") + " : voir ci-dessous."
		kind = "error"
	}
	return h.redirect(c, draftPath(d.ID), kind, msg)
}

// absenceForm marks a facilitator absent over some days, from the
// planning page, with what was typed.
type absenceForm struct {
	FacilitatorID int64
	From, To      string
	Label         string
	Errors        formErrors
}

// markAbsent is the planning page's action=absent: an unavailable
// exception in the facilitator's calendar (the same as the one they record
// themselves, the admin named as its author in the audit trail), after
// which « Replanifier » finds the sessions it breaks.
func (h *Handler) markAbsent(c echo.Context) error {
	ctx := c.Request().Context()
	f := absenceForm{FacilitatorID: formID(c, "facilitator_id"), From: c.FormValue("absence_from"), To: c.FormValue("absence_to"),
		Label: strings.TrimSpace(c.FormValue("label")), Errors: formProblems(c)}
	from := formDate(c, "absence_from", "Absente du", f.Errors)
	to := formDate(c, "absence_to", "Au", f.Errors)
	if _, bad := f.Errors["absence_from"]; !bad && from.IsZero() {
		f.Errors["absence_from"] = "Absente du : saisissez le premier jour d’absence."
	}
	if _, bad := f.Errors["absence_to"]; !bad && to.IsZero() {
		to = from
	}
	if f.FacilitatorID == 0 {
		f.Errors["facilitator_id"] = "Chargée de mission : choisissez la personne absente."
	}
	if f.Label == "" {
		f.Label = "Absence"
	}
	if len(f.Errors) == 0 {
		_, err := h.store.DeclareException(ctx, currentUser(c).ID, f.FacilitatorID, models.ExceptionInput{Kind: models.ExceptionUnavailable,
			From: from, To: to, AllDay: true, Label: f.Label})
		var ve *models.ValidationError
		switch {
		case errors.As(err, &ve):
			for k, msg := range ve.Fields {
				switch k {
				case "from":
					f.Errors["absence_from"] = "Absente du : " + lowerFirst(msg)
				case "to":
					f.Errors["absence_to"] = "Au : " + lowerFirst(msg)
				case "label":
					f.Errors["label"] = "Motif : " + lowerFirst(msg)
				default:
					f.Errors["facilitator_id"] = msg
				}
			}
		case errors.Is(err, models.ErrNotFound), errors.Is(err, models.ErrForbidden):
			f.Errors["facilitator_id"] = "Chargée de mission : choisissez une chargée de mission active de la liste."
		case err != nil:
			return err
		}
	}
	if len(f.Errors) > 0 {
		pf := plannerForm{SeasonID: formID(c, "season_id"), From: c.FormValue("from"), To: c.FormValue("to"), Errors: formErrors{}}
		return h.renderPlannerWith(c, invalidForm, pf, f)
	}
	names, _ := h.store.UserNames(ctx, []int64{f.FacilitatorID})
	return h.redirect(c, planningPath+"#replanifier", "success",
		fmt.Sprintf("Absence de %s enregistrée. Lancez « Replanifier » pour déplacer les séances qu’elle touche.", names[f.FacilitatorID]))
}
