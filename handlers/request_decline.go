package handlers

import (
	"errors"
	"fmt"
	"strings"

	"github.com/labstack/echo/v4"

	"quartier/models"
)

// confirmDecline is the first step of declining a request: a reason that
// could not be sent shows the request page again with the message next to
// the field; otherwise a page says what declining does, and nothing is
// written until it is confirmed.
func (h *Handler) confirmDecline(c echo.Context, r models.Request) error {
	id := r.ID
	if !r.State.CanMoveTo(models.RequestDeclined) {
		return &models.InvalidTransitionError{From: r.State, To: models.RequestDeclined}
	}
	comment := c.FormValue("comment")
	var ve *models.ValidationError
	if err := models.CheckDecision(models.RequestDeclined, comment); errors.As(err, &ve) {
		errs := map[string]string{}
		for k, m := range ve.Fields {
			errs["decline_"+k] = m
		}
		return h.renderAdminRequest(c, r, invalidForm, errs, map[string]string{"decline": comment})
	} else if err != nil {
		return err
	}
	path := fmt.Sprintf("/admin/demandes/%d", id)
	return h.askConfirmation(c, "requests", confirmPage{
		Title: fmt.Sprintf("Refuser la demande n°\u00a0%d ?", id),
		Points: []string{
			"La demande passera à l’état « Refusée » : c’est une décision définitive, elle ne pourra plus être acceptée.",
			"La coordination du CLSM recevra un courriel avec la raison ci-dessous.",
		},
		QuoteLabel: "Raison envoyée à la coordination", Quote: strings.TrimSpace(comment),
		Action: path + "/refuser", Hidden: []hiddenField{{"comment", comment}},
		Confirm: "Confirmer le refus", Cancel: path,
	})
}
