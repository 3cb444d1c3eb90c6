package demo

import (
	"context"
	"errors"
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
	facilitator          int // for a request with a session: who leads it (index in demoFacilitators)
	// moveDays moves a scheduled session that many days later, through
	// MoveSession (its invitations go out again with SEQUENCE 1).
	moveDays int
	// signups are the sign-ups of a scheduled session, before it is moved
	// or cancelled.
	signups *demoSignups
}

// demoRequests covers every state of a request, in both seasons; those
// proposed, scheduled, held or closed have a session, on the afternoon of
// their first window (the cancelled one keeps its cancelled session).
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

	{clsm: "CLSM de Lille", venue: "Centre social Marcel-Bertrand", address: "9 rue Marcel-Bertrand, 59000 Lille", stepFree: models.StepFreeYes,
		audience: [4]bool{true, true, true, false}, expected: 18, partners: []string{"Lille Métropole Habitat", "Maison de quartier Lille-Sud"},
		firstDay: 48, state: models.RequestProposed, complete: true, facilitator: 1},
	{clsm: "CLSM de Roubaix", venue: "Maison de quartier de l’Épeule", address: "40 rue de l’Épeule, 59100 Roubaix", stepFree: models.StepFreeYes,
		audience: [4]bool{true, false, true, true}, expected: 16, partners: []string{"Vilogia", "Association Rencontre et Loisirs", "Collège Anne-Frank"},
		firstDay: 36, state: models.RequestScheduled, complete: true,
		// 16 people from the CLSM's partners, one cancels (promotion has
		// nobody to promote): 15 of 20 places taken, 5 left for the race.
		signups: &demoSignups{capacity: 20, people: 16, cancel: 1, race: true,
			partners: []string{"Vilogia", "Association Rencontre et Loisirs", "Collège Anne-Frank", "Centre social de l'Alma", "Mission locale de Roubaix"}}},
	{clsm: "CLSM de Fort-de-France", remote: "https://visio.example.fr/clsm-fdf-volga", stepFree: models.StepFreeUnknown,
		audience: [4]bool{true, true, false, true}, expected: 14, partners: []string{"Association Trénelle Avenir"},
		notes: "Séance à distance, à l’heure de la Martinique.", firstDay: 52, state: models.RequestScheduled, complete: true, facilitator: 1,
		moveDays: 7,
		// Full with a waiting list; the move sends the confirmed their
		// updated invitation.
		signups: &demoSignups{capacity: 6, people: 9, partners: []string{"Association Trénelle Avenir", "Lycée Schœlcher", "Collectif des habitant·es de Volga Plage"}}},
	// Scheduled, then cancelled by the team: the invitations are withdrawn
	// (METHOD:CANCEL) with the reason.
	{clsm: "CLSM de Lille", venue: "Maison de quartier de Moulins", address: "2 rue de Moulins, 59000 Lille", stepFree: models.StepFreeYes,
		audience: [4]bool{true, false, true, false}, expected: 14, partners: []string{"Centre social Lazare-Garreau"},
		firstDay: 44, state: models.RequestCancelled, complete: true,
		comment: "La salle n’est plus disponible ce jour-là : une nouvelle demande sera faite pour le printemps.",
		signups: &demoSignups{capacity: 20, people: 3, partners: []string{"Centre social Lazare-Garreau"}}},

	// The previous, closed season.
	{clsm: "CLSM de Roubaix", venue: "Salle Watremez", address: "2 rue Watremez, 59100 Roubaix", stepFree: models.StepFreeYes,
		audience: [4]bool{true, true, true, true}, expected: 20, partners: []string{"Mission locale de Roubaix", "Vilogia"},
		state: models.RequestClosed, complete: true, pastSeason: true, pastCreated: 9, pastAge: 6},
	{clsm: "CLSM de Lille", venue: "Maison de quartier Lille-Sud", address: "83 rue du Faubourg des Postes, 59000 Lille", stepFree: models.StepFreeYes,
		audience: [4]bool{true, false, true, true}, expected: 15, state: models.RequestHeld, complete: true, pastSeason: true, pastCreated: 3, pastAge: 4, facilitator: 1},
	{clsm: "CLSM de Cholet", venue: "Espace Jean-Monnet", address: "1 rue Jean-Monnet, 49300 Cholet", stepFree: models.StepFreeNo,
		audience: [4]bool{true, true, true, false}, expected: 12, state: models.RequestCancelled, complete: true, pastSeason: true, pastCreated: 1, pastAge: 3,
		comment: "La salle a été réquisitionnée pour un bureau de vote : séance annulée, à reprogrammer la saison prochaine."},
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

	// Two more accepted requests of the current season, still without a
	// date, so that the admin's planning page has something to plan in
	// more than one CLSM (with the Salle Watremez above).
	{clsm: "CLSM de Lille", venue: "Maison Folie Moulins", address: "47 rue d’Arras, 59000 Lille", stepFree: models.StepFreeYes,
		audience: [4]bool{true, true, true, true}, expected: 18, partners: []string{"Lille Métropole Habitat", "Maison de quartier Lille-Sud"},
		firstDay: 44, state: models.RequestAccepted, complete: true},
	{clsm: "CLSM de Cholet", venue: "Centre social Le Verger", address: "2 rue du Verger, 49300 Cholet", stepFree: models.StepFreeYes,
		audience: [4]bool{true, false, true, true}, expected: 14, partners: []string{"Régie de quartier Jean-Monnet", "Association de prévention spécialisée du Choletais"},
		firstDay: 46, state: models.RequestAccepted, complete: true},
}

// SeedRequests adds the demo's session requests, in every state (draft,
// submitted, changes requested, accepted, declined, withdrawn; proposed
// and scheduled with their sessions), in the current season through the
// real operations (with their emails), and in the closed previous season
// with their past dates (held and closed sessions among them).
// It expects Seed to have created the people, CLSMs and seasons.
func SeedRequests(ctx context.Context, d Deps) (*SignupRace, error) {
	var race *SignupRace
	s := d.Store
	admin, err := s.UserByEmail(ctx, demoAdmin.Email)
	if err != nil {
		return nil, fmt.Errorf("demo requests: admin: %w", err)
	}
	seasons, err := s.Seasons(ctx)
	if err != nil {
		return nil, err
	}
	var past *models.Season
	for i := range seasons {
		if seasons[i].Status == models.SeasonClosed && (past == nil || seasons[i].StartsOn.After(past.StartsOn)) {
			past = &seasons[i]
		}
	}
	clsms, err := s.ListCLSMs(ctx, models.CLSMFilter{})
	if err != nil {
		return nil, err
	}
	byName := map[string]models.CLSMRow{}
	for _, c := range clsms {
		byName[c.Name] = c
	}
	today := models.CalendarDay(d.Now)
	for i, dr := range demoRequests {
		c, ok := byName[dr.clsm]
		if !ok || c.CoordinatorID == nil {
			return nil, fmt.Errorf("demo request %d: no CLSM %q with a coordinator", i, dr.clsm)
		}
		in, err := dr.input(ctx, s, c, today)
		if err != nil {
			return nil, err
		}
		if dr.pastSeason {
			if past == nil {
				continue
			}
			if err := dr.seedPast(ctx, s, c, *past, admin.ID, in); err != nil {
				return nil, fmt.Errorf("demo request %d: %w", i, err)
			}
			continue
		}
		r, err := s.CreateRequest(ctx, *c.CoordinatorID, c.ID, in, dr.state != models.RequestDraft)
		if err != nil {
			return nil, fmt.Errorf("demo request %d: %w", i, err)
		}
		switch dr.state {
		case models.RequestAccepted, models.RequestDeclined, models.RequestChangesRequested:
			_, err = s.DecideRequest(ctx, admin.ID, r.ID, dr.state, dr.comment)
		case models.RequestWithdrawn:
			err = s.WithdrawRequest(ctx, *c.CoordinatorID, r.ID, dr.comment)
		case models.RequestProposed, models.RequestScheduled, models.RequestCancelled:
			var got *SignupRace
			got, err = dr.seedSession(ctx, d, admin.ID, *c.CoordinatorID, r.ID, in)
			if got != nil {
				race = got
			}
		}
		if err != nil {
			return nil, fmt.Errorf("demo request %d: %w", i, err)
		}
	}
	if err := seedDays(ctx, d, admin.ID, past, byName, today); err != nil {
		return nil, err
	}
	return race, nil
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
	_, err := dr.seedSince(ctx, s, c, adminID, in, created, workingDay(created.AddDate(0, 0, 45)))
	return err
}

// seedSince writes a request created at created, whose first window (and
// session, when it reached one) is on day first, with its history: decided
// pastAge days after its creation; held at the end of its session; closed
// when the feedback period after it is over. It returns the session (zero
// when the request has none).
func (dr demoRequest) seedSince(ctx context.Context, s *models.Store, c models.CLSMRow, adminID int64, in models.RequestInput, created, first time.Time) (models.Session, error) {
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
	case models.RequestHeld, models.RequestClosed, models.RequestCancelled:
		steps = append(steps, models.SeedStep{To: models.RequestAccepted, ActorID: adminID, At: decided})
	}
	r, err := s.SeedRequest(ctx, c.ID, coord, in, created, steps)
	if err != nil || (dr.state != models.RequestHeld && dr.state != models.RequestClosed && dr.state != models.RequestCancelled) {
		return models.Session{}, err
	}
	slot, err := dr.slot(ctx, s, in)
	if err != nil {
		return models.Session{}, err
	}
	past := []models.SeedStep{
		{To: models.RequestProposed, ActorID: adminID, At: decided.AddDate(0, 0, 2), Comment: "Date proposée."},
		{To: models.RequestScheduled, ActorID: coord, At: decided.AddDate(0, 0, 4), Comment: "Date confirmée."},
	}
	if dr.state == models.RequestCancelled {
		past = append(past, models.SeedStep{To: models.RequestCancelled, ActorID: adminID, At: slot.Start.AddDate(0, 0, -3), Comment: dr.comment})
	} else {
		past = append(past, models.SeedStep{To: models.RequestHeld, ActorID: slot.FacilitatorID, At: slot.End.Add(time.Hour), Comment: "Séance tenue."})
	}
	if dr.state == models.RequestClosed {
		past = append(past, models.SeedStep{To: models.RequestClosed, ActorID: adminID, At: slot.End.Add(s.FeedbackPeriod() + time.Hour),
			Comment: "Séance clôturée : bilan rempli et période de retours terminée."})
	}
	return s.SeedSession(ctx, r.ID, slot, past)
}

// seedSession accepts a request of the current season and proposes its
// session through the real operations (confirmed by the coordinator when
// the request is to be scheduled or cancelled; then moved or cancelled by
// the admin), so that every email of the session's life is really queued.
func (dr demoRequest) seedSession(ctx context.Context, d Deps, adminID, coordID, requestID int64, in models.RequestInput) (*SignupRace, error) {
	s := d.Store
	if _, err := s.DecideRequest(ctx, adminID, requestID, models.RequestAccepted, ""); err != nil {
		return nil, err
	}
	slot, err := dr.slot(ctx, s, in)
	if err != nil {
		return nil, err
	}
	se, err := firstFreeSlot(slot, func(sl models.SessionSlot) (models.Session, error) {
		return s.ProposeSession(ctx, adminID, requestID, sl)
	})
	if err != nil || dr.state == models.RequestProposed {
		return nil, err
	}
	if se, err = s.ConfirmSession(ctx, coordID, requestID); err != nil {
		return nil, err
	}
	var race *SignupRace
	if dr.signups != nil {
		if race, err = dr.signups.seed(ctx, d, coordID, se); err != nil {
			return nil, fmt.Errorf("sign-ups: %w", err)
		}
	}
	if dr.moveDays > 0 {
		later := models.SessionSlot{FacilitatorID: se.FacilitatorID, Start: se.StartsAt.AddDate(0, 0, dr.moveDays),
			End: se.EndsAt.AddDate(0, 0, dr.moveDays), TimeZone: se.TimeZone}
		if _, err := firstFreeSlot(later, func(sl models.SessionSlot) (models.Session, error) {
			return s.MoveSession(ctx, adminID, se.ID, sl)
		}); err != nil {
			return nil, err
		}
	}
	if dr.state == models.RequestCancelled {
		_, err = s.CancelSession(ctx, adminID, se.ID, dr.comment)
	}
	return race, err
}

// firstFreeSlot tries op on the slot, then on the same length at other
// hours and on the following days, until the facilitator's calendar
// (pattern, exceptions, busy time, other sessions, limits) accepts one.
func firstFreeSlot(slot models.SessionSlot, op func(models.SessionSlot) (models.Session, error)) (models.Session, error) {
	loc := models.LocationOf(slot.TimeZone)
	length := slot.End.Sub(slot.Start)
	first := slot.Start.In(loc)
	var lastErr error
	for day := range 28 {
		for _, h := range []int{first.Hour(), 9, 10, 14} {
			d := first.AddDate(0, 0, day)
			start := time.Date(d.Year(), d.Month(), d.Day(), h, first.Minute(), 0, 0, loc)
			sl := slot
			sl.Start, sl.End = start, start.Add(length)
			se, err := op(sl)
			var re *models.SlotRuleError
			if !errors.As(err, &re) {
				return se, err
			}
			lastErr = err
		}
	}
	return models.Session{}, lastErr
}

// slot is the demo session of a request: its first window's day, 14:00 to
// 17:00 in the request's zone, led by the request's facilitator.
func (dr demoRequest) slot(ctx context.Context, s *models.Store, in models.RequestInput) (models.SessionSlot, error) {
	f, err := s.UserByEmail(ctx, demoFacilitators[dr.facilitator].Email)
	if err != nil {
		return models.SessionSlot{}, fmt.Errorf("demo facilitator: %w", err)
	}
	loc := models.LocationOf(in.TimeZone)
	d := in.Windows[0].DateFrom
	start := time.Date(d.Year(), d.Month(), d.Day(), 14, 0, 0, 0, loc)
	return models.SessionSlot{FacilitatorID: f.ID, Start: start, End: start.Add(models.DefaultSessionLength), TimeZone: loc.String()}, nil
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
