package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"quartier/models"
)

// manifestFeedbackLinks is how many unused feedback links the manifest
// hands out, all of one recent held session that already shows its
// aggregate.
const manifestFeedbackLinks = 10

// Free texts as participants write them: short, plain, sometimes a
// little clumsy.
var (
	feedbackUseful = []string{
		"Savoir qu’il existe un centre médico-psychologique tout près et qu’on peut y aller sans ordonnance.",
		"Les numéros utiles, surtout le 3114. Je ne le connaissais pas.",
		"Comprendre la différence entre un coup de déprime et une vraie dépression.",
		"Les échanges avec les autres participants, on se sent moins seul.",
		"Le jeu sur les idées reçues, ça m’a fait réfléchir.",
		"Pouvoir poser des questions sans être jugée.",
		"Rencontrer les professionnels du quartier, maintenant je sais à qui m’adresser.",
		"Les conseils pour parler à un voisin qui ne va pas bien.",
		"La liste des lieux d’écoute du quartier.",
	}
	feedbackImprove = []string{
		"Un peu long, une pause de plus serait bien.",
		"Plus de temps pour les questions à la fin.",
		"Faire la séance un samedi pour ceux qui travaillent.",
		"Donner un document à emporter avec les adresses.",
		"La salle était trop petite pour autant de monde.",
		"Refaire une séance dans quelques mois pour aller plus loin.",
		"Le son en visio coupait par moments.",
	}
)

// seedFeedback gives every held and closed session of the demo whose
// attendance is ticked its feedback: a link per attendee, sent two hours
// after the end, and answers from 50 to 80 % of them (satisfaction mostly
// 4 or 5, knowledge higher after than before, a few free texts), each
// within the days after the link. Links older than their lifetime are
// expired, unused ones reminded. The latest held session with enough
// attendees keeps manifestFeedbackLinks links unused for the manifest,
// and answers from at least models.MinFeedbackGroup others.
func seedFeedback(ctx context.Context, d Deps) ([]string, error) {
	s := d.Store
	now := s.Now()
	var rows []models.RequestRow
	for _, st := range []models.RequestState{models.RequestHeld, models.RequestClosed} {
		got, err := s.ListRequests(ctx, models.RequestFilter{State: st})
		if err != nil {
			return nil, err
		}
		rows = append(rows, got...)
	}
	type held struct {
		se    models.Session
		regs  []int64
		sheet bool
	}
	var sessions []held
	for _, row := range rows {
		r, err := s.RequestByID(ctx, row.ID)
		if err != nil {
			return nil, err
		}
		if r.Session == nil || r.Session.EndsAt.After(now) {
			continue
		}
		regs, err := s.FeedbackAttendees(ctx, r.Session.ID)
		if err != nil {
			return nil, err
		}
		if len(regs) > 0 {
			sessions = append(sessions, held{se: *r.Session, regs: regs})
		}
	}
	sort.Slice(sessions, func(i, j int) bool { return sessions[i].se.StartsAt.Before(sessions[j].se.StartsAt) })
	showcase := -1
	for i, h := range sessions {
		if h.se.State == models.SessionHeld && len(h.regs) >= manifestFeedbackLinks+models.MinFeedbackGroup {
			showcase = i
		}
	}
	var out []string
	for i, h := range sessions {
		rng := rand.New(rand.NewPCG(uint64(h.se.ID), 17))
		sent := h.se.EndsAt.Add(2 * time.Hour)
		n := len(h.regs)
		answering := (n*50 + 99) / 100
		answering += rng.IntN(max(n*80/100-answering, 0) + 1)
		if i == showcase {
			answering = min(max(answering, models.MinFeedbackGroup), n-manifestFeedbackLinks)
		}
		seed := models.FeedbackSeed{SentAt: sent, Answers: map[int64]models.SeedAnswer{}}
		order := rng.Perm(n)
		for k := 0; k < answering; k++ {
			// Most answer within two days, some after the reminder.
			at := sent.Add(time.Duration(rng.IntN(48*60)) * time.Minute)
			if rng.IntN(4) == 0 {
				at = sent.Add(72*time.Hour + time.Duration(rng.IntN(72*60))*time.Minute)
			}
			if at.After(now) {
				at = now.Add(-time.Duration(1+rng.IntN(60)) * time.Minute)
			}
			if at.Before(sent) {
				continue // the session ended a moment ago: nobody answered yet
			}
			seed.Answers[h.regs[order[k]]] = models.SeedAnswer{Input: demoAnswer(rng), At: at}
		}
		if err := s.SeedFeedback(ctx, h.se.ID, seed); err != nil {
			return nil, fmt.Errorf("demo feedback of session %d: %w", h.se.ID, err)
		}
		if i == showcase && d.Links != nil {
			for _, id := range h.regs {
				if _, used := seed.Answers[id]; !used && len(out) < manifestFeedbackLinks {
					out = append(out, strings.TrimPrefix(d.Links.FeedbackURL(id, 0), d.Links.Base()))
				}
			}
		}
	}
	return out, nil
}

// demoAnswer is one plausible answer: satisfied on the whole, knowing
// more after than before, a free text now and then.
func demoAnswer(rng *rand.Rand) models.FeedbackInput {
	sat := []int{5, 5, 5, 4, 4, 4, 4, 3, 3, 2}[rng.IntN(10)]
	before := 1 + rng.IntN(3)
	after := min(5, before+[]int{0, 1, 1, 2, 2, 2, 3}[rng.IntN(7)])
	in := models.FeedbackInput{
		Satisfaction: fmt.Sprint(sat), KnowledgeBefore: fmt.Sprint(before), KnowledgeAfter: fmt.Sprint(after),
		KnowsWhere: string([]models.KnowsWhere{models.KnowsWhereYes, models.KnowsWhereYes, models.KnowsWhereYes,
			models.KnowsWhereUnsure, models.KnowsWhereNo}[rng.IntN(5)]),
		Recommend: "oui",
	}
	if sat <= 2 || rng.IntN(12) == 0 {
		in.Recommend = "non"
	}
	if rng.IntN(3) == 0 {
		in.MostUseful = feedbackUseful[rng.IntN(len(feedbackUseful))]
	}
	if rng.IntN(4) == 0 {
		in.Improve = feedbackImprove[rng.IntN(len(feedbackImprove))]
	}
	return in
}
