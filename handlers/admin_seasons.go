package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"quartier/models"
)

// seasonsPage lists seasons with the creation form.
type seasonsPage struct {
	Seasons                []models.Season
	Name, StartsOn, EndsOn string
	Errors                 formErrors
}

func (h *Handler) seasonsPageData(c echo.Context, p seasonsPage) (seasonsPage, error) {
	var err error
	p.Seasons, err = h.store.Seasons(c.Request().Context())
	return p, err
}

func (h *Handler) listSeasons(c echo.Context) error {
	p, err := h.seasonsPageData(c, seasonsPage{})
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, pageAdminSeasons, "seasons", p)
}

func (h *Handler) createSeason(c echo.Context) error {
	p := seasonsPage{Name: c.FormValue("name"), StartsOn: c.FormValue("starts_on"), EndsOn: c.FormValue("ends_on"), Errors: formProblems(c)}
	starts := formDate(c, "starts_on", "Date de début", p.Errors)
	ends := formDate(c, "ends_on", "Date de fin", p.Errors)
	if len(p.Errors) == 0 {
		s, err := h.store.CreateSeason(c.Request().Context(), currentUser(c).ID, p.Name, starts, ends)
		if p.Errors, err = mergeFieldErrors(p.Errors, err); err != nil {
			return err
		}
		if len(p.Errors) == 0 {
			return h.redirect(c, "/admin/saisons", "success", "Saison « "+s.Name+" » créée.")
		}
	}
	p, err := h.seasonsPageData(c, p)
	if err != nil {
		return err
	}
	return h.render(c, invalidForm, pageAdminSeasons, "seasons", p)
}

func (h *Handler) makeSeasonCurrent(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := h.store.SetCurrentSeason(c.Request().Context(), currentUser(c).ID, id); err != nil {
		return err
	}
	return h.redirect(c, "/admin/saisons", "success", "Saison en cours modifiée.")
}

func (h *Handler) closeSeason(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if c.FormValue("confirm") != "oui" {
		return h.redirect(c, "/admin/saisons/"+strconv.FormatInt(id, 10), "error", "Cochez la case de confirmation pour clôturer la saison.")
	}
	if err := h.store.CloseSeason(c.Request().Context(), currentUser(c).ID, id); err != nil {
		return err
	}
	return h.redirect(c, "/admin/saisons/"+strconv.FormatInt(id, 10), "success", "Saison clôturée : son bilan est figé et le délai de conservation des données personnelles commence aujourd'hui.")
}

// seasonPage is one season with its history.
type seasonPage struct {
	Season models.Season
	Audit  []models.AuditEvent
}

func (h *Handler) showSeason(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var p seasonPage
	if p.Season, err = h.store.SeasonByID(ctx, id); err != nil {
		return err
	}
	if p.Audit, err = h.store.AuditTrail(ctx, "season", id); err != nil {
		return err
	}
	return h.render(c, http.StatusOK, pageAdminSeason, "seasons", p)
}
