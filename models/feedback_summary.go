package models

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
)

// FeedbackSummary aggregates the answers of one session. Under
// MinFeedbackGroup answers only the counts are filled (Enough false):
// nothing else is shown, so that no answer can be traced to a person.
type FeedbackSummary struct {
	LinksSent int
	Answers   int
	Enough    bool
	// Satisfaction, Before and After count the answers 1 to 5 (index 0
	// is the note 1).
	Satisfaction, Before, After [5]int
	// Means, in tenths (42 is 4,2), so that pages print them without
	// floating point.
	SatisfactionMean, BeforeMean, AfterMean int
	// Improved counts the answers whose knowledge after is above before.
	Improved int
	// KnowsWhere counts oui, non and ne_sait_pas (KnowsWhereAnswers order).
	KnowsWhere [3]int
	Recommend  int
	// MostUseful and Improve are the free texts, sorted (never in the
	// order they came).
	MostUseful, Improve []string
	// Extra aggregates the added questions of the newest version answered.
	Extra []ExtraSummary
}

// ExtraSummary aggregates one added question: the count of each answer
// (Counts, for scale, yes/no and choice questions) or its texts.
type ExtraSummary struct {
	Question Question
	Counts   []LabelCount
	Texts    []string
	Answered int
}

// LabelCount is one answer and how many gave it.
type LabelCount struct {
	Label string
	Count int
}

// Percent is part of whole in whole percents, rounded; 0 when whole is 0.
func Percent(part, whole int) int {
	if whole == 0 {
		return 0
	}
	return (200*part + whole) / (2 * whole)
}

// ResponseRate is answers per link sent, in percents.
func (f FeedbackSummary) ResponseRate() int { return Percent(f.Answers, f.LinksSent) }

// FeedbackSummaryOf aggregates session sessionID's answers, in three
// queries whatever their number.
func (s *Store) FeedbackSummaryOf(ctx context.Context, sessionID int64) (FeedbackSummary, error) {
	var out FeedbackSummary
	db := s.q(ctx)
	var sent int64
	if err := db.Model(&FeedbackLink{}).Where("session_id = ? AND sent_at IS NOT NULL", sessionID).Count(&sent).Error; err != nil {
		return out, fmt.Errorf("feedback links of session %d: %w", sessionID, err)
	}
	out.LinksSent = int(sent)
	var answers []FeedbackAnswer
	if err := db.Where("session_id = ?", sessionID).Find(&answers).Error; err != nil {
		return out, fmt.Errorf("feedback answers of session %d: %w", sessionID, err)
	}
	out.Answers = len(answers)
	if out.Answers < MinFeedbackGroup {
		return out, nil
	}
	out.Enough = true
	version := 1
	var sums [3]int
	for _, a := range answers {
		out.Satisfaction[a.Satisfaction-1]++
		out.Before[a.KnowledgeBefore-1]++
		out.After[a.KnowledgeAfter-1]++
		sums[0] += a.Satisfaction
		sums[1] += a.KnowledgeBefore
		sums[2] += a.KnowledgeAfter
		if a.KnowledgeAfter > a.KnowledgeBefore {
			out.Improved++
		}
		for i, k := range KnowsWhereAnswers {
			if a.KnowsWhere == k {
				out.KnowsWhere[i]++
			}
		}
		if a.Recommend {
			out.Recommend++
		}
		if a.MostUseful != "" {
			out.MostUseful = append(out.MostUseful, a.MostUseful)
		}
		if a.Improve != "" {
			out.Improve = append(out.Improve, a.Improve)
		}
		version = max(version, a.QuestionnaireVersion)
	}
	n := out.Answers
	out.SatisfactionMean, out.BeforeMean, out.AfterMean = (sums[0]*10+n/2)/n, (sums[1]*10+n/2)/n, (sums[2]*10+n/2)/n
	sort.Strings(out.MostUseful)
	sort.Strings(out.Improve)
	if version > 1 {
		q, err := s.Questionnaire(ctx, version)
		if err != nil {
			return out, err
		}
		qs, err := q.Questions()
		if err != nil {
			return out, err
		}
		out.Extra = extraSummaries(qs, answers)
	}
	return out, nil
}

// extraSummaries aggregates the answers to the added questions qs.
func extraSummaries(qs []Question, answers []FeedbackAnswer) []ExtraSummary {
	decoded := make([]map[string]any, len(answers))
	for i, a := range answers {
		_ = json.Unmarshal([]byte(a.Extra), &decoded[i]) // a bad row counts as unanswered
	}
	out := make([]ExtraSummary, 0, len(qs))
	for _, q := range qs {
		e := ExtraSummary{Question: q}
		var labels []string
		switch q.Kind {
		case QuestionScale:
			labels = []string{"1", "2", "3", "4", "5"}
		case QuestionYesNo:
			labels = []string{"oui", "non"}
		case QuestionChoice:
			labels = q.Options
		}
		counts := map[string]int{}
		for _, d := range decoded {
			v, ok := d[q.Key]
			if !ok {
				continue
			}
			e.Answered++
			text := fmt.Sprint(v)
			if q.Kind == QuestionText {
				e.Texts = append(e.Texts, text)
			} else {
				counts[text]++
			}
		}
		for _, l := range labels {
			e.Counts = append(e.Counts, LabelCount{Label: l, Count: counts[l]})
		}
		sort.Strings(e.Texts)
		out = append(out, e)
	}
	return out
}
