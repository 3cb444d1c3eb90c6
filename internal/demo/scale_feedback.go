package demo

import (
	"math/rand/v2"
	"strconv"
	"time"

	"quartier/models"
)

// feedback gives the programme's ticked sessions what the plain demo's
// have (seedFeedback): a link per attendee, sent two hours after the end,
// answered by 50 to 80 % of them, reminded three days later when
// unanswered then; written in batches with the rest of the programme.
func (g *generator) feedback(rows *programmeRows, rng *rand.Rand) {
	attendees := map[int64][]int64{}
	for _, a := range rows.attendances {
		if a.RegistrationID != nil && a.Present {
			attendees[a.SessionID] = append(attendees[a.SessionID], *a.RegistrationID)
		}
	}
	for si := range rows.sessions {
		se := &rows.sessions[si]
		regs := attendees[se.ID]
		if len(regs) == 0 || se.EndsAt.After(g.now) {
			continue
		}
		sent := se.EndsAt.Add(2 * time.Hour)
		expires := sent.Add(models.DefaultFeedbackLinkTTL)
		remind := sent.Add(models.DefaultFeedbackReminderAfter)
		n := len(regs)
		answering := (n*50 + 99) / 100
		answering += rng.IntN(max(n*80/100-answering, 0) + 1)
		answered := map[int]bool{}
		for _, k := range rng.Perm(n)[:answering] {
			answered[k] = true
		}
		for k, reg := range regs {
			l := models.FeedbackLink{RegistrationID: reg, SessionID: se.ID, QuestionnaireVersion: 1, SentAt: &sent, ExpiresAt: expires, CreatedAt: sent}
			if answered[k] {
				at := sent.Add(time.Duration(rng.IntN(48*60)) * time.Minute)
				if rng.IntN(4) == 0 {
					at = remind.Add(time.Duration(rng.IntN(72*60)) * time.Minute)
				}
				if at.After(g.now) {
					at = g.now
				}
				if at.Before(sent) {
					at = sent
				}
				in := demoAnswer(rng)
				sat, _ := strconv.Atoi(in.Satisfaction)
				before, _ := strconv.Atoi(in.KnowledgeBefore)
				after, _ := strconv.Atoi(in.KnowledgeAfter)
				y, m, d := at.In(se.Location()).Date()
				rows.answers = append(rows.answers, models.FeedbackAnswer{ID: g.id("feedback_answers"), SessionID: se.ID, QuestionnaireVersion: 1,
					Satisfaction: sat, KnowledgeBefore: before, KnowledgeAfter: after, KnowsWhere: models.KnowsWhere(in.KnowsWhere),
					Recommend: in.Recommend == "oui", MostUseful: in.MostUseful, Improve: in.Improve, Extra: "{}",
					AnsweredOn: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)})
				l.UsedAt = &at
			}
			if !remind.After(g.now) && (l.UsedAt == nil || l.UsedAt.After(remind)) {
				l.RemindedAt = &remind
			}
			rows.feedbackLinks = append(rows.feedbackLinks, l)
		}
	}
}
