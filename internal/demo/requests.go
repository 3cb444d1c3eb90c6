package demo

import (
	"context"
	"fmt"
	"time"

	"quartier/models"
	"quartier/territory"
)

// demoRequest is one request of the demo: which CLSM, what it says, and
// where its life has got to.
type demoRequest struct {
	clsm                 string
	venue, address       string
	stepFree             models.StepFree
	remote               string
	audience             [4]bool // residents, elected, professionals, volunteers
	expected             int
	partners             []string
	constraints, notes   string
	firstDay             int // days after the reference day of its first window
	state                models.RequestState
	comment              string
	complete             bool // a draft may be incomplete
	pastSeason           bool
	pastCreated, pastAge int // for the past season: month and day of creation
}

// demoRequests covers every state reachable so far, in both seasons.
var demoRequests = []demoRequest{
	{clsm: "CLSM de Roubaix", venue: "Centre social de l’Alma", address: "31 rue de l’Alma, 59100 Roubaix", stepFree: models.StepFreeYes,
		audience: [4]bool{true, false, true, true}, expected: 16, partners: []string{"Centre social de l’Alma", "Collège Anne-Frank", "Mission locale de Roubaix", "Vilogia"},
		constraints: "Éviter le mercredi après-midi (activités jeunesse dans la salle).", firstDay: 45, state: models.RequestSubmitted, complete: true},
	{clsm: "CLSM de Roubaix", venue: "Maison de quartier de l’Épeule", stepFree: models.StepFreeUnknown,
		audience: [4]bool{true, false, false, false}, firstDay: 60, state: models.RequestDraft},
	{clsm: "CLSM de Roubaix", venue: "Médiathèque des Hauts-Champs", address: "12 avenue de Verdun, 59100 Roubaix", stepFree: models.StepFreeUnknown,
		audience: [4]bool{true, true, true, false}, expected: 20, partners: []string{"Association Rencontre et Loisirs"},
		firstDay: 50, state: models.RequestChangesRequested, complete: true,
		comment: "Pouvez-vous vérifier l’accès de plain-pied de la médiathèque et ajouter une ou deux structures partenaires (un bailleur, un service à domicile) ? La diversité des participant·e·s fait la réussite de la séance."},
	{clsm: "CLSM de Roubaix", venue: "Salle Watremez", address: "2 rue Watremez, 59100 Roubaix", stepFree: models.StepFreeYes,
		audience: [4]bool{true, true, true, true}, expected: 18, partners: []string{"Aide à domicile Roubaix Services", "Vilogia", "Mission locale de Roubaix"},
		firstDay: 40, state: models.RequestAccepted, complete: true},
	{clsm: "CLSM de Roubaix", venue: "Centre social de l’Alma", address: "31 rue de l’Alma, 59100 Roubaix", stepFree: models.StepFreeYes,
		audience: [4]bool{false, false, true, false}, expected: 12, firstDay: 70, state: models.RequestWithdrawn, complete: true,
		comment: "La salle n’est plus disponible à ces dates ; nous reviendrons vers vous au printemps."},
	{clsm: "CLSM de Lille", venue: "Maison de quartier Lille-Sud", address: "83 rue du Faubourg des Postes, 59000 Lille", stepFree: models.StepFreeYes,
		audience: [4]bool{true, false, true, true}, expected: 20, partners: []string{"Maison de quartier Lille-Sud", "Lille Métropole Habitat"},
		firstDay: 38, state: models.RequestSubmitted, complete: true},
	{clsm: "CLSM de Cholet", venue: "Espace Jean-Monnet", address: "1 rue Jean-Monnet, 49300 Cholet", stepFree: models.StepFreeNo,
		audience: [4]bool{true, true, true, false}, expected: 14, partners: []string{"Régie de quartier Jean-Monnet"},
		firstDay: 35, state: models.RequestDeclined, complete: true,
		comment: "Une séance a déjà eu lieu à Cholet cette saison ; nous privilégions les territoires qui n’en ont pas encore eu. Redéposez la demande pour la saison prochaine."},
	{clsm: "CLSM de Fort-de-France", remote: "https://visio.example.fr/clsm-fort-de-france", stepFree: models.StepFreeUnknown,
		audience: [4]bool{true, false, true, true}, expected: 15, partners: []string{"Association Trénelle Avenir", "Lycée Schœlcher"},
		notes: "Séance à distance : les horaires s’entendent à l’heure de la Martinique.", firstDay: 42, state: models.RequestSubmitted, complete: true},

	// The previous, closed season.
	{clsm: "CLSM de Roubaix", venue: "Centre social de l’Alma", address: "31 rue de l’Alma, 59100 Roubaix", stepFree: models.StepFreeYes,
		audience: [4]bool{true, true, true, true}, expected: 17, partners: []string{"Centre social de l’Alma", "Collège Anne-Frank"},
		state: models.RequestAccepted, complete: true, pastSeason: true, pastCreated: 9, pastAge: 15},
	{clsm: "CLSM de Lille", venue: "Résidence Les Moulins", address: "5 rue d’Arras, 59000 Lille", stepFree: models.StepFreeYes,
		audience: [4]bool{true, false, true, false}, expected: 15, state: models.RequestAccepted, complete: true, pastSeason: true, pastCreated: 10, pastAge: 2},
	{clsm: "CLSM de Cholet", venue: "Espace Jean-Monnet", address: "1 rue Jean-Monnet, 49300 Cholet", stepFree: models.StepFreeNo,
		audience: [4]bool{true, true, false, false}, expected: 10, state: models.RequestDeclined, complete: true, pastSeason: true, pastCreated: 11, pastAge: 5,
		comment: "Les créneaux proposés tombent pendant les vacances scolaires : proposez d’autres dates."},
	{clsm: "CLSM de Fort-de-France", remote: "https://visio.example.fr/clsm-fdf", stepFree: models.StepFreeUnknown,
		audience: [4]bool{true, false, false, true}, expected: 12, state: models.RequestWithdrawn, complete: true, pastSeason: true, pastCreated: 1, pastAge: 10,
		comment: "Report à la saison suivante."},
}

// SeedRequests adds the demo's session requests, in every state reachable
// so far (draft, submitted, changes requested, accepted, declined,
// withdrawn), in the current season through the real operations (with
// their emails) and in the closed previous season with their past dates.
// It expects Seed to have created the people, CLSMs and seasons.
func SeedRequests(ctx context.Context, d Deps) error {
	s := d.Store
	admin, err := s.UserByEmail(ctx, demoAdmin.Email)
	if err != nil {
		return fmt.Errorf("demo requests: admin: %w", err)
	}
	seasons, err := s.Seasons(ctx)
	if err != nil {
		return err
	}
	var past *models.Season
	for i := range seasons {
		if seasons[i].Status == models.SeasonClosed && (past == nil || seasons[i].StartsOn.After(past.StartsOn)) {
			past = &seasons[i]
		}
	}
	clsms, err := s.ListCLSMs(ctx, models.CLSMFilter{})
	if err != nil {
		return err
	}
	byName := map[string]models.CLSMRow{}
	for _, c := range clsms {
		byName[c.Name] = c
	}
	today := models.CalendarDay(d.Now)
	for i, dr := range demoRequests {
		c, ok := byName[dr.clsm]
		if !ok || c.CoordinatorID == nil {
			return fmt.Errorf("demo request %d: no CLSM %q with a coordinator", i, dr.clsm)
		}
		in, err := dr.input(ctx, s, c, today)
		if err != nil {
			return err
		}
		if dr.pastSeason {
			if past == nil {
				continue
			}
			if err := dr.seedPast(ctx, s, c, *past, admin.ID, in); err != nil {
				return fmt.Errorf("demo request %d: %w", i, err)
			}
			continue
		}
		r, err := s.CreateRequest(ctx, *c.CoordinatorID, c.ID, in, dr.state != models.RequestDraft)
		if err != nil {
			return fmt.Errorf("demo request %d: %w", i, err)
		}
		switch dr.state {
		case models.RequestAccepted, models.RequestDeclined, models.RequestChangesRequested:
			_, err = s.DecideRequest(ctx, admin.ID, r.ID, dr.state, dr.comment)
		case models.RequestWithdrawn:
			err = s.WithdrawRequest(ctx, *c.CoordinatorID, r.ID, dr.comment)
		}
		if err != nil {
			return fmt.Errorf("demo request %d: %w", i, err)
		}
	}
	return nil
}

// input builds the request's content; its windows start firstDay days
// after today (after the minimum lead time) on working days.
func (dr demoRequest) input(ctx context.Context, s *models.Store, c models.CLSMRow, today time.Time) (models.RequestInput, error) {
	cov, err := s.CLSMCoverageOf(ctx, c.ID)
	if err != nil {
		return models.RequestInput{}, err
	}
	in := models.RequestInput{
		VenueName: dr.venue, VenueAddress: dr.address, StepFree: dr.stepFree, Format: models.FormatInPerson,
		AudienceResidents: dr.audience[0], AudienceElected: dr.audience[1], AudienceProfessionals: dr.audience[2], AudienceVolunteers: dr.audience[3],
		ExpectedCount: dr.expected, Partners: dr.partners, Constraints: dr.constraints, Notes: dr.notes,
		TimeZone: territory.TimeZone(c.DepartementCode), Today: today, Earliest: today.AddDate(0, 0, 28),
	}
	if dr.remote != "" {
		in.Format, in.RemoteURL = models.FormatRemote, dr.remote
	}
	if len(cov.Communes) > 0 {
		in.CommuneINSEE = cov.Communes[0]
	}
	for j, q := range cov.QPVs {
		if j < 2 {
			in.QPVs = append(in.QPVs, q.Code)
		}
	}
	first := workingDay(today.AddDate(0, 0, dr.firstDay))
	second := workingDay(first.AddDate(0, 0, 8))
	in.Windows = []models.RequestWindow{
		{Kind: models.WindowDay, DateFrom: first, Part: models.Afternoon},
		{Kind: models.WindowDay, DateFrom: second, Part: models.Morning},
		{Kind: models.WindowRange, DateFrom: second.AddDate(0, 0, 7), DateTo: second.AddDate(0, 0, 18), Weekdays: "2,4", Part: models.Afternoon},
	}
	if !dr.complete {
		in.Windows = in.Windows[:2]
	}
	return in, nil
}

// seedPast writes a request of the closed season with its past history:
// created in month pastCreated, decided pastAge days later.
func (dr demoRequest) seedPast(ctx context.Context, s *models.Store, c models.CLSMRow, season models.Season, adminID int64, in models.RequestInput) error {
	y := season.StartsOn.Year()
	if dr.pastCreated < 9 {
		y++
	}
	created := time.Date(y, time.Month(dr.pastCreated), 3, 9, 30, 0, 0, time.UTC)
	first := workingDay(created.AddDate(0, 0, 45))
	second := workingDay(first.AddDate(0, 0, 8))
	in.Windows = []models.RequestWindow{
		{Kind: models.WindowDay, DateFrom: first, Part: models.Afternoon},
		{Kind: models.WindowDay, DateFrom: second, Part: models.Morning},
		{Kind: models.WindowRange, DateFrom: second.AddDate(0, 0, 7), DateTo: second.AddDate(0, 0, 18), Weekdays: "1,3", Part: models.Morning},
	}
	coord := *c.CoordinatorID
	steps := []models.SeedStep{{To: models.RequestSubmitted, ActorID: coord, At: created.Add(20 * time.Minute)}}
	decided := created.AddDate(0, 0, dr.pastAge).Add(5 * time.Hour)
	switch dr.state {
	case models.RequestAccepted, models.RequestDeclined:
		steps = append(steps, models.SeedStep{To: dr.state, ActorID: adminID, At: decided, Comment: dr.comment})
	case models.RequestWithdrawn:
		steps = append(steps, models.SeedStep{To: dr.state, ActorID: coord, At: decided, Comment: dr.comment})
	}
	_, err := s.SeedRequest(ctx, c.ID, coord, in, created, steps)
	return err
}

// workingDay moves a weekend day to the next Monday.
func workingDay(d time.Time) time.Time {
	switch d.Weekday() {
	case time.Saturday:
		return d.AddDate(0, 0, 2)
	case time.Sunday:
		return d.AddDate(0, 0, 1)
	}
	return d
}
