package handlers_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"quartier/internal/dbtest"
)

var updateReport = flag.Bool("update-report", false, "rewrite testdata/report.csv")

// reportEnv is the test app with, in its season, one held session in
// Roubaix (the first coordinator's CLSM: seven people, six present, a
// walk-in, six links sent, five answers, one a would-be formula) and one in Cholet (the
// second coordinator's: two people, the count of the signed sheet, no
// answer).
type reportEnv struct {
	*env
	season int64
}

func newReportEnv(t *testing.T) *reportEnv {
	t.Helper()
	e := newEnv(t)
	ctx := context.Background()
	se, err := e.store.CurrentSeason(ctx)
	if err != nil {
		// The season the env creates is not marked current.
		ss, err := e.store.Seasons(ctx)
		if err != nil || len(ss) == 0 {
			t.Fatalf("no season: %v", err)
		}
		se = ss[0]
		if err := e.store.SetCurrentSeason(ctx, e.admin.ID, se.ID); err != nil {
			t.Fatal(err)
		}
	}
	db := dbtest.SQL(t, e.cfg.Database.DSN)
	now := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
	// ins inserts a row and returns its id; exec runs the other statements.
	ins := func(q string, args ...any) int64 {
		t.Helper()
		id, err := db.Insert(q, args...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return id
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	held := func(clsm int64, commune string, submitted, start time.Time) int64 {
		r := ins(`INSERT INTO requests (clsm_id, season_id, created_by, state, commune_insee, submitted_at, created_at, updated_at)
			VALUES (?, ?, ?, 'held', ?, ?, ?, ?)`, clsm, se.ID, e.coord.ID, commune, submitted, now, now)
		s := ins(`INSERT INTO sessions (request_id, facilitator_id, state, starts_at, ends_at, created_at, updated_at)
			VALUES (?, ?, 'held', ?, ?, ?, ?)`, r, e.facil.ID, start, start.Add(3*time.Hour), now, now)
		exec(`UPDATE requests SET session_id = ? WHERE id = ?`, s, r)
		return s
	}
	person := func(session, partner int64, name, category string, present bool) {
		g := ins(`INSERT INTO registrations (session_id, partner_id, first_name, last_name, email, category, state, created_at, updated_at)
			VALUES (?, ?, ?, 'Nom', ?, ?, 'confirmed', ?, ?)`, session, partner, name, name+"@exemple.fr", category, now, now)
		exec(`INSERT INTO attendances (session_id, registration_id, present, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`, session, g, present, now, now)
		if present {
			exec(`INSERT INTO feedback_links (registration_id, session_id, questionnaire_version, sent_at, expires_at, created_at) VALUES (?, ?, 1, ?, ?, ?)`,
				g, session, now, now.AddDate(0, 1, 0), now)
		}
	}
	partner := func(clsm, session int64, name, kind string) int64 {
		o := ins(`INSERT INTO organisations (clsm_id, name, kind, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`, clsm, name, kind, now, now)
		return ins(`INSERT INTO session_partners (session_id, organisation_id, created_at, updated_at) VALUES (?, ?, ?, ?)`, session, o, now, now)
	}
	roubaix := held(e.clsm.ID, "59512", time.Date(2026, 9, 2, 10, 0, 0, 0, time.UTC), time.Date(2026, 10, 6, 12, 0, 0, 0, time.UTC))
	asso := partner(e.clsm.ID, roubaix, "Association Alma", "association")
	school := partner(e.clsm.ID, roubaix, "Collège Anne-Frank", "school")
	person(roubaix, asso, "Awa", "habitant", true)
	person(roubaix, asso, "Bruno", "professionnel", true)
	person(roubaix, school, "Chloé", "professionnel", true)
	person(roubaix, school, "David", "elu", false)
	person(roubaix, asso, "Gaëlle", "habitant", true)
	person(roubaix, asso, "Hugo", "benevole", true)
	person(roubaix, school, "Inès", "habitant", true)
	exec(`INSERT INTO attendances (session_id, first_name, last_name, category, present, created_at, updated_at) VALUES (?, 'Eva', 'Sur-place', 'benevole', TRUE, ?, ?)`, roubaix, now, now)
	for i, a := range []struct {
		sat, before, after int
		knows              string
		useful, improve    string
	}{
		{5, 2, 4, "oui", "Les adresses du quartier", ""},
		{4, 1, 4, "oui", "", "Plus de temps pour les questions"},
		{5, 3, 5, "non", `=HYPERLINK("http://exemple.fr")`, ""},
		{3, 2, 3, "ne_sait_pas", "", "-2 heures de trop"},
		{4, 2, 4, "oui", "", ""},
	} {
		exec(`INSERT INTO feedback_answers (session_id, questionnaire_version, satisfaction, knowledge_before, knowledge_after, knows_where, recommend,
			most_useful, improve, answered_on) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?)`, roubaix, a.sat, a.before, a.after, a.knows, i != 3, a.useful, a.improve,
			time.Date(2026, 10, 8+i, 0, 0, 0, 0, time.UTC))
	}
	cholet := held(e.clsm2.ID, "49099", time.Date(2026, 9, 10, 10, 0, 0, 0, time.UTC), time.Date(2026, 11, 3, 13, 0, 0, 0, time.UTC))
	mairie := partner(e.clsm2.ID, cholet, "Mairie de Cholet", "public_service")
	g := ins(`INSERT INTO registrations (session_id, partner_id, first_name, last_name, email, category, state, created_at, updated_at)
		VALUES (?, ?, 'Fanny', 'Nom', 'fanny@exemple.fr', 'elu', 'confirmed', ?, ?)`, cholet, mairie, now, now)
	_ = g
	exec(`INSERT INTO session_days (session_id, sheet_count, updated_at) VALUES (?, 9, ?)`, cholet, now)
	return &reportEnv{env: e, season: se.ID}
}

func TestReport_CSVGolden(t *testing.T) {
	e := newReportEnv(t)
	r := e.as(&e.admin).get(fmt.Sprintf("/admin/saisons/%d/bilan.csv", e.season))
	if r.Status != http.StatusOK {
		t.Fatalf("status %d\n%.300s", r.Status, r.Body)
	}
	body := []byte(r.Body)
	if !bytes.HasPrefix(body, []byte("\ufeffBilan de la saison 2026-2027\r\n")) {
		t.Errorf("no BOM or heading: %.80q", body)
	}
	// The would-be formulas of free texts are neutralised.
	for _, want := range []string{"\"'=HYPERLINK(\"\"http://exemple.fr\"\")\"", "À améliorer;'-2 heures de trop", "Séances tenues;2", "Édité le "} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("CSV has no %q", want)
		}
	}
	golden := filepath.Join("testdata", "report.csv")
	if *updateReport {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update-report to write it)", err)
	}
	if !bytes.Equal(body, want) {
		t.Errorf("CSV differs from %s (run with -update-report after reviewing):\n%s", golden, body)
	}
}

func TestReport_XLSXOpensWithItsSheets(t *testing.T) {
	e := newReportEnv(t)
	r := e.as(&e.admin).get(fmt.Sprintf("/admin/saisons/%d/bilan.xlsx?region=32", e.season))
	if r.Status != http.StatusOK {
		t.Fatalf("status %d\n%.300s", r.Status, r.Body)
	}
	x, err := excelize.OpenReader(strings.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	sheets := x.GetSheetList()
	want := []string{"Chiffres clés", "Séances par région", "Séances par département", "Participants par catégorie", "Participants par structure",
		"Structures par séance", "Satisfaction", "Connaissances", "Orientation", "Chargées de mission", "Verbatims"}
	if strings.Join(sheets, "|") != strings.Join(want, "|") {
		t.Fatalf("sheets %q, want %q", sheets, want)
	}
	cell := func(sheet, ref string) string {
		v, err := x.GetCellValue(sheet, ref)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// Hauts-de-France only: Roubaix's session, not Cholet's.
	if a, b := cell("Chiffres clés", "A3"), cell("Séances par région", "A4"); a != "Indicateur" || b != "Hauts-de-France" {
		t.Errorf("headers: %q, %q", a, b)
	}
	rows, err := x.GetRows("Chiffres clés")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for i, row := range rows {
		if len(row) > 1 && row[0] == "Séances tenues" {
			found = true
			ref := fmt.Sprintf("B%d", i+1)
			if typ, _ := x.GetCellType("Chiffres clés", ref); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
				t.Errorf("sessions held is stored as %v, not a number", typ)
			}
			if row[1] != "1" {
				t.Errorf("sessions held in Hauts-de-France = %q, want 1", row[1])
			}
		}
		if len(row) > 1 && row[0] == "Taux de réponse" {
			// 5 answers / 6 links: a percentage format, not text.
			ref := fmt.Sprintf("B%d", i+1)
			style, _ := x.GetCellStyle("Chiffres clés", ref)
			st, err := x.GetStyle(style)
			if err != nil || st.CustomNumFmt == nil || *st.CustomNumFmt != "0.0%" {
				t.Errorf("response rate's format: %+v %v", st, err)
			}
		}
	}
	if !found {
		t.Error("no « Séances tenues » row")
	}
	// A free text that looks like a formula is stored as text.
	texts, err := x.GetRows("Verbatims")
	if err != nil {
		t.Fatal(err)
	}
	asText := false
	for i, row := range texts {
		if len(row) > 1 && strings.HasPrefix(row[1], "=HYPERLINK") {
			if f, _ := x.GetCellFormula("Verbatims", fmt.Sprintf("B%d", i+1)); f == "" {
				asText = true
			}
		}
	}
	if !asText {
		t.Error("the would-be formula is missing from the Verbatims sheet, or stored as a formula")
	}
	if w, err := x.GetColWidth("Chiffres clés", "A"); err != nil || w < 30 {
		t.Errorf("first column width %v (%v)", w, err)
	}
}

func TestReport_CoordinatorSeesOnlyTheirCLSM(t *testing.T) {
	e := newReportEnv(t)
	c := e.as(&e.coord)
	r := c.get("/bilan")
	if r.Status != http.StatusOK {
		t.Fatalf("status %d\n%.300s", r.Status, r.Body)
	}
	if !strings.Contains(r.Body, "<strong>CLSM de Roubaix</strong>") || strings.Contains(r.Body, "CLSM de Cholet") || strings.Contains(r.Body, "<td>49</td>") {
		t.Error("the coordinator's report is not Roubaix's alone")
	}
	for _, p := range []string{"/bilan?clsm=%d", "/bilan.csv?clsm=%d", "/bilan.xlsx?clsm=%d"} {
		if r := c.get(fmt.Sprintf(p, e.clsm2.ID)); r.Status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", fmt.Sprintf(p, e.clsm2.ID), r.Status)
		}
	}
	csv := c.get("/bilan.csv").Body
	if !strings.Contains(csv, "Séances tenues;1") || strings.Contains(csv, "Maine-et-Loire") {
		t.Errorf("the coordinator's CSV holds another CLSM:\n%s", csv)
	}
	// Cholet's coordinator: no answer, so no breakdown and no free text.
	r = e.as(&e.coord2).get("/bilan")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "moins de 5 réponses") || strings.Contains(r.Body, "Plus de temps") {
		t.Errorf("Cholet's report: %d, rule of 5 not applied", r.Status)
	}
	// The admin's routes stay closed to a coordinator.
	if r := c.get(fmt.Sprintf("/admin/saisons/%d/bilan.csv", e.season)); r.Status != http.StatusForbidden && r.Status != http.StatusNotFound {
		t.Errorf("coordinator on the admin's export: %d", r.Status)
	}
}

func TestReport_FiltersAndBadFilters(t *testing.T) {
	e := newReportEnv(t)
	a := e.as(&e.admin)
	base := fmt.Sprintf("/admin/saisons/%d/bilan", e.season)
	r := a.get(base)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "Tout le programme") || !strings.Contains(r.Body, "Les adresses du quartier") {
		t.Fatalf("whole programme: %d", r.Status)
	}
	r = a.get(base + "?departement=49")
	if r.Status != http.StatusOK || strings.Contains(r.Body, "Les adresses du quartier") || !strings.Contains(r.Body, "49 – Maine-et-Loire") {
		t.Errorf("Maine-et-Loire: %d, or Roubaix's answers shown", r.Status)
	}
	for _, q := range []string{"?region=zz", "?departement=1000", "?clsm=abc", "?clsm=999999"} {
		r := a.get(base + q)
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "Filtre inconnu") {
			t.Errorf("GET %s%s: %d, want 400 with a French page", base, q, r.Status)
		}
	}
	if r := a.get(fmt.Sprintf("/admin/saisons/%d/bilan", 999999)); r.Status != http.StatusNotFound {
		t.Errorf("unknown season: %d", r.Status)
	}
}
