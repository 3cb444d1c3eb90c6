package handlers

import (
	"fmt"

	"github.com/labstack/echo/v4"

	"quartier/models"
)

// confirmDeactivation is the first step of deactivating an account: a page
// names the person and says what deactivation does; nothing changes until
// it is confirmed.
func (h *Handler) confirmDeactivation(c echo.Context, u models.User) error {
	path := fmt.Sprintf("/admin/personnes/%d", u.ID)
	return h.askConfirmation(c, "people", confirmPage{
		Title: fmt.Sprintf("Désactiver le compte de %s ?", u.Name),
		Points: []string{
			fmt.Sprintf("%s (%s, %s) ne pourra plus se connecter ; ses connexions en cours prennent fin immédiatement.", u.Name, u.Email, u.Role.Label()),
			"Ses actions passées restent à son nom dans les historiques.",
			"Le compte pourra être réactivé plus tard depuis cette même page.",
		},
		Action:  path + "/desactiver",
		Confirm: "Confirmer la désactivation", Cancel: path,
	})
}
