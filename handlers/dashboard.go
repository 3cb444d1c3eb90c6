package handlers

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"quartier/frtime"
	"quartier/models"
)

// dashboardPage is what each role sees on landing.
type dashboardPage struct {
	Season *models.Season
	// admin
	People      []models.User // the newest accounts (dashboardListSize)
	PeopleCount int           // every account
	PeopleBy    map[string]int
	ByState     map[string]int
	// ToReview is the first submitted requests (dashboardListSize), whatever
	// their season, of ToReviewCount.
	ToReview      []models.RequestRow
	ToReviewCount int
	MoreToReview  int // the submitted requests not in ToReview
	Failed        int64
	// PendingURL is the list that the « à examiner » figure counts.
	PendingURL string
	CLSMCount  int
	// coordinator
	CLSMs []coordinatorCLSM
	// ToConfirm are the proposed dates waiting for the coordinator.
	ToConfirm []proposalRow
	// Upcoming are the coordinator's scheduled sessions to come, with
	// their sign-ups (the soonest dashboardListSize).
	Upcoming []upcomingRow
	// facilitator
	Sessions []models.ScheduledSession
	// Days are their sessions of the last month and the next one, with
	// links to attendance and debrief.
	Days []facilitatorDay
}

// facilitatorDay is one session on its facilitator's dashboard.
type facilitatorDay struct {
	models.FacilitatorSession
	When  string
	Open  bool // attendance may be recorded: started, not closed
	Ended bool
}

// facilitatorDaysBack is how far back the facilitator's dashboard lists
// their sessions (to record attendance and debrief after the day).
const facilitatorDaysBack = 30 * 24 * time.Hour

// coordinatorCLSM is one CLSM on its coordinator's dashboard.
type coordinatorCLSM struct {
	models.CLSM
	QPVs []models.QPV
	// Requests is the newest requests (dashboardListSize) of RequestCount.
	Requests     []models.RequestRow
	RequestCount int
	MoreRequests int // the requests not in Requests
	Partners     []models.Organisation
}

// dashboardListSize bounds each list of a dashboard; the figures above it
// count every row, and a link leads to the whole list.
const dashboardListSize = 10

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
			f := models.RequestFilter{CLSMID: cl.ID}
			if cc.Requests, err = h.store.FirstRequests(ctx, f, dashboardListSize); err != nil {
				return err
			}
			if cc.RequestCount, err = h.countRequests(ctx, f); err != nil {
				return err
			}
			cc.MoreRequests = cc.RequestCount - len(cc.Requests)
			if cc.Partners, err = h.store.OrganisationsOf(ctx, cl.ID); err != nil {
				return err
			}
			d.CLSMs = append(d.CLSMs, cc)
		}
		if d.ToConfirm, err = h.proposalsToConfirm(ctx, u.ID); err != nil {
			return err
		}
		if d.Upcoming, err = h.upcomingSignups(ctx, u.ID); err != nil {
			return err
		}
		return h.render(c, http.StatusOK, pageDashboardCoordinator, "dashboard", d)
	default:
		now := h.now()
		if d.Sessions, err = h.store.ScheduledSessions(ctx, []int64{u.ID}, now, now.AddDate(0, 6, 0)); err != nil {
			return err
		}
		days, err := h.store.SessionsOfFacilitator(ctx, u.ID, now.Add(-facilitatorDaysBack), now.AddDate(0, 1, 0))
		if err != nil {
			return err
		}
		for _, s := range days {
			d.Days = append(d.Days, facilitatorDay{FacilitatorSession: s, When: frtime.Range(s.StartsAt, s.EndsAt, sessionZone(s.TimeZone)),
				Open: s.State == models.SessionHeld || (s.State == models.SessionScheduled && !now.Before(s.StartsAt)), Ended: now.After(s.EndsAt)})
		}
		return h.render(c, http.StatusOK, pageDashboardFacilitator, "dashboard", d)
	}
}

// adminDashboard gathers the season's figures and the people, counted by
// aggregate queries, and the first rows of each list.
func (h *Handler) adminDashboard(c echo.Context, d *dashboardPage) error {
	ctx := c.Request().Context()
	people, err := h.store.CountPeople(ctx)
	if err != nil {
		return err
	}
	d.PeopleCount = people.All
	d.PeopleBy = map[string]int{}
	for role, n := range people.ActiveByRole {
		d.PeopleBy[string(role)] = n
	}
	if d.People, err = h.store.NewestPeople(ctx, dashboardListSize); err != nil {
		return err
	}
	f := models.RequestFilter{ExcludeDrafts: true}
	if d.Season != nil {
		f.SeasonID = d.Season.ID
	}
	byState, err := h.store.RequestCounts(ctx, f)
	if err != nil {
		return err
	}
	d.ByState = map[string]int{}
	for st, n := range byState {
		d.ByState[string(st)] = n
	}
	// What waits for a review is counted in every season and out of season,
	// exactly as the list behind the figure's link (pendingRequestsURL).
	pending := models.RequestFilter{State: models.RequestSubmitted, ExcludeDrafts: true}
	if d.ToReviewCount, err = h.countRequests(ctx, pending); err != nil {
		return err
	}
	if d.ToReview, err = h.store.FirstRequests(ctx, pending, dashboardListSize); err != nil {
		return err
	}
	d.MoreToReview = d.ToReviewCount - len(d.ToReview)
	if d.Failed, err = h.store.CountOutbox(ctx, models.OutboxFailed); err != nil {
		return err
	}
	d.PendingURL = pendingRequestsURL
	return nil
}

// countRequests counts the requests matching f, every state together.
func (h *Handler) countRequests(ctx context.Context, f models.RequestFilter) (int, error) {
	byState, err := h.store.RequestCounts(ctx, f)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, v := range byState {
		n += v
	}
	return n, nil
}

// pendingRequestsURL is the admin's list of the requests waiting for a
// review: the dashboard's « à examiner » figure links to it and counts the
// same rows. Requests sent back for changes wait for their coordinator, not
// for a review; they have their own figure.
const pendingRequestsURL = "/admin/demandes?etat=submitted"

// sessionZone loads a session's zone for display, defaulting to Paris.
func sessionZone(zone string) *time.Location {
	if loc, err := frtime.LoadZone(zone); err == nil {
		return loc
	}
	loc, _ := frtime.LoadZone("Europe/Paris")
	return loc
}
