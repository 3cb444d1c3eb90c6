package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"quartier/models"
)

// dashboardPage is what each role sees on landing.
type dashboardPage struct {
	Season    *models.Season
	People    []models.User
	CLSMs     []models.CLSM
	PeopleBy  map[string]int
	CLSMCount int
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
		if d.People, err = h.store.ListUsers(ctx, models.UserFilter{}); err != nil {
			return err
		}
		d.PeopleBy = map[string]int{}
		for _, p := range d.People {
			if p.Active {
				d.PeopleBy[string(p.Role)]++
			}
		}
		return h.render(c, http.StatusOK, "dashboard_admin", "dashboard", d)
	case models.RoleCoordinator:
		if d.CLSMs, err = h.store.CLSMsOfCoordinator(ctx, u.ID); err != nil {
			return err
		}
		return h.render(c, http.StatusOK, "dashboard_coordinator", "dashboard", d)
	default:
		return h.render(c, http.StatusOK, "dashboard_facilitator", "dashboard", d)
	}
}
