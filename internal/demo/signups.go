package demo

import (
	"context"
	"fmt"
	"strings"

	"quartier/models"
)

// SignupRace is the manifest's "signup_race": the sign-up links (paths
// under server.base_url) of 25 partner organisations of one scheduled
// session of the demo coordinator's CLSM, which has PlacesLeft places
// left; each organisation may register PerLink people. 100 sign-ups at
// once through them must give exactly PlacesLeft confirmed.
type SignupRace struct {
	Links      []string `json:"links"`
	PlacesLeft int      `json:"places_left"`
	PerLink    int      `json:"per_link"`
}

// The race: 25 links of organisations that have registered nobody yet.
const (
	raceLinks      = 25
	racePlacesLeft = 5
)

// demoSignups says who a scheduled demo session gets before it is moved or
// cancelled: its places, and people from the CLSM's partners (a name of
// its address book, or a new organisation).
type demoSignups struct {
	capacity int
	people   int      // signed up in turn by the partners
	cancel   int      // then cancelled by the participant (the first ones)
	partners []string // organisations of the CLSM's address book; new ones otherwise
	race     bool     // the session of the manifest's signup race
}

// seedSignups invites the partners of session se and signs people up, in
// turn, through the real operations (with their emails). For the race
// session it also invites the 25 race organisations and returns their links.
func (ds demoSignups) seed(ctx context.Context, d Deps, coordID int64, se models.Session) (*SignupRace, error) {
	s := d.Store
	if _, err := s.SetSessionLimits(ctx, coordID, se.ID, ds.capacity, models.DefaultOrgCap); err != nil {
		return nil, fmt.Errorf("session places: %w", err)
	}
	orgs, err := s.OrganisationsOf(ctx, clsmOfSession(ctx, s, se))
	if err != nil {
		return nil, err
	}
	byName := map[string]int64{}
	for _, o := range orgs {
		byName[o.Name] = o.ID
	}
	var partners []models.SessionPartner
	for _, name := range ds.partners {
		in := models.OrganisationInput{Name: name, Kind: models.OrgAssociation, ContactName: "Contact de " + name, ContactEmail: contactOf(name)}
		p, err := s.InvitePartner(ctx, coordID, se.ID, byName[name], in)
		if err != nil {
			return nil, fmt.Errorf("invite %s: %w", name, err)
		}
		partners = append(partners, p)
	}
	var regs []models.Registration
	for i := 0; i < ds.people && len(partners) > 0; i++ {
		first := scaleFirstNames[(i*7+int(se.ID))%len(scaleFirstNames)]
		last := scaleLastNames[(i*11+int(se.ID)*3)%len(scaleLastNames)]
		in := models.RegistrationInput{FirstName: first, LastName: last,
			Email:    fmt.Sprintf("%s.%s.%d@participants.example.fr", slug(first), slug(last), se.ID*100+int64(i)),
			Category: models.Categories[i%len(models.Categories)]}
		if i%5 == 2 {
			in.Accommodations = []string{string(models.Accommodations[i%len(models.Accommodations)])}
		}
		su, err := s.Register(ctx, partners[(i/models.DefaultOrgCap)%len(partners)].ID, in)
		if err != nil {
			return nil, fmt.Errorf("sign up %s %s: %w", first, last, err)
		}
		regs = append(regs, su.Registration)
	}
	for i := 0; i < ds.cancel && i < len(regs); i++ {
		if _, err := s.CancelRegistration(ctx, regs[i].ID, models.Canceller{Role: models.CancelledByParticipant}); err != nil {
			return nil, err
		}
	}
	if !ds.race || d.Links == nil {
		return nil, nil
	}
	race := &SignupRace{PlacesLeft: racePlacesLeft, PerLink: models.DefaultOrgCap}
	for i := 0; i < raceLinks; i++ {
		tpl := scalePartners[i%len(scalePartners)]
		name := fmt.Sprintf(tpl[0], scaleQuartiers[i%len(scaleQuartiers)])
		p, err := s.InvitePartner(ctx, coordID, se.ID, 0, models.OrganisationInput{Name: name, Kind: models.OrgKind(tpl[1]),
			ContactName: scaleFirstNames[i] + " " + scaleLastNames[i], ContactEmail: contactOf(name)})
		if err != nil {
			return nil, fmt.Errorf("invite race partner %s: %w", name, err)
		}
		race.Links = append(race.Links, strings.TrimPrefix(d.Links.SignupURL(p.ID, p.LinkVersion), d.Links.Base()))
	}
	return race, nil
}

// clsmOfSession is the CLSM of session se's request.
func clsmOfSession(ctx context.Context, s *models.Store, se models.Session) int64 {
	r, err := s.RequestByID(ctx, se.RequestID)
	if err != nil {
		return 0
	}
	return r.CLSMID
}

func contactOf(org string) string { return "contact@" + slug(org) + ".example.fr" }
