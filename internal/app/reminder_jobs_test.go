package app

import (
	"testing"
	"time"

	"quartier/mailer"
	"quartier/models"
)

// TestScheduler_RemindersOnceAcrossRestartAndTwoInstances runs serve's own
// scheduler (its registered jobs, the real composer and outbox) in two
// instances on one SQLite file, each with its own store as two serve
// processes would, a week before a demo session with two participants;
// then one instance again after both stopped (a restart); the same the
// day before. Each reminder, the week's and the day's, is queued and
// delivered exactly once: the facilitator's, the coordinator's and each
// participant's.
func TestScheduler_RemindersOnceAcrossRestartAndTwoInstances(t *testing.T) {
	w := newJobWorld(t)
	ctx, se := w.ctx, w.session
	w.register(t, "karim@exemple.fr", "lea@exemple.fr")
	// The demo has already signed people up to this session: every
	// confirmed one is reminded, with the facilitator and the coordinator.
	var confirmed int
	if err := w.sqlDB(t).QueryRow(`SELECT COUNT(*) FROM registrations WHERE session_id = ? AND state = 'confirmed'`, se.ID).Scan(&confirmed); err != nil {
		t.Fatal(err)
	}
	want := confirmed + 2

	w.setNow(se.StartsAt.Add(-7*24*time.Hour + time.Minute))
	reminders := func(kinds int) {
		t.Helper()
		check := w.open(t)
		defer check.Store.Close()
		msgs, _, err := check.Store.ListOutbox(ctx, models.OutboxFilter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		keys := map[string]int{}
		sent := 0
		for _, m := range msgs {
			if m.Kind != mailer.KindReminder {
				continue
			}
			keys[m.DedupKey]++
			if m.Status == models.OutboxSent {
				sent++
			}
		}
		if len(keys) != kinds*want || sent != kinds*want {
			t.Errorf("reminders: %v, %d sent; want %d times %d (facilitator, coordinator, %d participants), each sent once", keys, sent, kinds, want, want-2)
		}
	}
	w.run(t, 2)
	w.later(2 * time.Minute)
	w.run(t, 1) // a restart, a little later
	reminders(1)
	// The day before: the day's reminder, once, across two instances and a
	// restart again.
	w.setNow(se.StartsAt.Add(-24*time.Hour + time.Minute))
	w.run(t, 2)
	w.later(2 * time.Minute)
	w.run(t, 1)
	reminders(2)

	check := w.open(t)
	defer check.Store.Close()
	j, err := check.Store.JobByDedupKey(ctx, models.JobSessionReminders)
	if err != nil || j.DoneAt != nil || j.LastError != "" {
		t.Errorf("periodic reminder job: %+v %v", j, err)
	}
}
