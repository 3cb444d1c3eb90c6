package app

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"quartier/mailer"
	"quartier/models"
)

// TestScheduler_FeedbackOnceAcrossRestartAndTwoInstances runs serve's own
// scheduler in two instances on one database, then one again (a
// restart), after a demo session where three registered people were
// ticked present and one absent: each of the three gets one feedback
// link, delivered once; three days later each still unanswered link gets
// one reminder, delivered once, the answered one none.
func TestScheduler_FeedbackOnceAcrossRestartAndTwoInstances(t *testing.T) {
	w := newJobWorld(t)
	ctx, se := w.ctx, w.session
	regs := w.register(t, "karim@exemple.fr", "lea@exemple.fr", "ines@exemple.fr", "absent@exemple.fr")
	w.setNow(se.StartsAt.Add(30 * time.Minute))
	first := w.open(t)
	if err := first.Store.SaveAttendance(ctx, se.FacilitatorID, se.ID, regs[:3]); err != nil {
		t.Fatal(err)
	}
	first.Store.Close()

	count := func() (links, reminders map[string]int, sent int) {
		t.Helper()
		check := w.open(t)
		defer check.Store.Close()
		msgs, _, err := check.Store.ListOutbox(ctx, models.OutboxFilter{Limit: 2000})
		if err != nil {
			t.Fatal(err)
		}
		links, reminders = map[string]int{}, map[string]int{}
		for _, m := range msgs {
			if m.Kind != mailer.KindFeedback {
				continue
			}
			if strings.HasSuffix(m.DedupKey, ":reminder") {
				reminders[m.DedupKey]++
			} else {
				links[m.DedupKey]++
			}
			if m.Status == models.OutboxSent {
				sent++
			}
		}
		return links, reminders, sent
	}

	// The outbox is a periodic job too: the restart comes a minute later,
	// so that it delivers what the jobs queued after its last run.
	w.setNow(se.EndsAt.Add(time.Hour))
	w.run(t, 2)
	w.setNow(se.EndsAt.Add(time.Hour + time.Minute))
	w.run(t, 1) // a restart
	l, rem, sent := count()
	if len(l) != 3 || len(rem) != 0 || sent != 3 {
		t.Fatalf("after the session: links %v, reminders %v, %d sent; want 3 links each sent once", l, rem, sent)
	}

	// One attendee answers; three days later the two others are reminded.
	a := w.open(t)
	if err := a.Store.AnswerFeedback(ctx, regs[0], models.FeedbackInput{Satisfaction: "4", KnowledgeBefore: "2", KnowledgeAfter: "4",
		KnowsWhere: "oui", Recommend: "oui"}); err != nil {
		t.Fatal(err)
	}
	a.Store.Close()
	w.setNow(se.EndsAt.Add(time.Hour + 73*time.Hour))
	w.run(t, 2)
	w.setNow(se.EndsAt.Add(time.Hour + 73*time.Hour + time.Minute))
	w.run(t, 1)
	l, rem, sent = count()
	if len(l) != 3 || len(rem) != 2 || sent != 5 {
		t.Errorf("after three days: links %v, reminders %v, %d sent; want 2 reminders, each sent once", l, rem, sent)
	}
	for k, n := range rem {
		if n != 1 || strings.HasPrefix(k, "feedback:"+itoa(regs[0])+":") {
			t.Errorf("reminder %s ×%d", k, n)
		}
	}
	check := w.open(t)
	defer check.Store.Close()
	for _, kind := range []string{models.JobFeedbackSend, models.JobFeedbackRemind} {
		j, err := check.Store.JobByDedupKey(ctx, kind)
		if err != nil || j.DoneAt != nil || j.LastError != "" {
			t.Errorf("periodic job %s: %+v %v", kind, j, err)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
