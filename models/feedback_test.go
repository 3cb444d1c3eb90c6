package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// heldDay is a session that took place: n confirmed participants, the
// first present ones ticked present (the others absent), one walk-in, and
// the clock an hour after its end.
func heldDay(t *testing.T, confirmed, present int) *scheduledDay {
	t.Helper()
	f := newScheduledDay(t, confirmed)
	ctx := context.Background()
	f.at(f.session.StartsAt.Add(10 * time.Minute))
	if err := f.s.SaveAttendance(ctx, f.fac.ID, f.session.ID, f.confirmed[:present]); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.AddWalkIn(ctx, f.fac.ID, f.session.ID, WalkInInput{FirstName: "Paul", LastName: "Sur-Place", Category: CategoryResident}); err != nil {
		t.Fatal(err)
	}
	f.at(f.session.EndsAt.Add(time.Hour))
	return f
}

func feedbackKeys(t *testing.T, s *Store) []string {
	t.Helper()
	var keys []string
	if err := s.db.Table("outbox_messages").Where("dedup_key LIKE 'feedback:%'").Order("dedup_key").Pluck("dedup_key", &keys).Error; err != nil {
		t.Fatal(err)
	}
	return keys
}

func goodAnswer() FeedbackInput {
	return FeedbackInput{Satisfaction: "5", KnowledgeBefore: "2", KnowledgeAfter: "4", KnowsWhere: "oui", Recommend: "oui",
		MostUseful: "Les numéros utiles du quartier."}
}

// TestFeedback_LinksGoToAttendeesOnce: the send job makes a link for each
// confirmed registration ticked present (not the absent one, not the
// walk-in, not before the end), queues one message each in the same
// transaction, and a second run sends nothing; the reminder goes after
// three days, once, only to the links still unused.
func TestFeedback_LinksGoToAttendeesOnce(t *testing.T) {
	f := heldDay(t, 4, 3)
	ctx := context.Background()
	f.at(f.session.StartsAt.Add(time.Hour)) // still under way
	if n, err := f.s.SendDueFeedback(ctx); err != nil || n != 0 {
		t.Fatalf("send during the session: %d, %v", n, err)
	}
	f.at(f.session.EndsAt.Add(time.Hour))
	n, err := f.s.SendDueFeedback(ctx)
	if err != nil || n != 3 {
		t.Fatalf("send: %d links, %v; want 3 (the present ones)", n, err)
	}
	want := []string{}
	for _, id := range f.confirmed[:3] {
		want = append(want, fmt.Sprint("feedback:", id, ":0:false"))
	}
	if got := feedbackKeys(t, f.s); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("queued %v, want %v", got, want)
	}
	if n, err := f.s.SendDueFeedback(ctx); err != nil || n != 0 {
		t.Fatalf("second send: %d, %v", n, err)
	}
	var l FeedbackLink
	if err := f.s.db.Take(&l, "registration_id = ?", f.confirmed[0]).Error; err != nil {
		t.Fatal(err)
	}
	if !l.ExpiresAt.Equal(f.s.Now().Add(DefaultFeedbackLinkTTL)) || l.QuestionnaireVersion != 1 {
		t.Errorf("link %+v: want 30 days, version 1", l)
	}

	// One answers before the reminder.
	if err := f.s.AnswerFeedback(ctx, f.confirmed[0], goodAnswer()); err != nil {
		t.Fatal(err)
	}
	f.at(f.s.Now().Add(71 * time.Hour))
	if n, err := f.s.RemindDueFeedback(ctx); err != nil || n != 0 {
		t.Fatalf("reminder before three days: %d, %v", n, err)
	}
	f.at(f.s.Now().Add(2 * time.Hour))
	if n, err := f.s.RemindDueFeedback(ctx); err != nil || n != 2 {
		t.Fatalf("reminders: %d, %v; want the 2 unanswered", n, err)
	}
	if n, err := f.s.RemindDueFeedback(ctx); err != nil || n != 0 {
		t.Fatalf("second reminder sweep: %d, %v", n, err)
	}
	got := feedbackKeys(t, f.s)
	if len(got) != 5 || !strings.Contains(strings.Join(got, " "), fmt.Sprint("feedback:", f.confirmed[1], ":0:true")) ||
		strings.Contains(strings.Join(got, " "), fmt.Sprint("feedback:", f.confirmed[0], ":0:true")) {
		t.Errorf("after reminders: %v", got)
	}
}

// TestFeedback_AnswerOnceAnonymously: an answer marks the link used and
// is stored with the session, the version and the day only; a second
// answer is ErrFeedbackUsed and stores nothing; bad input stores nothing
// and leaves the link usable; an expired link is ErrFeedbackExpired.
func TestFeedback_AnswerOnceAnonymously(t *testing.T) {
	f := heldDay(t, 2, 2)
	ctx := context.Background()
	if _, err := f.s.SendDueFeedback(ctx); err != nil {
		t.Fatal(err)
	}
	reg := f.confirmed[0]
	bad := goodAnswer()
	bad.Satisfaction, bad.KnowsWhere, bad.Improve = "9", "peut-être", strings.Repeat("x", MaxFeedbackText+1)
	var ve *ValidationError
	if err := f.s.AnswerFeedback(ctx, reg, bad); !errors.As(err, &ve) || ve.Fields["satisfaction"] == "" ||
		ve.Fields["knows_where"] == "" || ve.Fields["improve"] == "" {
		t.Fatalf("bad answer: %v", err)
	}
	if form, _ := f.s.FeedbackFormOf(ctx, reg); form.Used() {
		t.Fatal("a refused answer used the link")
	}
	if err := f.s.AnswerFeedback(ctx, reg, goodAnswer()); err != nil {
		t.Fatal(err)
	}
	if err := f.s.AnswerFeedback(ctx, reg, goodAnswer()); !errors.Is(err, ErrFeedbackUsed) {
		t.Fatalf("second answer: %v, want ErrFeedbackUsed", err)
	}
	var answers []FeedbackAnswer
	f.s.db.Find(&answers)
	if len(answers) != 1 {
		t.Fatalf("%d answers stored, want 1", len(answers))
	}
	a := answers[0]
	if a.SessionID != f.session.ID || a.QuestionnaireVersion != 1 || a.Satisfaction != 5 || a.KnowsWhere != KnowsWhereYes || !a.Recommend ||
		a.AnsweredOn.Hour() != 0 || a.Extra != "{}" {
		t.Errorf("stored %+v", a)
	}
	if a.ID == reg || a.ID < 1 {
		t.Errorf("answer id %d", a.ID)
	}
	if form, err := f.s.FeedbackFormOf(ctx, reg); err != nil || !form.Used() {
		t.Errorf("link after the answer: %+v %v", form, err)
	}

	// The other link expires unused.
	f.at(f.s.Now().Add(DefaultFeedbackLinkTTL))
	if err := f.s.AnswerFeedback(ctx, f.confirmed[1], goodAnswer()); !errors.Is(err, ErrFeedbackExpired) {
		t.Fatalf("expired link: %v", err)
	}
	if n, err := f.s.RemindDueFeedback(ctx); err != nil || n != 0 {
		t.Errorf("an expired link was reminded: %d %v", n, err)
	}
	if _, err := f.s.FeedbackFormOf(ctx, 999999); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown link: %v", err)
	}
}

// TestFeedback_SummaryOnlyFromFive: under five answers only the counts
// come out; from five, distributions, means, shares and the free texts.
func TestFeedback_SummaryOnlyFromFive(t *testing.T) {
	f := heldDay(t, 6, 6)
	ctx := context.Background()
	if _, err := f.s.SendDueFeedback(ctx); err != nil {
		t.Fatal(err)
	}
	for i, reg := range f.confirmed[:5] {
		in := goodAnswer()
		in.Satisfaction = fmt.Sprint(3 + i%3)
		in.KnowsWhere = string(KnowsWhereAnswers[i%3])
		if i == 4 {
			in.Recommend, in.MostUseful = "non", ""
		}
		if err := f.s.AnswerFeedback(ctx, reg, in); err != nil {
			t.Fatal(err)
		}
		sum, err := f.s.FeedbackSummaryOf(ctx, f.session.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Answers != i+1 || sum.LinksSent != 6 {
			t.Fatalf("after %d answers: %+v", i+1, sum)
		}
		if i < 4 && (sum.Enough || sum.MostUseful != nil || sum.Satisfaction != [5]int{}) {
			t.Fatalf("%d answers: aggregate shown: %+v", i+1, sum)
		}
	}
	sum, _ := f.s.FeedbackSummaryOf(ctx, f.session.ID)
	if !sum.Enough || sum.Satisfaction != [5]int{0, 0, 2, 2, 1} || sum.SatisfactionMean != 38 || sum.BeforeMean != 20 || sum.AfterMean != 40 ||
		sum.Improved != 5 || sum.KnowsWhere != [3]int{2, 2, 1} || sum.Recommend != 4 || len(sum.MostUseful) != 4 || sum.ResponseRate() != 83 {
		t.Errorf("summary %+v (rate %d)", sum, sum.ResponseRate())
	}
}

// TestQuestionnaire_VersionTwoAddsAQuestion: an admin adds a version with
// a choice question and picks it for the season; links made afterwards
// ask it; its answer is validated against the options and stored in extra.
func TestQuestionnaire_VersionTwoAddsAQuestion(t *testing.T) {
	f := heldDay(t, 2, 2)
	ctx := context.Background()
	var ve *ValidationError
	if _, err := f.s.CreateQuestionnaire(ctx, f.admin.ID, "Questionnaire 2027", []NewQuestion{{Label: "Comment avez-vous connu la séance ?", Kind: QuestionChoice, Options: "Seule"}}); !errors.As(err, &ve) || ve.Fields["question_1"] == "" {
		t.Fatalf("choice with one option: %v", err)
	}
	q, err := f.s.CreateQuestionnaire(ctx, f.admin.ID, "Questionnaire 2027", []NewQuestion{
		{Label: "Comment avez-vous connu la séance ?", Kind: QuestionChoice, Options: "Par ma structure\nPar une affiche\nAutrement"},
		{}, // a blank row is skipped
	})
	if err != nil || q.Version != 2 {
		t.Fatalf("create: %+v %v", q, err)
	}
	var seasonID int64
	f.s.db.Table("requests").Where("id = ?", f.req.ID).Pluck("season_id", &seasonID)
	if err := f.s.SetSeasonQuestionnaire(ctx, f.admin.ID, seasonID, 2); err != nil {
		t.Fatal(err)
	}
	if err := f.s.SetSeasonQuestionnaire(ctx, f.admin.ID, seasonID, 7); !errors.As(err, &ve) {
		t.Errorf("unknown version: %v", err)
	}
	if _, err := f.s.SendDueFeedback(ctx); err != nil {
		t.Fatal(err)
	}
	form, err := f.s.FeedbackFormOf(ctx, f.confirmed[0])
	if err != nil || form.Version != 2 || len(form.Questions) != 1 || form.Questions[0].Key != "q2_1" {
		t.Fatalf("form %+v %v", form, err)
	}
	in := goodAnswer()
	in.Extra = map[string]string{"q2_1": "Par la radio"}
	if err := f.s.AnswerFeedback(ctx, f.confirmed[0], in); !errors.As(err, &ve) || ve.Fields["q_q2_1"] == "" {
		t.Fatalf("answer outside the options: %v", err)
	}
	in.Extra["q2_1"] = "Par une affiche"
	if err := f.s.AnswerFeedback(ctx, f.confirmed[0], in); err != nil {
		t.Fatal(err)
	}
	var a FeedbackAnswer
	f.s.db.Take(&a)
	if a.QuestionnaireVersion != 2 || a.Extra != `{"q2_1":"Par une affiche"}` {
		t.Errorf("stored %+v", a)
	}
}
