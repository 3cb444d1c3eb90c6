package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"quartier/frtime"
	"quartier/models"
)

// formErrors maps a field name to its French message.
type formErrors map[string]string

// fieldErrors extracts the per-field messages of a validation error; other
// errors are returned as they are.
func fieldErrors(err error) (formErrors, error) {
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		return formErrors(ve.Fields), nil
	}
	return nil, err
}

// formInt reads an integer field; empty is 0; garbage records a message.
func formInt(c echo.Context, name, label string, errs formErrors) int {
	s := strings.TrimSpace(c.FormValue(name))
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		errs[name] = label + " doit être un nombre entier."
	}
	return n
}

// formDate reads a date field (see frtime.ParseDate).
func formDate(c echo.Context, name, label string, errs formErrors) time.Time {
	s := strings.TrimSpace(c.FormValue(name))
	if s == "" {
		return time.Time{}
	}
	t, ok := frtime.ParseDate(s)
	if !ok {
		errs[name] = label + " : saisissez une date au format jj/mm/aaaa."
	}
	return t
}

// pathID reads the :id parameter; a malformed id is a 404.
func pathID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, echo.ErrNotFound
	}
	return id, nil
}

// invalidForm is the status of a form sent back with errors.
const invalidForm = http.StatusUnprocessableEntity

// refusal sorts the error of a refused form of the day's pages: a conflict
// (the session's state) is told above the form with a 409, a validation
// error joins the form's field errors with a 422, and nil leaves the
// form's own errors (422). Any other error is returned for the error page.
func refusal(err error, problem *string, errs *formErrors) (int, error) {
	var ce *models.ConflictError
	switch {
	case errors.As(err, &ce):
		*problem = ce.Message
		return http.StatusConflict, nil
	case err != nil:
		fe, ferr := fieldErrors(err)
		if ferr != nil {
			return 0, ferr
		}
		*errs = fe
	}
	return invalidForm, nil
}
