package mailer

import (
	"context"
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"quartier/models"
)

// sessionMail is one message of the outbox about a session, as the
// recipient receives it.
type sessionMail struct {
	kind, to, subject, method string
	uid                       string
	sequence                  string
	text                      string
}

var (
	uidRE = regexp.MustCompile(`(?m)^UID:(.*)\r?$`)
	seqRE = regexp.MustCompile(`(?m)^SEQUENCE:(\d+)\r?$`)
)

// newMails returns the outbox rows not in seen (by dedup key), and adds
// them to seen.
func newMails(t *testing.T, s *models.Store, seen map[string]bool) []sessionMail {
	t.Helper()
	ctx := context.Background()
	rows, _, err := s.ListOutbox(ctx, models.OutboxFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []sessionMail
	for _, r := range rows {
		if seen[r.DedupKey] {
			continue
		}
		seen[r.DedupKey] = true
		full, err := s.OutboxMessageByID(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		var m Message
		if err := json.Unmarshal([]byte(full.Payload), &m); err != nil {
			t.Fatal(err)
		}
		sm := sessionMail{kind: r.Kind, to: r.Recipient, subject: r.Subject, text: m.Text}
		if m.Calendar != nil {
			sm.method = m.Calendar.Method
			if g := uidRE.FindStringSubmatch(m.Calendar.Content); g != nil {
				sm.uid = g[1]
			}
			if g := seqRE.FindStringSubmatch(m.Calendar.Content); g != nil {
				sm.sequence = g[1]
			}
		}
		out = append(out, sm)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].to+out[i].kind < out[j].to+out[j].kind })
	return out
}

// summary is "kind to METHOD SEQUENCE" per message, sorted.
func summary(ms []sessionMail) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = strings.TrimSpace(m.kind + " " + m.to + " " + m.method + " " + m.sequence)
	}
	return out
}

// TestRoad_SessionLife follows a session from its proposal to its
// cancellation through the real operations and composer: who receives
// what, with which METHOD and SEQUENCE, the UID of each person's calendar
// entry kept across every change, and nothing queued twice.
func TestRoad_SessionLife(t *testing.T) {
	f := newRoadFixture(t)
	ctx := context.Background()
	f.s.UseMail(f.c)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	facs := make([]models.User, 2)
	for i, email := range []string{"ines@exemple.fr", "paul@exemple.fr"} {
		u, err := f.s.CreateUser(ctx, f.admin.ID, models.NewUser{Email: email, Name: []string{"Inès Martin", "Paul Girard"}[i],
			Role: models.RoleFacilitator, HomeINSEE: "59512"}, nil)
		must(err)
		in := models.AvailabilityInput{HomeINSEE: "59512", TimeZone: "Europe/Paris", MaxPerDay: 2, MaxPerWeek: 5}
		for d := range 5 {
			in.Pattern[d] = models.DayPattern{Works: true, StartMinute: 8 * 60, EndMinute: 19 * 60}
		}
		must(f.s.SaveAvailability(ctx, u.ID, in))
		facs[i] = u
	}
	r, err := f.s.CreateRequest(ctx, f.coord.ID, f.clsm.ID, f.input(), true)
	must(err)
	_, err = f.s.DecideRequest(ctx, f.admin.ID, r.ID, models.RequestAccepted, "")
	must(err)
	seen := map[string]bool{}
	newMails(t, f.s, seen)

	start := time.Date(2027, 1, 11, 13, 0, 0, 0, time.UTC)
	slot := models.SessionSlot{FacilitatorID: facs[0].ID, Start: start, End: start.Add(3 * time.Hour), TimeZone: "Europe/Paris"}
	se, err := f.s.ProposeSession(ctx, f.admin.ID, r.ID, slot)
	must(err)
	got := newMails(t, f.s, seen)
	if s := summary(got); len(s) != 1 || s[0] != "session_proposed coord@exemple.fr" {
		t.Fatalf("proposal: %v", s)
	}
	for _, want := range []string{"lundi 11 janvier 2027, 14 h 00 – 17 h 00 (heure de Paris)", "Inès Martin",
		"Centre social de l’Alma", "https://quartier.example.org/demandes/", "mercredi 2 décembre 2026 à 10 h 00"} {
		if !strings.Contains(got[0].text, want) {
			t.Errorf("proposal lacks %q:\n%s", want, got[0].text)
		}
	}

	_, err = f.s.ConfirmSession(ctx, f.coord.ID, r.ID)
	must(err)
	got = newMails(t, f.s, seen)
	want := []string{"invitation coord@exemple.fr REQUEST 0", "invitation ines@exemple.fr REQUEST 0"}
	if s := summary(got); strings.Join(s, "|") != strings.Join(want, "|") {
		t.Fatalf("confirmation: %v, want %v", s, want)
	}
	uids := map[string]string{}
	for _, m := range got {
		uids[m.to] = m.uid
	}

	later := slot
	later.Start, later.End = start.Add(24*time.Hour), start.Add(27*time.Hour)
	_, err = f.s.MoveSession(ctx, f.admin.ID, se.ID, later)
	must(err)
	got = newMails(t, f.s, seen)
	want = []string{"invitation_update coord@exemple.fr REQUEST 1", "invitation_update ines@exemple.fr REQUEST 1"}
	if s := summary(got); strings.Join(s, "|") != strings.Join(want, "|") {
		t.Fatalf("move: %v, want %v", s, want)
	}
	for _, m := range got {
		if m.uid != uids[m.to] {
			t.Errorf("%s: update UID %s, invitation UID %s", m.to, m.uid, uids[m.to])
		}
		if !strings.Contains(m.text, "mardi 12 janvier 2027, 14 h 00 – 17 h 00") || !strings.Contains(m.text, "auparavant") {
			t.Errorf("update to %s does not say what changed:\n%s", m.to, m.text)
		}
	}

	other := later
	other.FacilitatorID = facs[1].ID
	_, err = f.s.MoveSession(ctx, f.admin.ID, se.ID, other)
	must(err)
	got = newMails(t, f.s, seen)
	want = []string{"invitation_update coord@exemple.fr REQUEST 2", "cancellation ines@exemple.fr CANCEL 2", "invitation paul@exemple.fr REQUEST 2"}
	if s := summary(got); strings.Join(s, "|") != strings.Join(want, "|") {
		t.Fatalf("reassignment: %v, want %v", s, want)
	}
	for _, m := range got {
		if m.to == "ines@exemple.fr" && (m.uid != uids[m.to] || !strings.Contains(m.text, "Vous n’animez plus")) {
			t.Errorf("the former facilitator's cancellation: UID %s (want %s)\n%s", m.uid, uids[m.to], m.text)
		}
		if m.to == "coord@exemple.fr" && !strings.Contains(m.text, "Paul Girard — auparavant\u00a0: Inès Martin") {
			t.Errorf("the coordinator's update does not name the new facilitator:\n%s", m.text)
		}
	}

	_, err = f.s.CancelSession(ctx, f.admin.ID, se.ID, "La salle est inondée.")
	must(err)
	got = newMails(t, f.s, seen)
	want = []string{"cancellation coord@exemple.fr CANCEL 3", "cancellation paul@exemple.fr CANCEL 3"}
	if s := summary(got); strings.Join(s, "|") != strings.Join(want, "|") {
		t.Fatalf("cancellation: %v, want %v", s, want)
	}
	for _, m := range got {
		if !strings.Contains(m.text, "La salle est inondée.") || (m.to == "coord@exemple.fr" && m.uid != uids[m.to]) {
			t.Errorf("cancellation to %s: UID %s\n%s", m.to, m.uid, m.text)
		}
	}
}

// TestRoad_ProposalDeclinedAndExpired: asking for another date tells the
// admins with the comment; an expiry tells the coordinator and the admins,
// and a reminder is sent once.
func TestRoad_ProposalDeclinedAndExpired(t *testing.T) {
	f := newRoadFixture(t)
	ctx := context.Background()
	f.s.UseMail(f.c)
	fac, err := f.s.CreateUser(ctx, f.admin.ID, models.NewUser{Email: "ines@exemple.fr", Name: "Inès Martin",
		Role: models.RoleFacilitator, HomeINSEE: "59512"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	in := models.AvailabilityInput{HomeINSEE: "59512", TimeZone: "Europe/Paris", MaxPerDay: 2, MaxPerWeek: 5}
	for d := range 5 {
		in.Pattern[d] = models.DayPattern{Works: true, StartMinute: 8 * 60, EndMinute: 19 * 60}
	}
	if err := f.s.SaveAvailability(ctx, fac.ID, in); err != nil {
		t.Fatal(err)
	}
	r, err := f.s.CreateRequest(ctx, f.coord.ID, f.clsm.ID, f.input(), true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.DecideRequest(ctx, f.admin.ID, r.ID, models.RequestAccepted, ""); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2027, 1, 11, 13, 0, 0, 0, time.UTC)
	slot := models.SessionSlot{FacilitatorID: fac.ID, Start: start, End: start.Add(3 * time.Hour), TimeZone: "Europe/Paris"}
	if _, err := f.s.ProposeSession(ctx, f.admin.ID, r.ID, slot); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	newMails(t, f.s, seen)
	if err := f.s.DeclineProposal(ctx, f.coord.ID, r.ID, "Le centre social est fermé ce jour-là."); err != nil {
		t.Fatal(err)
	}
	got := newMails(t, f.s, seen)
	if s := summary(got); len(s) != 1 || s[0] != "proposal_declined admin@exemple.fr" ||
		!strings.Contains(got[0].text, "Le centre social est fermé ce jour-là.") || !strings.Contains(got[0].text, "Nadia Coord demande une autre date") {
		t.Fatalf("declined: %v\n%v", s, got)
	}

	se, err := f.s.ProposeSession(ctx, f.admin.ID, r.ID, slot)
	if err != nil {
		t.Fatal(err)
	}
	newMails(t, f.s, seen)
	for range 2 {
		if err := f.s.RemindProposal(ctx, se.ID); err != nil {
			t.Fatal(err)
		}
	}
	got = newMails(t, f.s, seen)
	if s := summary(got); len(s) != 1 || s[0] != "session_proposed coord@exemple.fr" || !strings.HasPrefix(got[0].subject, "Rappel") {
		t.Fatalf("reminder (twice): %v", s)
	}
	if err := f.s.ExpireProposal(ctx, se.ID); err != nil {
		t.Fatal(err)
	}
	got = newMails(t, f.s, seen)
	if s := summary(got); strings.Join(s, "|") != "proposal_declined admin@exemple.fr|proposal_expired coord@exemple.fr" {
		t.Fatalf("expiry: %v", s)
	}
}

// TestICS_StaffMessagesIndependentParser: Mozilla's ical.js reads the
// facilitator's and coordinator's invitation, update and cancellation as
// one calendar entry (same UID) with a rising SEQUENCE.
func TestICS_StaffMessagesIndependentParser(t *testing.T) {
	c := testComposer(t)
	byName := map[string]goldenCase{}
	for _, tc := range goldenCases() {
		byName[tc.name] = tc
	}
	uid := c.eventUID(42, "camille.durand@example.fr")
	for _, w := range []struct {
		name, method string
		seq          int
	}{
		{"staff_invitation_coordinator", "REQUEST", 0},
		{"staff_invitation_update", "REQUEST", 1},
		{"staff_cancellation_session", "CANCEL", 2},
	} {
		env, err := byName[w.name].build(c)
		if err != nil {
			t.Fatal(err)
		}
		res := icalJS(t, decodeEnvelope(t, env).Calendar.Content)
		if res.Method != w.method || len(res.Events) != 1 || res.Events[0].UID != uid || res.Events[0].Sequence != w.seq ||
			res.Events[0].Attendee != "mailto:camille.durand@example.fr" {
			t.Errorf("%s: ical.js reads %+v", w.name, res)
		}
	}
}
