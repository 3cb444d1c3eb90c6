package handlers

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"quartier/frtime"
	"quartier/links"
	"quartier/models"
)

// feedbackPage is the questionnaire behind an attendee's feedback link, or
// its thanks once answered (Done).
type feedbackPage struct {
	Form    models.FeedbackForm
	When    string
	Done    bool
	Answer  feedbackForm
	Errors  formErrors
	Scale   []int
	Knows   []models.KnowsWhere
	MaxText int
}

// feedbackForm is the questionnaire as posted, kept to show it again.
type feedbackForm struct {
	models.FeedbackInput
}

// ExtraOf is the answer given to added question key.
func (f feedbackForm) ExtraOf(key string) string { return f.Extra[key] }

// withFeedbackLink verifies an attendee's feedback token (:token). A
// forged, revoked or unknown link is the same friendly 404.
func (h *Handler) withFeedbackLink(fn func(echo.Context, int64) error) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		id, err := h.links.Verify(links.Feedback, c.Param("token"), func(id int64) (int, error) {
			v, err := h.store.FeedbackLinkVersion(ctx, id)
			if errors.Is(err, models.ErrNotFound) {
				return 0, links.ErrInvalid
			}
			return v, err
		})
		if errors.Is(err, links.ErrInvalid) {
			return unknownFeedbackLink()
		}
		if err != nil {
			return err
		}
		return fn(c, id)
	}
}

func unknownFeedbackLink() error {
	return newPageError(http.StatusNotFound, "Lien de questionnaire non valable",
		"Ce lien vers le questionnaire de satisfaction n’existe pas : il a peut-être été mal copié.",
		"Ouvrez le lien directement depuis le message reçu après la séance, sans le recopier.")
}

func expiredFeedbackLink() error {
	return newPageError(http.StatusGone, "Questionnaire fermé",
		"Le délai pour donner votre avis sur cette séance est passé : ce lien n’est plus valable.",
		"Merci d’avoir participé à la séance. Pour une remarque, vous pouvez toujours écrire à l’équipe du programme (page Contact).")
}

// showFeedback shows the questionnaire, or the thanks when the link has
// answered already. Opening the link changes nothing: mail scanners open
// links, and a person may open it twice before answering.
func (h *Handler) showFeedback(c echo.Context, regID int64) error {
	form, err := h.store.FeedbackFormOf(c.Request().Context(), regID)
	if err != nil {
		return err
	}
	if form.Expired(h.now()) {
		return expiredFeedbackLink()
	}
	return h.renderFeedback(c, http.StatusOK, form, feedbackForm{}, nil)
}

func (h *Handler) renderFeedback(c echo.Context, status int, form models.FeedbackForm, answer feedbackForm, errs formErrors) error {
	return h.render(c, status, pageFeedback, "", feedbackPage{
		Form: form, When: frtime.Range(form.StartsAt, form.EndsAt, sessionZone(form.TimeZone)), Done: form.Used(),
		Answer: answer, Errors: errs, Scale: []int{1, 2, 3, 4, 5}, Knows: models.KnowsWhereAnswers, MaxText: models.MaxFeedbackText,
	})
}

// answerFeedback stores the answer: once. A second post gets the thanks
// with 410 Gone; bad input the questionnaire again, with what was chosen
// and the messages next to the questions.
func (h *Handler) answerFeedback(c echo.Context, regID int64) error {
	ctx := c.Request().Context()
	ok, err := h.store.AllowRate(ctx, fmt.Sprintf("feedback-link:%d", regID), h.cfg.Feedback.PostsPerLink, h.cfg.Feedback.RateWindow.Duration)
	if err != nil {
		return err
	}
	if !ok {
		return newPageError(http.StatusTooManyRequests, "Trop d’envois en peu de temps",
			"Ce questionnaire a été envoyé de très nombreuses fois en quelques minutes : les envois suivants sont suspendus un moment.",
			"Patientez un quart d’heure, puis réessayez.")
	}
	form, err := h.store.FeedbackFormOf(ctx, regID)
	if err != nil {
		return err
	}
	answer := feedbackForm{models.FeedbackInput{
		Satisfaction: c.FormValue("satisfaction"), KnowledgeBefore: c.FormValue("knowledge_before"),
		KnowledgeAfter: c.FormValue("knowledge_after"), KnowsWhere: c.FormValue("knows_where"), Recommend: c.FormValue("recommend"),
		MostUseful: c.FormValue("most_useful"), Improve: c.FormValue("improve"), Extra: map[string]string{},
	}}
	for _, q := range form.Questions {
		answer.Extra[q.Key] = c.FormValue("q_" + q.Key)
	}
	if form.Used() {
		return h.renderFeedback(c, http.StatusGone, form, feedbackForm{}, nil)
	}
	if form.Expired(h.now()) {
		return expiredFeedbackLink()
	}
	if errs := formProblems(c); len(errs) > 0 {
		// Every message at once: the bounds of the fields and the answers.
		for k, m := range answer.Problems(form.Questions) {
			if _, ok := errs[k]; !ok {
				errs[k] = m
			}
		}
		return h.renderFeedback(c, invalidForm, form, answer, errs)
	}
	err = h.store.AnswerFeedback(ctx, regID, answer.FeedbackInput)
	switch {
	case errors.Is(err, models.ErrFeedbackUsed):
		used := h.now()
		form.UsedAt = &used
		return h.renderFeedback(c, http.StatusGone, form, feedbackForm{}, nil)
	case errors.Is(err, models.ErrFeedbackExpired):
		return expiredFeedbackLink()
	}
	if errs, err := fieldErrors(err); err != nil {
		return err
	} else if errs != nil {
		return h.renderFeedback(c, invalidForm, form, answer, errs)
	}
	// POST/redirect/GET: the link's page now shows the thanks.
	return c.Redirect(http.StatusSeeOther, c.Request().URL.Path)
}
