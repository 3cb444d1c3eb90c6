package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"quartier/frtime"
	"quartier/models"
)

// withLedSession loads the session named by :id if the signed-in
// facilitator leads it and it has a day (scheduled, held or closed); any
// other is a 404.
func (h *Handler) withLedSession(fn func(echo.Context, models.Session) error) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		se, err := h.store.SessionOfFacilitator(c.Request().Context(), currentUser(c).ID, id)
		if err != nil {
			return err
		}
		return fn(c, se)
	}
}

// dayHeading is the session as the pages of its day show it.
type dayHeading struct {
	models.SessionHeading
	Session models.Session
	When    string
	Place   string
}

func (h *Handler) dayHeadingOf(ctx context.Context, se models.Session) (dayHeading, error) {
	hd, err := h.store.SessionHeadingOf(ctx, se)
	if err != nil {
		return dayHeading{}, err
	}
	d := dayHeading{SessionHeading: hd, Session: se, When: frtime.Range(se.StartsAt, se.EndsAt, se.Location()),
		Place: strings.Join(nonEmpty(se.VenueName, se.VenueAddress), ", ")}
	if d.Place == "" && se.RemoteURL != "" {
		d.Place = "À distance"
	}
	return d, nil
}

// categoryOption is one category of participant offered by a form.
type categoryOption struct{ Value, Label string }

func categoryOptions() []categoryOption {
	out := make([]categoryOption, len(models.Categories))
	for i, k := range models.Categories {
		out[i] = categoryOption{Value: string(k), Label: k.Label()}
	}
	return out
}

// participantGroup is the participants of one organisation.
type participantGroup struct {
	Organisation string
	Kind         models.OrgKind
	People       []models.Participant
}

// groupByOrganisation splits participants (sorted by organisation) into
// groups.
func groupByOrganisation(ps []models.Participant) []participantGroup {
	var out []participantGroup
	for _, p := range ps {
		if n := len(out); n == 0 || out[n-1].Organisation != p.Organisation {
			out = append(out, participantGroup{Organisation: p.Organisation, Kind: p.OrganisationKind})
		}
		out[len(out)-1].People = append(out[len(out)-1].People, p)
	}
	return out
}

// walkInForm is the walk-in form as typed.
type walkInForm struct{ FirstName, LastName, Organisation, Category string }

// attendancePage is the facilitator's attendance list, on a phone.
type attendancePage struct {
	dayHeading
	Groups    []participantGroup
	Confirmed int
	// Present is how many of the Confirmed are ticked present.
	Present    int
	WalkIns    []models.Attendance
	WalkIn     walkInForm
	Categories []categoryOption
	Errors     map[string]string
	// Problem is why the last post was refused, shown above the list.
	Problem string
	// Open says attendance may be recorded: the session has started and
	// is not closed. OpensAt says when it opens, before.
	Open    bool
	OpensAt string
}

// loadAttendance builds the attendance page of se.
func (h *Handler) loadAttendance(ctx context.Context, se models.Session) (attendancePage, error) {
	hd, err := h.dayHeadingOf(ctx, se)
	if err != nil {
		return attendancePage{}, err
	}
	ps, err := h.store.Participants(ctx, se.ID)
	if err != nil {
		return attendancePage{}, err
	}
	walkIns, err := h.store.WalkIns(ctx, se.ID)
	if err != nil {
		return attendancePage{}, err
	}
	p := attendancePage{dayHeading: hd, Groups: groupByOrganisation(ps), Confirmed: len(ps), WalkIns: walkIns,
		Categories: categoryOptions(), Errors: map[string]string{}}
	now := h.now()
	p.Open = se.State == models.SessionHeld || (se.State == models.SessionScheduled && !now.Before(se.StartsAt))
	if se.State == models.SessionScheduled && now.Before(se.StartsAt) {
		p.OpensAt = frtime.DateTime(se.StartsAt.In(se.Location()))
	}
	p.count()
	return p, nil
}

// count counts the registered people ticked present (walk-ins are
// counted apart).
func (p *attendancePage) count() {
	p.Present = 0
	for _, g := range p.Groups {
		for _, x := range g.People {
			if x.Present {
				p.Present++
			}
		}
	}
}

// showAttendance shows the list to tick.
func (h *Handler) showAttendance(c echo.Context, se models.Session) error {
	p, err := h.loadAttendance(c.Request().Context(), se)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, pageSessionAttendance, "dashboard", p)
}

// presentIDs reads the ticked registrations of the posted list.
func presentIDs(c echo.Context) ([]int64, error) {
	form, err := c.FormParams()
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, v := range form["present"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return nil, echo.ErrBadRequest
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// saveAttendance records the whole list, as posted without JavaScript. A
// refusal shows the list again as it was ticked, with the reason.
func (h *Handler) saveAttendance(c echo.Context, se models.Session) error {
	ctx := c.Request().Context()
	ids, err := presentIDs(c)
	if err != nil {
		return err
	}
	err = h.store.SaveAttendance(ctx, currentUser(c).ID, se.ID, ids)
	if err == nil {
		return h.redirect(c, c.Request().URL.Path, "success", "Les présences sont enregistrées.")
	}
	var ce *models.ConflictError
	if !errors.As(err, &ce) {
		return err
	}
	p, lerr := h.loadAttendance(ctx, se)
	if lerr != nil {
		return lerr
	}
	ticked := map[int64]bool{}
	for _, id := range ids {
		ticked[id] = true
	}
	for gi := range p.Groups {
		for i := range p.Groups[gi].People {
			p.Groups[gi].People[i].Present = ticked[p.Groups[gi].People[i].ID]
		}
	}
	p.count()
	p.Problem = ce.Message + " Vos coches ci-dessous sont conservées : envoyez à nouveau quand c’est possible."
	return h.render(c, http.StatusConflict, pageSessionAttendance, "dashboard", p)
}

// tickResult is the answer to one tick saved by the page's script.
type tickResult struct {
	OK      bool   `json:"ok"`
	Present bool   `json:"present"`
	Message string `json:"message,omitempty"`
}

// tickAttendance saves one tick, as the page's script posts it (a fetch
// per tick): the answer is JSON, with a French message when refused.
func (h *Handler) tickAttendance(c echo.Context, se models.Session) error {
	reg, err := strconv.ParseInt(c.FormValue("registration"), 10, 64)
	present := c.FormValue("present") == "1"
	if err != nil || reg <= 0 {
		return c.JSON(http.StatusBadRequest, tickResult{Message: "Coche non reconnue : rechargez la page."})
	}
	err = h.store.MarkPresent(c.Request().Context(), currentUser(c).ID, se.ID, reg, present)
	var ce *models.ConflictError
	switch {
	case err == nil:
		return c.JSON(http.StatusOK, tickResult{OK: true, Present: present})
	case errors.Is(err, models.ErrNotFound):
		return c.JSON(http.StatusNotFound, tickResult{Message: "Cette personne n’est plus inscrite à la séance : rechargez la page."})
	case errors.As(err, &ce):
		return c.JSON(http.StatusConflict, tickResult{Message: ce.Message})
	}
	return err
}

// addWalkIn records a person who came without being registered.
func (h *Handler) addWalkIn(c echo.Context, se models.Session) error {
	ctx := c.Request().Context()
	f := walkInForm{FirstName: c.FormValue("first_name"), LastName: c.FormValue("last_name"),
		Organisation: c.FormValue("organisation"), Category: c.FormValue("category")}
	errs := formProblems(c)
	var err error
	if len(errs) == 0 {
		_, err = h.store.AddWalkIn(ctx, currentUser(c).ID, se.ID, models.WalkInInput{FirstName: f.FirstName, LastName: f.LastName,
			Organisation: f.Organisation, Category: models.Category(f.Category)})
		if err == nil {
			return h.redirect(c, attendancePath(se), "success", "La personne venue sans inscription est ajoutée.")
		}
	}
	p, lerr := h.loadAttendance(ctx, se)
	if lerr != nil {
		return lerr
	}
	p.WalkIn = f
	status, ferr := refusal(err, &p.Problem, &errs)
	if ferr != nil {
		return ferr
	}
	p.Errors = errs
	return h.render(c, status, pageSessionAttendance, "dashboard", p)
}

// removeWalkIn deletes a walk-in typed by mistake.
func (h *Handler) removeWalkIn(c echo.Context, se models.Session) error {
	id, err := strconv.ParseInt(c.Param("walkin"), 10, 64)
	if err != nil || id <= 0 {
		return echo.ErrNotFound
	}
	if err := h.store.RemoveWalkIn(c.Request().Context(), currentUser(c).ID, se.ID, id); err != nil {
		return err
	}
	return h.redirect(c, attendancePath(se), "success", "La personne est retirée de la liste.")
}

func attendancePath(se models.Session) string {
	return "/seances/" + strconv.FormatInt(se.ID, 10) + "/presences"
}

// debriefPage is the facilitator's debrief form.
type debriefPage struct {
	dayHeading
	Form    models.Debrief
	Done    bool
	Present int
	Errors  map[string]string
	Problem string
}

func (h *Handler) loadDebrief(ctx context.Context, se models.Session) (debriefPage, error) {
	hd, err := h.dayHeadingOf(ctx, se)
	if err != nil {
		return debriefPage{}, err
	}
	day, err := h.store.SessionDayOf(ctx, se.ID)
	if err != nil {
		return debriefPage{}, err
	}
	return debriefPage{dayHeading: hd, Form: day.Debrief, Done: day.Done(), Errors: map[string]string{}}, nil
}

// showDebrief shows the debrief form, filled with what was saved.
func (h *Handler) showDebrief(c echo.Context, se models.Session) error {
	p, err := h.loadDebrief(c.Request().Context(), se)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, pageSessionDebrief, "dashboard", p)
}

// saveDebrief records the debrief; the form comes back filled when refused.
func (h *Handler) saveDebrief(c echo.Context, se models.Session) error {
	ctx := c.Request().Context()
	d := models.Debrief{Atmosphere: c.FormValue("atmosphere"), Topics: c.FormValue("topics"), Resources: c.FormValue("resources"),
		FollowUp: c.FormValue("follow_up"), Notes: c.FormValue("notes")}
	errs := formProblems(c)
	var err error
	if len(errs) == 0 {
		if _, err = h.store.SaveDebrief(ctx, currentUser(c).ID, se.ID, d); err == nil {
			return h.redirect(c, "/tableau-de-bord", "success", "Le bilan de la séance est enregistré. Merci !")
		}
	}
	p, lerr := h.loadDebrief(ctx, se)
	if lerr != nil {
		return lerr
	}
	p.Form = d
	status, ferr := refusal(err, &p.Problem, &errs)
	if ferr != nil {
		return ferr
	}
	p.Errors = errs
	return h.render(c, status, pageSessionDebrief, "dashboard", p)
}
