package models

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// The lists' hand-written scans against gorm's reflection over the same
// statement: a column added to the select, or two swapped, in one and not
// the other fails here.

func TestScanUserRows_SameAsGorm(t *testing.T) {
	f := newReqFixture(t)
	ctx := context.Background()
	if err := f.s.SetUserActive(ctx, f.admin.ID, f.coord2.ID, false); err != nil {
		t.Fatal(err)
	}
	var want []UserRow
	if err := f.s.userRowsQuery(ctx, UserFilter{}).Scan(&want).Error; err != nil {
		t.Fatal(err)
	}
	got, err := scanUserRows(f.s.userRowsQuery(ctx, UserFilter{}))
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 3 || !reflect.DeepEqual(got, want) {
		t.Errorf("hand scan:\n%+v\ngorm scan:\n%+v", got, want)
	}
	for _, r := range got {
		if r.ID == f.coord.ID && (r.CLSMNames != "CLSM de Roubaix" || r.Email != "coord@exemple.fr" || r.Role != RoleCoordinator || !r.Active) {
			t.Errorf("coordinator's row: %+v", r)
		}
		if r.ID == f.coord2.ID && r.Active {
			t.Errorf("deactivated coordinator listed active: %+v", r)
		}
	}
}

func TestScanCLSMRows_SameAsGorm(t *testing.T) {
	f := newReqFixture(t)
	ctx := context.Background()
	if _, err := f.s.CreateCLSM(ctx, f.admin.ID, CLSMInput{Name: "CLSM d'Angers", Territory: "Angers & alentours", RegionCode: "52", DepartementCode: "49"}); err != nil {
		t.Fatal(err)
	}
	if err := f.s.SetUserActive(ctx, f.admin.ID, f.coord2.ID, false); err != nil {
		t.Fatal(err)
	}
	var want []CLSMRow
	if err := f.s.clsmRowsQuery(ctx, CLSMFilter{}).Scan(&want).Error; err != nil {
		t.Fatal(err)
	}
	got, err := scanCLSMRows(f.s.clsmRowsQuery(ctx, CLSMFilter{}))
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 3 || !reflect.DeepEqual(got, want) {
		t.Errorf("hand scan:\n%+v\ngorm scan:\n%+v", got, want)
	}
	if len(got) == 3 && (got[0].CoordinatorID != nil || got[0].CoordinatorName != "" || got[0].Territory != "Angers & alentours" ||
		got[1].CoordinatorName != "Sophie Coord" || got[1].CoordinatorActive || got[2].CoordinatorName != "Nadia Coord" || !got[2].CoordinatorActive) {
		t.Errorf("rows: %+v", got)
	}
}

func TestScanQPVCodeNames_SameAsGorm(t *testing.T) {
	f := newReqFixture(t)
	var want []QPV
	if err := f.s.q(context.Background()).Table("qpvs").Select("code, name").Order("name, code").Scan(&want).Error; err != nil {
		t.Fatal(err)
	}
	got, err := scanQPVCodeNames(f.s.q(context.Background()).Table("qpvs").Select("code, name").Order("name, code"))
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 2 || !reflect.DeepEqual(got, want) {
		t.Errorf("hand scan:\n%+v\ngorm scan:\n%+v", got, want)
	}
}

func TestQPVsForCLSM_QuartiersOfTheDepartementAndTicked(t *testing.T) {
	f := newReqFixture(t)
	ctx := context.Background()
	if _, err := f.s.ImportQPVs(ctx, f.admin.ID, []QPVInput{
		{Line: 1, Code: "QN02A01M", Name: "Les Salines", Communes: []string{"2A004"}},
		{Line: 2, Code: "QN02B01M", Name: "Lupino", Communes: []string{"2B033"}},
		{Line: 3, Code: "QN97101M", Name: "Bas-du-Fort", Communes: []string{"97101"}},
		{Line: 4, Code: "QN05902M", Name: "Épeule", Communes: []string{"59512", "59599"}},
		{Line: 5, Code: "QN06001M", Name: "Argentine", Communes: []string{"60057"}},
	}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		dept   string
		ticked []string
		want   string
	}{
		{"59", nil, "QN05901M QN05902M"},
		{"59", []string{"QN04901M"}, "QN05901M QN05902M QN04901M"},
		{"2A", nil, "QN02A01M"},
		{"2a", nil, "QN02A01M"},
		{"2B", nil, "QN02B01M"},
		{"971", nil, "QN97101M"},
		{"97", nil, "QN97101M"},
		{"49", nil, "QN04901M"},
		{"60", nil, "QN06001M"},
		{"5", nil, "QN05901M QN05902M"},
		{"5%", nil, ""},
		{"5_", nil, ""},
		{"9710", []string{"QN04901M"}, "QN04901M"},
		{"", nil, ""},
		{"", []string{"QN04901M"}, "QN05901M QN02A01M QN97101M QN02B01M QN04901M QN05902M QN06001M"},
	} {
		got, err := f.s.QPVsForCLSM(ctx, c.dept, c.ticked)
		if err != nil {
			t.Fatal(err)
		}
		// by name: sort the expected codes the same way
		var codes []string
		for _, q := range got {
			codes = append(codes, q.Code)
		}
		if want := sortedByName(t, f, c.want); strings.Join(codes, " ") != want {
			t.Errorf("QPVsForCLSM(%q, %v) = %v, want %v", c.dept, c.ticked, codes, want)
		}
	}
}

// sortedByName orders the space-separated codes by their quartier's name.
func sortedByName(t *testing.T, f *reqFixture, codes string) string {
	t.Helper()
	if codes == "" {
		return ""
	}
	qs, err := f.s.QPVsByCode(context.Background(), strings.Fields(codes))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, q := range qs {
		out = append(out, q.Code)
	}
	return strings.Join(out, " ")
}

func TestInseeRange(t *testing.T) {
	for _, c := range []struct {
		dept, lo, hi string
		ok           bool
	}{
		{"59", "59", "5A", true},
		{"01", "01", "02", true},
		{"2A", "2A", "2B", true},
		{"2b", "2B", "2C", true},
		{"971", "971", "972", true},
		{"99", "99", "9A", true},
		{"2Z", "2Z", "3", true},
		{"ZZ", "ZZ", "", true},
		{"", "", "", true},
		{"9710", "", "", false},
		{"5%", "", "", false},
		{"é", "", "", false},
	} {
		lo, hi, ok := inseeRange(c.dept)
		if lo != c.lo || hi != c.hi || ok != c.ok {
			t.Errorf("inseeRange(%q) = %q, %q, %v; want %q, %q, %v", c.dept, lo, hi, ok, c.lo, c.hi, c.ok)
		}
	}
}

func TestScanAuditEvents_SameAsGorm(t *testing.T) {
	f := newReqFixture(t)
	ctx := context.Background()
	// The CLSM's creation and coordinator by the admin, and a system
	// event (no actor).
	if err := audit(f.s.q(ctx), nil, "clsm", f.clsm.ID, "check", "vérification <auto>", f.s.Now()); err != nil {
		t.Fatal(err)
	}
	var want []AuditEvent
	if err := f.s.auditTrailQuery(ctx, "clsm", f.clsm.ID).Scan(&want).Error; err != nil {
		t.Fatal(err)
	}
	got, err := scanAuditEvents(f.s.auditTrailQuery(ctx, "clsm", f.clsm.ID))
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 3 || !reflect.DeepEqual(got, want) {
		t.Errorf("hand scan:\n%+v\ngorm scan:\n%+v", got, want)
	}
	names := map[string]bool{}
	for _, e := range got {
		names[e.ActorName] = true
	}
	if !names["Alice Admin"] || !names["Système"] {
		t.Errorf("actors: %v", names)
	}
}

func TestScanOrganisations_SameAsGorm(t *testing.T) {
	f := newReqFixture(t)
	ctx := context.Background()
	for _, in := range []OrganisationInput{
		{Name: "Mission locale", Kind: OrgYouthJob, ContactName: "Inès", ContactEmail: "ml@exemple.fr"},
		{Name: "Association des locataires", Kind: OrgResidents},
	} {
		if _, err := f.s.CreateOrganisation(ctx, f.coord.ID, f.clsm.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	// An organisation from before updated_at was a column has none.
	if err := f.s.q(ctx).Exec("INSERT INTO organisations (clsm_id, name, kind, contact_email, created_at) VALUES (?, ?, ?, '', ?)",
		f.clsm.ID, "Bailleur", OrgLandlord, f.s.Now()).Error; err != nil {
		t.Fatal(err)
	}
	var want []Organisation
	if err := f.s.q(ctx).Where("clsm_id = ?", f.clsm.ID).Order("name").Find(&want).Error; err != nil {
		t.Fatal(err)
	}
	got, err := scanOrganisations(f.s.organisationsOfQuery(ctx, f.clsm.ID))
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 3 || !reflect.DeepEqual(got, want) {
		t.Errorf("hand scan:\n%+v\ngorm's Find:\n%+v", got, want)
	}
}

func TestScanSeasonFigures_SameAsGorm(t *testing.T) {
	f := newReqFixture(t)
	ctx := context.Background()
	for i := range 3 {
		if _, err := f.s.CreateRequest(ctx, f.coord.ID, f.clsm.ID, f.input(), i != 1); err != nil {
			t.Fatal(err)
		}
	}
	var want []SeasonFigures
	if err := f.s.clsmSeasonFiguresQuery(ctx, f.clsm.ID).Scan(&want).Error; err != nil {
		t.Fatal(err)
	}
	got, err := scanSeasonFigures(f.s.clsmSeasonFiguresQuery(ctx, f.clsm.ID))
	if err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 || !reflect.DeepEqual(got, want) || got[0].Requests != 2 {
		t.Errorf("hand scan:\n%+v\ngorm scan:\n%+v", got, want)
	}
}

func TestCLSMCoverageCodes_SameAsCLSMCoverageOf(t *testing.T) {
	f := newReqFixture(t)
	ctx := context.Background()
	if _, err := f.s.ImportQPVs(ctx, f.admin.ID, []QPVInput{{Line: 1, Code: "QN05902M", Name: "Épeule", Communes: []string{"59512"}}}); err != nil {
		t.Fatal(err)
	}
	cl, err := f.s.CreateCLSM(ctx, f.admin.ID, CLSMInput{Name: "CLSM de la Métropole", RegionCode: "32", DepartementCode: "59",
		Communes: []string{"59512", "59350", "59599"}, QPVs: []string{"QN05902M", "QN05901M"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{cl.ID, f.clsm.ID, f.clsm2.ID} {
		communes, qpvs, err := f.s.CLSMCoverageCodes(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		cov, err := f.s.CLSMCoverageOf(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, q := range cov.QPVs {
			want = append(want, q.Code)
		}
		sort.Strings(want)
		if !reflect.DeepEqual(communes, cov.Communes) || !reflect.DeepEqual(qpvs, want) {
			t.Errorf("CLSM %d: CLSMCoverageCodes = %v, %v; CLSMCoverageOf = %v, %v", id, communes, qpvs, cov.Communes, want)
		}
	}
}

// TestQPVPage_EachWithItsCommunesInOrder checks the list of quartiers:
// by name, each with its communes by INSEE code (however they were
// imported), none for a quartier without any, and the page's offset.
func TestQPVPage_EachWithItsCommunesInOrder(t *testing.T) {
	f := newReqFixture(t)
	ctx := context.Background()
	if _, err := f.s.ImportQPVs(ctx, f.admin.ID, []QPVInput{
		{Line: 1, Code: "QN05902M", Name: "Épeule", Communes: []string{"59599", "59512", "59350"}},
		{Line: 2, Code: "QN06001M", Name: "Argentine", Communes: []string{"60057"}},
	}); err != nil {
		t.Fatal(err)
	}
	f.s.db.Exec("DELETE FROM qpv_communes WHERE qpv_code = ?", "QN06001M")
	all, err := f.s.QPVPage(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	var names []string
	for _, q := range all {
		got[q.Code] = fmt.Sprint(q.Communes)
		names = append(names, q.Name)
	}
	if got["QN05902M"] != "[59350 59512 59599]" || got["QN06001M"] != "[]" {
		t.Errorf("communes: %v", got)
	}
	page, err := f.s.QPVPage(ctx, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 1 || len(all) < 2 || page[0].Code != all[1].Code {
		t.Errorf("page 2 of 1: %+v, want the second of %v", page, names)
	}
}
