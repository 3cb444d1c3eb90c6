package mailer

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"quartier/models"
)

var updateGolden = flag.Bool("update", false, "rewrite the testdata/golden files")

// updating reports whether `go test ./mailer -update` asked to rewrite the
// golden files.
func updating() bool { return *updateGolden }

func paris(y int, m time.Month, d, h, min int) time.Time {
	loc, _ := time.LoadLocation("Europe/Paris")
	return time.Date(y, m, d, h, min, 0, 0, loc)
}

func choletSession() SessionInfo {
	return SessionInfo{
		ID: 42, Title: "La santé mentale dans mon quartier : séance de sensibilisation",
		Start: paris(2026, 5, 12, 14, 0), End: paris(2026, 5, 12, 17, 0), Zone: "Europe/Paris",
		VenueName: "Centre social Le Verger", Address: "12 rue du Verger, 49300 Cholet",
		AccessNote:  "Entrée de plain-pied par le parking ; salle au rez-de-chaussée.",
		ContactName: "Camille Durand", ContactEmail: "clsm@cholet.example.fr",
		WhatToBring: "Rien de particulier ; un café vous attend.",
	}
}

// choletRequest is a submitted request as the coordinator typed it.
func choletRequest() models.Request {
	return models.Request{ID: 12, State: models.RequestSubmitted, VenueName: "Centre social Le Verger",
		VenueAddress: "12 rue du Verger, 49300 Cholet", StepFree: models.StepFreeYes, Format: models.FormatInPerson,
		AudienceResidents: true, AudienceProfessionals: true, ExpectedCount: 18,
		Partners:    "Mission locale du Choletais\nRégie de quartier Jean-Monnet",
		Constraints: "Pas le mercredi : la salle est prise.", Notes: "Un interprète en langue des signes serait bienvenu."}
}

// goldenCase is one message of each kind (and the variants worth a look).
type goldenCase struct {
	name  string
	build func(c *Composer) (models.Envelope, error)
}

func goldenCases() []goldenCase {
	expires := time.Date(2026, 4, 2, 9, 45, 0, 0, time.UTC)
	attendee := func(key string, s SessionInfo, seq int) InvitationData {
		return InvitationData{Key: key, Session: s, AttendeeName: "Zoé N’Diaye", AttendeeEmail: "zoe.ndiaye@example.org",
			Sequence: seq, CancelURL: "/inscription/annuler/tok3n", PrivacyURL: "/confidentialite"}
	}
	moved := choletSession()
	moved.Start, moved.End = paris(2026, 5, 19, 9, 0), paris(2026, 5, 19, 12, 0)
	moved.VenueName, moved.Address = "Maison des habitants", "3 place Travot, 49300 Cholet"
	martinique := SessionInfo{ID: 77, Title: "Séance de sensibilisation au Lamentin",
		Start: time.Date(2026, 3, 28, 13, 0, 0, 0, time.UTC), End: time.Date(2026, 3, 28, 16, 0, 0, 0, time.UTC),
		Zone: "America/Martinique", VenueName: "Maison de quartier de Bélème", Address: "Rue des Flamboyants, 97232 Le Lamentin"}
	reunion := SessionInfo{ID: 78, Title: "Séance de sensibilisation à distance",
		Start: time.Date(2026, 10, 6, 5, 30, 0, 0, time.UTC), End: time.Date(2026, 10, 6, 8, 30, 0, 0, time.UTC),
		Zone: "Indian/Reunion", RemoteURL: "https://visio.example.org/salle/clsm-saint-denis"}
	return []goldenCase{
		{"magic_link", func(c *Composer) (models.Envelope, error) {
			return c.MagicLink(MagicLinkData{Key: "login:3f2a9c", Name: "Camille Durand", Email: "camille.durand@example.fr",
				Link: "/connexion/lien/Zx81-secret", Expires: expires})
		}},
		{"welcome", func(c *Composer) (models.Envelope, error) {
			return c.Welcome(WelcomeData{Key: "welcome:17", Name: "Camille Durand", Email: "camille.durand@example.fr",
				Role: models.RoleCoordinator, Link: "https://quartier.example.org/connexion/lien/W3lc0me",
				Expires: time.Date(2026, 4, 9, 9, 30, 0, 0, time.UTC), InvitedBy: "Alice Martin"})
		}},
		{"request_accepted", func(c *Composer) (models.Envelope, error) {
			return c.RequestDecision(RequestDecisionData{Key: "request:12:accepted", Name: "Camille Durand",
				Email: "camille.durand@example.fr", CLSMName: "CLSM de Cholet", RequestID: 12, Decision: "accepted",
				RequestURL: "/demandes/12", Windows: []string{"mardi 12 mai 2026, après-midi", "mardi 19 mai 2026, matin", "jeudi 21 mai 2026, après-midi"}})
		}},
		{"request_changes", func(c *Composer) (models.Envelope, error) {
			return c.RequestDecision(RequestDecisionData{Key: "request:13:changes", Name: "Camille Durand",
				Email: "camille.durand@example.fr", CLSMName: "CLSM de Cholet", RequestID: 13, Decision: "changes_requested",
				Comment: "Pourriez-vous préciser les partenaires pressentis ?\nMerci <3 & à bientôt", RequestURL: "/demandes/13"})
		}},
		{"request_declined", func(c *Composer) (models.Envelope, error) {
			return c.RequestDecision(RequestDecisionData{Key: "request:14:declined", Name: "Camille Durand",
				Email: "camille.durand@example.fr", CLSMName: "CLSM de Cholet", RequestID: 14, Decision: "declined",
				Comment: "Le quartier concerné n’est pas un QPV.", RequestURL: "/demandes/14"})
		}},
		{"invitation", func(c *Composer) (models.Envelope, error) {
			d := attendee("invite:42:7:0", choletSession(), 0)
			d.FirstMessage = true
			return c.Invitation(d)
		}},
		{"invitation_update", func(c *Composer) (models.Envelope, error) {
			d := attendee("invite:42:7:1", moved, 1)
			prev := choletSession()
			d.Previous = &prev
			return c.InvitationUpdate(d)
		}},
		{"cancellation_session", func(c *Composer) (models.Envelope, error) {
			d := attendee("cancel:42:7", moved, 2)
			d.SessionCancelled, d.Reason = true, "La salle n’est plus disponible ce jour-là."
			return c.Cancellation(d)
		}},
		{"cancellation_registration", func(c *Composer) (models.Envelope, error) {
			return c.Cancellation(attendee("cancel:42:8", choletSession(), 1))
		}},
		{"invitation_martinique", func(c *Composer) (models.Envelope, error) {
			return c.Invitation(attendee("invite:77:3:0", martinique, 0))
		}},
		{"invitation_reunion", func(c *Composer) (models.Envelope, error) {
			return c.Invitation(attendee("invite:78:4:0", reunion, 0))
		}},
		// Appended: other tests pick the cases above by position.
		{"request_received", func(c *Composer) (models.Envelope, error) {
			return c.RequestReceived(RequestReceivedData{Key: "request-received:12:30", Name: "Camille Durand",
				Email: "camille.durand@example.fr", CLSMName: "CLSM de Cholet", Request: choletRequest(),
				Windows:    []string{"mardi 12 mai 2026, après-midi", "du lundi 18 au vendredi 29 mai 2026, les mardis et jeudis, matin"},
				RequestURL: "/demandes/12"})
		}},
		{"request_received_again", func(c *Composer) (models.Envelope, error) {
			r := choletRequest()
			r.Partners, r.Constraints, r.Notes, r.AudienceResidents, r.AudienceProfessionals = "", "", "", false, false
			return c.RequestReceived(RequestReceivedData{Key: "request-received:12:33", Name: "Camille Durand",
				Email: "camille.durand@example.fr", CLSMName: "CLSM de Cholet", Resubmitted: true, Request: r,
				Windows: []string{"mardi 12 mai 2026, après-midi"}, RequestURL: "/demandes/12"})
		}},
		{"request_to_review_new", func(c *Composer) (models.Envelope, error) {
			return c.RequestToReview(RequestToReviewData{Key: "request-review:12:30:1", Name: "Alice Martin", Email: "alice.martin@example.org",
				CLSMName: "CLSM de Cholet", RequestID: 12, Change: ChangeSubmitted, By: "Camille Durand",
				Windows: []string{"mardi 12 mai 2026, après-midi", "mardi 19 mai 2026, matin"}, ReviewURL: "/admin/demandes/12"})
		}},
		{"request_to_review_edited", func(c *Composer) (models.Envelope, error) {
			return c.RequestToReview(RequestToReviewData{Key: "request-review:12:31:1", Name: "Alice Martin", Email: "alice.martin@example.org",
				CLSMName: "CLSM de Cholet", RequestID: 12, Change: ChangeEdited, By: "Camille Durand", Comment: "Demande modifiée.",
				Windows: []string{"mardi 12 mai 2026, après-midi"}, ReviewURL: "/admin/demandes/12"})
		}},
		{"request_to_review_withdrawn", func(c *Composer) (models.Envelope, error) {
			return c.RequestToReview(RequestToReviewData{Key: "request-review:12:32:1", Name: "Alice Martin", Email: "alice.martin@example.org",
				CLSMName: "CLSM de Cholet", RequestID: 12, Change: ChangeWithdrawn, By: "Camille Durand",
				Comment: "La salle n’est plus disponible ; nous reviendrons vers vous !", Windows: []string{"mardi 12 mai 2026, après-midi"},
				ReviewURL: "/admin/demandes/12"})
		}},
		{"session_proposed", func(c *Composer) (models.Envelope, error) {
			return c.SessionProposed(SessionProposedData{Key: "session:42:0:3:session_proposed", Name: "Camille Durand",
				Email: "camille.durand@example.fr", CLSMName: "CLSM de Cholet", RequestID: 12, Session: choletSession(),
				Facilitator: "Inès Martin", Deadline: time.Date(2026, 4, 9, 9, 30, 0, 0, time.UTC), RequestURL: "/demandes/12"})
		}},
		{"session_proposed_reminder", func(c *Composer) (models.Envelope, error) {
			return c.SessionProposed(SessionProposedData{Key: "session:78:0:3:session_proposed:reminder", Name: "Camille Durand",
				Email: "camille.durand@example.fr", CLSMName: "CLSM de Saint-Denis", RequestID: 15, Session: reunion,
				Facilitator: "Inès Martin", Deadline: time.Date(2026, 9, 9, 9, 30, 0, 0, time.UTC), Reminder: true, RequestURL: "/demandes/15"})
		}},
		{"proposal_declined", func(c *Composer) (models.Envelope, error) {
			return c.ProposalDeclined(ProposalDeclinedData{Key: "session:42:1:1:proposal_declined", Name: "Alice Martin",
				Email: "alice.martin@example.org", CLSMName: "CLSM de Cholet", RequestID: 12,
				When: "mardi 12 mai 2026, 14 h 00 – 17 h 00 (heure de Paris)", Facilitator: "Inès Martin", By: "Camille Durand",
				Reason: "Le centre social est fermé ce jour-là ; un jeudi irait mieux !", ReviewURL: "/admin/demandes/12"})
		}},
		{"proposal_expired_admin", func(c *Composer) (models.Envelope, error) {
			return c.ProposalDeclined(ProposalDeclinedData{Key: "session:42:1:1:proposal_declined:x", Name: "Alice Martin",
				Email: "alice.martin@example.org", CLSMName: "CLSM de Cholet", RequestID: 12,
				When: "mardi 12 mai 2026, 14 h 00 – 17 h 00 (heure de Paris)", Facilitator: "Inès Martin",
				Reason: "Proposition expirée", Expired: true, ReviewURL: "/admin/demandes/12"})
		}},
		{"proposal_expired", func(c *Composer) (models.Envelope, error) {
			return c.ProposalExpired(ProposalExpiredData{Key: "session:42:1:3:proposal_expired", Name: "Camille Durand",
				Email: "camille.durand@example.fr", CLSMName: "CLSM de Cholet", RequestID: 12,
				When: "mardi 12 mai 2026, 14 h 00 – 17 h 00 (heure de Paris)", RequestURL: "/demandes/12"})
		}},
		{"staff_invitation_facilitator", func(c *Composer) (models.Envelope, error) {
			return c.Invitation(InvitationData{Key: "session:42:0:5:invitation", Session: choletSession(), AttendeeName: "Inès Martin",
				AttendeeEmail: "ines.martin@example.org", Role: RoleFacilitator})
		}},
		{"staff_invitation_coordinator", func(c *Composer) (models.Envelope, error) {
			return c.Invitation(InvitationData{Key: "session:42:0:3:invitation", Session: choletSession(), AttendeeName: "Camille Durand",
				AttendeeEmail: "camille.durand@example.fr", Role: RoleCoordinator})
		}},
		{"staff_invitation_update", func(c *Composer) (models.Envelope, error) {
			prev := choletSession()
			return c.InvitationUpdate(InvitationData{Key: "session:42:1:3:invitation_update", Session: moved, Previous: &prev,
				AttendeeName: "Camille Durand", AttendeeEmail: "camille.durand@example.fr", Sequence: 1, Role: RoleCoordinator})
		}},
		{"staff_cancellation_reassigned", func(c *Composer) (models.Envelope, error) {
			return c.Cancellation(InvitationData{Key: "session:42:1:5:cancellation", Session: moved, AttendeeName: "Inès Martin",
				AttendeeEmail: "ines.martin@example.org", Sequence: 1, Role: RoleFacilitator, Reassigned: true})
		}},
		{"staff_cancellation_session", func(c *Composer) (models.Envelope, error) {
			return c.Cancellation(InvitationData{Key: "session:42:2:3:cancellation", Session: moved, AttendeeName: "Camille Durand",
				AttendeeEmail: "camille.durand@example.fr", Sequence: 2, Role: RoleCoordinator, SessionCancelled: true,
				Reason: "La salle n’est plus disponible ce jour-là."})
		}},
		{"participant_invitation", func(c *Composer) (models.Envelope, error) {
			return c.participant(participantNotice(models.ParticipantRegistered, 0))
		}},
		{"participant_waiting_list", func(c *Composer) (models.Envelope, error) {
			return c.participant(participantNotice(models.ParticipantWaiting, 3))
		}},
		{"participant_promoted", func(c *Composer) (models.Envelope, error) {
			return c.participant(participantNotice(models.ParticipantPromoted, 0))
		}},
		{"participant_cancellation", func(c *Composer) (models.Envelope, error) {
			return c.participant(participantNotice(models.ParticipantCancelled, 0))
		}},
		{"reminder_participant", func(c *Composer) (models.Envelope, error) {
			return c.Reminder(reminderCase(RoleParticipant, "reminder:42:0:7d:r9"))
		}},
		{"reminder_facilitator", func(c *Composer) (models.Envelope, error) {
			return c.Reminder(reminderCase(RoleFacilitator, "reminder:42:0:1d:u5"))
		}},
		{"reminder_coordinator", func(c *Composer) (models.Envelope, error) {
			return c.Reminder(reminderCase(RoleCoordinator, "reminder:42:0:1d:u3"))
		}},
		{"feedback", func(c *Composer) (models.Envelope, error) {
			envs, err := c.feedback(feedbackNotice(false))
			if err != nil {
				return models.Envelope{}, err
			}
			return envs[0], nil
		}},
		{"feedback_reminder", func(c *Composer) (models.Envelope, error) {
			envs, err := c.feedback(feedbackNotice(true))
			if err != nil {
				return models.Envelope{}, err
			}
			return envs[0], nil
		}},
	}
}

// participantNotice is one change of Amina Benali's registration to a
// session in Roubaix, signed up by the Centre social de l’Alma.
func participantNotice(change models.ParticipantChange, rank int) *models.ParticipantNotice {
	coord := models.CLSM{ID: 3, Name: "CLSM de Roubaix"}
	se := models.Session{ID: 51, RequestID: 9, State: models.SessionScheduled, StartsAt: paris(2026, 5, 12, 14, 0), EndsAt: paris(2026, 5, 12, 17, 0),
		TimeZone: "Europe/Paris", VenueName: "Centre social de l’Alma", VenueAddress: "31 rue de l’Alma, 59100 Roubaix",
		StepFree: models.StepFreeYes, Capacity: 20, OrgCap: 4}
	return &models.ParticipantNotice{Change: change, Session: se, CLSM: coord, Rank: rank,
		Registration: models.Registration{ID: 812, SessionID: 51, PartnerID: 4, FirstName: "Amina", LastName: "Benali",
			Email: "amina.benali@example.org", Category: models.CategoryResident, State: models.RegistrationConfirmed},
		Organisation:   models.Organisation{ID: 7, Name: "Centre social de l’Alma", Kind: models.OrgAssociation},
		Coordinator:    models.User{ID: 5, Name: "Nadia Benali", Email: "nadia.benali@roubaix.example.fr"},
		PromotionUntil: paris(2026, 5, 11, 14, 0)}
}

func decodeEnvelope(t testing.TB, env models.Envelope) *Message {
	t.Helper()
	var m Message
	if err := json.Unmarshal(env.Payload, &m); err != nil {
		t.Fatal(err)
	}
	return &m
}

// meta is the golden summary of a message's envelope and headers.
func meta(env models.Envelope, m *Message) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Kind: %s\nSensitive: %v\nFrom: %s\nTo: %s\n", env.Kind, env.Sensitive, m.From, m.To)
	if m.ReplyTo != nil {
		fmt.Fprintf(&b, "Reply-To: %s\n", m.ReplyTo)
	}
	fmt.Fprintf(&b, "Subject: %s\nMessage-ID: <%s>\nDate: %s\n", m.Subject, m.MessageID, m.Date.Format(time.RFC1123Z))
	for _, h := range m.Headers {
		fmt.Fprintf(&b, "%s: %s\n", h.Name, h.Value)
	}
	if m.Calendar != nil {
		fmt.Fprintf(&b, "Calendar: text/calendar; method=%s (+ %s)\n", m.Calendar.Method, calendarFileName)
	}
	return b.String()
}

func TestCompose_Golden(t *testing.T) {
	c := testComposer(t)
	for _, tc := range goldenCases() {
		t.Run(tc.name, func(t *testing.T) {
			env, err := tc.build(c)
			if err != nil {
				t.Fatal(err)
			}
			m := decodeEnvelope(t, env)
			if env.To != m.To.Email || env.Subject != m.Subject || env.MessageID != m.MessageID {
				t.Errorf("envelope %+v disagrees with its payload", env)
			}
			files := map[string]string{".meta": meta(env, m), ".txt": m.Text, ".html": m.HTML}
			if m.Calendar != nil {
				files[".ics"] = m.Calendar.Content
			}
			for ext, got := range files {
				checkGolden(t, tc.name+ext, got)
			}
		})
	}
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if updating() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./mailer -run TestCompose_Golden -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file; run with -update and review the diff.\n--- got ---\n%s", name, got)
	}
}

var (
	tagRE    = regexp.MustCompile(`(?s)<[^>]*>`)
	entityRE = regexp.MustCompile(`&[a-z]+;|&#[0-9]+;`)
	// A French high punctuation mark followed by a space or the end must
	// have a non-breaking space before it; guillemets hold one inside.
	badPunct  = regexp.MustCompile(`[^\x{a0}\x{202f}][:;!?](\s|$)`)
	badQuotes = regexp.MustCompile(`«[^\x{a0}]|[^\x{a0}]»`)
)

func TestCompose_FrenchTypography(t *testing.T) {
	c := testComposer(t)
	for _, tc := range goldenCases() {
		env, err := tc.build(c)
		if err != nil {
			t.Fatal(err)
		}
		m := decodeEnvelope(t, env)
		html := entityRE.ReplaceAllString(tagRE.ReplaceAllString(m.HTML, ""), "x")
		if strings.Contains(m.HTML, "&#39;") {
			t.Errorf("%s html: straight apostrophe", tc.name)
		}
		for part, s := range map[string]string{"subject": m.Subject, "text": m.Text, "html": html} {
			for _, line := range strings.Split(s, "\n") {
				if line == "-- " { // the signature separator
					continue
				}
				if loc := badPunct.FindStringIndex(line); loc != nil {
					t.Errorf("%s %s: space before punctuation must be non-breaking: %q", tc.name, part, line)
				}
				if badQuotes.MatchString(line) {
					t.Errorf("%s %s: guillemets need non-breaking spaces: %q", tc.name, part, line)
				}
				if strings.Contains(line, "'") {
					t.Errorf("%s %s: straight apostrophe: %q", tc.name, part, line)
				}
			}
		}
	}
}

func TestCompose_HeadersAndIDs(t *testing.T) {
	c := testComposer(t)
	idRE := regexp.MustCompile(`^[0-9a-f]{32}@quartier\.example\.org$`)
	seen := map[string]string{}
	for _, tc := range goldenCases() {
		env, err := tc.build(c)
		if err != nil {
			t.Fatal(err)
		}
		m := decodeEnvelope(t, env)
		if !idRE.MatchString(m.MessageID) {
			t.Errorf("%s: Message-ID %q", tc.name, m.MessageID)
		}
		if other, dup := seen[m.MessageID]; dup {
			t.Errorf("%s and %s share a Message-ID", tc.name, other)
		}
		seen[m.MessageID] = tc.name
		again, _ := tc.build(c)
		if again.MessageID != env.MessageID {
			t.Errorf("%s: Message-ID not stable for one dedup key", tc.name)
		}
		h := map[string]string{}
		for _, x := range m.Headers {
			h[x.Name] = x.Value
		}
		if h["Auto-Submitted"] != "auto-generated" {
			t.Errorf("%s: Auto-Submitted = %q", tc.name, h["Auto-Submitted"])
		}
		// Staff (facilitator, coordinator) have no registration to cancel.
		wantUnsub := (env.Kind == KindInvitation || env.Kind == KindInvitationUpdate || env.Kind == KindWaitingList) && !strings.HasPrefix(tc.name, "staff_") ||
			tc.name == "reminder_participant"
		if _, has := h["List-Unsubscribe"]; has != wantUnsub {
			t.Errorf("%s: List-Unsubscribe present = %v, want %v", tc.name, has, wantUnsub)
		}
		wantSensitive := env.Kind == KindMagicLink || env.Kind == KindWelcome || env.Kind == KindFeedback
		if env.Sensitive != wantSensitive {
			t.Errorf("%s: Sensitive = %v", tc.name, env.Sensitive)
		}
		for _, link := range regexp.MustCompile(`https?://[^\s"<>]+`).FindAllString(m.Text, -1) {
			if !strings.HasPrefix(link, "https://") {
				t.Errorf("%s: relative or insecure link %q", tc.name, link)
			}
		}
	}
}

func TestCompose_RejectsBadInput(t *testing.T) {
	if _, err := NewComposer(ComposerConfig{BaseURL: "quartier.example.org", From: "a@b.c"}); err == nil {
		t.Error("NewComposer accepted a base URL without scheme")
	}
	if _, err := NewComposer(ComposerConfig{BaseURL: "https://q.example.org", From: "nobody"}); err == nil {
		t.Error("NewComposer accepted a sender without @")
	}
	c := testComposer(t)
	s := choletSession()
	for name, build := range map[string]func() error{
		"no key":    func() error { _, err := c.MagicLink(MagicLinkData{Email: "a@b.c", Link: "/x"}); return err },
		"bad email": func() error { _, err := c.MagicLink(MagicLinkData{Key: "k", Email: "a@", Link: "/x"}); return err },
		"bad role":  func() error { _, err := c.Welcome(WelcomeData{Key: "k", Email: "a@b.c", Role: "boss"}); return err },
		"bad decision": func() error {
			_, err := c.RequestDecision(RequestDecisionData{Key: "k", Email: "a@b.c", Decision: "maybe"})
			return err
		},
		"update seq 0": func() error {
			_, err := c.InvitationUpdate(InvitationData{Key: "k", Session: s, AttendeeEmail: "a@b.c"})
			return err
		},
		"cancel seq 0": func() error {
			_, err := c.Cancellation(InvitationData{Key: "k", Session: s, AttendeeEmail: "a@b.c"})
			return err
		},
		"unknown zone": func() error {
			s := s
			s.Zone = "Europe/Lile"
			_, err := c.Invitation(InvitationData{Key: "k", Session: s, AttendeeEmail: "a@b.c"})
			return err
		},
		"end before start": func() error {
			s := s
			s.End = s.Start
			_, err := c.Invitation(InvitationData{Key: "k", Session: s, AttendeeEmail: "a@b.c"})
			return err
		},
	} {
		if build() == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestPreview(t *testing.T) {
	c := testComposer(t)
	inv, _ := goldenCases()[5].build(c)
	p, err := Preview(models.OutboxMessage{ID: 1, Kind: inv.Kind, Recipient: inv.To, Subject: inv.Subject,
		MessageID: inv.MessageID, Payload: string(inv.Payload)})
	if err != nil {
		t.Fatal(err)
	}
	if p.Hidden || p.Erased || !strings.Contains(p.Text, "Zoé") || !strings.Contains(p.HTML, "<html") ||
		!strings.Contains(p.Calendar, "METHOD:REQUEST") || p.From != "La santé mentale dans mon quartier <ne-pas-repondre@quartier.example.org>" ||
		p.ReplyTo == "" || p.Date != "jeudi 2 avril 2026 à 11 h 30 (heure de Paris)" {
		t.Errorf("invitation preview = %+v", p)
	}
	link, _ := c.MagicLink(MagicLinkData{Key: "login:x", Email: "a@example.org", Link: "/connexion/lien/SECRET"})
	row := models.OutboxMessage{Kind: link.Kind, Recipient: link.To, Subject: link.Subject, MessageID: link.MessageID,
		Payload: string(link.Payload), Sensitive: true}
	p, err = Preview(row)
	if err != nil || !p.Hidden || strings.Contains(fmt.Sprintf("%+v", p), "SECRET") {
		t.Errorf("unsent sign-in preview = %+v, %v; want hidden, no link", p, err)
	}
	row.Payload = ""
	p, err = Preview(row)
	if err != nil || !p.Erased || !strings.Contains(p.Note, "effacé après l’envoi") || p.Subject != "Votre lien de connexion" {
		t.Errorf("sent sign-in preview = %+v, %v; want erased with its subject", p, err)
	}
}

// TestKinds_EachHasAFrenchLabel: the admin's « Courriels » page names every
// kind of message the mailer composes in French, never by its code.
func TestKinds_EachHasAFrenchLabel(t *testing.T) {
	for _, k := range Kinds() {
		if l := models.OutboxKindLabel(k); l == k || l == "" {
			t.Errorf("kind %q has no French label", k)
		}
	}
}
