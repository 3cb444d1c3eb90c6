package handlers

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"quartier/frtime"
	"quartier/models"
)

// participantsPage is the coordinator's list of a session's participants.
type participantsPage struct {
	Request  models.Request
	View     models.SessionSignupsView
	When     string
	Capacity string
	OrgCap   string
	Errors   formErrors
}

// liveSession is the request's session, or a 404 when it has none yet.
func liveSession(r models.Request) (models.Session, error) {
	if r.Session == nil {
		return models.Session{}, &models.NotFoundError{What: "séance"}
	}
	return *r.Session, nil
}

// showParticipants lists the people signed up to the request's session,
// by organisation, with the waiting list in order.
func (h *Handler) showParticipants(c echo.Context, r models.Request) error {
	se, err := liveSession(r)
	if err != nil {
		return err
	}
	return h.renderParticipants(c, http.StatusOK, r, se, strconv.Itoa(se.Capacity), strconv.Itoa(se.OrgCap), nil)
}

func (h *Handler) renderParticipants(c echo.Context, status int, r models.Request, se models.Session, capacity, orgCap string, errs formErrors) error {
	v, err := h.store.SessionSignups(c.Request().Context(), se)
	if err != nil {
		return err
	}
	return h.render(c, status, pageParticipants, "requests", participantsPage{Request: r, View: v,
		When:     frtime.Range(se.StartsAt, se.EndsAt, sessionZone(se.TimeZone)),
		Capacity: capacity, OrgCap: orgCap, Errors: errs})
}

// setPlaces changes the session's capacity and per-organisation cap.
func (h *Handler) setPlaces(c echo.Context, r models.Request) error {
	se, err := liveSession(r)
	if err != nil {
		return err
	}
	errs := formProblems(c)
	capacity := formInt(c, "capacity", "Le nombre de places", errs)
	orgCap := formInt(c, "org_cap", "Le maximum par structure", errs)
	if len(errs) == 0 {
		_, err = h.store.SetSessionLimits(c.Request().Context(), currentUser(c).ID, se.ID, capacity, orgCap)
		if errs, err = fieldErrors(err); err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return h.renderParticipants(c, http.StatusUnprocessableEntity, r, se, c.FormValue("capacity"), c.FormValue("org_cap"), errs)
	}
	return h.redirect(c, fmt.Sprintf("/demandes/%d/inscrits", r.ID), "success",
		fmt.Sprintf("Places enregistrées : %d places, %d au plus par structure.", capacity, orgCap))
}

// cancelParticipant cancels one person's registration (a confirmation
// step first); a freed place goes to the first person waiting.
func (h *Handler) cancelParticipant(c echo.Context, r models.Request) error {
	se, err := liveSession(r)
	if err != nil {
		return err
	}
	back := fmt.Sprintf("/demandes/%d/inscrits", r.ID)
	rid, err := strconv.ParseInt(c.Param("rid"), 10, 64)
	if err != nil || rid <= 0 {
		return echo.ErrNotFound
	}
	reg, err := h.store.RegistrationOfSession(c.Request().Context(), se.ID, rid)
	if err != nil {
		return err
	}
	name := reg.FirstName + " " + reg.LastName
	if reg.State == models.RegistrationCancelled {
		return h.redirect(c, back, "info", "L’inscription de "+name+" est déjà annulée.")
	}
	if !confirmed(c) {
		points := []string{name + " reçoit un message d’annulation (qui retire la séance de son agenda)."}
		if reg.State == models.RegistrationConfirmed {
			points = append(points, "Sa place est libérée : la première personne de la liste d’attente la reçoit, s’il y en a une.")
		}
		return h.askConfirmation(c, "requests", confirmPage{Title: "Annuler l’inscription de " + name, Points: points,
			Action: c.Request().URL.Path, Confirm: "Annuler l’inscription", Cancel: back})
	}
	_, err = h.store.CancelRegistration(c.Request().Context(), rid, models.Canceller{Role: models.CancelledByCoordinator, UserID: currentUser(c).ID})
	if err != nil {
		return err
	}
	return h.redirect(c, back, "success", "L’inscription de "+name+" est annulée.")
}
