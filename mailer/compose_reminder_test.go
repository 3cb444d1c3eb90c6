package mailer

import (
	"strings"
	"testing"
	"time"

	"quartier/models"
)

// reminderCase is a reminder for role of a session a week after the test
// composer's clock (2 April 2026), with the day's phones.
func reminderCase(role, key string) ReminderData {
	s := choletSession()
	s.Start, s.End = paris(2026, 4, 9, 14, 0), paris(2026, 4, 9, 17, 0)
	if strings.Contains(key, ":1d:") {
		s.Start, s.End = paris(2026, 4, 3, 9, 30), paris(2026, 4, 3, 12, 30)
	}
	d := ReminderData{Key: key, Session: s, AttendeeName: "Zoé N’Diaye", AttendeeEmail: "zoe.ndiaye@example.org", Role: role,
		Phones: []DayPhone{{Who: "Inès Martin", Role: "animation", Number: "06 12 34 56 78"},
			{Who: "Camille Durand", Role: "coordination du CLSM", Number: "+33 2 41 12 34 56"}},
		Confirmed: 14, DayURL: "/seances/42/presences", SheetURL: "/demandes/12/emargement"}
	switch role {
	case RoleParticipant:
		d.CancelURL = "/inscription/annuler/tok3n"
	case RoleFacilitator:
		d.AttendeeName, d.AttendeeEmail = "Inès Martin", "ines.martin@example.org"
	case RoleCoordinator:
		d.AttendeeName, d.AttendeeEmail = "Camille Durand", "camille.durand@example.fr"
	}
	return d
}

// TestReminders_OneBatchPerSession composes a reminder batch as the store
// hands it over: one message each to the facilitator, the coordinator and
// every participant, each with its own key; participants get their own
// cancel link, and everyone the day's phones and the venue's access.
func TestReminders_OneBatchPerSession(t *testing.T) {
	c := testComposer(t)
	start := time.Date(2026, 4, 9, 12, 0, 0, 0, time.UTC)
	n := &models.SessionReminderNotice{
		Kind:    models.Reminder7d,
		Request: models.Request{ID: 12}, CLSM: models.CLSM{Name: "CLSM de Cholet"},
		Session: models.Session{ID: 42, Sequence: 2, StartsAt: start, EndsAt: start.Add(3 * time.Hour), TimeZone: "Europe/Paris",
			VenueName: "Centre social Le Verger", VenueAddress: "12 rue du Verger, 49300 Cholet", StepFree: models.StepFreeYes},
		Facilitator: models.User{ID: 5, Name: "Inès Martin", Email: "ines.martin@example.org"},
		Coordinator: models.User{ID: 3, Name: "Camille Durand", Email: "camille.durand@example.fr"},
		Day:         models.SessionDay{FacilitatorPhone: "06 12 34 56 78"},
		Participants: []models.Registration{{ID: 9, FirstName: "Zoé", LastName: "N’Diaye", Email: "zoe@example.org", CancelVersion: 1},
			{ID: 10, FirstName: "Amina", LastName: "Benali", Email: "amina@example.org"}},
	}
	envs, err := c.Compose(time.Date(2026, 4, 2, 13, 0, 0, 0, time.UTC), n)
	if err != nil {
		t.Fatal(err)
	}
	wantKeys := []string{"reminder:42:2:7d:u5", "reminder:42:2:7d:u3", "reminder:42:2:7d:r9", "reminder:42:2:7d:r10"}
	if len(envs) != len(wantKeys) {
		t.Fatalf("%d messages, want %d", len(envs), len(wantKeys))
	}
	for i, env := range envs {
		m := decodeEnvelope(t, env)
		if env.DedupKey != wantKeys[i] || env.Kind != KindReminder {
			t.Errorf("message %d: key %s kind %s", i, env.DedupKey, env.Kind)
		}
		for _, want := range []string{"dans 7 jours", "Inès Martin (animation)\u00a0: 06 12 34 56 78", "plain-pied", "jeudi 9 avril 2026"} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("%s: text lacks %q:\n%s", env.DedupKey, want, m.Text)
			}
		}
		participant := strings.Contains(env.DedupKey, ":r")
		if got := strings.Contains(m.Text, "/annulation/"); got != participant {
			t.Errorf("%s: cancel link shown %v", env.DedupKey, got)
		}
		if m.NotAfter == nil || !m.NotAfter.Equal(start) {
			t.Errorf("%s: not after %v, want the start", env.DedupKey, m.NotAfter)
		}
	}
	if a, b := decodeEnvelope(t, envs[2]).Text, decodeEnvelope(t, envs[3]).Text; a == b {
		t.Error("two participants received the same text (the same cancel link)")
	}
	if !strings.Contains(decodeEnvelope(t, envs[0]).Text, "/seances/42/presences") ||
		!strings.Contains(decodeEnvelope(t, envs[1]).Text, "/demandes/12/emargement") {
		t.Error("staff reminders lack the page of their day")
	}
}

// TestInvitations_CarryTheDaysPhones: the invitations of a confirmed (or
// moved) session show the day's phones; a cancellation does not.
func TestInvitations_CarryTheDaysPhones(t *testing.T) {
	c := testComposer(t)
	start := time.Date(2026, 4, 9, 12, 0, 0, 0, time.UTC)
	n := &models.SessionInvitationsNotice{
		Change: models.ChangeConfirmed, Request: models.Request{ID: 12}, CLSM: models.CLSM{Name: "CLSM de Cholet"},
		Session:     models.Session{ID: 42, StartsAt: start, EndsAt: start.Add(3 * time.Hour), TimeZone: "Europe/Paris", VenueName: "Centre social"},
		Facilitator: models.User{ID: 5, Name: "Inès Martin", Email: "ines.martin@example.org"},
		Coordinator: models.User{ID: 3, Name: "Camille Durand", Email: "camille.durand@example.fr"},
		Day:         models.SessionDay{FacilitatorPhone: "06 12 34 56 78", CoordinatorPhone: "+33 2 41 12 34 56"},
	}
	envs, err := c.Compose(time.Date(2026, 4, 2, 13, 0, 0, 0, time.UTC), n)
	if err != nil || len(envs) != 2 {
		t.Fatalf("%d invitations, %v", len(envs), err)
	}
	for _, env := range envs {
		m := decodeEnvelope(t, env)
		for _, want := range []string{"Téléphone le jour même\u00a0: Inès Martin (animation), 06 12 34 56 78",
			"Camille Durand (coordination du CLSM), +33 2 41 12 34 56"} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("%s: text lacks %q:\n%s", env.DedupKey, want, m.Text)
			}
		}
		if !strings.Contains(m.HTML, `href="tel:&#43;33241123456"`) {
			t.Errorf("%s: html lacks the tel: link", env.DedupKey)
		}
	}
	n.Change, n.Session.Sequence = models.ChangeCancelled, 1
	envs, err = c.Compose(time.Date(2026, 4, 2, 13, 0, 0, 0, time.UTC), n)
	if err != nil {
		t.Fatal(err)
	}
	for _, env := range envs {
		if strings.Contains(decodeEnvelope(t, env).Text, "Téléphone le jour même") {
			t.Errorf("%s: a cancellation shows the day's phones", env.DedupKey)
		}
	}
}
