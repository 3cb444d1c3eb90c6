package handlers

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"quartier/models"
	"quartier/territory"
	"quartier/territory/francemap"
)

// reportPage is the « Bilan de la saison »: the admin's for the whole
// programme (filtered by région, département or CLSM), a coordinator's
// for their own CLSMs.
type reportPage struct {
	Admin   bool
	Scope   string // what the report covers, in words
	Report  models.SeasonReport
	Tables  []reportTable
	Charts  map[string]template.HTML // by table ID
	Map     template.HTML
	Action  string // the filter form's address
	CSV     string
	XLSX    string
	Seasons []models.Season
	// The admin's filters and their choices.
	Region, Departement string
	CLSMID              int64
	Regions             []territory.Region
	Departements        []territory.Departement
	CLSMs               []models.CLSMRow
	// A coordinator's CLSMs, when they have several.
	OwnCLSMs []models.CLSM
	// Key are the four figures above the key figures' table.
	Key []keyFigure
}

// keyFigure is one large figure at the top of the report.
type keyFigure struct{ Value, Label string }

// reportCLSMLimit bounds the CLSMs the admin's filter offers (the whole
// programme is about 300); narrowing by région or département first
// shortens the list.
const reportCLSMLimit = 400

// Table returns the table with this ID (the template's sections name them).
func (p reportPage) Table(id string) *reportTable {
	for i := range p.Tables {
		if p.Tables[i].ID == id {
			return &p.Tables[i]
		}
	}
	return nil
}

// reportQueryOf reads the admin's filters from the query string: known
// région and département codes, an existing CLSM; anything else is a 400
// with a French page.
func (h *Handler) reportQueryOf(c echo.Context, se models.Season) (models.ReportFilter, error) {
	f := models.ReportFilter{SeasonID: se.ID, RegionCode: c.QueryParam("region"), DepartementCode: c.QueryParam("departement")}
	bad := func(what string) error {
		return newPageError(http.StatusBadRequest, "Filtre inconnu", what+" demandé n’existe pas.", "Choisissez-le dans la liste du formulaire de filtres.")
	}
	if f.RegionCode != "" {
		if _, ok := h.geo.Region(f.RegionCode); !ok || len(f.RegionCode) > 3 {
			return f, bad("La région")
		}
	}
	if f.DepartementCode != "" {
		if _, ok := h.geo.Departement(f.DepartementCode); !ok || len(f.DepartementCode) > 3 {
			return f, bad("Le département")
		}
	}
	if v := c.QueryParam("clsm"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return f, bad("Le CLSM")
		}
		if _, err := h.store.CLSMByID(c.Request().Context(), id); err != nil {
			if errors.Is(err, models.ErrNotFound) {
				return f, bad("Le CLSM")
			}
			return f, err
		}
		f.CLSMIDs = []int64{id}
	}
	return f, nil
}

// reportQueryString is the filter as the page's links carry it.
func reportQueryString(f models.ReportFilter, coordinator bool) string {
	v := url.Values{}
	if coordinator {
		v.Set("saison", strconv.FormatInt(f.SeasonID, 10))
	}
	if f.RegionCode != "" {
		v.Set("region", f.RegionCode)
	}
	if f.DepartementCode != "" {
		v.Set("departement", f.DepartementCode)
	}
	if len(f.CLSMIDs) == 1 {
		v.Set("clsm", strconv.FormatInt(f.CLSMIDs[0], 10))
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// km is the great-circle distance between two communes, for the report's
// travel estimate.
func (h *Handler) km(from, to string) float64 {
	a, ok1 := h.geo.Commune(from)
	b, ok2 := h.geo.Commune(to)
	if !ok1 || !ok2 || from == to {
		return 0
	}
	return territory.DistanceKm(a, b)
}

// adminReport opens the season's report for the whole programme or the
// filter of the query string.
func (h *Handler) adminReport(c echo.Context, se models.Season) (reportPage, error) {
	ctx := c.Request().Context()
	f, err := h.reportQueryOf(c, se)
	if err != nil {
		return reportPage{}, err
	}
	rep, err := h.store.SeasonReport(ctx, f, h.km)
	if err != nil {
		return reportPage{}, err
	}
	p := reportPage{Admin: true, Report: rep, Region: f.RegionCode, Departement: f.DepartementCode,
		Regions: h.geo.Regions(), Departements: h.geo.Departements()}
	base := fmt.Sprintf("/admin/saisons/%d/bilan", se.ID)
	p.Action = base
	qs := reportQueryString(f, false)
	p.CSV, p.XLSX = base+".csv"+qs, base+".xlsx"+qs
	p.Scope = "Tout le programme"
	var scope []string
	if f.RegionCode != "" {
		scope = append(scope, h.regionName(f.RegionCode))
	}
	if f.DepartementCode != "" {
		scope = append(scope, f.DepartementCode+" – "+h.departementName(f.DepartementCode))
	}
	if len(f.CLSMIDs) == 1 {
		p.CLSMID = f.CLSMIDs[0]
		cl, err := h.store.CLSMByID(ctx, p.CLSMID)
		if err != nil {
			return p, err
		}
		scope = append(scope, cl.Name)
	}
	if len(scope) > 0 {
		p.Scope = joinFrench(scope)
	}
	if p.CLSMs, err = h.store.ListCLSMs(ctx, models.CLSMFilter{RegionCode: f.RegionCode, DepartementCode: f.DepartementCode, Limit: reportCLSMLimit}); err != nil {
		return p, err
	}
	if p.Seasons, err = h.store.SeasonPage(ctx, 20, 0); err != nil {
		return p, err
	}
	return p, nil
}

// coordinatorReport opens the report of the signed-in coordinator's CLSMs
// (or the one of them named by ?clsm=; another CLSM is a 404), for the
// season of ?saison= or the current one.
func (h *Handler) coordinatorReport(c echo.Context) (reportPage, error) {
	ctx := c.Request().Context()
	u := currentUser(c)
	own, err := h.store.CLSMsOfCoordinator(ctx, u.ID)
	if err != nil {
		return reportPage{}, err
	}
	if len(own) == 0 {
		return reportPage{}, newPageError(http.StatusNotFound, "Aucun CLSM", "Aucun CLSM ne vous est encore rattaché : il n’y a pas de bilan à montrer.",
			"Le centre de ressources peut vous associer à votre CLSM.")
	}
	var se models.Season
	if v := c.QueryParam("saison"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return reportPage{}, echo.ErrNotFound
		}
		if se, err = h.store.SeasonByID(ctx, id); err != nil {
			return reportPage{}, err
		}
	} else if se, err = h.store.CurrentSeason(ctx); err != nil {
		if errors.Is(err, models.ErrNotFound) {
			return reportPage{}, newPageError(http.StatusNotFound, "Aucune saison en cours", "Aucune saison n’est en cours : il n’y a pas encore de bilan.", "")
		}
		return reportPage{}, err
	}
	f := models.ReportFilter{SeasonID: se.ID}
	var names []string
	if v := c.QueryParam("clsm"); v != "" {
		id, _ := strconv.ParseInt(v, 10, 64)
		for _, cl := range own {
			if cl.ID == id {
				f.CLSMIDs, names = []int64{id}, []string{cl.Name}
			}
		}
		if len(f.CLSMIDs) == 0 {
			// Another CLSM's report, or a made-up one: the same answer.
			return reportPage{}, &models.NotFoundError{What: "CLSM"}
		}
	} else {
		for _, cl := range own {
			f.CLSMIDs = append(f.CLSMIDs, cl.ID)
			names = append(names, cl.Name)
		}
	}
	rep, err := h.store.SeasonReport(ctx, f, h.km)
	if err != nil {
		return reportPage{}, err
	}
	p := reportPage{Report: rep, Scope: joinFrench(names), Action: "/bilan"}
	if len(own) > 1 {
		p.OwnCLSMs = own
		if v := c.QueryParam("clsm"); v != "" {
			p.CLSMID = f.CLSMIDs[0]
		}
	}
	links := models.ReportFilter{SeasonID: se.ID}
	if c.QueryParam("clsm") != "" {
		links.CLSMIDs = f.CLSMIDs
	}
	qs := reportQueryString(links, true)
	p.CSV, p.XLSX = "/bilan.csv"+qs, "/bilan.xlsx"+qs
	if p.Seasons, err = h.store.SeasonPage(ctx, 20, 0); err != nil {
		return p, err
	}
	return p, nil
}

func joinFrench(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	out := parts[0]
	for _, s := range parts[1 : len(parts)-1] {
		out += ", " + s
	}
	return out + " et " + parts[len(parts)-1]
}

func (h *Handler) showAdminReport(c echo.Context, se models.Season) error {
	p, err := h.adminReport(c, se)
	if err != nil {
		return err
	}
	return h.renderReport(c, p, "seasons")
}

func (h *Handler) showCoordinatorReport(c echo.Context) error {
	p, err := h.coordinatorReport(c)
	if err != nil {
		return err
	}
	return h.renderReport(c, p, "report")
}

// renderReport draws the tables, charts and map of the page.
func (h *Handler) renderReport(c echo.Context, p reportPage, nav string) error {
	p.Tables = h.reportTables(p.Report)
	f := p.Report.Figures
	p.Key = []keyFigure{{frInt(f.SessionsHeld), plural(f.SessionsHeld, "séance tenue", "séances tenues")},
		{frInt(f.Attended), plural(f.Attended, "personne présente", "personnes présentes")},
		{frInt(f.QPVs), plural(f.QPVs, "QPV couvert", "QPV couverts")},
		{frPercent(f.ResponseRate()), "de réponses au questionnaire"}}
	if f.LinksSent == 0 {
		p.Key[3] = keyFigure{"—", "aucun questionnaire envoyé"}
	}
	p.Charts = reportCharts(p)
	m, err := h.reportMap(p.Report)
	if err != nil {
		return err
	}
	p.Map = m
	return h.render(c, http.StatusOK, pageReport, nav, p)
}

// reportMap shades the départements by sessions held, with each count
// written on its département (never carried by the colour alone) and the
// same numbers in the table of départements.
func (h *Handler) reportMap(rep models.SeasonReport) (template.HTML, error) {
	values := map[string]int{}
	for _, p := range rep.Places {
		if _, ok := francemap.Lookup(p.DepartementCode); ok {
			values[p.DepartementCode] += p.Sessions
		}
	}
	return francemap.Render(francemap.Map{ID: "carte-bilan", Title: "Séances tenues par département " + ofSeason(rep.Season.Name),
		Desc:   "Carte de France, outre-mer en médaillons : plus un département est foncé, plus il a tenu de séances ; le nombre est écrit sur chaque département et repris dans le tableau des départements.",
		Values: values, ValueTitle: "Séances tenues", ShowValues: true,
		ValueText: func(n int) string { return frInt(n) + " séance" + plural(n, "", "s") }})
}

// reportCharts draws the page's bar charts from its tables' figures.
func reportCharts(p reportPage) map[string]template.HTML {
	rep := p.Report
	charts := map[string]template.HTML{}
	f, old := rep.Figures, rep.PreviousFigures
	cmp := barChart{ID: "graphe-comparaison", Title: "La saison comparée à la précédente",
		Desc: "Demandes reçues, séances tenues, personnes présentes et réponses au questionnaire, cette saison et la précédente ; les nombres sont dans le tableau des chiffres clés."}
	cmp.Series = []barSeries{{Name: rep.Season.Name, Fill: seriesCurrent.Fill}}
	pair := func(label string, a, b int) bar {
		br := bar{Label: label, Values: []float64{float64(a)}, Texts: []string{frInt(a)}}
		if rep.Previous != nil {
			br.Values = append(br.Values, float64(b))
			br.Texts = append(br.Texts, frInt(b))
		}
		return br
	}
	if rep.Previous != nil {
		cmp.Series = append(cmp.Series, barSeries{Name: rep.Previous.Name, Fill: seriesPrevious.Fill, Hatched: true})
	}
	cmp.Bars = []bar{pair("Demandes reçues", f.RequestsReceived, old.RequestsReceived), pair("Séances tenues", f.SessionsHeld, old.SessionsHeld),
		pair("Personnes présentes", f.Attended, old.Attended), pair("Réponses", f.Answers, old.Answers)}
	charts["chiffres-cles"] = cmp.render()

	if t := p.Table("departements"); t != nil && len(t.Rows) > 0 {
		ch := barChart{ID: "graphe-departements", Title: "Séances tenues par département", Desc: "Une barre par département ; les nombres sont dans le tableau qui suit."}
		for _, r := range t.Rows {
			ch.Bars = append(ch.Bars, bar{Label: r[1].Text + " " + r[2].Text, Values: []float64{r[3].Value}, Texts: []string{r[3].Text}})
		}
		charts["departements"] = ch.render()
	}
	two := []barSeries{{Name: "Inscrites", Fill: seriesPrevious.Fill, Hatched: true}, {Name: "Présentes", Fill: seriesCurrent.Fill}}
	for _, id := range []string{"categories", "structures"} {
		t := p.Table(id)
		if t == nil || len(t.Rows) == 0 || (rep.Figures.Registered == 0 && rep.Figures.Attended == 0) {
			continue
		}
		ch := barChart{ID: "graphe-" + id, Title: t.Caption, Desc: "Pour chaque groupe, une barre hachurée pour les personnes inscrites et une barre pleine pour les présentes ; les nombres sont dans le tableau qui suit.",
			Series: two}
		for _, r := range t.Rows {
			ch.Bars = append(ch.Bars, bar{Label: r[0].Text, Values: []float64{r[1].Value, r[2].Value}, Texts: []string{r[1].Text, r[2].Text}})
		}
		charts[id] = ch.render()
	}
	if t := p.Table("structures-par-seance"); t != nil && len(t.Rows) > 0 {
		ch := barChart{ID: "graphe-structures-par-seance", Title: t.Caption, Desc: "Nombre de séances selon le nombre de structures représentées ; les nombres sont dans le tableau qui suit."}
		for _, r := range t.Rows {
			label := r[0].Text + " structure" + plural(int(r[0].Value), "", "s")
			ch.Bars = append(ch.Bars, bar{Label: label, Values: []float64{r[1].Value}, Texts: []string{r[1].Text}})
		}
		charts["structures-par-seance"] = ch.render()
	}
	if rep.Figures.EnoughAnswers() {
		sat := barChart{ID: "graphe-satisfaction", Title: "Satisfaction (note de 1 à 5)", Desc: "Nombre de réponses pour chaque note ; les nombres sont dans le tableau qui suit."}
		know := barChart{ID: "graphe-connaissances", Title: "Connaissances avant et après la séance", Series: []barSeries{{Name: "Avant", Fill: seriesPrevious.Fill, Hatched: true}, {Name: "Après", Fill: seriesCurrent.Fill}},
			Desc: "Pour chaque note, une barre hachurée avant la séance et une barre pleine après ; les nombres sont dans le tableau qui suit."}
		for i := range 5 {
			label := "Note " + strconv.Itoa(i+1)
			sat.Bars = append(sat.Bars, bar{Label: label, Values: []float64{float64(rep.Satisfaction[i])}, Texts: []string{frInt(rep.Satisfaction[i])}})
			know.Bars = append(know.Bars, bar{Label: label, Values: []float64{float64(rep.KnowledgeBefore[i]), float64(rep.KnowledgeAfter[i])},
				Texts: []string{frInt(rep.KnowledgeBefore[i]), frInt(rep.KnowledgeAfter[i])}})
		}
		charts["satisfaction"], charts["connaissances"] = sat.render(), know.render()
		if t := p.Table("orientation"); t != nil {
			ch := barChart{ID: "graphe-orientation", Title: t.Caption, Desc: "Nombre de réponses oui, non et ne sait pas ; les nombres sont dans le tableau qui suit."}
			for _, r := range t.Rows {
				ch.Bars = append(ch.Bars, bar{Label: r[0].Text, Values: []float64{r[1].Value}, Texts: []string{r[1].Text}})
			}
			charts["orientation"] = ch.render()
		}
	}
	return charts
}
