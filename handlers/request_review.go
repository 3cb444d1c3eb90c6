package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"

	"github.com/labstack/echo/v4"

	"quartier/models"
)

// outOfSeason is the saison filter's value for the requests filed into no
// season.
const outOfSeason = "hors"

// adminRequestsPage is the admin's list of requests with its filters.
type adminRequestsPage struct {
	Rows                                   []requestRowView
	State, Region, Departement, Season     string
	States, Regions, Departements, Seasons []filterOption
	Filtered                               bool
	Pager                                  *pager
	// CLSM is the CLSM the list is narrowed to (?clsm=id), if any.
	CLSM *models.CLSM
}

// filterOption is one option of a list's filter, marked when chosen: the
// template tests a field rather than calling eq on each of the hundred
// départements.
type filterOption struct {
	Value, Label string
	Selected     bool
}

// markSelected marks the option whose value is v.
func markSelected(opts []filterOption, v string) {
	for i := range opts {
		opts[i].Selected = v != "" && opts[i].Value == v
	}
}

// listAdminRequests lists requests, filtered by the query parameters etat,
// region, departement, saison (an id, or outOfSeason) and clsm (an id),
// one page at a time. Drafts are always left out: they are their
// coordinator's business until sent.
func (h *Handler) listAdminRequests(c echo.Context) error {
	ctx := c.Request().Context()
	p := adminRequestsPage{
		State: c.QueryParam("etat"), Region: c.QueryParam("region"),
		Departement: c.QueryParam("departement"), Season: c.QueryParam("saison"),
		Pager: newPager(c, listPageSize),
	}
	f := models.RequestFilter{ExcludeDrafts: true}
	if st := models.RequestState(p.State); st.Valid() && st != models.RequestDraft {
		f.State = st
	} else {
		p.State = ""
	}
	for _, s := range models.RequestStates() {
		if s != models.RequestDraft {
			p.States = append(p.States, filterOption{Value: string(s), Label: s.Label()})
		}
	}
	codes, err := h.store.CLSMDepartements(ctx)
	if err != nil {
		return err
	}
	regions, deps := map[string]bool{}, make(map[string]bool, len(codes))
	for _, code := range codes {
		if d, ok := h.geo.Departement(code); ok {
			regions[d.Region], deps[code] = true, true
			p.Departements = append(p.Departements, filterOption{Value: code, Label: d.Name + " (" + code + ")"})
		}
	}
	for _, code := range sortedKeys(regions) {
		if r, ok := h.geo.Region(code); ok {
			p.Regions = append(p.Regions, filterOption{Value: code, Label: r.Name})
		}
	}
	if regions[p.Region] {
		f.RegionCode = p.Region
	} else {
		p.Region = ""
	}
	if deps[p.Departement] {
		f.DepartementCode = p.Departement
	} else {
		p.Departement = ""
	}
	seasons, err := h.store.Seasons(ctx)
	if err != nil {
		return err
	}
	for _, s := range seasons {
		id := strconv.FormatInt(s.ID, 10)
		p.Seasons = append(p.Seasons, filterOption{Value: id, Label: s.Name})
		if id == p.Season {
			f.SeasonID = s.ID
		}
	}
	p.Seasons = append(p.Seasons, filterOption{Value: outOfSeason, Label: "Hors saison"})
	f.OutOfSeason = p.Season == outOfSeason
	if f.SeasonID == 0 && !f.OutOfSeason {
		p.Season = ""
	}
	if id, err := strconv.ParseInt(c.QueryParam("clsm"), 10, 64); err == nil && id > 0 {
		cl, err := h.store.CLSMByID(ctx, id)
		var nf *models.NotFoundError
		switch {
		case err == nil:
			p.CLSM, f.CLSMID = &cl, cl.ID
		case !errors.As(err, &nf):
			return err
		}
	}
	markSelected(p.States, p.State)
	markSelected(p.Regions, p.Region)
	markSelected(p.Departements, p.Departement)
	markSelected(p.Seasons, p.Season)
	p.Filtered = p.State != "" || p.Region != "" || p.Departement != "" || p.Season != "" || p.CLSM != nil
	total, err := h.store.CountRequests(ctx, f)
	if err != nil {
		return err
	}
	p.Pager.setTotal(total)
	f.Limit, f.Offset = p.Pager.Limit(), p.Pager.Offset()
	rows, err := h.store.ListRequests(ctx, f)
	if err != nil {
		return err
	}
	p.Rows = h.requestRows(rows)
	return h.render(c, http.StatusOK, pageRequestsAdmin, "requests", p)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		if k != "" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// showAdminRequest shows a request in full, its CLSM's other requests,
// and the decisions the state machine allows now.
func (h *Handler) showAdminRequest(c echo.Context, r models.Request) error {
	return h.renderAdminRequest(c, r, http.StatusOK, nil, nil)
}

func (h *Handler) renderAdminRequest(c echo.Context, r models.Request, status int, errs, typed map[string]string) error {
	return h.renderAdminRequestWith(c, r, status, errs, typed, nil)
}

// renderAdminRequestWith is renderAdminRequest with what was typed in the
// session forms (session_forms.go), if anything.
func (h *Handler) renderAdminRequestWith(c echo.Context, r models.Request, status int, errs, typed map[string]string, session *sessionForms) error {
	ctx := c.Request().Context()
	sf, err := h.sessionFormsOf(ctx, r, true)
	if err != nil {
		return err
	}
	if sf != nil && session != nil {
		sf.Comment = session.Comment
		if session.Date != "" || session.Start != "" || session.FacilitatorID != "" {
			sf.Date, sf.Start, sf.FacilitatorID = session.Date, session.Start, session.FacilitatorID
		}
	}
	v, err := h.requestViewOf(ctx, r)
	if err != nil {
		return err
	}
	othersOf := models.RequestFilter{CLSMID: r.CLSMID, ExceptID: r.ID, ExcludeDrafts: true}
	others, err := h.store.FirstRequests(ctx, othersOf, otherRequestsShown)
	if err != nil {
		return err
	}
	more, err := h.countRequests(ctx, othersOf)
	if err != nil {
		return err
	}
	more -= len(others)
	season := "Hors saison"
	if r.SeasonID != nil {
		se, err := h.store.SeasonByID(ctx, *r.SeasonID)
		if err != nil {
			return err
		}
		season = se.Name
	}
	return h.render(c, status, pageRequestAdmin, "requests", requestPage{R: v, Errors: errs, Comment: typed, History: h.requestRows(others), MoreHistory: more,
		CLSMRequestsURL: fmt.Sprintf("/admin/demandes?clsm=%d", r.CLSMID), Season: season, SessionForms: sf})
}

// otherRequestsShown bounds the list of the CLSM's other requests on a
// request's page; the rest are behind a link to the filtered list.
const otherRequestsShown = 10

// acceptRequest accepts a submitted request; the coordinator is told.
func (h *Handler) acceptRequest(c echo.Context, r models.Request) error {
	return h.decideRequest(c, r, models.RequestAccepted, "accept",
		"Demande acceptée. La coordination du CLSM en est informée par courriel ; elle attend maintenant une proposition de date.")
}

// declineRequest declines a submitted request with a reason sent to the
// coordinator, once confirmed: the first POST shows what will be sent.
func (h *Handler) declineRequest(c echo.Context, r models.Request) error {
	if !confirmed(c) {
		return h.confirmDecline(c, r)
	}
	return h.decideRequest(c, r, models.RequestDeclined, "decline",
		"Demande refusée. La raison a été envoyée par courriel à la coordination du CLSM.")
}

// askForChanges sends a request back to its coordinator with a message.
func (h *Handler) askForChanges(c echo.Context, r models.Request) error {
	return h.decideRequest(c, r, models.RequestChangesRequested, "changes",
		"Demande renvoyée pour modification. Votre message a été envoyé par courriel à la coordination du CLSM.")
}

// decideRequest is the story of the three decisions: one transition, its
// history line and its email, in one operation; a missing message shows
// the page again with the error next to the right field.
func (h *Handler) decideRequest(c echo.Context, r models.Request, to models.RequestState, action, done string) error {
	id := r.ID
	var err error
	comment := c.FormValue("comment")
	if errs := formProblems(c); len(errs) > 0 {
		err = &models.ValidationError{Fields: errs}
	} else {
		_, err = h.store.DecideRequest(c.Request().Context(), currentUser(c).ID, id, to, comment)
	}
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		errs := map[string]string{}
		for k, m := range ve.Fields {
			errs[action+"_"+k] = m
		}
		return h.renderAdminRequest(c, r, invalidForm, errs, map[string]string{action: comment})
	}
	if err != nil {
		return err
	}
	return h.redirect(c, fmt.Sprintf("/admin/demandes/%d", id), "success", done)
}
