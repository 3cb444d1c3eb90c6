package handlers

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"quartier/models"
)

// dashboardPage is what each role sees on landing.
type dashboardPage struct {
	Season *models.Season
	// admin
	People   []models.User
	PeopleBy map[string]int
	ByState  map[string]int
	ToReview []models.RequestRow // every submitted request, whatever its season
	Failed   int64
	// PendingURL is the list that the « à examiner » figure counts.
	PendingURL string
	CLSMCount  int
	// coordinator
	CLSMs []coordinatorCLSM
	// ToConfirm are the proposed dates waiting for the coordinator.
	ToConfirm []proposalRow
	// facilitator
	Sessions []models.ScheduledSession
}

// coordinatorCLSM is one CLSM on its coordinator's dashboard.
type coordinatorCLSM struct {
	models.CLSM
	QPVs     []models.QPV
	Requests []models.RequestRow
	Partners []models.Organisation
}

// showDashboard lands each role on its own dashboard.
func (h *Handler) showDashboard(c echo.Context) error {
	ctx := c.Request().Context()
	u := currentUser(c)
	var d dashboardPage
	season, err := h.store.CurrentSeason(ctx)
	switch {
	case err == nil:
		d.Season = &season
	case !errors.Is(err, models.ErrNotFound):
		return err
	}
	switch u.Role {
	case models.RoleAdmin:
		if err := h.adminDashboard(c, &d); err != nil {
			return err
		}
		return h.render(c, http.StatusOK, pageDashboardAdmin, "dashboard", d)
	case models.RoleCoordinator:
		clsms, err := h.store.CLSMsOfCoordinator(ctx, u.ID)
		if err != nil {
			return err
		}
		for _, cl := range clsms {
			cc := coordinatorCLSM{CLSM: cl}
			cov, err := h.store.CLSMCoverageOf(ctx, cl.ID)
			if err != nil {
				return err
			}
			cc.QPVs = cov.QPVs
			if cc.Requests, err = h.store.ListRequests(ctx, models.RequestFilter{CLSMID: cl.ID}); err != nil {
				return err
			}
			if cc.Partners, err = h.store.OrganisationsOf(ctx, cl.ID); err != nil {
				return err
			}
			d.CLSMs = append(d.CLSMs, cc)
		}
		if d.ToConfirm, err = h.proposalsToConfirm(ctx, u.ID); err != nil {
			return err
		}
		return h.render(c, http.StatusOK, pageDashboardCoordinator, "dashboard", d)
	default:
		now := h.now()
		if d.Sessions, err = h.store.ScheduledSessions(ctx, []int64{u.ID}, now, now.AddDate(0, 6, 0)); err != nil {
			return err
		}
		return h.render(c, http.StatusOK, pageDashboardFacilitator, "dashboard", d)
	}
}

// adminDashboard gathers the season's figures and the people.
func (h *Handler) adminDashboard(c echo.Context, d *dashboardPage) error {
	ctx := c.Request().Context()
	var err error
	if d.People, err = h.store.ListUsers(ctx, models.UserFilter{}); err != nil {
		return err
	}
	d.PeopleBy = map[string]int{}
	for _, p := range d.People {
		if p.Active {
			d.PeopleBy[string(p.Role)]++
		}
	}
	f := models.RequestFilter{ExcludeDrafts: true}
	if d.Season != nil {
		f.SeasonID = d.Season.ID
	}
	reqs, err := h.store.ListRequests(ctx, f)
	if err != nil {
		return err
	}
	d.ByState = map[string]int{}
	for _, r := range reqs {
		d.ByState[string(r.State)]++
	}
	// What waits for a review is counted in every season and out of season,
	// exactly as the list behind the figure's link (pendingRequestsURL).
	if d.ToReview, err = h.store.ListRequests(ctx, models.RequestFilter{State: models.RequestSubmitted, ExcludeDrafts: true}); err != nil {
		return err
	}
	counts, err := h.store.OutboxCounts(ctx)
	if err != nil {
		return err
	}
	d.Failed = counts[models.OutboxFailed]
	d.PendingURL = pendingRequestsURL
	return nil
}

// pendingRequestsURL is the admin's list of the requests waiting for a
// review: the dashboard's « à examiner » figure links to it and counts the
// same rows. Requests sent back for changes wait for their coordinator, not
// for a review; they have their own figure.
const pendingRequestsURL = "/admin/demandes?etat=submitted"

// sessionZone loads a session's zone for display, defaulting to Paris.
func sessionZone(zone string) *time.Location {
	if loc, err := time.LoadLocation(zone); err == nil {
		return loc
	}
	loc, _ := time.LoadLocation("Europe/Paris")
	return loc
}
