package handlers

import (
	"fmt"

	"github.com/labstack/echo/v4"

	"quartier/models"
)

// deleteDraft deletes a never-sent draft of the coordinator's CLSM, once
// confirmed: the first POST says what deleting means.
func (h *Handler) deleteDraft(c echo.Context, r models.Request) error {
	if r.State != models.RequestDraft {
		return &models.ConflictError{Message: fmt.Sprintf("Cette demande est à l’état « %s » : seul un brouillon jamais envoyé peut être supprimé.", r.State.Label())}
	}
	if !confirmed(c) {
		path := fmt.Sprintf("/demandes/%d", r.ID)
		return h.askConfirmation(c, "requests", confirmPage{
			Title: fmt.Sprintf("Supprimer le brouillon n°\u00a0%d ?", r.ID),
			Points: []string{
				"Le brouillon et tout ce qui y a été saisi (lieu, quartiers, créneaux, remarques) seront effacés définitivement.",
				"Il n’a jamais été envoyé : le centre de ressources ne l’a pas vu et n’en gardera aucune trace.",
			},
			Action:  path + "/supprimer",
			Confirm: "Supprimer le brouillon", Cancel: path,
		})
	}
	if err := h.store.DeleteDraft(c.Request().Context(), currentUser(c).ID, r.ID); err != nil {
		return err
	}
	return h.redirect(c, "/demandes", "success", fmt.Sprintf("Brouillon n°\u00a0%d supprimé.", r.ID))
}
