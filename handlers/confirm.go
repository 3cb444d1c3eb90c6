package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// confirmPage asks before an action that cannot be undone, without any
// JavaScript: the first POST (or a link) shows this page, whose form posts
// the same URL again with confirm=1 and what was typed on the first step.
// Only that second POST performs the action.
type confirmPage struct {
	Title      string        // what is about to be done, as the page's heading
	Points     []string      // what will happen, one consequence per line
	QuoteLabel string        // how to name Quote (« Raison envoyée à la coordination »)
	Quote      string        // the message typed on the first step, shown back
	Action     string        // the URL the confirmation posts to
	Hidden     []hiddenField // the first step's values, carried over
	Confirm    string        // the confirmation button's label
	Cancel     string        // where « Annuler » leads back to
}

// hiddenField is one value carried from the first step to the confirmation.
type hiddenField struct{ Name, Value string }

// confirmed reports whether the form is the confirmation of its action.
func confirmed(c echo.Context) bool { return c.FormValue("confirm") == "1" }

// askConfirmation renders the confirmation page of an action.
func (h *Handler) askConfirmation(c echo.Context, nav string, p confirmPage) error {
	return h.render(c, http.StatusOK, pageConfirm, nav, p)
}
