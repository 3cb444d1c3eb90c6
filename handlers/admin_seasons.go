package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"quartier/models"
)

// seasonsPage lists seasons with the creation form.
type seasonsPage struct {
	Seasons                []models.Season
	Name, StartsOn, EndsOn string
	Errors                 formErrors
	Pager                  *pager
}

func (h *Handler) seasonsPageData(c echo.Context, p seasonsPage) (seasonsPage, error) {
	ctx := c.Request().Context()
	// The creation form posts to the list's own address.
	p.Pager = newPager(c, listPageSize)
	p.Pager.path = "/admin/saisons"
	total, err := h.store.CountSeasons(ctx)
	if err != nil {
		return p, err
	}
	p.Pager.setTotal(total)
	p.Seasons, err = h.store.SeasonPage(ctx, p.Pager.Limit(), p.Pager.Offset())
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

func (h *Handler) makeSeasonCurrent(c echo.Context, se models.Season) error {
	id := se.ID
	if err := h.store.SetCurrentSeason(c.Request().Context(), currentUser(c).ID, id); err != nil {
		return err
	}
	return h.redirect(c, "/admin/saisons", "success", "Saison en cours modifiée.")
}

func (h *Handler) closeSeason(c echo.Context, se models.Season) error {
	id := se.ID
	if c.FormValue("confirm") != "oui" {
		return h.redirect(c, "/admin/saisons/"+strconv.FormatInt(id, 10), "error", "Cochez la case de confirmation pour clôturer la saison.")
	}
	if err := h.store.CloseSeason(c.Request().Context(), currentUser(c).ID, id); err != nil {
		return err
	}
	return h.redirect(c, "/admin/saisons/"+strconv.FormatInt(id, 10), "success", "Saison clôturée : son bilan est figé et le délai de conservation des données personnelles commence aujourd'hui.")
}

// seasonPage is one season with its edit form, the number of requests it
// holds (a season holding none may be deleted) and its history.
type seasonPage struct {
	Season                 models.Season
	Name, StartsOn, EndsOn string
	Errors                 formErrors
	Requests               int64
	NotEmpty               string // why the season cannot be deleted, if so
	Audit                  auditTrail
}

func (h *Handler) showSeason(c echo.Context, se models.Season) error {
	return h.renderSeason(c, http.StatusOK, seasonPage{Season: se, Name: se.Name,
		StartsOn: se.StartsOn.Format(time.DateOnly), EndsOn: se.EndsOn.Format(time.DateOnly)})
}

func (h *Handler) renderSeason(c echo.Context, status int, p seasonPage) error {
	ctx := c.Request().Context()
	var err error
	if p.Requests, err = h.store.SeasonRequestCount(ctx, p.Season.ID); err != nil {
		return err
	}
	if p.Requests > 0 {
		p.NotEmpty = models.SeasonNotEmptyMessage(p.Requests)
	}
	if p.Audit, err = h.auditTrail(c, "season", p.Season.ID); err != nil {
		return err
	}
	return h.render(c, status, pageAdminSeason, "seasons", p)
}

// updateSeason saves a season's name and dates; overlapping dates, or new
// dates for a closed season, show the form again with the message.
func (h *Handler) updateSeason(c echo.Context, se models.Season) error {
	id := se.ID
	p := seasonPage{Season: se, Name: c.FormValue("name"), StartsOn: c.FormValue("starts_on"), EndsOn: c.FormValue("ends_on"), Errors: formProblems(c)}
	starts := formDate(c, "starts_on", "Date de début", p.Errors)
	ends := formDate(c, "ends_on", "Date de fin", p.Errors)
	if len(p.Errors) == 0 {
		saved, err := h.store.UpdateSeason(c.Request().Context(), currentUser(c).ID, id, p.Name, starts, ends)
		if p.Errors, err = mergeFieldErrors(p.Errors, err); err != nil {
			return err
		}
		if len(p.Errors) == 0 {
			return h.redirect(c, "/admin/saisons/"+strconv.FormatInt(id, 10), "success", "Saison « "+saved.Name+" » enregistrée.")
		}
	}
	return h.renderSeason(c, invalidForm, p)
}

// deleteSeason deletes a season that holds no request, once confirmed; a
// season holding requests is refused with the reason.
func (h *Handler) deleteSeason(c echo.Context, se models.Season) error {
	ctx := c.Request().Context()
	id := se.ID
	n, err := h.store.SeasonRequestCount(ctx, id)
	if err != nil {
		return err
	}
	if n > 0 {
		return &models.ConflictError{Message: models.SeasonNotEmptyMessage(n)}
	}
	if !confirmed(c) {
		path := "/admin/saisons/" + strconv.FormatInt(id, 10)
		points := []string{"La saison « " + se.Name + " » sera supprimée définitivement. Elle ne contient aucune demande."}
		if se.IsCurrent {
			points = append(points, "C’est la saison en cours : aucune saison ne sera plus marquée comme en cours tant que vous n’en aurez pas choisi une autre.")
		}
		return h.askConfirmation(c, "seasons", confirmPage{
			Title: "Supprimer la saison « " + se.Name + " » ?", Points: points,
			Action: path + "/supprimer", Confirm: "Supprimer la saison", Cancel: path,
		})
	}
	if err := h.store.DeleteSeason(ctx, currentUser(c).ID, id); err != nil {
		return err
	}
	return h.redirect(c, "/admin/saisons", "success", "Saison « "+se.Name+" » supprimée.")
}
