package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"quartier/models"
	"quartier/territory"
)

// The demo's people. The first coordinator runs the CLSM of the demo's
// sessions (the manifest's "coordinator").
var (
	demoAdmin = models.NewUser{Email: "claire.dubois@ressources-clsm.example.fr", Name: "Claire Dubois", Role: models.RoleAdmin}

	demoFacilitators = []models.NewUser{
		{Email: "camille.lefebvre@ressources-clsm.example.fr", Name: "Camille Lefebvre", Role: models.RoleFacilitator, HomeINSEE: "59350", MaxPerDay: 1, MaxPerWeek: 3},
		{Email: "ines.martin@ressources-clsm.example.fr", Name: "Inès Martin", Role: models.RoleFacilitator, HomeINSEE: "59350", MaxPerDay: 2, MaxPerWeek: 4},
	}
)

type demoCLSM struct {
	name, territory, dept string
	communes, qpvs        []string
	coordinator           models.NewUser
	partners              [][2]string // name, kind
}

var demoCLSMs = []demoCLSM{
	{
		name: "CLSM de Roubaix", dept: "59",
		territory: "Ville de Roubaix : quartiers de l’Alma, de l’Épeule et des Hauts-Champs.",
		communes:  []string{"59512"}, qpvs: []string{"QX059005", "QX059006", "QX059007"},
		coordinator: models.NewUser{Email: "nadia.benali@ville-roubaix.example.fr", Name: "Nadia Benali", Role: models.RoleCoordinator},
		partners: [][2]string{
			{"Centre social de l’Alma", "association"}, {"Collège Anne-Frank", "school"},
			{"Mission locale de Roubaix", "youth_job"}, {"Vilogia", "landlord"},
			{"Association Rencontre et Loisirs", "association"}, {"Aide à domicile Roubaix Services", "health"},
		},
	},
	{
		name: "CLSM de Lille", dept: "59",
		territory: "Ville de Lille, avec Hellemmes et Lomme : Lille-Sud, Moulins, Faubourg de Béthune, Bois-Blancs.",
		communes:  []string{"59350"}, qpvs: []string{"QX059001", "QX059002", "QX059003", "QX059004"},
		coordinator: models.NewUser{Email: "julien.dufour@mairie-lille.example.fr", Name: "Julien Dufour", Role: models.RoleCoordinator},
		partners: [][2]string{
			{"Maison de quartier Lille-Sud", "association"}, {"Lille Métropole Habitat", "landlord"},
			{"Résidence Les Moulins", "landlord"},
		},
	},
	{
		name: "CLSM de Cholet", dept: "49",
		territory: "Agglomération du Choletais : quartier Jean-Monnet.",
		communes:  []string{"49099"}, qpvs: []string{"QX049002"},
		coordinator: models.NewUser{Email: "sophie.moreau@choletagglomeration.example.fr", Name: "Sophie Moreau", Role: models.RoleCoordinator},
		partners: [][2]string{
			{"Association de prévention spécialisée du Choletais", "health"}, {"Régie de quartier Jean-Monnet", "association"},
		},
	},
	{
		name: "CLSM de Fort-de-France", dept: "972",
		territory: "Ville de Fort-de-France : Trénelle - Citron et Volga Plage.",
		communes:  []string{"97209"}, qpvs: []string{"QX972001", "QX972002"},
		coordinator: models.NewUser{Email: "maelle.joseph@ville-fortdefrance.example.fr", Name: "Maëlle Joseph", Role: models.RoleCoordinator, TimeZone: "America/Martinique"},
		partners: [][2]string{
			{"Association Trénelle Avenir", "association"}, {"Lycée Schœlcher", "school"},
		},
	},
}

// Seed fills an empty database with the demo programme and returns its
// manifest, also stored in the database so a second run can print it again.
func Seed(ctx context.Context, d Deps) (Manifest, error) {
	s := d.Store
	var m Manifest
	admin, err := s.CreateFirstAdmin(ctx, demoAdmin.Email, demoAdmin.Name)
	if err != nil {
		return m, fmt.Errorf("demo admin: %w", err)
	}
	m.Accounts.Admin = admin.Email
	m.PlanningPath = "/admin/planification"
	m.People = append(m.People, Person{Email: admin.Email, Name: admin.Name, Role: admin.Role})

	// Seasons: the previous one, closed, and the current one.
	y := d.Now.Year()
	if d.Now.Month() < time.September {
		y--
	}
	prev, err := s.CreateSeason(ctx, admin.ID, fmt.Sprintf("Saison %d-%d", y-1, y), date(y-1, 9, 1), date(y, 7, 3))
	if err != nil {
		return m, fmt.Errorf("demo season: %w", err)
	}
	cur, err := s.CreateSeason(ctx, admin.ID, fmt.Sprintf("Saison %d-%d", y, y+1), date(y, 9, 1), date(y+1, 7, 2))
	if err != nil {
		return m, fmt.Errorf("demo season: %w", err)
	}
	m.ReportPath = fmt.Sprintf("/admin/saisons/%d/bilan", cur.ID)
	if err := s.SetCurrentSeason(ctx, admin.ID, cur.ID); err != nil {
		return m, err
	}
	if err := s.CloseSeason(ctx, admin.ID, prev.ID); err != nil {
		return m, err
	}

	// The quartiers the demo CLSMs cover.
	qpvs, err := QPVs(d.Geo)
	if err != nil {
		return m, err
	}
	var rows []models.QPVInput
	for _, q := range qpvs {
		rows = append(rows, models.QPVInput{Line: q.Line, Code: q.Code, Name: q.Name, Communes: q.Communes})
	}
	if _, err := s.ImportQPVs(ctx, admin.ID, rows); err != nil {
		return m, fmt.Errorf("demo QPVs: %w", err)
	}

	var facs []models.User
	for _, f := range demoFacilitators {
		u, err := s.CreateUser(ctx, admin.ID, f, nil)
		if err != nil {
			return m, fmt.Errorf("demo facilitator %s: %w", f.Email, err)
		}
		facs = append(facs, u)
		if m.Accounts.Facilitator == "" {
			m.Accounts.Facilitator = u.Email
		}
		m.People = append(m.People, Person{Email: u.Email, Name: u.Name, Role: u.Role})
	}

	if err := SeedCalendars(ctx, d, facs); err != nil {
		return m, fmt.Errorf("demo calendars: %w", err)
	}

	for i, dc := range demoCLSMs {
		dep, ok := d.Geo.Departement(dc.dept)
		if !ok {
			return m, fmt.Errorf("demo CLSM %s: unknown département %s", dc.name, dc.dept)
		}
		c, err := s.CreateCLSM(ctx, admin.ID, models.CLSMInput{
			Name: dc.name, Territory: dc.territory, RegionCode: dep.Region, DepartementCode: dc.dept,
			Communes: dc.communes, QPVs: dc.qpvs,
		})
		if err != nil {
			return m, fmt.Errorf("demo CLSM %s: %w", dc.name, err)
		}
		u, err := s.CreateUser(ctx, admin.ID, dc.coordinator, &c.ID)
		if err != nil {
			return m, fmt.Errorf("demo coordinator %s: %w", dc.coordinator.Email, err)
		}
		if i == 0 {
			m.Accounts.Coordinator = u.Email
		}
		m.People = append(m.People, Person{Email: u.Email, Name: u.Name, Role: u.Role, CLSM: c.Name})
		for _, p := range dc.partners {
			slug := strings.ReplaceAll(territory.NormalizeName(p[0]), " ", "-")
			if _, err := s.CreateOrganisation(ctx, admin.ID, c.ID, models.OrganisationInput{Name: p[0], Kind: models.OrgKind(p[1]), ContactEmail: "contact@" + slug + ".example.fr"}); err != nil {
				return m, fmt.Errorf("demo partner %s: %w", p[0], err)
			}
		}
	}

	if m.SignupRace, err = SeedRequests(ctx, d); err != nil {
		return m, fmt.Errorf("demo requests: %w", err)
	}
	if m.FeedbackLinks, err = seedFeedback(ctx, d); err != nil {
		return m, err
	}
	if m.FeedbackLinks == nil {
		m.FeedbackLinks = []string{}
	}

	b, err := json.Marshal(m)
	if err != nil {
		return m, err
	}
	return m, s.SetSetting(ctx, settingKey, string(b))
}

func date(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
