package mailer

import (
	"strings"
	"testing"

	"quartier/models"
)

// TestICS_ParticipantMessagesIndependentParser: Mozilla's ical.js reads a
// participant's invitation, promotion and cancellation as one calendar
// entry of their registration, with the session's zone; the waiting-list
// message carries no invitation but the link to leave the list.
func TestICS_ParticipantMessagesIndependentParser(t *testing.T) {
	c := testComposer(t)
	uid := c.participantUID(812)
	for _, w := range []struct {
		change models.ParticipantChange
		method string
		seq    int
	}{
		{models.ParticipantRegistered, "REQUEST", 0},
		{models.ParticipantPromoted, "REQUEST", 0},
		{models.ParticipantCancelled, "CANCEL", 1},
	} {
		env, err := c.participant(participantNotice(w.change, 0))
		if err != nil {
			t.Fatal(err)
		}
		m := decodeEnvelope(t, env)
		if !strings.Contains(m.Text, "/confidentialite") && w.method == "REQUEST" {
			t.Errorf("%s: no privacy notice", w.change)
		}
		res := icalJS(t, m.Calendar.Content)
		if res.Method != w.method || len(res.Events) != 1 || res.Events[0].UID != uid || res.Events[0].Sequence != w.seq ||
			res.Events[0].Attendee != "mailto:amina.benali@example.org" || res.Events[0].StartZone != "Europe/Paris" {
			t.Errorf("%s: ical.js reads %+v", w.change, res)
		}
	}
	env, err := c.participant(participantNotice(models.ParticipantWaiting, 3))
	if err != nil {
		t.Fatal(err)
	}
	m := decodeEnvelope(t, env)
	if m.Calendar != nil || !strings.Contains(env.Subject, "liste d’attente") || !strings.Contains(m.Text, "rang 3") ||
		!strings.Contains(m.Text, "/annulation/812-") {
		t.Errorf("waiting list message: %q\n%s", env.Subject, m.Text)
	}
}
