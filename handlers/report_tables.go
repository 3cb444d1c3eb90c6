package handlers

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"quartier/models"
)

// cellFormat says how a cell's number is written, on the page and in the
// spreadsheet's number format.
type cellFormat int

const (
	cellText    cellFormat = iota // no number: Text only
	cellInt                       // 1 234
	cellDecimal                   // 4,2
	cellPercent                   // 83,3 % (Value is a fraction)
)

// reportCell is one cell of a report table: the French text the page and
// the CSV show, and for a number its value and format (the XLSX's).
type reportCell struct {
	Text   string
	Value  float64
	Format cellFormat
}

// reportTable is one table of the report: a section of the page, a block
// of the CSV, a sheet of the XLSX.
type reportTable struct {
	ID      string // the page's anchor
	Sheet   string // the XLSX sheet's name (31 characters at most)
	Caption string
	Head    []string
	Rows    [][]reportCell
	Note    string // said under the table (rule of 5, estimates)
}

func textCell(s string) reportCell { return reportCell{Text: s} }
func intCell(n int) reportCell     { return reportCell{Text: frInt(n), Value: float64(n), Format: cellInt} }
func decCell(v float64) reportCell {
	return reportCell{Text: frDecimal(v), Value: v, Format: cellDecimal}
}
func pctCell(v float64) reportCell {
	return reportCell{Text: frPercent(v), Value: math.Round(v*1000) / 1000, Format: cellPercent}
}

// frInt writes n with a narrow no-break space between thousands: 12 345.
func frInt(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteRune('\u202f')
		}
		b.WriteRune(r)
	}
	if neg {
		return "−" + b.String()
	}
	return b.String()
}

// frDecimal writes v with one decimal and a decimal comma: 4,2.
func frDecimal(v float64) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', 1, 64)
	whole, frac, _ := strings.Cut(s, ".")
	n, _ := strconv.Atoi(whole)
	out := frInt(n) + "," + frac
	if v < 0 && s != "0.0" {
		out = "−" + out
	}
	return out
}

// frPercent writes a fraction as a French percentage: 83,3 %.
func frPercent(v float64) string { return frDecimal(v*100) + "\u00a0%" }

// signed writes a difference with its sign: +3, −1,5, 0.
func signed(text string, v float64) string {
	switch {
	case v > 0:
		return "+" + text
	case v < 0:
		return text // frInt and frDecimal write the minus sign
	}
	return "0"
}

// fewAnswers is what a figure drawn from answers says under the rule of 5.
const fewAnswers = "moins de 5 réponses"

// headline is one row of the key figures: the value this season and the
// previous one; answers says it is drawn from feedback answers (rule of 5).
type headline struct {
	label    string
	cur, old float64
	format   cellFormat
	answers  bool
	none     bool // no value (no session held for a lead time)
	oldNone  bool
}

func (h headline) cell(v float64, format cellFormat, few, none bool) reportCell {
	switch {
	case few:
		return textCell(fewAnswers)
	case none:
		return textCell("—")
	case format == cellInt:
		return intCell(int(math.Round(v)))
	case format == cellPercent:
		return pctCell(v)
	}
	return decCell(v)
}

// headlineTable is the key figures with the previous season's and the
// change between them, when there is a previous season.
func headlineTable(rep models.SeasonReport) reportTable {
	f, p := rep.Figures, rep.PreviousFigures
	lead := func(d int) float64 { return float64(d) }
	rows := []headline{
		{label: "Demandes reçues", cur: float64(f.RequestsReceived), old: float64(p.RequestsReceived), format: cellInt},
		{label: "Demandes acceptées", cur: float64(f.RequestsAccepted), old: float64(p.RequestsAccepted), format: cellInt},
		{label: "Demandes refusées", cur: float64(f.RequestsDeclined), old: float64(p.RequestsDeclined), format: cellInt},
		{label: "Demandes retirées", cur: float64(f.RequestsWithdrawn), old: float64(p.RequestsWithdrawn), format: cellInt},
		{label: "Séances tenues", cur: float64(f.SessionsHeld), old: float64(p.SessionsHeld), format: cellInt},
		{label: "QPV couverts", cur: float64(f.QPVs), old: float64(p.QPVs), format: cellInt},
		{label: "Communes couvertes", cur: float64(f.Communes), old: float64(p.Communes), format: cellInt},
		{label: "Personnes inscrites", cur: float64(f.Registered), old: float64(p.Registered), format: cellInt},
		{label: "Personnes présentes", cur: float64(f.Attended), old: float64(p.Attended), format: cellInt},
		{label: "Taux de présence", cur: f.AttendanceRate(), old: p.AttendanceRate(), format: cellPercent},
		{label: "Structures représentées", cur: float64(f.Organisations), old: float64(p.Organisations), format: cellInt},
		{label: "Structures par séance (moyenne)", cur: f.OrgsPerSession, old: p.OrgsPerSession, format: cellDecimal},
		{label: "Questionnaires envoyés", cur: float64(f.LinksSent), old: float64(p.LinksSent), format: cellInt},
		{label: "Réponses", cur: float64(f.Answers), old: float64(p.Answers), format: cellInt},
		{label: "Taux de réponse", cur: f.ResponseRate(), old: p.ResponseRate(), format: cellPercent},
		{label: "Satisfaction moyenne (sur 5)", cur: f.SatisfactionMean, old: p.SatisfactionMean, format: cellDecimal, answers: true},
		{label: "Connaissances avant (moyenne sur 5)", cur: f.KnowledgeBeforeMean, old: p.KnowledgeBeforeMean, format: cellDecimal, answers: true},
		{label: "Connaissances après (moyenne sur 5)", cur: f.KnowledgeAfterMean, old: p.KnowledgeAfterMean, format: cellDecimal, answers: true},
		{label: "Savent vers qui orienter", cur: f.KnowsWhereShare(), old: p.KnowsWhereShare(), format: cellPercent, answers: true},
		{label: "Recommanderaient la séance", cur: f.RecommendShare(), old: p.RecommendShare(), format: cellPercent, answers: true},
		{label: "Délai demande → séance, médiane (jours)", cur: lead(f.LeadMedianDays), old: lead(p.LeadMedianDays), format: cellInt,
			none: f.LeadMedianDays < 0, oldNone: p.LeadMedianDays < 0},
		{label: "Délai demande → séance, 90 % en moins de (jours)", cur: lead(f.LeadP90Days), old: lead(p.LeadP90Days), format: cellInt,
			none: f.LeadP90Days < 0, oldNone: p.LeadP90Days < 0},
		{label: "Heures d’animation", cur: f.Hours, old: p.Hours, format: cellDecimal},
		{label: "Kilomètres parcourus (estimation)", cur: f.Km, old: p.Km, format: cellInt},
	}
	t := reportTable{ID: "chiffres-cles", Sheet: "Chiffres clés", Caption: "Chiffres clés " + ofSeason(rep.Season.Name),
		Head: []string{"Indicateur", rep.Season.Name}}
	if rep.Previous != nil {
		t.Head = append(t.Head, rep.Previous.Name, "Évolution")
		t.Caption += ", comparés à ceux " + ofSeason(rep.Previous.Name)
	}
	for _, r := range rows {
		few, oldFew := r.answers && !f.EnoughAnswers(), r.answers && !p.EnoughAnswers()
		row := []reportCell{textCell(r.label), r.cell(r.cur, r.format, few, r.none)}
		if rep.Previous != nil {
			row = append(row, r.cell(r.old, r.format, oldFew, r.oldNone))
			switch {
			case few || oldFew || r.none || r.oldNone:
				row = append(row, textCell("—"))
			case r.format == cellPercent:
				d := (r.cur - r.old) * 100
				row = append(row, reportCell{Text: signed(frDecimal(d), d) + "\u00a0pt", Value: math.Round(d*10) / 10, Format: cellDecimal})
			case r.format == cellInt:
				d := int(math.Round(r.cur - r.old))
				row = append(row, reportCell{Text: signed(frInt(d), float64(d)), Value: float64(d), Format: cellInt})
			default:
				d := r.cur - r.old
				row = append(row, reportCell{Text: signed(frDecimal(d), d), Value: math.Round(d*10) / 10, Format: cellDecimal})
			}
		}
		t.Rows = append(t.Rows, row)
	}
	t.Note = "Les présences comptent les personnes cochées présentes, les personnes venues sans inscription et, pour une séance sans pointage, le nombre de la feuille d’émargement signée" +
		fmt.Sprintf(" (%s personnes cette saison). ", frInt(f.SheetOnly)) +
		"Les chiffres tirés des questionnaires ne sont donnés qu’à partir de 5 réponses. " +
		"Les kilomètres sont estimés : un aller-retour à vol d’oiseau depuis la commune de la chargée de mission pour chaque séance en présentiel."
	return t
}

// reportTables builds every table of the report, in the page's order.
func (h *Handler) reportTables(rep models.SeasonReport) []reportTable {
	tables := []reportTable{headlineTable(rep)}

	regions := reportTable{ID: "regions", Sheet: "Séances par région", Caption: "Séances tenues par région",
		Head: []string{"Région", "Séances tenues"}}
	depts := reportTable{ID: "departements", Sheet: "Séances par département", Caption: "Séances tenues par département",
		Head: []string{"Région", "Code", "Département", "Séances tenues"}}
	var byRegion []models.PlaceCount
	for _, p := range rep.Places {
		if n := len(byRegion); n > 0 && byRegion[n-1].RegionCode == p.RegionCode {
			byRegion[n-1].Sessions += p.Sessions
		} else {
			byRegion = append(byRegion, models.PlaceCount{RegionCode: p.RegionCode, Sessions: p.Sessions})
		}
		depts.Rows = append(depts.Rows, []reportCell{textCell(h.regionName(p.RegionCode)), textCell(p.DepartementCode),
			textCell(h.departementName(p.DepartementCode)), intCell(p.Sessions)})
	}
	for _, r := range byRegion {
		regions.Rows = append(regions.Rows, []reportCell{textCell(h.regionName(r.RegionCode)), intCell(r.Sessions)})
	}
	tables = append(tables, regions, depts)

	people := func(id, sheet, caption, first string, groups []models.GroupCount, label func(string) string) reportTable {
		t := reportTable{ID: id, Sheet: sheet, Caption: caption, Head: []string{first, "Inscrites", "Présentes", "Taux de présence"}}
		for _, g := range groups {
			if g.Key == "" && g.Registered == 0 && g.Attended == 0 {
				continue
			}
			rate := textCell("—")
			if g.Registered > 0 {
				rate = pctCell(float64(g.Attended) / float64(g.Registered))
			}
			t.Rows = append(t.Rows, []reportCell{textCell(label(g.Key)), intCell(g.Registered), intCell(g.Attended), rate})
		}
		return t
	}
	cats := people("categories", "Participants par catégorie", "Personnes inscrites et présentes, par catégorie", "Catégorie", rep.Categories,
		func(k string) string {
			if k == "" {
				return "non renseignée (venue sans inscription)"
			}
			return models.Category(k).Label()
		})
	cats.Note = "Le taux de présence rapporte les présentes aux inscrites : les personnes venues sans inscription le font dépasser 100 %."
	kinds := people("structures", "Participants par structure", "Personnes inscrites et présentes, par type de structure", "Type de structure", rep.OrgKinds,
		func(k string) string {
			if k == "" {
				return "venue sans inscription"
			}
			return models.OrgKind(k).Label()
		})
	tables = append(tables, cats, kinds)

	orgs := reportTable{ID: "structures-par-seance", Sheet: "Structures par séance", Caption: "Séances selon le nombre de structures représentées",
		Head: []string{"Structures représentées", "Séances"}}
	for _, n := range slices.Sorted(maps.Keys(rep.OrgsPerSession)) {
		orgs.Rows = append(orgs.Rows, []reportCell{intCell(n), intCell(rep.OrgsPerSession[n])})
	}
	orgs.Note = "Une structure est représentée quand au moins une de ses personnes inscrites est cochée présente."
	tables = append(tables, orgs)

	answers := rep.Figures.Answers
	sat := reportTable{ID: "satisfaction", Sheet: "Satisfaction", Caption: "Satisfaction (note de 1 à 5)", Head: []string{"Note", "Réponses", "Part"}}
	know := reportTable{ID: "connaissances", Sheet: "Connaissances", Caption: "Connaissances en santé mentale, avant et après la séance (note de 1 à 5)",
		Head: []string{"Note", "Avant", "Après"}}
	where := reportTable{ID: "orientation", Sheet: "Orientation", Caption: "Savez-vous maintenant vers qui orienter une personne ?",
		Head: []string{"Réponse", "Réponses", "Part"}}
	if rep.Figures.EnoughAnswers() {
		for i := range 5 {
			sat.Rows = append(sat.Rows, []reportCell{intCell(i + 1), intCell(rep.Satisfaction[i]), pctCell(float64(rep.Satisfaction[i]) / float64(answers))})
			know.Rows = append(know.Rows, []reportCell{intCell(i + 1), intCell(rep.KnowledgeBefore[i]), intCell(rep.KnowledgeAfter[i])})
		}
		for _, k := range []struct{ key, label string }{{"oui", "oui"}, {"non", "non"}, {"ne_sait_pas", "ne sait pas"}} {
			n := rep.KnowsWhere[k.key]
			where.Rows = append(where.Rows, []reportCell{textCell(k.label), intCell(n), pctCell(float64(n) / float64(answers))})
		}
	} else {
		note := fmt.Sprintf("%s réponse%s : le détail n’est donné qu’à partir de 5 réponses.", frInt(answers), plural(answers, "", "s"))
		sat.Note, know.Note, where.Note = note, note, note
	}
	tables = append(tables, sat, know, where)

	load := reportTable{ID: "chargees-de-mission", Sheet: "Chargées de mission", Caption: "Séances, heures d’animation et kilomètres par chargée de mission",
		Head: []string{"Chargée de mission", "Séances", "Heures", "Kilomètres (estimation)"}}
	for _, l := range rep.Facilitators {
		load.Rows = append(load.Rows, []reportCell{textCell(l.Name), intCell(l.Sessions), decCell(l.Hours), intCell(int(l.Km))})
	}
	load.Note = "Kilomètres estimés : un aller-retour à vol d’oiseau depuis la commune de la chargée de mission pour chaque séance en présentiel ; les tournées de plusieurs séances les réduisent, les routes les allongent."
	tables = append(tables, load)

	texts := reportTable{ID: "verbatims", Sheet: "Verbatims", Caption: "Ce que disent les participant·e·s", Head: []string{"Question", "Réponse"}}
	for _, t := range rep.Texts {
		q := "Ce qui a été le plus utile"
		if t.Question == "improve" {
			q = "À améliorer"
		}
		texts.Rows = append(texts.Rows, []reportCell{textCell(q), textCell(t.Text)})
	}
	switch {
	case !rep.Figures.EnoughAnswers():
		texts.Note = "Les réponses libres ne sont données qu’à partir de 5 réponses au questionnaire."
	case rep.TextCount > models.ReportTextLimit:
		texts.Note = fmt.Sprintf("Les %d réponses les plus récentes, sur %s.", models.ReportTextLimit, frInt(rep.TextCount))
	default:
		texts.Note = "Réponses libres, sans nom ni séance : elles ne sont jamais rattachées à un groupe de moins de 5 réponses."
	}
	tables = append(tables, texts)
	return tables
}

func (h *Handler) regionName(code string) string {
	if r, ok := h.geo.Region(code); ok {
		return r.Name
	}
	return code
}

func (h *Handler) departementName(code string) string {
	if d, ok := h.geo.Departement(code); ok {
		return d.Name
	}
	return code
}

// ofSeason writes « de la saison 2026-2027 » for a season named
// « Saison 2026-2027 » (the demo's and the usual names), and « de la
// saison « Printemps » » for any other name, never « saison Saison ».
func ofSeason(name string) string {
	if rest, ok := strings.CutPrefix(name, "Saison "); ok {
		return "de la saison " + rest
	}
	if rest, ok := strings.CutPrefix(name, "saison "); ok {
		return "de la saison " + rest
	}
	return "de la saison « " + name + " »"
}
