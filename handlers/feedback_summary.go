package handlers

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"quartier/models"
)

// feedbackSummaryPage is the aggregate of a session's answers, for its
// facilitator, its coordinator and the administrators.
type feedbackSummaryPage struct {
	dayHeading
	Summary models.FeedbackSummary
	Min     int
	// Back is the page of the session's day this page is linked from.
	Back, BackLabel string
	Bars            []feedbackBars
	KnowsWhere      []shareRow
	RecommendShare  int
}

// feedbackBars is one distribution of notes 1 to 5, with each share.
type feedbackBars struct {
	ID, Title string
	Mean      string
	Rows      []shareRow
}

// shareRow is one answer, how many gave it and its share in percents.
type shareRow struct {
	Label   string
	Count   int
	Percent int
}

func barsOf(id, title string, counts [5]int, mean, total int) feedbackBars {
	b := feedbackBars{ID: id, Title: title, Mean: tenths(mean)}
	for i, n := range counts {
		b.Rows = append(b.Rows, shareRow{Label: fmt.Sprint(i + 1), Count: n, Percent: models.Percent(n, total)})
	}
	return b
}

// tenths writes 42 as « 4,2 ».
func tenths(n int) string { return fmt.Sprintf("%d,%d", n/10, n%10) }

// feedbackSummaryOf builds the page of session se's answers.
func (h *Handler) feedbackSummaryOf(c echo.Context, hd dayHeading) (feedbackSummaryPage, error) {
	sum, err := h.store.FeedbackSummaryOf(c.Request().Context(), hd.Session.ID)
	if err != nil {
		return feedbackSummaryPage{}, err
	}
	p := feedbackSummaryPage{dayHeading: hd, Summary: sum, Min: models.MinFeedbackGroup}
	if sum.Enough {
		n := sum.Answers
		p.Bars = []feedbackBars{
			barsOf("satisfaction", "Satisfaction générale", sum.Satisfaction, sum.SatisfactionMean, n),
			barsOf("avant", "Connaissances en santé mentale avant la séance", sum.Before, sum.BeforeMean, n),
			barsOf("apres", "Connaissances en santé mentale après la séance", sum.After, sum.AfterMean, n),
		}
		for i, k := range models.KnowsWhereAnswers {
			p.KnowsWhere = append(p.KnowsWhere, shareRow{Label: k.Label(), Count: sum.KnowsWhere[i], Percent: models.Percent(sum.KnowsWhere[i], n)})
		}
		p.RecommendShare = models.Percent(sum.Recommend, n)
	}
	return p, nil
}

// showSessionFeedback shows the answers of a session the facilitator led.
func (h *Handler) showSessionFeedback(c echo.Context, se models.Session) error {
	hd, err := h.dayHeadingOf(c.Request().Context(), se)
	if err != nil {
		return err
	}
	p, err := h.feedbackSummaryOf(c, hd)
	if err != nil {
		return err
	}
	p.Back, p.BackLabel = fmt.Sprintf("/seances/%d/presences", se.ID), "Revenir aux présences"
	return h.render(c, http.StatusOK, pageFeedbackSummary, "", p)
}

// showRequestFeedback shows the answers of a request's live session, for
// its coordinator (or an administrator).
func (h *Handler) showRequestFeedback(c echo.Context, r models.Request) error {
	d, err := h.requestDayOf(c, r)
	if err != nil {
		return err
	}
	p, err := h.feedbackSummaryOf(c, d.dayHeading)
	if err != nil {
		return err
	}
	p.Back, p.BackLabel = d.Base, "Revenir à la demande"
	return h.render(c, http.StatusOK, pageFeedbackSummary, navOf(c), p)
}
