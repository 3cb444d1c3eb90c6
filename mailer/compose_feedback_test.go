package mailer

import (
	"strings"
	"testing"
	"time"

	"quartier/models"
)

// feedbackNotice is the feedback batch of a held session in Roubaix with
// two attendees (the second at link version 2).
func feedbackNotice(reminder bool) *models.FeedbackNotice {
	se := models.Session{ID: 51, RequestID: 9, State: models.SessionHeld, StartsAt: paris(2026, 5, 12, 14, 0), EndsAt: paris(2026, 5, 12, 17, 0),
		TimeZone: "Europe/Paris", VenueName: "Centre social de l’Alma", VenueAddress: "31 rue de l’Alma, 59100 Roubaix"}
	expires := time.Date(2026, 6, 11, 15, 0, 0, 0, time.UTC)
	return &models.FeedbackNotice{Reminder: reminder, Session: se, CLSM: models.CLSM{ID: 3, Name: "CLSM de Roubaix"},
		Coordinator: models.User{ID: 5, Name: "Nadia Benali", Email: "nadia.benali@roubaix.example.fr"},
		Invites: []models.FeedbackInvite{
			{Registration: models.Registration{ID: 812, FirstName: "Amina", LastName: "Benali", Email: "amina.benali@example.org"}, ExpiresAt: expires},
			{Registration: models.Registration{ID: 813, FirstName: "Karim", LastName: "Haddad", Email: "karim.haddad@example.org"}, LinkVersion: 2, ExpiresAt: expires},
		}}
}

// TestFeedback_OneLinkPerAttendee: each attendee gets their own link (its
// version signed in), under their own key; the reminder has its own key
// and subject; both expire with the link and are wiped once sent.
func TestFeedback_OneLinkPerAttendee(t *testing.T) {
	c := testComposer(t)
	for _, reminder := range []bool{false, true} {
		envs, err := c.Compose(time.Date(2026, 5, 12, 16, 0, 0, 0, time.UTC), feedbackNotice(reminder))
		if err != nil || len(envs) != 2 {
			t.Fatalf("reminder %v: %d messages, %v", reminder, len(envs), err)
		}
		suffix := map[bool]string{false: "", true: ":reminder"}[reminder]
		for i, want := range []struct{ key, link string }{
			{"feedback:812:0" + suffix, c.links.FeedbackURL(812, 0)},
			{"feedback:813:2" + suffix, c.links.FeedbackURL(813, 2)},
		} {
			env := envs[i]
			m := decodeEnvelope(t, env)
			if env.DedupKey != want.key || env.Kind != KindFeedback || !env.Sensitive {
				t.Errorf("message %d: key %s kind %s sensitive %v", i, env.DedupKey, env.Kind, env.Sensitive)
			}
			if !strings.Contains(m.Text, want.link) || !strings.Contains(m.HTML, want.link) {
				t.Errorf("%s: no link %s:\n%s", env.DedupKey, want.link, m.Text)
			}
			if got := strings.HasPrefix(env.Subject, "Rappel"); got != reminder {
				t.Errorf("%s: subject %q", env.DedupKey, env.Subject)
			}
			if m.NotAfter == nil || !m.NotAfter.Equal(time.Date(2026, 6, 11, 15, 0, 0, 0, time.UTC)) {
				t.Errorf("%s: not after %v", env.DedupKey, m.NotAfter)
			}
			if !strings.Contains(m.Text, "anonymes") || !strings.Contains(m.Text, "11 juin 2026") {
				t.Errorf("%s: text lacks the anonymity or the expiry:\n%s", env.DedupKey, m.Text)
			}
		}
	}
}
