package handlers

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"quartier/config"
	"quartier/models"
)

// requestDay is the live session of a request, as the coordinator of its
// CLSM (or an administrator) sees its day.
type requestDay struct {
	dayHeading
	Day models.SessionDay
	// Base is the request's page: /demandes/:id, or /admin/demandes/:id.
	Base string
}

// requestDayOf loads the live session of r with a day (scheduled, held or
// closed), for the signed-in coordinator or administrator.
func (h *Handler) requestDayOf(c echo.Context, r models.Request) (requestDay, error) {
	ctx := c.Request().Context()
	u := currentUser(c)
	se, day, err := h.store.SessionOfRequestFor(ctx, u.ID, r.ID)
	if err != nil {
		return requestDay{}, err
	}
	if se.State != models.SessionScheduled && se.State != models.SessionHeld && se.State != models.SessionClosed {
		return requestDay{}, models.ErrNoLiveSession
	}
	hd, err := h.dayHeadingOf(ctx, se)
	if err != nil {
		return requestDay{}, err
	}
	base := fmt.Sprintf("/demandes/%d", r.ID)
	if u.Role == models.RoleAdmin {
		base = "/admin" + base
	}
	return requestDay{dayHeading: hd, Day: day, Base: base}, nil
}

// navOf is the navigation entry of the request pages (« Demandes »).
func navOf(c echo.Context) string {
	return "requests"
}

// blankSheetRows is how many empty rows the sheet prints for walk-ins.
const blankSheetRows = 10

// sheetPage is the printable attendance sheet.
type sheetPage struct {
	requestDay
	Groups    []participantGroup
	Confirmed int
	Blank     []int
	Funders   string
}

// showSheet shows the attendance sheet (feuille d’émargement), to print.
func (h *Handler) showSheet(c echo.Context, r models.Request) error {
	d, err := h.requestDayOf(c, r)
	if err != nil {
		return err
	}
	ps, err := h.store.Participants(c.Request().Context(), d.Session.ID)
	if err != nil {
		return err
	}
	funders := strings.TrimSpace(h.cfg.Sessions.Funders)
	if funders == "" {
		funders = config.DefaultFunders
	}
	p := sheetPage{requestDay: d, Groups: groupByOrganisation(ps), Confirmed: len(ps), Blank: make([]int, blankSheetRows), Funders: funders}
	for i := range p.Blank {
		p.Blank[i] = i + 1
	}
	return h.render(c, http.StatusOK, pageSessionSheet, navOf(c), p)
}

// downloadParticipants answers the list of the session's participants
// (confirmed and waiting) as CSV for a French spreadsheet: UTF-8 with a
// byte-order mark, « ; » between cells, dates as 25/11/2026 14:05 in the
// session's zone, formula cells neutralised.
func (h *Handler) downloadParticipants(c echo.Context, r models.Request) error {
	d, err := h.requestDayOf(c, r)
	if err != nil {
		return err
	}
	ps, err := h.store.Participants(c.Request().Context(), d.Session.ID, models.RegistrationConfirmed, models.RegistrationWaiting)
	if err != nil {
		return err
	}
	rows := [][]string{{"Structure", "Type de structure", "Nom", "Prénom", "Catégorie", "Fonction", "Courriel", "Inscription", "Inscrit·e le", "Présence"}}
	loc := d.Session.Location()
	for _, p := range ps {
		state := "confirmée"
		if p.State == models.RegistrationWaiting {
			state = "liste d’attente"
		}
		present := ""
		if p.Present {
			present = "présent·e"
		}
		rows = append(rows, []string{p.Organisation, p.OrganisationKind.Label(), p.LastName, p.FirstName, p.Category.Label(), p.Role,
			p.Email, state, p.CreatedAt.In(loc).Format("02/01/2006 15:04"), present})
	}
	body, err := frenchCSV(rows)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("inscrits-seance-%d-%s.csv", d.Session.ID, d.Session.StartsAt.In(loc).Format("2006-01-02"))
	return sendDownload(c, name, "text/csv; charset=utf-8", body)
}

// countPage is the coordinator's entry of the count from the signed sheet.
type countPage struct {
	requestDay
	Count   string
	Open    bool
	OpensAt string
	// Closed: the session is closed, its figures final.
	Closed bool
	// Tally is what the facilitator ticked, beside the sheet's count.
	Tally   models.AttendanceTally
	Errors  map[string]string
	Problem string
}

func (h *Handler) countPageOf(c echo.Context, r models.Request) (countPage, error) {
	d, err := h.requestDayOf(c, r)
	if err != nil {
		return countPage{}, err
	}
	p := countPage{requestDay: d, Errors: map[string]string{}}
	if d.Day.SheetCount != nil {
		p.Count = fmt.Sprint(*d.Day.SheetCount)
	}
	se := d.Session
	p.Open = se.State == models.SessionHeld || (se.State == models.SessionScheduled && !h.now().Before(se.StartsAt))
	if se.State == models.SessionScheduled && !p.Open {
		p.OpensAt = d.When
	}
	p.Closed = se.State == models.SessionClosed
	if se.State != models.SessionScheduled {
		if p.Tally, err = h.store.AttendanceTallyOf(c.Request().Context(), se.ID); err != nil {
			return countPage{}, err
		}
	}
	return p, nil
}

// showCount shows the count form.
func (h *Handler) showCount(c echo.Context, r models.Request) error {
	p, err := h.countPageOf(c, r)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, pageSessionCount, navOf(c), p)
}

// saveCount records how many signed the paper sheet.
func (h *Handler) saveCount(c echo.Context, r models.Request) error {
	p, err := h.countPageOf(c, r)
	if err != nil {
		return err
	}
	p.Count = strings.TrimSpace(c.FormValue("count"))
	errs := formProblems(c)
	n := formInt(c, "count", "Le nombre de personnes", errs)
	if p.Count == "" {
		errs["count"] = "Indiquez le nombre de personnes qui ont signé la feuille d’émargement."
	}
	if len(errs) == 0 {
		err = h.store.RecordSheetCount(c.Request().Context(), currentUser(c).ID, r.ID, n)
		if err == nil {
			return h.redirect(c, p.Base, "success", "Le nombre de participants est enregistré : la séance est marquée comme tenue.")
		}
	}
	status, ferr := refusal(err, &p.Problem, &errs)
	if ferr != nil {
		return ferr
	}
	p.Errors = errs
	return h.render(c, status, pageSessionCount, navOf(c), p)
}

// phonesPage is the form of the day's contact phones.
type phonesPage struct {
	requestDay
	Facilitator, Coordinator string
	Errors                   map[string]string
}

// phonesDayOf loads the live session of r for its phones: a proposed
// session may have them too.
func (h *Handler) phonesDayOf(c echo.Context, r models.Request) (phonesPage, error) {
	ctx := c.Request().Context()
	u := currentUser(c)
	se, day, err := h.store.SessionOfRequestFor(ctx, u.ID, r.ID)
	if err != nil {
		return phonesPage{}, err
	}
	hd, err := h.dayHeadingOf(ctx, se)
	if err != nil {
		return phonesPage{}, err
	}
	base := fmt.Sprintf("/demandes/%d", r.ID)
	if u.Role == models.RoleAdmin {
		base = "/admin" + base
	}
	return phonesPage{requestDay: requestDay{dayHeading: hd, Day: day, Base: base},
		Facilitator: day.FacilitatorPhone, Coordinator: day.CoordinatorPhone, Errors: map[string]string{}}, nil
}

// showPhones shows the day's phones form.
func (h *Handler) showPhones(c echo.Context, r models.Request) error {
	p, err := h.phonesDayOf(c, r)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, pageSessionPhones, navOf(c), p)
}

// savePhones records the day's phones; the form comes back filled when
// refused.
func (h *Handler) savePhones(c echo.Context, r models.Request) error {
	p, err := h.phonesDayOf(c, r)
	if err != nil {
		return err
	}
	p.Facilitator, p.Coordinator = c.FormValue("facilitator_phone"), c.FormValue("coordinator_phone")
	errs := formProblems(c)
	if len(errs) == 0 {
		_, err = h.store.SetSessionPhones(c.Request().Context(), currentUser(c).ID, r.ID, models.PhonesInput{Facilitator: p.Facilitator, Coordinator: p.Coordinator})
		if err == nil {
			return h.redirect(c, p.Base, "success", "Les numéros de téléphone du jour sont enregistrés : ils figureront dans les rappels.")
		}
		if errs, err = fieldErrors(err); err != nil {
			return err
		}
	}
	p.Errors = errs
	return h.render(c, invalidForm, pageSessionPhones, navOf(c), p)
}

// dayLinks are the links to a session's day that a request page shows.
type dayLinks struct {
	Sheet, CSV, Count, Phones string
	// Feedback is the participants' answers, once the session was held.
	Feedback string
	Held     bool
}

// dayLinksOf lists the day's pages of a request's live session, or nil
// when it has none to show.
func dayLinksOf(base string, se *models.Session) *dayLinks {
	if se == nil {
		return nil
	}
	switch se.State {
	case models.SessionScheduled, models.SessionHeld, models.SessionClosed:
		d := &dayLinks{Sheet: base + "/emargement", CSV: base + "/inscrits.csv", Count: base + "/presences",
			Phones: base + "/telephones", Held: se.State != models.SessionScheduled}
		if d.Held {
			d.Feedback = base + "/avis"
		}
		return d
	case models.SessionProposed:
		return &dayLinks{Phones: base + "/telephones"}
	}
	return nil
}
