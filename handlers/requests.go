package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"quartier/frtime"
	"quartier/models"
)

// requestsPage is the coordinator's list of their CLSMs' requests.
type requestsPage struct {
	Rows  []requestRowView
	CLSMs []models.CLSM
	Pager *pager
}

// requestRowView is one line of a list of requests, its cells written
// once in Go: the template runs no function per row. It points into the
// rows it was made from (a copy of each wide row was a tenth of the bytes
// the admin's list allocated).
type requestRowView struct {
	*models.RequestRow
	Commune    string
	FirstDay   string
	StateLabel string
	Sent       string // the day it was sent, in Paris (« — » for a draft)
	Updated    string // the day of its last change, in its own zone
}

func (h *Handler) requestRows(rows []models.RequestRow) []requestRowView {
	out := make([]requestRowView, len(rows))
	paris := models.LocationOf("Europe/Paris")
	for i := range rows {
		r := &rows[i]
		out[i] = requestRowView{RequestRow: r, Commune: "—", FirstDay: "—", Sent: "—", StateLabel: r.State.Label(),
			Updated: frtime.ShortDate(r.UpdatedAt.In(models.LocationOf(r.TimeZone)))}
		if c, ok := h.geo.Commune(r.CommuneINSEE); ok {
			out[i].Commune = c.Name
		}
		if r.FirstDay != nil {
			out[i].FirstDay = frtime.ShortDate(*r.FirstDay)
		}
		if r.SubmittedAt != nil {
			out[i].Sent = frtime.ShortDate(r.SubmittedAt.In(paris))
		}
	}
	return out
}

// listRequests shows the coordinator's requests with their state.
func (h *Handler) listRequests(c echo.Context) error {
	ctx := c.Request().Context()
	u := currentUser(c)
	pg := newPager(c, listPageSize)
	f := models.RequestFilter{CoordinatorID: u.ID}
	total, err := h.store.CountRequests(ctx, f)
	if err != nil {
		return err
	}
	pg.setTotal(total)
	f.Limit, f.Offset = pg.Limit(), pg.Offset()
	rows, err := h.store.ListRequests(ctx, f)
	if err != nil {
		return err
	}
	clsms, err := h.store.CLSMsOfCoordinator(ctx, u.ID)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, pageRequests, "requests", requestsPage{Rows: h.requestRows(rows), CLSMs: clsms, Pager: pg})
}

// requestFormPage is the data of the request form, new or edited.
type requestFormPage struct {
	Form      requestForm
	Errors    map[string]string
	ErrorList []fieldError
	CLSMs     []models.CLSM
	CLSMQPVs  []models.QPV
	Request   *models.Request
	Action    string
	Rows      []windowRow
	Earliest  string
	LeadWeeks int
	// Message is the reviewer's request for changes, shown above the form.
	Message string

	StepFreeOptions, FormatOptions, PartOptions, WeekdayOptions, AudienceOptions []formChoice
}

// windowRow is one row of windows in the form, numbered from 1. A date
// typed by hand in another format is shown back in a text input: a date
// input would silently empty it. Its fields' names, ids, errors and
// choices are worked out here (newWindowRow): the template wrote them with
// some forty function calls a row, about a third of the form's rendering
// (docs/PERFORMANCE.md).
type windowRow struct {
	Number              int
	DateType, UntilType string
	windowForm
	DateField, UntilField, PartField, DaysField formField
	// DateWarning is said next to the date without refusing it (a
	// public holiday).
	DateWarning string
	// PartOptions and DayOptions are the moments of the day and the
	// weekdays, the row's own selected or checked.
	PartOptions, DayOptions []filterOption
}

// formField is one field of a row of windows: its name in the form, its
// HTML id and its error, if any.
type formField struct {
	Name, ID string
	Error    *fieldError
}

// newWindowRow is row i of the windows form, holding w, with the errors
// and warnings of the form.
func newWindowRow(i int, w windowForm, errs, warnings map[string]string, parts, days []formChoice) windowRow {
	field := func(key string) formField {
		name := "windows[" + strconv.Itoa(i) + "]." + key
		return formField{Name: name, ID: fieldID(name), Error: errFor(errs, name)}
	}
	row := windowRow{Number: i + 1, windowForm: w,
		DateField: field("date"), UntilField: field("until"), PartField: field("part"), DaysField: field("weekdays"),
		DateType: inputTypeFor(w.Date), UntilType: inputTypeFor(w.Until)}
	row.DateWarning = warnings[row.DateField.Name]
	row.PartOptions = make([]filterOption, len(parts))
	for j, o := range parts {
		row.PartOptions[j] = filterOption{Value: o.Value, Label: o.Label, Selected: o.Value == w.Part}
	}
	row.DayOptions = make([]filterOption, len(days))
	for j, o := range days {
		row.DayOptions[j] = filterOption{Value: o.Value, Label: o.Label, Selected: containsString(w.Weekdays, o.Value)}
	}
	return row
}

// inputTypeFor is "date" for an empty or ISO value, else "text".
func inputTypeFor(v string) string {
	if _, err := time.Parse(isoDay, v); v == "" || err == nil {
		return "date"
	}
	return "text"
}

// renderRequestForm shows the form with f, and errs when it was refused.
func (h *Handler) renderRequestForm(c echo.Context, status int, f requestForm, errs map[string]string, existing *models.Request) error {
	ctx := c.Request().Context()
	u := currentUser(c)
	clsms, err := h.store.CLSMsOfCoordinator(ctx, u.ID)
	if err != nil {
		return err
	}
	p := requestFormPage{
		Form: f, Errors: errs, ErrorList: f.orderedErrors(errs), CLSMs: clsms, Request: existing, Action: "/demandes/nouvelle",
		StepFreeOptions: stepFreeOptions(), FormatOptions: formatOptions(), PartOptions: partOptions(), WeekdayOptions: weekdayOptions(),
	}
	for _, a := range audienceOptions() {
		p.AudienceOptions = append(p.AudienceOptions, a.formChoice)
	}
	if existing != nil {
		p.Action = fmt.Sprintf("/demandes/%d/modifier", existing.ID)
	}
	if p.Message, err = h.changesAsked(ctx, existing); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, cl := range clsms {
		cov, err := h.store.CLSMCoverageOf(ctx, cl.ID)
		if err != nil {
			return err
		}
		for _, q := range cov.QPVs {
			if !seen[q.Code] {
				p.CLSMQPVs, seen[q.Code] = append(p.CLSMQPVs, q), true
			}
		}
	}
	n := min(max(len(f.Windows), models.MinWindows)+1, maxWindowRows)
	p.Rows = make([]windowRow, n)
	for i := range n {
		var w windowForm
		if i < len(f.Windows) {
			w = f.Windows[i]
		}
		p.Rows[i] = newWindowRow(i, w, errs, f.Warnings, p.PartOptions, p.WeekdayOptions)
	}
	lead := h.cfg.Requests.MinLeadTime.Duration
	p.LeadWeeks = int(lead.Hours() / 24 / 7)
	p.Earliest = frtime.Date(models.CalendarDay(h.now().In(parisZone())).Add(lead))
	nav := "new-request"
	if existing != nil {
		nav = "requests"
	}
	return h.render(c, status, pageRequestForm, nav, p)
}

func parisZone() *time.Location {
	loc, err := frtime.LoadZone("Europe/Paris")
	if err != nil {
		return time.UTC
	}
	return loc
}

// showNewRequest shows an empty form, the CLSM pre-filled.
func (h *Handler) showNewRequest(c echo.Context) error {
	f := requestForm{StepFree: string(models.StepFreeUnknown), Format: string(models.FormatInPerson)}
	clsms, err := h.store.CLSMsOfCoordinator(c.Request().Context(), currentUser(c).ID)
	if err != nil {
		return err
	}
	if len(clsms) > 0 {
		f.CLSM = strconv.FormatInt(clsms[0].ID, 10)
	}
	return h.renderRequestForm(c, http.StatusOK, f, nil, nil)
}

// createRequest saves a new request as a draft, or submits it.
func (h *Handler) createRequest(c echo.Context) error {
	return h.saveRequest(c, nil)
}

// showEditRequest shows the form filled with a request still editable.
func (h *Handler) showEditRequest(c echo.Context, r models.Request) error {
	if !r.State.Editable() {
		return h.redirect(c, fmt.Sprintf("/demandes/%d", r.ID), "error",
			fmt.Sprintf("Cette demande est à l’état « %s » : elle ne peut plus être modifiée.", r.State.Label()))
	}
	ctx := c.Request().Context()
	cov, err := h.store.CLSMCoverageOf(ctx, r.CLSMID)
	if err != nil {
		return err
	}
	qpvs, err := h.store.QPVsByCode(ctx, r.QPVs)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, q := range qpvs {
		names[q.Code] = q.Name
	}
	f := h.requestFormOf(r, cov.QPVs, names)
	f.Warnings = holidayWarnings(r.Windows, r.CommuneINSEE)
	return h.renderRequestForm(c, http.StatusOK, f, nil, &r)
}

// changesAsked is the reviewer's message when r was sent back for changes.
func (h *Handler) changesAsked(ctx context.Context, r *models.Request) (string, error) {
	if r == nil || r.State != models.RequestChangesRequested {
		return "", nil
	}
	events, err := h.store.RequestEvents(ctx, r.ID)
	if err != nil {
		return "", err
	}
	msg := ""
	for _, e := range events {
		if e.ToState == models.RequestChangesRequested {
			msg = e.Comment
		}
	}
	return msg, nil
}

// updateRequest saves an edited request, and submits it if asked.
func (h *Handler) updateRequest(c echo.Context, r models.Request) error {
	return h.saveRequest(c, &r)
}

// actionStay is the action of the request form's hidden first button,
// the one Enter presses without JavaScript: save as with « Enregistrer le
// brouillon », then come back to the form rather than leave it.
const actionStay = "stay"

// saveRequest is the story of both saves: bind, validate, re-show the
// form with every message and every value on error, else store and
// redirect to the request.
func (h *Handler) saveRequest(c echo.Context, existing *models.Request) error {
	ctx := c.Request().Context()
	u := currentUser(c)
	values, err := c.FormParams()
	if err != nil {
		return echo.ErrBadRequest
	}
	f := bindRequestForm(values)
	submit := f.Action == "submit"
	complete := submit
	if existing != nil {
		f.CLSM = strconv.FormatInt(existing.CLSMID, 10)
		complete = submit || existing.State == models.RequestSubmitted
	}
	if errs := formProblems(c); len(errs) > 0 {
		return h.renderRequestForm(c, invalidForm, f, errs, existing)
	}
	clsms, err := h.store.CLSMsOfCoordinator(ctx, u.ID)
	if err != nil {
		return err
	}
	chk, err := h.checkRequestForm(ctx, &f, clsms, complete)
	if err != nil {
		return err
	}
	if len(chk.errs) > 0 {
		return h.renderRequestForm(c, invalidForm, f, chk.errs, existing)
	}
	var r models.Request
	if existing == nil {
		r, err = h.store.CreateRequest(ctx, u.ID, chk.clsmID, chk.input, submit)
	} else {
		r, err = h.store.UpdateRequest(ctx, u.ID, existing.ID, chk.input, submit)
	}
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		return h.renderRequestForm(c, invalidForm, f, ve.Fields, existing)
	}
	if err != nil {
		return err
	}
	msg := "Brouillon enregistré. Vous pouvez le compléter et l’envoyer quand vous le souhaitez."
	switch {
	case existing != nil && existing.State == models.RequestSubmitted:
		msg = "Modifications enregistrées. La demande reste en attente d’examen."
	case r.State == models.RequestSubmitted:
		msg = "Demande envoyée : le centre de ressources va l’examiner. Vous pouvez encore la modifier tant qu’elle n’a pas été examinée."
	case r.State == models.RequestChangesRequested:
		msg = "Modifications enregistrées. Pensez à renvoyer la demande quand elle est prête."
	}
	to := fmt.Sprintf("/demandes/%d", r.ID)
	if f.Action == actionStay {
		// Enter in a field without JavaScript: saved, and back to the form.
		to, msg = to+"/modifier", "Enregistré. Vous pouvez continuer la saisie."
	}
	if len(f.Warnings) > 0 {
		msg += " Attention : au moins un créneau tombe un jour férié, où aucune séance ne peut avoir lieu ; il est signalé dans la liste des créneaux."
	}
	return h.redirect(c, to, "success", msg)
}

// requestPage is a request's page, for its coordinator or an admin.
type requestPage struct {
	R       requestView
	Errors  map[string]string
	Comment map[string]string // what was typed in each action's comment, by action
	History []requestRowView  // the CLSM's other requests, the first ones (admin page)
	// MoreHistory counts the CLSM's other requests not in History, all
	// listed at CLSMRequestsURL (admin page).
	MoreHistory     int
	CLSMRequestsURL string
	Season          string // the season it is filed into, or « Hors saison » (admin page)
	// SessionForms is the live session and its forms (session_forms.go),
	// nil when it has none to answer, move or cancel.
	SessionForms *sessionForms
}

// showRequest shows a request, its history and what the coordinator may do.
func (h *Handler) showRequest(c echo.Context, r models.Request) error {
	return h.renderRequestWithSession(c, r, http.StatusOK, nil, sessionForms{})
}

// withdrawRequest withdraws a request, with an optional word of reason,
// once confirmed: the first POST shows what withdrawing means.
func (h *Handler) withdrawRequest(c echo.Context, r models.Request) error {
	var err error
	comment := c.FormValue("comment")
	if !r.State.CanMoveTo(models.RequestWithdrawn) {
		return &models.InvalidTransitionError{From: r.State, To: models.RequestWithdrawn}
	}
	if errs := formProblems(c); len(errs) > 0 {
		err = &models.ValidationError{Fields: errs}
	} else if err = models.CheckWithdrawal(comment); err == nil && !confirmed(c) {
		return h.askConfirmation(c, "requests", withdrawConfirmation(r, comment))
	}
	if err == nil {
		err = h.store.WithdrawRequest(c.Request().Context(), currentUser(c).ID, r.ID, comment)
	}
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		v, verr := h.requestViewOf(c.Request().Context(), r)
		if verr != nil {
			return verr
		}
		return h.render(c, invalidForm, pageRequest, "requests", requestPage{R: v, Errors: ve.Fields, Comment: map[string]string{"withdraw": comment}})
	}
	if err != nil {
		return err
	}
	return h.redirect(c, fmt.Sprintf("/demandes/%d", r.ID), "success", "La demande est retirée. Elle reste visible ici, avec son historique.")
}

// withdrawConfirmation is the page that asks before withdrawing r.
func withdrawConfirmation(r models.Request, comment string) confirmPage {
	path := fmt.Sprintf("/demandes/%d", r.ID)
	return confirmPage{
		Title: fmt.Sprintf("Retirer la demande n°\u00a0%d ?", r.ID),
		Points: []string{
			"La demande passera à l’état « Retirée » : elle ne pourra plus être modifiée ni reprise.",
			"Le centre de ressources verra qu’elle est retirée, avec la raison indiquée, et ne la planifiera pas.",
			"Pour une autre séance, il faudra faire une nouvelle demande.",
		},
		QuoteLabel: "Raison indiquée", Quote: strings.TrimSpace(comment),
		Action: path + "/retirer", Hidden: []hiddenField{{"comment", comment}},
		Confirm: "Confirmer le retrait", Cancel: path,
	}
}
