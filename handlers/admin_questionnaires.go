package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"quartier/models"
)

// questionnairesPage lists the questionnaire versions with their added
// questions, the seasons with the version each uses, and the form that
// creates a version (the newest one plus up to five questions).
type questionnairesPage struct {
	Versions []questionnaireVersion
	Seasons  []models.SeasonQuestionnaire
	Title    string
	Rows     []questionRow
	Kinds    []kindChoice
	Errors   formErrors
}

// questionnaireVersion is one version with its decoded questions.
type questionnaireVersion struct {
	models.Questionnaire
	Questions []models.Question
}

// questionRow is one row of the creation form, as typed.
type questionRow struct {
	N                    int
	Label, Kind, Options string
}

type kindChoice struct{ Value, Label string }

func (h *Handler) questionnairesPageData(c echo.Context, p questionnairesPage) (questionnairesPage, error) {
	ctx := c.Request().Context()
	qs, err := h.store.Questionnaires(ctx)
	if err != nil {
		return p, err
	}
	for _, q := range qs {
		questions, err := q.Questions()
		if err != nil {
			return p, err
		}
		p.Versions = append(p.Versions, questionnaireVersion{Questionnaire: q, Questions: questions})
	}
	if p.Seasons, err = h.store.SeasonQuestionnaires(ctx); err != nil {
		return p, err
	}
	for _, k := range models.QuestionKinds {
		p.Kinds = append(p.Kinds, kindChoice{Value: string(k), Label: k.Label()})
	}
	if p.Rows == nil {
		for n := 1; n <= models.MaxAddedQuestions; n++ {
			p.Rows = append(p.Rows, questionRow{N: n, Kind: string(models.QuestionScale)})
		}
	}
	return p, nil
}

func (h *Handler) listQuestionnaires(c echo.Context) error {
	p, err := h.questionnairesPageData(c, questionnairesPage{})
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, pageAdminQuestionnaires, "seasons", p)
}

// createQuestionnaire stores a new version from the form.
func (h *Handler) createQuestionnaire(c echo.Context) error {
	p := questionnairesPage{Title: c.FormValue("title"), Errors: formProblems(c)}
	var added []models.NewQuestion
	for n := 1; n <= models.MaxAddedQuestions; n++ {
		i := strconv.Itoa(n)
		row := questionRow{N: n, Label: c.FormValue("label_" + i), Kind: c.FormValue("kind_" + i), Options: c.FormValue("options_" + i)}
		p.Rows = append(p.Rows, row)
		added = append(added, models.NewQuestion{Label: row.Label, Kind: models.QuestionKind(row.Kind), Options: row.Options})
	}
	if len(p.Errors) == 0 {
		q, err := h.store.CreateQuestionnaire(c.Request().Context(), currentUser(c).ID, p.Title, added)
		if p.Errors, err = mergeFieldErrors(p.Errors, err); err != nil {
			return err
		}
		if len(p.Errors) == 0 {
			return h.redirect(c, "/admin/questionnaires", "success",
				fmt.Sprintf("Version %d « %s » créée. Choisissez-la ci-dessous pour la saison qui doit la poser.", q.Version, q.Title))
		}
	}
	p, err := h.questionnairesPageData(c, p)
	if err != nil {
		return err
	}
	return h.render(c, invalidForm, pageAdminQuestionnaires, "seasons", p)
}

// chooseSeasonQuestionnaire makes a season use the version chosen.
func (h *Handler) chooseSeasonQuestionnaire(c echo.Context, se models.Season) error {
	v, err := strconv.Atoi(strings.TrimSpace(c.FormValue("version")))
	if err != nil {
		v = 0
	}
	if err := h.store.SetSeasonQuestionnaire(c.Request().Context(), currentUser(c).ID, se.ID, v); err != nil {
		var ce *models.ConflictError
		if errs, ferr := fieldErrors(err); ferr == nil && errs != nil {
			return h.redirect(c, "/admin/questionnaires", "error", errs["version"])
		} else if errors.As(err, &ce) {
			return h.redirect(c, "/admin/questionnaires", "error", ce.Message)
		}
		return err
	}
	return h.redirect(c, "/admin/questionnaires", "success",
		fmt.Sprintf("La saison « %s » pose désormais la version %d du questionnaire aux séances à venir ; les questionnaires déjà envoyés gardent la leur.", se.Name, v))
}
