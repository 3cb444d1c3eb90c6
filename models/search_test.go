package models

import (
	"context"
	"testing"

	"gorm.io/gorm"
)

// TestSearch_AccentAndCaseBlind checks every search of people and CLSMs
// (the lists, their counts, the choice fields' suggestions) against names
// with accents typed without them, in capitals, or with « st » for
// « saint », and that the keys follow a rename.
func TestSearch_AccentAndCaseBlind(t *testing.T) {
	f := newReqFixture(t)
	ctx := context.Background()
	helene, err := f.s.CreateUser(ctx, f.admin.ID, NewUser{Email: "helene.lefevre@exemple.fr", Name: "Hélène Lefèvre", Role: RoleCoordinator}, nil)
	if err != nil {
		t.Fatal(err)
	}
	evry, err := f.s.CreateCLSM(ctx, f.admin.ID, CLSMInput{Name: "CLSM d’Évry-Courcouronnes", RegionCode: "11", DepartementCode: "91", Communes: []string{"91228"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.CreateCLSM(ctx, f.admin.ID, CLSMInput{Name: "CLSM de Saint-Étienne", RegionCode: "84", DepartementCode: "42", Communes: []string{"42218"}}); err != nil {
		t.Fatal(err)
	}
	people := func(q string) []string {
		t.Helper()
		rows, err := f.s.ListUserRows(ctx, UserFilter{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		n, err := f.s.CountUsersMatching(ctx, UserFilter{Query: q})
		if err != nil || int(n) != len(rows) {
			t.Errorf("people %q: counted %d, listed %d (%v)", q, n, len(rows), err)
		}
		var names []string
		for _, r := range rows {
			names = append(names, r.Name)
		}
		return names
	}
	coordinators := func(q string) []string {
		t.Helper()
		us, err := f.s.FindCoordinators(ctx, q, 9)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, u := range us {
			names = append(names, u.Name)
		}
		return names
	}
	clsms := func(q string) []string {
		t.Helper()
		rows, err := f.s.ListCLSMs(ctx, CLSMFilter{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		n, err := f.s.CountCLSMs(ctx, CLSMFilter{Query: q})
		if err != nil || int(n) != len(rows) {
			t.Errorf("CLSMs %q: counted %d, listed %d (%v)", q, n, len(rows), err)
		}
		choices, err := f.s.FindCLSMChoices(ctx, q, 9)
		if err != nil || len(choices) != len(rows) {
			t.Errorf("CLSM choices %q: %d, the list %d (%v)", q, len(choices), len(rows), err)
		}
		var names []string
		for _, r := range rows {
			names = append(names, r.Name)
		}
		return names
	}
	for _, tc := range []struct {
		what, query string
		search      func(string) []string
		want        []string
	}{
		{"people", "helene", people, []string{"Hélène Lefèvre"}},
		{"people", "HÉLÈNE lef", people, []string{"Hélène Lefèvre"}},
		{"people", "lefevre@", people, []string{"Hélène Lefèvre"}},
		{"people", "HELENE.LEFEVRE@EXEMPLE.FR", people, []string{"Hélène Lefèvre"}},
		{"people", "nadia", people, []string{"Nadia Coord"}},
		{"people", "%", people, nil},              // no letter: nothing, not everyone
		{"people", "lefevre helene", people, nil}, // not across the name and the address
		{"coordinators", "helene", coordinators, []string{"Hélène Lefèvre"}},
		{"coordinators", "lefèvre@exemple", coordinators, []string{"Hélène Lefèvre"}},
		{"coordinators", "alice", coordinators, nil}, // an admin is no coordinator
		{"CLSMs", "evry", clsms, []string{"CLSM d’Évry-Courcouronnes"}},
		{"CLSMs", "D'EVRY COURCOURONNES", clsms, []string{"CLSM d’Évry-Courcouronnes"}},
		{"CLSMs", "st etienne", clsms, []string{"CLSM de Saint-Étienne"}},
		{"CLSMs", "étienne", clsms, []string{"CLSM de Saint-Étienne"}},
		{"CLSMs", "roubaix", clsms, []string{"CLSM de Roubaix"}},
		{"CLSMs", "_", clsms, nil},
	} {
		if got := tc.search(tc.query); !sameNames(got, tc.want) {
			t.Errorf("%s %q: %q, want %q", tc.what, tc.query, got, tc.want)
		}
	}

	// A rename moves the key: the old name no longer finds the row.
	if _, err := f.s.UpdateUser(ctx, f.admin.ID, helene.ID, UserUpdate{Email: "helene.beranger@exemple.fr", Name: "Hélène Béranger", Role: RoleCoordinator}, nil); err != nil {
		t.Fatal(err)
	}
	if got := people("lefevre"); got != nil {
		t.Errorf("after the rename, « lefevre » finds %q", got)
	}
	if got := people("helene beranger"); len(got) != 1 {
		t.Errorf("after the rename, « helene beranger » finds %q", got)
	}
	if _, err := f.s.UpdateCLSM(ctx, f.admin.ID, evry.ID, CLSMInput{Name: "CLSM de Corbeil-Essonnes", RegionCode: "11", DepartementCode: "91", Communes: []string{"91174"}}); err != nil {
		t.Fatal(err)
	}
	if got := clsms("evry"); got != nil {
		t.Errorf("after the rename, « evry » finds %q", got)
	}
}

// TestMigration16_BackfillsSearchKeys empties the keys, as rows written
// before migration 0016 have them, and checks its Go step fills them.
func TestMigration16_BackfillsSearchKeys(t *testing.T) {
	f := newReqFixture(t)
	ctx := context.Background()
	if migrationStep(16) == nil {
		t.Fatal("migration 0016 has no Go step")
	}
	if err := f.s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Exec("UPDATE users SET search_key = ''").Error; err != nil {
			return err
		}
		if err := tx.Exec("UPDATE clsms SET search_key = ''").Error; err != nil {
			return err
		}
		return migrationStep(16)(tx)
	}); err != nil {
		t.Fatal(err)
	}
	var keys []string
	if err := f.s.q(ctx).Raw("SELECT search_key FROM users WHERE name = 'Nadia Coord' UNION ALL SELECT search_key FROM clsms WHERE name = 'CLSM de Roubaix'").Scan(&keys).Error; err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || keys[0] != "nadia coord|coord exemple fr" || keys[1] != "clsm de roubaix" {
		t.Errorf("keys after the backfill: %q", keys)
	}
}

func sameNames(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
