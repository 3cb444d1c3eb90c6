package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"quartier/models"
	"quartier/territory"
)

// clsmsPage lists CLSMs with filters, one page at a time.
type clsmsPage struct {
	CLSMs        []models.CLSMRow
	Query        string // part of the name, accents and case aside
	Region, Dept string
	Regions      []territory.Region
	Departements []territory.Departement
	Names        map[string]string
	Pager        *pager
}

// listCLSMs lists the CLSMs whose name contains the query parameter q, of
// the région and département given by region and departement, by name.
func (h *Handler) listCLSMs(c echo.Context) error {
	ctx := c.Request().Context()
	p := clsmsPage{Query: searchQuery(c), Region: c.QueryParam("region"), Dept: c.QueryParam("departement"),
		Regions: h.geo.Regions(), Departements: h.geo.Departements(), Names: map[string]string{}, Pager: newPager(c, listPageSize)}
	f := models.CLSMFilter{Query: p.Query, RegionCode: p.Region, DepartementCode: p.Dept}
	total, err := h.store.CountCLSMs(ctx, f)
	if err != nil {
		return err
	}
	p.Pager.setTotal(total)
	f.Limit, f.Offset = p.Pager.Limit(), p.Pager.Offset()
	if p.CLSMs, err = h.store.ListCLSMs(ctx, f); err != nil {
		return err
	}
	for _, cl := range p.CLSMs {
		if d, ok := h.geo.Departement(cl.DepartementCode); ok {
			p.Names[cl.DepartementCode] = d.Name
		}
	}
	return h.render(c, http.StatusOK, pageAdminCLSMs, "clsms", p)
}

// clsmForm is the CLSM form, as typed.
type clsmForm struct {
	ID           int64
	Name         string
	Territory    string
	Departement  string
	Coordinator  string
	Communes     string // one per line: INSEE code, postcode or name
	QPVs         []string
	Errors       formErrors
	Departements []territory.Departement
	// CoordinatorMatches are the coordinators the coordinator field's
	// text names, offered when it names several or after « Rechercher »
	// (a search field, not a list of every coordinator), and
	// InactiveCoordinator the one chosen when their account is
	// deactivated.
	CoordinatorMatches  []models.User
	InactiveCoordinator *models.User
	AllQPVs             []models.QPV
	Audit               auditTrail
	CommuneNames        []string
	Partners            []models.Organisation
	Requests            []clsmRequestRow // the newest sent requests, of RequestCount
	RequestCount        int
	Seasons             []models.SeasonFigures // the figures season by season
	Zone                string                 // the CLSM's time zone, for session dates
}

func (h *Handler) clsmFormFor(c echo.Context, f clsmForm) (clsmForm, error) {
	ctx := c.Request().Context()
	f.Departements = h.geo.Departements()
	// The person the field names, written as the suggestions write it,
	// and said when their account is deactivated.
	// A text over its bound is shown again as typed, with its message:
	// it is not searched.
	if _, over := f.Errors["coordinator"]; !over {
		found, err := h.resolveCoordinator(ctx, f.Coordinator, "")
		if err != nil {
			return f, err
		}
		if found.ID != 0 {
			u, err := h.store.UserByID(ctx, found.ID)
			var nf *models.NotFoundError
			switch {
			case errors.As(err, &nf):
			case err != nil:
				return f, err
			default:
				f.Coordinator = coordinatorLabel(u)
				if !u.Active {
					f.InactiveCoordinator = &u
				}
			}
		}
	}
	var err error
	f.AllQPVs, err = h.store.QPVsForCLSM(ctx, f.Departement, f.QPVs)
	return f, err
}

func (h *Handler) showNewCLSM(c echo.Context) error {
	f, err := h.clsmFormFor(c, clsmForm{})
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, pageAdminCLSMForm, "clsms", f)
}

// clsmFormTyped is the CLSM form as posted, unchecked.
func clsmFormTyped(c echo.Context) clsmForm {
	form, _ := c.FormParams()
	return clsmForm{Name: c.FormValue("name"), Territory: c.FormValue("territory"), Departement: c.FormValue("departement"),
		Coordinator: c.FormValue("coordinator"), Communes: c.FormValue("communes"), QPVs: form["qpvs"], Errors: formProblems(c)}
}

func (h *Handler) bindCLSM(c echo.Context) (clsmForm, models.CLSMInput, error) {
	f := clsmFormTyped(c)
	in := models.CLSMInput{Name: f.Name, Territory: f.Territory, DepartementCode: f.Departement, QPVs: f.QPVs}
	if d, ok := h.geo.Departement(f.Departement); ok {
		in.RegionCode = d.Region
	} else if f.Departement != "" {
		f.Errors["departement"] = "Département inconnu."
	}
	if _, over := f.Errors["coordinator"]; !over {
		found, err := h.resolveCoordinator(c.Request().Context(), f.Coordinator, c.FormValue("coordinator_choix"))
		if err != nil {
			return f, in, err
		}
		switch {
		case found.Problem != "":
			f.Errors["coordinator"], f.CoordinatorMatches = found.Problem, found.Matches
		case found.ID != 0:
			in.CoordinatorID = &found.ID
		}
	}
	if _, over := f.Errors["communes"]; over {
		return f, in, nil
	}
	for line := range strings.SplitSeq(f.Communes, "\n") {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		com, msg := h.geo.ResolveCommune(line)
		if msg != "" {
			f.Errors["communes"] = "« " + line + " » : " + msg
			continue
		}
		in.Communes = append(in.Communes, com.INSEE)
	}
	return f, in, nil
}

// createCLSM saves the form of a new CLSM.
func (h *Handler) createCLSM(c echo.Context) error { return h.saveCLSM(c, 0) }

// updateCLSM saves the form of an existing CLSM.
func (h *Handler) updateCLSM(c echo.Context, cl models.CLSM) error { return h.saveCLSM(c, cl.ID) }

// saveCLSM is the story of both saves (id 0 creates): bind, validate,
// re-show the form with every message on error, else store and redirect.
func (h *Handler) saveCLSM(c echo.Context, id int64) error {
	ctx := c.Request().Context()
	if c.FormValue("chercher") == "coordination" {
		return h.searchCLSMCoordinator(c, id)
	}
	f, in, err := h.bindCLSM(c)
	if err != nil {
		return err
	}
	f.ID = id
	if len(f.Errors) == 0 {
		var saved models.CLSM
		if id == 0 {
			saved, err = h.store.CreateCLSM(ctx, currentUser(c).ID, in)
		} else {
			saved, err = h.store.UpdateCLSM(ctx, currentUser(c).ID, id, in)
		}
		if f.Errors, err = mergeFieldErrors(f.Errors, err); err != nil {
			return err
		}
		if len(f.Errors) == 0 {
			return h.redirect(c, "/admin/clsm/"+strconv.FormatInt(saved.ID, 10), "success", "CLSM enregistré.")
		}
	}
	f, err = h.clsmFormFor(c, f)
	if err != nil {
		return err
	}
	if id != 0 {
		if f.Audit, err = h.auditTrail(c, "clsm", id); err != nil {
			return err
		}
	}
	return h.render(c, invalidForm, pageAdminCLSMForm, "clsms", f)
}

// searchCLSMCoordinator answers the CLSM form's « Rechercher »: the form
// comes back as typed, unsaved, with the coordinators whose name or
// address contains the text of the coordinator field to choose from.
func (h *Handler) searchCLSMCoordinator(c echo.Context, id int64) error {
	ctx := c.Request().Context()
	f := clsmFormTyped(c)
	f.ID = id
	text := strings.TrimSpace(f.Coordinator)
	if _, over := f.Errors["coordinator"]; !over {
		if text != "" {
			var err error
			if f.CoordinatorMatches, err = h.store.FindCoordinators(ctx, text, maxSuggestions); err != nil {
				return err
			}
		}
		if msg := searchProblem(text, len(f.CoordinatorMatches), "ou de l’adresse de la personne"); msg != "" {
			f.Errors["coordinator"] = msg
		}
	}
	f, err := h.clsmFormFor(c, f)
	if err != nil {
		return err
	}
	if id != 0 {
		if f.Audit, err = h.auditTrail(c, "clsm", id); err != nil {
			return err
		}
	}
	return h.render(c, http.StatusOK, pageAdminCLSMForm, "clsms", f)
}

// clsmRequestRow is a row of a CLSM's latest requests: the fields its
// table shows, flat. The template found each field of a models.RequestRow
// by reflection through the embedded Request (reflect's FieldByName walks
// the embedded struct), a twentieth of the page in a CPU profile.
type clsmRequestRow struct {
	ID                    int64
	VenueName, SeasonName string
	State                 models.RequestState
	SessionStartsAt       *time.Time
}

func clsmRequestRows(rows []models.RequestRow) []clsmRequestRow {
	out := make([]clsmRequestRow, len(rows))
	for i, r := range rows {
		out[i] = clsmRequestRow{ID: r.ID, VenueName: r.VenueName, SeasonName: r.SeasonName, State: r.State, SessionStartsAt: r.SessionStartsAt}
	}
	return out
}

func (h *Handler) showCLSM(c echo.Context, cl models.CLSM) error {
	ctx := c.Request().Context()
	id := cl.ID
	communes, qpvs, err := h.store.CLSMCoverageCodes(ctx, id)
	if err != nil {
		return err
	}
	f := clsmForm{ID: id, Name: cl.Name, Territory: cl.Territory, Departement: cl.DepartementCode, Zone: territory.TimeZone(cl.DepartementCode)}
	if cl.CoordinatorID != nil {
		f.Coordinator = strconv.FormatInt(*cl.CoordinatorID, 10)
	}
	var lines []string
	for _, insee := range communes {
		lines = append(lines, h.geo.CommuneLabel(insee))
		if com, ok := h.geo.Commune(insee); ok {
			f.CommuneNames = append(f.CommuneNames, com.Name+" ("+insee+")")
		}
	}
	f.Communes = strings.Join(lines, "\n")
	f.QPVs = qpvs // the form ticks them: their order does not show
	if f.Audit, err = h.auditTrail(c, "clsm", id); err != nil {
		return err
	}
	if f.Partners, err = h.store.OrganisationsOf(ctx, id); err != nil {
		return err
	}
	if f.Seasons, err = h.store.CLSMSeasonFigures(ctx, id); err != nil {
		return err
	}
	rows, err := h.store.FirstRequests(ctx, models.RequestFilter{CLSMID: id, ExcludeDrafts: true}, otherRequestsShown)
	if err != nil {
		return err
	}
	f.Requests = clsmRequestRows(rows)
	for _, se := range f.Seasons {
		f.RequestCount += se.Requests
	}
	if f, err = h.clsmFormFor(c, f); err != nil {
		return err
	}
	return h.render(c, http.StatusOK, pageAdminCLSMForm, "clsms", f)
}
