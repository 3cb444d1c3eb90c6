package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"quartier/models"
)

// dayRequest is a request whose session has taken place: in the previous
// season (daysAgo 0: created in month pastCreated, as the other requests
// of that season), or in the current one, its session daysAgo days
// before today.
type dayRequest struct {
	demoRequest
	daysAgo int
}

// dayRequests give both seasons sessions that took place, spread over the
// demo CLSMs and both facilitators, so that a season's report has
// something to compare with the one before: with the two of demoRequests,
// ten in the previous season and five in the current one.
var dayRequests = []dayRequest{
	// The previous, closed season.
	{demoRequest: demoRequest{clsm: "CLSM de Roubaix", venue: "Médiathèque des Hauts-Champs", address: "12 avenue de Verdun, 59100 Roubaix", stepFree: models.StepFreeYes,
		audience: [4]bool{true, true, true, false}, expected: 18, partners: []string{"Association Rencontre et Loisirs", "Vilogia"},
		state: models.RequestClosed, complete: true, pastSeason: true, pastCreated: 10, pastAge: 5}},
	{demoRequest: demoRequest{clsm: "CLSM de Roubaix", venue: "Maison de quartier de l’Épeule", address: "40 rue de l’Épeule, 59100 Roubaix", stepFree: models.StepFreeYes,
		audience: [4]bool{true, false, true, true}, expected: 15, partners: []string{"Collège Anne-Frank", "Centre social de l’Alma"},
		state: models.RequestClosed, complete: true, pastSeason: true, pastCreated: 2, pastAge: 4, facilitator: 1}},
	{demoRequest: demoRequest{clsm: "CLSM de Lille", venue: "Centre social Marcel-Bertrand", address: "9 rue Marcel-Bertrand, 59000 Lille", stepFree: models.StepFreeYes,
		audience: [4]bool{true, true, true, false}, expected: 20, partners: []string{"Lille Métropole Habitat"},
		state: models.RequestClosed, complete: true, pastSeason: true, pastCreated: 11, pastAge: 7, facilitator: 1}},
	{demoRequest: demoRequest{clsm: "CLSM de Lille", venue: "Maison Folie Moulins", address: "47 rue d’Arras, 59000 Lille", stepFree: models.StepFreeYes,
		audience: [4]bool{true, false, true, true}, expected: 16, partners: []string{"Résidence Les Moulins", "Maison de quartier Lille-Sud"},
		state: models.RequestClosed, complete: true, pastSeason: true, pastCreated: 4, pastAge: 3}},
	{demoRequest: demoRequest{clsm: "CLSM de Cholet", venue: "Centre social Le Verger", address: "2 rue du Verger, 49300 Cholet", stepFree: models.StepFreeYes,
		audience: [4]bool{true, true, true, true}, expected: 14, partners: []string{"Régie de quartier Jean-Monnet"},
		state: models.RequestClosed, complete: true, pastSeason: true, pastCreated: 12, pastAge: 6}},
	{demoRequest: demoRequest{clsm: "CLSM de Cholet", venue: "Espace Jean-Monnet", address: "1 rue Jean-Monnet, 49300 Cholet", stepFree: models.StepFreeNo,
		audience: [4]bool{true, false, true, false}, expected: 12, partners: []string{"Association de prévention spécialisée du Choletais"},
		state: models.RequestClosed, complete: true, pastSeason: true, pastCreated: 4, pastAge: 5, facilitator: 1}},
	{demoRequest: demoRequest{clsm: "CLSM de Fort-de-France", remote: "https://visio.example.fr/clsm-fdf-trenelle", stepFree: models.StepFreeUnknown,
		audience: [4]bool{true, false, true, true}, expected: 14, partners: []string{"Association Trénelle Avenir"},
		notes: "Séance à distance, à l’heure de la Martinique.", state: models.RequestClosed, complete: true, pastSeason: true, pastCreated: 10, pastAge: 4, facilitator: 1}},
	{demoRequest: demoRequest{clsm: "CLSM de Fort-de-France", remote: "https://visio.example.fr/clsm-fdf-volga-plage", stepFree: models.StepFreeUnknown,
		audience: [4]bool{true, true, false, true}, expected: 12, partners: []string{"Lycée Schœlcher"},
		notes: "Séance à distance, à l’heure de la Martinique.", state: models.RequestClosed, complete: true, pastSeason: true, pastCreated: 5, pastAge: 6}},

	// The current season: closed once the feedback period is over, held
	// before (its debrief written a week after, or not yet).
	{demoRequest: demoRequest{clsm: "CLSM de Roubaix", venue: "Salle Watremez", address: "2 rue Watremez, 59100 Roubaix", stepFree: models.StepFreeYes,
		audience: [4]bool{true, true, true, true}, expected: 20, partners: []string{"Mission locale de Roubaix", "Aide à domicile Roubaix Services"},
		state: models.RequestClosed, complete: true, pastAge: 4}, daysAgo: 75},
	{demoRequest: demoRequest{clsm: "CLSM de Lille", venue: "Maison de quartier Lille-Sud", address: "83 rue du Faubourg des Postes, 59000 Lille", stepFree: models.StepFreeYes,
		audience: [4]bool{true, false, true, true}, expected: 16, partners: []string{"Maison de quartier Lille-Sud", "Lille Métropole Habitat"},
		state: models.RequestClosed, complete: true, pastAge: 3, facilitator: 1}, daysAgo: 50},
	{demoRequest: demoRequest{clsm: "CLSM de Cholet", venue: "Espace Jean-Monnet", address: "1 rue Jean-Monnet, 49300 Cholet", stepFree: models.StepFreeNo,
		audience: [4]bool{true, true, true, false}, expected: 14, partners: []string{"Régie de quartier Jean-Monnet"},
		state: models.RequestClosed, complete: true, pastAge: 5}, daysAgo: 30},
	{demoRequest: demoRequest{clsm: "CLSM de Fort-de-France", remote: "https://visio.example.fr/clsm-fdf-citron", stepFree: models.StepFreeUnknown,
		audience: [4]bool{true, false, true, true}, expected: 15, partners: []string{"Association Trénelle Avenir", "Lycée Schœlcher"},
		notes: "Séance à distance : les horaires s’entendent à l’heure de la Martinique.", state: models.RequestHeld, complete: true, pastAge: 3, facilitator: 1}, daysAgo: 9},
	{demoRequest: demoRequest{clsm: "CLSM de Roubaix", venue: "Centre social de l’Alma", address: "31 rue de l’Alma, 59100 Roubaix", stepFree: models.StepFreeYes,
		audience: [4]bool{true, false, true, true}, expected: 16, partners: []string{"Centre social de l’Alma", "Vilogia"},
		state: models.RequestHeld, complete: true, pastAge: 4}, daysAgo: 3},
}

// seedDays adds the requests of dayRequests, then gives every held and
// closed session of the demo its day (seedDay). Everything follows from
// the demo's data and today.
func seedDays(ctx context.Context, d Deps, adminID int64, past *models.Season, clsms map[string]models.CLSMRow, today time.Time) error {
	s := d.Store
	var current *models.Season
	if cs, err := s.CurrentSeason(ctx); err == nil {
		current = &cs
	}
	for i, dr := range dayRequests {
		c, ok := clsms[dr.clsm]
		if !ok || c.CoordinatorID == nil {
			return fmt.Errorf("demo day %d: no CLSM %q with a coordinator", i, dr.clsm)
		}
		in, err := dr.input(ctx, s, c, today)
		if err != nil {
			return err
		}
		if dr.daysAgo == 0 {
			if past != nil {
				err = dr.seedPast(ctx, s, c, *past, adminID, in)
			}
		} else {
			first := lastWorkingDay(today.AddDate(0, 0, -dr.daysAgo))
			// Early in the season, the sessions that would fall before its
			// start are left out.
			if current == nil || first.Before(current.StartsOn) {
				continue
			}
			_, err = dr.seedSince(ctx, s, c, adminID, in, first.AddDate(0, 0, -45).Add(9*time.Hour+30*time.Minute), first)
		}
		if err != nil {
			return fmt.Errorf("demo day %d: %w", i, err)
		}
	}

	var rows []models.RequestRow
	for _, st := range []models.RequestState{models.RequestHeld, models.RequestClosed} {
		got, err := s.ListRequests(ctx, models.RequestFilter{State: st})
		if err != nil {
			return err
		}
		rows = append(rows, got...)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].ID < rows[j].ID })
	for i, row := range rows {
		r, err := s.RequestByID(ctx, row.ID)
		if err != nil {
			return err
		}
		if r.Session == nil {
			continue
		}
		day, err := dayOf(ctx, s, i, row.CLSMName, r, *r.Session)
		if err != nil {
			return err
		}
		if err := s.SeedDay(ctx, r.Session.ID, day); err != nil {
			return fmt.Errorf("demo day of session %d: %w", r.Session.ID, err)
		}
	}
	return nil
}

// lastWorkingDay moves a weekend day back to the Friday before.
func lastWorkingDay(d time.Time) time.Time {
	switch d.Weekday() {
	case time.Saturday:
		return d.AddDate(0, 0, -1)
	case time.Sunday:
		return d.AddDate(0, 0, -2)
	}
	return d
}

// dayPhones are the demo's contact phones for the day: each
// facilitator's, and each CLSM's coordinator's.
var (
	facilitatorPhones = map[string]string{
		"camille.lefebvre@ressources-clsm.example.fr": "06 71 24 38 90",
		"ines.martin@ressources-clsm.example.fr":      "07 62 15 49 03",
	}
	coordinatorPhones = map[string]string{
		"CLSM de Roubaix": "03 20 66 45 12", "CLSM de Lille": "03 20 49 50 00",
		"CLSM de Cholet": "02 41 49 26 00", "CLSM de Fort-de-France": "0596 59 85 00",
	}
)

// moreDayPartners are organisations a CLSM invites besides its address
// book, so that every session has 3 to 6 partners; they join the book.
var moreDayPartners = map[string][][2]string{
	"CLSM de Roubaix": {{"Centre communal d’action sociale de Roubaix", "public_service"}, {"Collectif des habitant·es des Hauts-Champs", "residents"}},
	"CLSM de Lille": {{"Centre social Lazare-Garreau", "association"}, {"Mission locale de Lille", "youth_job"},
		{"Collège Jean-Macé", "school"}, {"Association Les Petits Frères des Pauvres – Lille", "association"}},
	"CLSM de Cholet": {{"Sèvre Loire Habitat", "landlord"}, {"Mission locale du Choletais", "youth_job"},
		{"Centre social Le Verger", "association"}, {"Collège Clemenceau", "school"}},
	"CLSM de Fort-de-France": {{"Collectif des habitant·es de Volga Plage", "residents"}, {"Mission locale de Martinique", "youth_job"},
		{"Centre communal d’action sociale de Fort-de-France", "public_service"}, {"Société immobilière de la Martinique", "landlord"}},
}

// The professionals' roles, as a partner types them.
var dayRoles = []string{"Éducatrice spécialisée", "Conseiller en insertion", "Gardienne d’immeuble", "Infirmière scolaire",
	"Animateur jeunesse", "Assistante sociale", "Médiatrice sociale", "Agent de développement local"}

// dayOf is the past day of session se (the i-th held or closed of the
// demo): 3 to 6 partners, 10 to 20 people signed up (one or two
// cancelled in most sessions), about 75 to 90 % of the confirmed present
// and up to 3 walk-ins; one session in three (in person) counted from its
// signed sheet; a debrief when it is closed, or held a week ago or more.
func dayOf(ctx context.Context, s *models.Store, i int, clsmName string, r models.Request, se models.Session) (models.DaySeed, error) {
	rng := rand.New(rand.NewPCG(uint64(se.ID), uint64(i)))
	fac, err := s.UserByID(ctx, se.FacilitatorID)
	if err != nil {
		return models.DaySeed{}, err
	}
	orgs, err := s.OrganisationsOf(ctx, r.CLSMID)
	if err != nil {
		return models.DaySeed{}, err
	}
	var candidates []models.OrganisationInput
	seen := map[string]bool{}
	for _, o := range orgs {
		seen[o.Name] = true
		candidates = append(candidates, models.OrganisationInput{Name: o.Name, Kind: o.Kind, ContactEmail: o.ContactEmail})
	}
	for _, p := range moreDayPartners[clsmName] {
		if !seen[p[0]] {
			candidates = append(candidates, models.OrganisationInput{Name: p[0], Kind: models.OrgKind(p[1]), ContactName: "Contact de " + p[0], ContactEmail: contactOf(p[0])})
		}
	}
	n := min(3+rng.IntN(4), len(candidates))
	day := models.DaySeed{InvitedAt: se.StartsAt.AddDate(0, 0, -21-rng.IntN(7)),
		Phones: models.PhonesInput{Facilitator: facilitatorPhones[fac.Email], Coordinator: coordinatorPhones[clsmName]}}
	if se.ScheduledAt != nil && day.InvitedAt.Before(*se.ScheduledAt) {
		day.InvitedAt = se.ScheduledAt.Add(24 * time.Hour)
	}
	for _, k := range rng.Perm(len(candidates))[:n] {
		day.Partners = append(day.Partners, candidates[k])
	}

	// People, most of them residents; a few cancel before the day.
	live := min(10+rng.IntN(9), n*se.OrgCap, se.Capacity)
	total := live + rng.IntN(3)
	gone := map[int]bool{}
	for _, k := range rng.Perm(total)[:total-live] {
		gone[k] = true
	}
	perPartner := make([]int, n)
	categories := []models.Category{models.CategoryResident, models.CategoryResident, models.CategoryResident,
		models.CategoryProfessional, models.CategoryProfessional, models.CategoryVolunteer, models.CategoryElected}
	for j := range total {
		p := rng.IntN(n)
		for !gone[j] && perPartner[p] >= se.OrgCap {
			p = (p + 1) % n
		}
		if !gone[j] {
			perPartner[p]++
		}
		first, last := scaleFirstNames[rng.IntN(len(scaleFirstNames))], scaleLastNames[rng.IntN(len(scaleLastNames))]
		in := models.RegistrationInput{FirstName: first, LastName: last,
			Email:    fmt.Sprintf("%s.%s.%d@participants.example.fr", slug(first), slug(last), se.ID*100+int64(j)),
			Category: categories[rng.IntN(len(categories))]}
		if in.Category == models.CategoryProfessional {
			in.Role = dayRoles[rng.IntN(len(dayRoles))]
		}
		if rng.IntN(5) == 0 {
			in.Accommodations = []string{string(models.Accommodations[rng.IntN(len(models.Accommodations))])}
		}
		day.People = append(day.People, models.SeedPerson{Partner: p, RegistrationInput: in, Cancelled: gone[j]})
	}
	// Present: about 75 to 90 % of the confirmed.
	var confirmed []int
	for j, p := range day.People {
		if !p.Cancelled {
			confirmed = append(confirmed, j)
		}
	}
	lo, hi := (len(confirmed)*75+99)/100, len(confirmed)*90/100
	present := lo + rng.IntN(max(hi-lo, 0)+1)
	for _, k := range rng.Perm(len(confirmed))[:present] {
		day.People[confirmed[k]].Present = true
	}
	for w := range rng.IntN(4) {
		first, last := scaleFirstNames[rng.IntN(len(scaleFirstNames))], scaleLastNames[rng.IntN(len(scaleLastNames))]
		walk := models.WalkInInput{FirstName: first, LastName: last, Category: categories[(w+rng.IntN(len(categories)))%len(categories)]}
		if rng.IntN(3) > 0 {
			walk.Organisation = day.Partners[rng.IntN(n)].Name
		}
		day.WalkIns = append(day.WalkIns, walk)
	}
	if i%3 == 2 && se.RemoteURL == "" {
		count := present + len(day.WalkIns)
		day.SheetCount, day.WalkIns = &count, nil
	} else {
		day.Ticked = true
	}

	// The debrief, a few days after the session.
	held := se.EndsAt
	if se.HeldAt != nil {
		held = *se.HeldAt
	}
	now := s.Now()
	switch {
	case se.State == models.SessionClosed:
		day.DebriefedAt = held.Add(time.Duration(1+rng.IntN(5))*24*time.Hour + time.Duration(rng.IntN(300))*time.Minute)
		if se.ClosedAt != nil && day.DebriefedAt.After(*se.ClosedAt) {
			day.DebriefedAt = se.ClosedAt.Add(-time.Hour)
		}
	case now.Sub(se.EndsAt) >= 7*24*time.Hour && now.Sub(se.EndsAt) < s.FeedbackPeriod():
		day.DebriefedAt = held.Add(2 * 24 * time.Hour)
	default:
		return day, nil
	}
	d := debriefOf(rng, clsmName)
	day.Debrief = &d
	return day, nil
}

// The debriefs' texts, told as a facilitator would.
var (
	debriefAtmospheres = []string{
		"Groupe attentif et très participatif. Les habitant·es ont pris la parole dès le premier quart d’heure, les professionnel·les se sont peu à peu effacé·es pour les laisser parler.",
		"Début un peu timide, puis un vrai climat de confiance après le jeu des idées reçues. Deux personnes ont partagé leur propre parcours, ce qui a beaucoup touché le groupe.",
		"Ambiance chaleureuse, café et gâteaux apportés par le centre social. Beaucoup de rires pendant le quiz, des silences plus lourds quand il a été question du suicide.",
		"Séance dense : un groupe nombreux, des échanges parfois vifs entre habitant·es et bailleur sur les troubles du voisinage, recadrés sans difficulté.",
		"Public jeune (beaucoup de 18-25 ans venus par la mission locale), curieux mais méfiant envers la psychiatrie ; l’écoute s’est installée après la pause.",
		"Groupe calme et bienveillant. Quelques personnes âgées isolées, venues avec l’aide à domicile, ont dit qu’elles reviendraient à une prochaine rencontre.",
	}
	debriefTopics = []string{
		"Différence entre santé mentale et maladie mentale ; la stigmatisation dans le quartier (« il est fou ») ; comment parler à un proche qui ne sort plus de chez lui.",
		"L’isolement des personnes âgées ; les écrans et le sommeil des adolescent·es ; à qui s’adresser quand le médecin traitant n’est pas disponible.",
		"Le stress lié au logement et aux dettes ; les troubles du voisinage ; le rôle du gardien d’immeuble quand un locataire va mal.",
		"Le harcèlement au collège ; l’anxiété des jeunes en recherche d’emploi ; la peur d’être « fiché » en allant au CMP.",
		"Le deuil et l’exil ; la santé mentale des mères seules ; les urgences : quand appeler le 15 et quand appeler le 3114.",
		"Les addictions (alcool, cannabis) chez les jeunes adultes ; l’épuisement des aidant·es familiaux ; le secret médical.",
	}
	debriefResources = map[string][]string{
		"CLSM de Roubaix": {
			"CMP adulte de Roubaix (rue de Lannoy), Maison des adolescents de Roubaix, GEM « L’Oasis », Point d’accueil et d’écoute jeunes de la mission locale.",
			"Équipe mobile psychiatrie-précarité de la métropole, permanence de l’association France Victimes, Café des aidants du CCAS.",
		},
		"CLSM de Lille": {
			"CMP de Lille-Sud, GEM « Les Ch’tis Bonheurs », consultations jeunes consommateurs, Maison des adolescents du Nord.",
			"Point écoute parents de la maison de quartier, Espace santé du Faubourg de Béthune, Équipe mobile psychiatrie-précarité.",
		},
		"CLSM de Cholet": {
			"CMP du Choletais, GEM de Cholet, Point accueil écoute jeunes de la mission locale, permanence de l’UNAFAM 49.",
			"Maison des adolescents de Maine-et-Loire (antenne de Cholet), Café des aidants, assistantes sociales du département.",
		},
		"CLSM de Fort-de-France": {
			"CMP de Fort-de-France, association Kaz’Écoute, Maison des adolescents de Martinique, numéro national 3114.",
			"Équipe mobile de psychiatrie du CHU, GEM de Fort-de-France, permanences du CCAS à Trénelle.",
		},
	}
	// debriefAnyResources are those of a generated CLSM.
	debriefAnyResources = []string{
		"CMP du secteur, groupe d’entraide mutuelle (GEM) de la ville, Maison des adolescents du département, numéro national 3114.",
		"Équipe mobile psychiatrie-précarité, Point accueil écoute jeunes, permanence de l’UNAFAM, Café des aidants du CCAS.",
		"Centre médico-psychologique adulte et enfant, consultations jeunes consommateurs, assistantes sociales de secteur.",
	}
	debriefFollowUps = []string{
		"Le centre social souhaite une seconde séance au printemps, pour les parents. Envoyer la liste des ressources aux participant·es par l’intermédiaire des structures.",
		"Deux professionnel·les du bailleur demandent une formation aux premiers secours en santé mentale. Voir avec la coordination du CLSM.",
		"Mettre en relation la mission locale et la Maison des adolescents pour une permanence commune. Relancer la coordination dans un mois.",
		"Plusieurs habitant·es veulent créer un groupe de parole : la coordination se renseigne sur une salle et un·e animateur·rice.",
		"Aucune demande particulière ; refaire une séance l’an prochain avec davantage d’élu·es.",
	}
	debriefNotes = []string{
		"Salle bien adaptée, mais micro indispensable au-delà de quinze personnes.",
		"Prévoir des documents en plus grands caractères : deux personnes ne pouvaient pas lire les fiches.",
		"Une participante a demandé à être rappelée en privé : orientée vers le CMP, avec son accord.",
		"Horaire idéal pour les parents (après la sortie de l’école).",
		"La connexion a coupé deux fois ; garder le diaporama en PDF pour l’envoyer à l’avance.",
		"",
	}
)

// debriefOf draws a debrief, in the CLSM's setting.
func debriefOf(rng *rand.Rand, clsm string) models.Debrief {
	res := debriefResources[clsm]
	if len(res) == 0 {
		res = debriefAnyResources
	}
	return models.Debrief{
		Atmosphere: fr(debriefAtmospheres[rng.IntN(len(debriefAtmospheres))]),
		Topics:     fr(debriefTopics[rng.IntN(len(debriefTopics))]),
		Resources:  fr(res[rng.IntN(len(res))]),
		FollowUp:   fr(debriefFollowUps[rng.IntN(len(debriefFollowUps))]),
		Notes:      fr(debriefNotes[rng.IntN(len(debriefNotes))]),
	}
}
