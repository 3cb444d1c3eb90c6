package handlers

import (
	"context"

	"github.com/labstack/echo/v4"

	"quartier/models"
)

// Route wrappers: each loads the object named in the URL and authorises it
// before the handler runs, so that a handler starts with its object in hand
// and never reads a parameter or checks ownership itself. An id that is
// malformed, unknown or not the user's is a 404, the same for all three, so
// that nobody learns what exists elsewhere.

// byID loads the object named by :id with get and hands it to fn.
func byID[T any](get func(ctx context.Context, id int64) (T, error), fn func(echo.Context, T) error) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		v, err := get(c.Request().Context(), id)
		if err != nil {
			return err
		}
		return fn(c, v)
	}
}

// withID hands fn the :id of an object that the store's operation itself
// authorises (a facilitator's own exception or busy time: the operation
// matches the id and the user together).
func withID(fn func(echo.Context, int64) error) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		return fn(c, id)
	}
}

// withOwnRequest loads the request named by :id if it belongs to one of the
// signed-in coordinator's CLSMs.
func (h *Handler) withOwnRequest(fn func(echo.Context, models.Request) error) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		r, err := h.store.RequestOfCoordinator(c.Request().Context(), currentUser(c).ID, id)
		if err != nil {
			return err
		}
		return fn(c, r)
	}
}

// withRequest loads any request (the admin's pages).
func (h *Handler) withRequest(fn func(echo.Context, models.Request) error) echo.HandlerFunc {
	return byID(h.store.RequestByID, fn)
}

// withPerson loads any account (the admin's pages).
func (h *Handler) withPerson(fn func(echo.Context, models.User) error) echo.HandlerFunc {
	return byID(h.store.UserByID, fn)
}

// withCLSM loads any CLSM (the admin's pages).
func (h *Handler) withCLSM(fn func(echo.Context, models.CLSM) error) echo.HandlerFunc {
	return byID(h.store.CLSMByID, fn)
}

// withSeason loads any season (the admin's pages).
func (h *Handler) withSeason(fn func(echo.Context, models.Season) error) echo.HandlerFunc {
	return byID(h.store.SeasonByID, fn)
}

// withOutboxMessage loads any message of the outbox (the admin's pages).
func (h *Handler) withOutboxMessage(fn func(echo.Context, models.OutboxMessage) error) echo.HandlerFunc {
	return byID(h.store.OutboxMessageByID, fn)
}

// withPlanDraft loads a draft of the planner (the admin's planning page).
func (h *Handler) withPlanDraft(fn func(echo.Context, models.PlanDraft) error) echo.HandlerFunc {
	return byID(h.store.PlanDraftByID, fn)
}

// withOwnOrganisation loads the organisation named by :id if it belongs to
// one of the signed-in coordinator's CLSMs (their address book).
func (h *Handler) withOwnOrganisation(fn func(echo.Context, models.Organisation) error) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		o, err := h.store.OrganisationOfCoordinator(c.Request().Context(), currentUser(c).ID, id)
		if err != nil {
			return err
		}
		return fn(c, o)
	}
}
