package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"quartier/models"
	"quartier/territory"
)

// The CLSM of the person form and the coordinator of the CLSM form are
// search fields, not lists of every CLSM or coordinator (400 of them at
// national size): a text input with suggestions as the admin types
// (suggest.js, the endpoints below), resolved on the server when the form
// comes back, so that it works without JavaScript too. A « Rechercher »
// button brings the form back, unsaved, with the matches to choose from.

// clsmLabel is how the CLSM field writes a CLSM, and reads it back.
func clsmLabel(id int64, name string) string { return fmt.Sprintf("%s (n° %d)", name, id) }

// coordinatorLabel is how the coordinator field writes a person, and
// reads them back (by address, which is unique).
func coordinatorLabel(u models.User) string { return fmt.Sprintf("%s (%s)", u.Name, u.Email) }

var (
	clsmLabelID         = regexp.MustCompile(`\(n°\s*(\d+)\)\s*$`)
	coordinatorLabelFor = regexp.MustCompile(`\(([^()\s]+@[^()\s]+)\)\s*$`)
)

// suggestCLSMs answers GET /admin/recherche/clsm?q= with CLSMs by name,
// written as the field reads them back, their coordinator beside.
func (h *Handler) suggestCLSMs(c echo.Context) error {
	out := []suggestion{}
	if q := suggestQuery(c); q != "" {
		rows, err := h.store.FindCLSMChoices(c.Request().Context(), q, maxSuggestions)
		if err != nil {
			return err
		}
		for _, r := range rows {
			label := "sans coordination"
			if r.CoordinatorName != "" {
				label = "coordination : " + r.CoordinatorName
			}
			out = append(out, suggestion{Value: clsmLabel(r.ID, r.Name), Label: label})
		}
	}
	c.Response().Header().Set("Cache-Control", "private, max-age=60")
	return c.JSON(http.StatusOK, out)
}

// suggestCoordinators answers GET /admin/recherche/coordination?q= with
// coordinators by name or address.
func (h *Handler) suggestCoordinators(c echo.Context) error {
	out := []suggestion{}
	if q := suggestQuery(c); q != "" {
		users, err := h.store.FindCoordinators(c.Request().Context(), q, maxSuggestions)
		if err != nil {
			return err
		}
		for _, u := range users {
			label := "compte actif"
			if !u.Active {
				label = "compte désactivé"
			}
			out = append(out, suggestion{Value: coordinatorLabel(u), Label: label})
		}
	}
	c.Response().Header().Set("Cache-Control", "private, max-age=60")
	return c.JSON(http.StatusOK, out)
}

// choiceSearch is what a search field resolved to: the id chosen (0 for
// none), or a French problem, and the matches to offer when the text
// named several (or when the admin pressed « Rechercher »).
type choiceSearch[T any] struct {
	ID      int64
	Problem string
	Matches []T
}

// resolveCLSM reads the CLSM field: empty (none), a choice among the
// matches shown (clsm_choix), the label the suggestions write, a bare id,
// or part of a name that only one CLSM has.
func (h *Handler) resolveCLSM(ctx context.Context, text, picked string) (choiceSearch[models.CLSMRow], error) {
	var out choiceSearch[models.CLSMRow]
	text = strings.TrimSpace(text)
	if id, err := strconv.ParseInt(picked, 10, 64); err == nil && id > 0 {
		text = strconv.FormatInt(id, 10)
	}
	if text == "" {
		return out, nil
	}
	id, err := strconv.ParseInt(text, 10, 64)
	if m := clsmLabelID.FindStringSubmatch(text); m != nil {
		id, err = strconv.ParseInt(m[1], 10, 64)
	}
	if err == nil {
		if _, err := h.store.CLSMChoice(ctx, id); err != nil {
			var nf *models.NotFoundError
			if !errors.As(err, &nf) {
				return out, err
			}
			out.Problem = fmt.Sprintf("Aucun CLSM ne correspond à « %s » : tapez une partie de son nom, puis choisissez-le parmi les propositions.", text)
			return out, nil
		}
		out.ID = id
		return out, nil
	}
	rows, err := h.store.FindCLSMChoices(ctx, text, maxSuggestions+1)
	if err != nil {
		return out, err
	}
	for _, r := range rows {
		if territory.NormalizeName(r.Name) == territory.NormalizeName(text) && len(rows) > 1 {
			rows = []models.CLSMRow{r}
			break
		}
	}
	switch len(rows) {
	case 0:
		out.Problem = fmt.Sprintf("Aucun CLSM ne correspond à « %s » : tapez une partie de son nom, puis choisissez-le parmi les propositions.", text)
	case 1:
		out.ID = rows[0].ID
	default:
		out.Problem = fmt.Sprintf("Plusieurs CLSM correspondent à « %s » : choisissez-en un ci-dessous, ou précisez le nom.", text)
		out.Matches = rows[:min(len(rows), maxSuggestions)]
	}
	return out, nil
}

// resolveCoordinator reads the coordinator field as resolveCLSM reads the
// CLSM field: the label names the person by address. Whether the person
// found may coordinate is the model's rule (CreateCLSM, UpdateCLSM).
func (h *Handler) resolveCoordinator(ctx context.Context, text, picked string) (choiceSearch[models.User], error) {
	var out choiceSearch[models.User]
	text = strings.TrimSpace(text)
	if id, err := strconv.ParseInt(picked, 10, 64); err == nil && id > 0 {
		text = strconv.FormatInt(id, 10)
	}
	if text == "" {
		return out, nil
	}
	if id, err := strconv.ParseInt(text, 10, 64); err == nil {
		out.ID = id // a bare id, as the list of choices posted it
		return out, nil
	}
	query, exact := text, ""
	if m := coordinatorLabelFor.FindStringSubmatch(text); m != nil {
		query, exact = m[1], m[1]
	}
	users, err := h.store.FindCoordinators(ctx, query, maxSuggestions+1)
	if err != nil {
		return out, err
	}
	for _, u := range users {
		if (exact != "" && strings.EqualFold(u.Email, exact)) || (len(users) > 1 && (territory.NormalizeName(u.Name) == territory.NormalizeName(text) || strings.EqualFold(u.Email, text))) {
			users = []models.User{u}
			break
		}
	}
	switch len(users) {
	case 0:
		out.Problem = fmt.Sprintf("Aucune personne chargée de coordination ne correspond à « %s » : tapez une partie de son nom ou de son adresse, puis choisissez-la parmi les propositions.", text)
	case 1:
		out.ID = users[0].ID
	default:
		out.Problem = fmt.Sprintf("Plusieurs personnes correspondent à « %s » : choisissez-en une ci-dessous, ou précisez le nom ou l’adresse.", text)
		out.Matches = users[:min(len(users), maxSuggestions)]
	}
	return out, nil
}

// searchMatches is what « Rechercher » shows: the matches of text, or a
// problem when there are none (or when text is empty).
func searchProblem(text string, n int, what string) string {
	if strings.TrimSpace(text) == "" {
		return "Tapez une partie du nom " + what + " avant de lancer la recherche."
	}
	if n == 0 {
		return fmt.Sprintf("Aucun résultat pour « %s » : essayez une autre partie du nom.", strings.TrimSpace(text))
	}
	return ""
}
