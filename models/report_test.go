package models

import (
	"context"
	"quartier/internal/dbtest"
	"reflect"
	"strings"
	"testing"
	"time"
)

// reportFixture is a small programme built by hand, row by row, so that
// every figure of its report can be counted on paper (see the comments
// of TestSeasonReport_HandCheckedFixture).
type reportFixture struct {
	s            *Store
	prev, cur    int64
	clsmA, clsmB int64
	clsmD        int64
	f1, f2       int64
	ids          map[string]int64
	exec         func(sql string, args ...any) int64
}

func at(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, time.UTC) }

func newReportFixture(t *testing.T) *reportFixture {
	t.Helper()
	s, err := Open(dbtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	fx := &reportFixture{s: s, ids: map[string]int64{}}
	fx.exec = func(sql string, args ...any) int64 {
		t.Helper()
		var id int64
		if !strings.Contains(sql, "RETURNING") {
			sql += " RETURNING id"
		}
		if err := s.q(ctx).Raw(sql, args...).Scan(&id).Error; err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return id
	}
	now := at(2026, 8, 1, 9)
	user := func(name, role, home string) int64 {
		return fx.exec(`INSERT INTO users (email, name, role, home_insee, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			name+"@exemple.fr", name, role, home, now, now)
	}
	coord := user("coord", "coordinator", "")
	fx.f1 = user("Camille", "facilitator", "59350")
	fx.f2 = user("Dominique", "facilitator", "59350")
	season := func(name string, from, to time.Time, current bool) int64 {
		return fx.exec(`INSERT INTO seasons (name, starts_on, ends_on, status, is_current, created_at) VALUES (?, ?, ?, 'open', ?, ?)`,
			name, from, to, current, now)
	}
	fx.prev = season("Saison 1", at(2025, 9, 1, 0), at(2026, 6, 30, 0), false)
	fx.cur = season("Saison 2", at(2026, 9, 1, 0), at(2027, 6, 30, 0), true)
	clsm := func(name, region, dept string) int64 {
		return fx.exec(`INSERT INTO clsms (name, region_code, departement_code, coordinator_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			name, region, dept, coord, now, now)
	}
	fx.clsmA = clsm("CLSM de Roubaix", "32", "59")
	fx.clsmB = clsm("CLSM d’Arras", "32", "62")
	fx.clsmD = clsm("CLSM de Saint-Denis", "04", "974")
	for _, q := range []string{"Q1", "Q2", "Q3"} {
		if err := s.q(ctx).Exec(`INSERT INTO qpvs (code, name, created_at, updated_at) VALUES (?, ?, ?, ?)`, q, "Quartier "+q, now, now).Error; err != nil {
			t.Fatal(err)
		}
	}
	return fx
}

// request adds a request (submitted unless submitted is zero) and, when
// state is a session state, its session starting at start (3 hours).
func (fx *reportFixture) request(t *testing.T, name string, season, clsm int64, state, commune, format string, submitted time.Time,
	facilitator int64, start time.Time, qpvs ...string) {
	t.Helper()
	var sub any
	if !submitted.IsZero() {
		sub = submitted
	}
	now := at(2026, 8, 1, 9)
	r := fx.exec(`INSERT INTO requests (clsm_id, season_id, created_by, state, commune_insee, format, submitted_at, created_at, updated_at)
		VALUES (?, ?, (SELECT MIN(id) FROM users), ?, ?, ?, ?, ?, ?)`, clsm, season, state, commune, format, sub, now, now)
	fx.ids[name] = r
	for _, q := range qpvs {
		fx.exec(`INSERT INTO request_qpvs (request_id, qpv_code) VALUES (?, ?) RETURNING 0 AS id`, r, q)
	}
	if facilitator != 0 {
		sess := fx.exec(`INSERT INTO sessions (request_id, facilitator_id, state, starts_at, ends_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, r, facilitator, state, start, start.Add(3*time.Hour), now, now)
		fx.exec(`UPDATE requests SET session_id = ? WHERE id = ? RETURNING id`, sess, r)
		fx.ids["S"+name] = sess
	}
}

// org invites an organisation of clsm to the session of request name.
func (fx *reportFixture) org(t *testing.T, name string, clsm int64, kind, request string) {
	t.Helper()
	now := at(2026, 8, 1, 9)
	o, ok := fx.ids["O"+name]
	if !ok {
		o = fx.exec(`INSERT INTO organisations (clsm_id, name, kind, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`, clsm, name, kind, now, now)
		fx.ids["O"+name] = o
	}
	fx.ids["P"+name+request] = fx.exec(`INSERT INTO session_partners (session_id, organisation_id, created_at, updated_at) VALUES (?, ?, ?, ?)`,
		fx.ids["S"+request], o, now, now)
}

// person registers someone through partner org at request's session;
// present is "yes", "no" (ticked absent) or "" (not ticked); sent says a
// feedback link was sent.
func (fx *reportFixture) person(t *testing.T, name, request, org, category, state, present string, sent bool) {
	t.Helper()
	now := at(2026, 8, 1, 9)
	sess := fx.ids["S"+request]
	g := fx.exec(`INSERT INTO registrations (session_id, partner_id, first_name, last_name, email, category, state, created_at, updated_at)
		VALUES (?, ?, ?, 'Nom', ?, ?, ?, ?, ?)`, sess, fx.ids["P"+org+request], name, name+"@exemple.fr", category, state, now, now)
	if present != "" {
		fx.exec(`INSERT INTO attendances (session_id, registration_id, present, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
			sess, g, present == "yes", now, now)
	}
	if sent {
		fx.exec(`INSERT INTO feedback_links (registration_id, session_id, questionnaire_version, sent_at, expires_at, created_at)
			VALUES (?, ?, 1, ?, ?, ?) RETURNING registration_id AS id`, g, sess, now, now.AddDate(0, 1, 0), now)
	}
}

func (fx *reportFixture) walkIn(t *testing.T, request, category string) {
	t.Helper()
	now := at(2026, 8, 1, 9)
	fx.exec(`INSERT INTO attendances (session_id, first_name, last_name, category, present, created_at, updated_at) VALUES (?, 'Sur', 'Place', ?, TRUE, ?, ?)`,
		fx.ids["S"+request], category, now, now)
}

func (fx *reportFixture) answer(t *testing.T, request string, sat, before, after int, knows string, recommend bool, useful, improve string) {
	t.Helper()
	fx.exec(`INSERT INTO feedback_answers (session_id, questionnaire_version, satisfaction, knowledge_before, knowledge_after, knows_where,
		recommend, most_useful, improve, answered_on) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?)`,
		fx.ids["S"+request], sat, before, after, knows, recommend, useful, improve, at(2026, 11, 10, 0))
}

// buildReportFixture is the season of the hand-checked report.
func buildReportFixture(t *testing.T) *reportFixture {
	fx := newReportFixture(t)
	A, B, D := fx.clsmA, fx.clsmB, fx.clsmD
	cur, prev := fx.cur, fx.prev
	// Current season. R1–R3 held (R2 closed), R4 declined, R5 withdrawn
	// after being accepted, R6 accepted, R7 a draft (never received), R8
	// scheduled (not held).
	fx.request(t, "R1", cur, A, "held", "59512", "in_person", at(2026, 9, 1, 10), fx.f1, at(2026, 10, 1, 9), "Q1", "Q2")
	fx.request(t, "R2", cur, A, "closed", "59512", "in_person", at(2026, 9, 10, 10), fx.f1, at(2026, 9, 20, 14), "Q1")
	fx.request(t, "R3", cur, B, "held", "62041", "remote", at(2026, 9, 5, 10), fx.f2, at(2026, 11, 4, 14), "Q3")
	fx.request(t, "R4", cur, B, "declined", "62041", "in_person", at(2026, 9, 6, 10), 0, time.Time{})
	fx.request(t, "R5", cur, A, "withdrawn", "59512", "in_person", at(2026, 9, 7, 10), 0, time.Time{})
	fx.exec(`INSERT INTO request_events (request_id, from_state, to_state, created_at) VALUES (?, 'submitted', 'accepted', ?)`, fx.ids["R5"], at(2026, 9, 8, 10))
	fx.request(t, "R6", cur, D, "accepted", "97411", "in_person", at(2026, 9, 8, 10), 0, time.Time{})
	fx.request(t, "R7", cur, A, "draft", "59512", "in_person", time.Time{}, 0, time.Time{})
	fx.request(t, "R8", cur, B, "scheduled", "62041", "in_person", at(2026, 9, 9, 10), fx.f2, at(2027, 1, 12, 9))

	fx.org(t, "Asso A1", A, "association", "R1")
	fx.org(t, "Collège A2", A, "school", "R1")
	fx.org(t, "Bailleur A3", A, "landlord", "R2")
	fx.org(t, "Asso A1", A, "association", "R2")
	fx.org(t, "Mairie B1", B, "public_service", "R3")
	// S1: g1–g4 confirmed (g1, g2 present; g3 not ticked; g4 ticked
	// absent), g5 cancelled and g6 waiting (neither counted), two walk-ins.
	fx.person(t, "g1", "R1", "Asso A1", "habitant", "confirmed", "yes", true)
	fx.person(t, "g2", "R1", "Asso A1", "professionnel", "confirmed", "yes", true)
	fx.person(t, "g3", "R1", "Collège A2", "elu", "confirmed", "", false)
	fx.person(t, "g4", "R1", "Collège A2", "benevole", "confirmed", "no", false)
	fx.person(t, "g5", "R1", "Asso A1", "habitant", "cancelled", "", false)
	fx.person(t, "g6", "R1", "Asso A1", "habitant", "waiting", "", false)
	fx.walkIn(t, "R1", "habitant")
	fx.walkIn(t, "R1", "")
	// S2: g7, g8, g11 from the landlord, g9 from the association, all present.
	fx.person(t, "g7", "R2", "Bailleur A3", "habitant", "confirmed", "yes", true)
	fx.person(t, "g8", "R2", "Bailleur A3", "habitant", "confirmed", "yes", true)
	fx.person(t, "g9", "R2", "Asso A1", "professionnel", "confirmed", "yes", true)
	fx.person(t, "g11", "R2", "Bailleur A3", "benevole", "confirmed", "yes", true)
	// S3: one registration, no tick, 12 on the signed sheet.
	fx.person(t, "g10", "R3", "Mairie B1", "elu", "confirmed", "", false)
	fx.exec(`INSERT INTO session_days (session_id, sheet_count, updated_at) VALUES (?, 12, ?) RETURNING session_id AS id`, fx.ids["SR3"], at(2026, 11, 4, 18))

	fx.answer(t, "R1", 5, 2, 4, "oui", true, "Les ressources locales", "")
	fx.answer(t, "R1", 4, 1, 3, "oui", true, "", "Plus de temps")
	fx.answer(t, "R2", 5, 3, 4, "non", true, "", "")
	fx.answer(t, "R2", 3, 2, 2, "ne_sait_pas", false, `=HYPERLINK("x")`, "")
	fx.answer(t, "R2", 4, 2, 5, "oui", true, "", "")

	// Previous season: P1 held (S4, F1, Roubaix, 16 days after its
	// submission), one person present, two answers; P2 declined.
	fx.request(t, "P1", prev, A, "closed", "59512", "in_person", at(2025, 9, 15, 10), fx.f1, at(2025, 10, 1, 9), "Q1")
	fx.request(t, "P2", prev, B, "declined", "62041", "in_person", at(2025, 9, 16, 10), 0, time.Time{})
	fx.org(t, "Asso A1", A, "association", "P1")
	fx.person(t, "g12", "P1", "Asso A1", "habitant", "confirmed", "yes", true)
	fx.answer(t, "P1", 5, 1, 5, "oui", true, "Tout", "")
	fx.answer(t, "P1", 4, 1, 4, "oui", true, "", "")
	return fx
}

// fakeKm puts Roubaix 12.5 km from Lille and knows no other pair.
func fakeKm(from, to string) float64 {
	if from == "59350" && to == "59512" {
		return 12.5
	}
	return 0
}

func TestSeasonReport_HandCheckedFixture(t *testing.T) {
	fx := buildReportFixture(t)
	rep, err := fx.s.SeasonReport(context.Background(), ReportFilter{SeasonID: fx.cur}, fakeKm)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Previous == nil || rep.Previous.ID != fx.prev {
		t.Fatalf("previous season: %+v", rep.Previous)
	}
	want := Figures{
		RequestsReceived:  7, // R1–R6, R8 (R7 is a draft)
		RequestsAccepted:  6, // R1–R3 held, R5 (event), R6, R8
		RequestsDeclined:  1, // R4
		RequestsWithdrawn: 1, // R5
		SessionsHeld:      3, // S1, S2 (closed), S3
		QPVs:              3, // Q1, Q2, Q3
		Communes:          2, // 59512, 62041
		Registered:        9, // g1–g4, g7–g9, g11, g10 (not g5 cancelled, g6 waiting)
		// ticks: g1, g2 + 2 walk-ins (S1), g7, g8, g9, g11 (S2) = 8; S3's sheet: 12
		Attended:       20,
		SheetOnly:      12,
		Organisations:  2,   // Asso A1, Bailleur A3 had someone present
		OrgsPerSession: 1.0, // S1 1, S2 2, S3 0 → 3 / 3
		LinksSent:      6,   // g1, g2, g7, g8, g9, g11
		Answers:        5,
		// satisfaction 5+4+5+3+4 = 21 / 5; before 2+1+3+2+2 = 10 / 5; after 4+3+4+2+5 = 18 / 5
		SatisfactionMean: 4.2, KnowledgeBeforeMean: 2.0, KnowledgeAfterMean: 3.6,
		KnowsWhereYes: 3, RecommendYes: 4,
		// lead days 10 (R2), 30 (R1), 60 (R3): median the 2nd, P90 the 3rd (nearest rank ⌈2.7⌉)
		LeadMedianDays: 30, LeadP90Days: 60,
		Hours: 9,  // three sessions of 3 h
		Km:    50, // F1: 2 × 12.5 km × 2 sessions in Roubaix; F2's S3 is remote
	}
	if rep.Figures != want {
		t.Errorf("figures\n got %+v\nwant %+v", rep.Figures, want)
	}
	// Previous: P1 received, accepted (held), P2 declined; 2 answers, below
	// the rule of 5: no means, no shares.
	wantPrev := Figures{RequestsReceived: 2, RequestsAccepted: 1, RequestsDeclined: 1, SessionsHeld: 1, QPVs: 1, Communes: 1,
		Registered: 1, Attended: 1, Organisations: 1, OrgsPerSession: 1, LinksSent: 1, Answers: 2,
		LeadMedianDays: 16, LeadP90Days: 16, Hours: 3, Km: 25}
	if rep.PreviousFigures != wantPrev {
		t.Errorf("previous figures\n got %+v\nwant %+v", rep.PreviousFigures, wantPrev)
	}
	if want := []PlaceCount{{"32", "59", 2}, {"32", "62", 1}}; !reflect.DeepEqual(rep.Places, want) {
		t.Errorf("places %+v, want %+v", rep.Places, want)
	}
	wantCats := []GroupCount{
		{"habitant", 3, 4},      // g1, g7, g8 registered and present, + a walk-in
		{"elu", 2, 0},           // g3 (not ticked), g10 (sheet only)
		{"professionnel", 2, 2}, // g2, g9
		{"benevole", 2, 1},      // g4 absent, g11 present
		{"", 0, 1},              // the walk-in without a category
	}
	if !reflect.DeepEqual(rep.Categories, wantCats) {
		t.Errorf("categories %+v, want %+v", rep.Categories, wantCats)
	}
	wantKinds := []GroupCount{{"association", 3, 3}, {"school", 2, 0}, {"landlord", 3, 3}, {"youth_job", 0, 0},
		{"public_service", 1, 0}, {"health", 0, 0}, {"residents", 0, 0}, {"elected", 0, 0}, {"other", 0, 0}, {"", 0, 2}}
	if !reflect.DeepEqual(rep.OrgKinds, wantKinds) {
		t.Errorf("kinds %+v, want %+v", rep.OrgKinds, wantKinds)
	}
	if want := map[int]int{0: 1, 1: 1, 2: 1}; !reflect.DeepEqual(rep.OrgsPerSession, want) {
		t.Errorf("organisations per session %v, want %v", rep.OrgsPerSession, want)
	}
	if want := [5]int{0, 0, 1, 2, 2}; rep.Satisfaction != want {
		t.Errorf("satisfaction %v, want %v", rep.Satisfaction, want)
	}
	if want := [5]int{1, 3, 1, 0, 0}; rep.KnowledgeBefore != want {
		t.Errorf("knowledge before %v, want %v", rep.KnowledgeBefore, want)
	}
	if want := [5]int{0, 1, 1, 2, 1}; rep.KnowledgeAfter != want {
		t.Errorf("knowledge after %v, want %v", rep.KnowledgeAfter, want)
	}
	if want := map[string]int{"oui": 3, "non": 1, "ne_sait_pas": 1}; !reflect.DeepEqual(rep.KnowsWhere, want) {
		t.Errorf("knows where %v, want %v", rep.KnowsWhere, want)
	}
	wantLoad := []FacilitatorLoad{{fx.f1, "Camille", 2, 6, 50}, {fx.f2, "Dominique", 1, 3, 0}}
	if !reflect.DeepEqual(rep.Facilitators, wantLoad) {
		t.Errorf("facilitators %+v, want %+v", rep.Facilitators, wantLoad)
	}
	// Three answers have a text: a1 (useful), a2 (improve), a4 (useful).
	if rep.TextCount != 3 || len(rep.Texts) != 3 {
		t.Errorf("texts %d of %d: %+v", len(rep.Texts), rep.TextCount, rep.Texts)
	}
}

func TestSeasonReport_FiltersAndRuleOfFive(t *testing.T) {
	fx := buildReportFixture(t)
	ctx := context.Background()
	// Pas-de-Calais: R3 (held, remote), R4 (declined), R8 (scheduled).
	rep, err := fx.s.SeasonReport(ctx, ReportFilter{SeasonID: fx.cur, DepartementCode: "62"}, fakeKm)
	if err != nil {
		t.Fatal(err)
	}
	f := rep.Figures
	if f.RequestsReceived != 3 || f.RequestsAccepted != 2 || f.RequestsDeclined != 1 || f.SessionsHeld != 1 || f.Attended != 12 || f.Registered != 1 {
		t.Errorf("Pas-de-Calais: %+v", f)
	}
	// No answer in the Pas-de-Calais: no breakdown, no text.
	if f.Answers != 0 || rep.Texts != nil || rep.Satisfaction != [5]int{} || len(rep.KnowsWhere) != 0 {
		t.Errorf("Pas-de-Calais answers: %+v %+v", f, rep.Texts)
	}
	// The previous season of the same filter: P2 declined.
	if p := rep.PreviousFigures; p.RequestsReceived != 1 || p.RequestsDeclined != 1 || p.SessionsHeld != 0 || p.LeadMedianDays != -1 {
		t.Errorf("Pas-de-Calais, previous season: %+v", p)
	}
	// Saint-Denis's CLSM: R6 accepted, nothing held.
	rep, err = fx.s.SeasonReport(ctx, ReportFilter{SeasonID: fx.cur, CLSMIDs: []int64{fx.clsmD}}, fakeKm)
	if err != nil {
		t.Fatal(err)
	}
	if f := rep.Figures; f.RequestsReceived != 1 || f.RequestsAccepted != 1 || f.SessionsHeld != 0 || f.LeadMedianDays != -1 || rep.Places != nil {
		t.Errorf("Saint-Denis: %+v %+v", f, rep.Places)
	}
	// The region of La Réunion holds the same.
	rep2, err := fx.s.SeasonReport(ctx, ReportFilter{SeasonID: fx.cur, RegionCode: "04"}, fakeKm)
	if err != nil {
		t.Fatal(err)
	}
	if rep2.Figures != rep.Figures {
		t.Errorf("région 04 %+v, CLSM %+v", rep2.Figures, rep.Figures)
	}
	// Four answers of five, in Roubaix's CLSM (S1: 2, S2: 3 → 5): remove
	// one and the breakdown goes.
	if err := fx.s.q(ctx).Exec(`DELETE FROM feedback_answers WHERE id = (SELECT MAX(id) FROM feedback_answers WHERE session_id = ?)`, fx.ids["SR2"]).Error; err != nil {
		t.Fatal(err)
	}
	rep, err = fx.s.SeasonReport(ctx, ReportFilter{SeasonID: fx.cur, CLSMIDs: []int64{fx.clsmA}}, fakeKm)
	if err != nil {
		t.Fatal(err)
	}
	if f := rep.Figures; f.Answers != 4 || f.SatisfactionMean != 0 || f.KnowsWhereYes != 0 || rep.Texts != nil || rep.Satisfaction != [5]int{} {
		t.Errorf("four answers: %+v texts %v dist %v", f, rep.Texts, rep.Satisfaction)
	}
}

func TestPercentile_NearestRank(t *testing.T) {
	for _, c := range []struct {
		values, counts []int
		p              float64
		want           int
	}{
		{nil, nil, 0.5, -1},
		{[]int{7}, []int{1}, 0.9, 7},
		{[]int{1, 2, 3, 4}, []int{1, 1, 1, 1}, 0.5, 2},
		{[]int{1, 2, 3, 4}, []int{1, 1, 1, 1}, 0.9, 4},
		{[]int{5, 40}, []int{9, 1}, 0.9, 5},
		{[]int{5, 40}, []int{8, 2}, 0.9, 40},
	} {
		if got := percentile(c.values, c.counts, c.p); got != c.want {
			t.Errorf("percentile(%v, %v, %v) = %d, want %d", c.values, c.counts, c.p, got, c.want)
		}
	}
}
