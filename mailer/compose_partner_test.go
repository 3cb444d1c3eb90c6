package mailer

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"quartier/links"
	"quartier/models"
)

// partnerCases are the partner-link messages worth a look: the first
// invitation, and a new link replacing a revoked one (overseas).
func partnerCases() []goldenCase {
	s := choletSession()
	s.AccessNote = stepFreeNote(models.StepFreeYes)
	martinique := SessionInfo{ID: 77, Title: "La santé mentale dans mon quartier · CLSM du Lamentin",
		Start: time.Date(2026, 3, 28, 13, 0, 0, 0, time.UTC), End: time.Date(2026, 3, 28, 16, 0, 0, 0, time.UTC),
		Zone: "America/Martinique", VenueName: "Maison de quartier de Bélème", Address: "Rue des Flamboyants, 97232 Le Lamentin",
		AccessNote: stepFreeNote(models.StepFreeUnknown), ContactName: "Maëlle Jean-Louis", ContactEmail: "clsm@lamentin.example.fr"}
	return []goldenCase{
		{"partner_link", func(c *Composer) (models.Envelope, error) {
			return c.PartnerLink(PartnerLinkData{Key: "partner-link:5:0:1", Name: "Karim Belkacem", Email: "k.belkacem@mission-locale.example.fr",
				OrgName: "Mission locale du Choletais", CLSMName: "CLSM de Cholet", InvitedBy: "Camille Durand", Session: s,
				OrgCap: 4, Capacity: 20, Link: "/inscription/5-Zx81signed", Why: models.LinkFirst})
		}},
		{"partner_link_reissued", func(c *Composer) (models.Envelope, error) {
			return c.PartnerLink(PartnerLinkData{Key: "partner-link:9:1:3", Email: "contact@belème.example.fr",
				OrgName: "Association Les Flamboyants", CLSMName: "CLSM du Lamentin", InvitedBy: "Maëlle Jean-Louis", Session: martinique,
				OrgCap: 3, Capacity: 25, Link: "/inscription/9-N3wLink", Why: models.LinkReissued})
		}},
	}
}

func TestPartnerLink_Golden(t *testing.T) {
	c := testComposer(t)
	for _, tc := range partnerCases() {
		t.Run(tc.name, func(t *testing.T) {
			env, err := tc.build(c)
			if err != nil {
				t.Fatal(err)
			}
			m := decodeEnvelope(t, env)
			if env.Sensitive || env.Kind != KindPartnerLink {
				t.Errorf("envelope %s sensitive=%v", env.Kind, env.Sensitive)
			}
			checkGolden(t, tc.name+".meta", meta(env, m))
			checkGolden(t, tc.name+".txt", m.Text)
			checkGolden(t, tc.name+".html", m.HTML)
			html := entityRE.ReplaceAllString(tagRE.ReplaceAllString(m.HTML, ""), "x")
			for part, s := range map[string]string{"subject": m.Subject, "text": m.Text, "html": html} {
				for _, line := range strings.Split(s, "\n") {
					if line == "-- " {
						continue
					}
					if badPunct.MatchString(line) || badQuotes.MatchString(line) || strings.Contains(line, "'") {
						t.Errorf("%s: French typography: %q", part, line)
					}
				}
			}
		})
	}
}

func TestPartnerLink_RefusesIncompleteData(t *testing.T) {
	c := testComposer(t)
	good := PartnerLinkData{Key: "k", Email: "a@b.fr", OrgName: "X", Session: choletSession(), OrgCap: 4, Capacity: 20,
		Link: "/inscription/x", Why: models.LinkFirst}
	for name, mutate := range map[string]func(*PartnerLinkData){
		"no link":        func(d *PartnerLinkData) { d.Link = "" },
		"no cap":         func(d *PartnerLinkData) { d.OrgCap = 0 },
		"unknown reason": func(d *PartnerLinkData) { d.Why = "again" },
		"no zone":        func(d *PartnerLinkData) { d.Session.Zone = "" },
		"bad recipient":  func(d *PartnerLinkData) { d.Email = "contact@" },
	} {
		d := good
		mutate(&d)
		if _, err := c.PartnerLink(d); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := c.PartnerLink(good); err != nil {
		t.Fatalf("good data refused: %v", err)
	}
}

// TestRoad_PartnerLinks follows a partner's link through the real
// operations and composer: the invitation mails a link that opens the
// partner's sign-up, a resend is a new message with the same link, a
// revoked link no longer verifies, and a new link replaces it.
func TestRoad_PartnerLinks(t *testing.T) {
	f := newRoadFixture(t)
	ctx := context.Background()
	f.s.UseMail(f.c)
	l, err := links.New([]byte(strings.Repeat("k", 40)), "https://quartier.example.org")
	if err != nil {
		t.Fatal(err)
	}
	se := f.scheduled(t)
	seen := map[string]bool{}
	newMails(t, f.s, seen)

	p, err := f.s.InvitePartner(ctx, f.coord.ID, se.ID, 0, models.OrganisationInput{Name: "Mission locale de Roubaix",
		Kind: models.OrgYouthJob, ContactName: "Karim Belkacem", ContactEmail: "karim@ml-roubaix.example.fr"})
	if err != nil {
		t.Fatal(err)
	}
	got := newMails(t, f.s, seen)
	if len(got) != 1 || got[0].kind != KindPartnerLink || got[0].to != "karim@ml-roubaix.example.fr" {
		t.Fatalf("invitation: %v", summary(got))
	}
	first := l.SignupURL(p.ID, 0)
	for _, want := range []string{first, "Nadia Coord (CLSM de Roubaix) invite", "lundi 11 janvier 2027, 14 h 00 – 17 h 00 (heure de Paris)",
		"Centre social de l’Alma", "Salle accessible de plain-pied.", "jusqu’à 4 personnes", "20 places"} {
		if !strings.Contains(got[0].text, want) {
			t.Errorf("invitation lacks %q:\n%s", want, got[0].text)
		}
	}
	verify := func(u string) error {
		_, err := l.Verify(links.Signup, strings.TrimPrefix(u, "https://quartier.example.org/inscription/"),
			func(id int64) (int, error) { return f.s.SignupLinkVersion(ctx, id) })
		return err
	}
	if err := verify(first); err != nil {
		t.Fatalf("the mailed link does not verify: %v", err)
	}
	if _, err := f.s.InvitePartner(ctx, f.coord.ID, se.ID, p.OrganisationID, models.OrganisationInput{}); err != nil {
		t.Fatal(err)
	}
	if got := newMails(t, f.s, seen); len(got) != 0 {
		t.Errorf("inviting again sent %v", summary(got))
	}
	for range 2 {
		if _, err := f.s.ResendPartnerLink(ctx, f.coord.ID, se.ID, p.ID); err != nil {
			t.Fatal(err)
		}
		got = newMails(t, f.s, seen)
		if len(got) != 1 || !strings.Contains(got[0].text, first) || !strings.Contains(got[0].subject, "Votre lien d’inscription") {
			t.Fatalf("resend: %v", summary(got))
		}
	}
	if _, err := f.s.RevokePartnerLink(ctx, f.coord.ID, se.ID, p.ID); err != nil {
		t.Fatal(err)
	}
	if err := verify(first); !errors.Is(err, models.ErrLinkRevoked) {
		t.Errorf("revoked link verifies: %v", err)
	}
	if got := newMails(t, f.s, seen); len(got) != 0 {
		t.Errorf("revoking sent %v", summary(got))
	}
	if _, err := f.s.ReissuePartnerLink(ctx, f.coord.ID, se.ID, p.ID); err != nil {
		t.Fatal(err)
	}
	got = newMails(t, f.s, seen)
	second := l.SignupURL(p.ID, 1)
	if len(got) != 1 || !strings.Contains(got[0].text, second) || strings.Contains(got[0].text, first+"\n") ||
		!strings.Contains(got[0].text, "Il remplace le précédent") {
		t.Fatalf("reissue: %v\n%s", summary(got), got[0].text)
	}
	if err := verify(second); err != nil {
		t.Errorf("new link: %v", err)
	}
	if err := verify(first); !errors.Is(err, links.ErrInvalid) {
		t.Errorf("former link after reissue: %v", err)
	}
}

// scheduled proposes and confirms a session of a new request of f's CLSM
// (Monday 11 January 2027, 14:00 Paris).
func (f *roadFixture) scheduled(t *testing.T) models.Session {
	t.Helper()
	ctx := context.Background()
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
	if _, err = f.s.DecideRequest(ctx, f.admin.ID, r.ID, models.RequestAccepted, ""); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2027, 1, 11, 13, 0, 0, 0, time.UTC)
	if _, err := f.s.ProposeSession(ctx, f.admin.ID, r.ID, models.SessionSlot{FacilitatorID: fac.ID, Start: start,
		End: start.Add(3 * time.Hour), TimeZone: "Europe/Paris"}); err != nil {
		t.Fatal(err)
	}
	se, err := f.s.ConfirmSession(ctx, f.coord.ID, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	return se
}
