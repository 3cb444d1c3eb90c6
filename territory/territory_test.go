package territory

import (
	"math"
	"sync"
	"testing"
	"time"
)

var (
	loadOnce sync.Once
	testDir  *Directory
	loadErr  error
)

func dir(t testing.TB) *Directory {
	t.Helper()
	loadOnce.Do(func() { testDir, loadErr = Load() })
	if loadErr != nil {
		t.Fatalf("Load: %v", loadErr)
	}
	return testDir
}

func TestLoadCounts(t *testing.T) {
	d := dir(t)
	if n := d.Len(); n < 34000 || n > 36000 {
		t.Errorf("Len() = %d, want about 35 000", n)
	}
	if n := len(d.Departements()); n != 107 {
		t.Errorf("%d départements, want 101 + 6 COMs", n)
	}
	if n := len(d.Regions()); n != 24 {
		t.Errorf("%d régions, want 18 + 6 COMs", n)
	}
}

func TestCommune(t *testing.T) {
	d := dir(t)
	tests := []struct {
		insee, name, dep, region, postcode string
	}{
		{"59350", "Lille", "59", "32", "59000"},
		{"59512", "Roubaix", "59", "32", "59100"},
		{"49099", "Cholet", "49", "52", "49300"},
		{"97209", "Fort-de-France", "972", "02", "97200"},
		{"97411", "Saint-Denis", "974", "04", "97400"},
		{"97611", "Mamoudzou", "976", "06", "97600"},
		{"97302", "Cayenne", "973", "03", "97300"},
		{"2A004", "Ajaccio", "2A", "94", "20000"},
		{"75056", "Paris", "75", "11", "75001"},
		{"13201", "Marseille 1er Arrondissement", "13", "93", "13001"},
		{"97502", "Saint-Pierre", "975", "975", "97500"},
	}
	for _, tt := range tests {
		c, ok := d.Commune(tt.insee)
		if !ok {
			t.Errorf("Commune(%q) not found", tt.insee)
			continue
		}
		if c.INSEE != tt.insee || c.Name != tt.name || c.Departement != tt.dep || c.Region != tt.region {
			t.Errorf("Commune(%q) = %+v", tt.insee, c)
		}
		if !contains(c.Postcodes, tt.postcode) {
			t.Errorf("Commune(%q).Postcodes = %v, want %s among them", tt.insee, c.Postcodes, tt.postcode)
		}
		if c.Lat == 0 || c.Lon == 0 || c.Population == 0 {
			t.Errorf("Commune(%q) lacks coordinates or population: %+v", tt.insee, c)
		}
		if c.CoordSource != CoordGeoNames {
			t.Errorf("Commune(%q).CoordSource = %c, want GeoNames", tt.insee, c.CoordSource)
		}
	}
	if c, _ := d.Commune("13201"); c.Parent != "13055" {
		t.Errorf("Marseille 1er: Parent = %q", c.Parent)
	}
	// Former code of Lomme, now part of Lille.
	if c, ok := d.Commune("59355"); !ok || c.INSEE != "59350" {
		t.Errorf("Commune(59355) = %v, %v; want Lille", c.INSEE, ok)
	}
	if c, ok := d.Commune("2a004"); !ok || c.Name != "Ajaccio" {
		t.Errorf("Commune(2a004) is case-sensitive")
	}
	for _, bad := range []string{"", "59999", "00000", "Lille"} {
		if c, ok := d.Commune(bad); ok {
			t.Errorf("Commune(%q) = %+v, want not found", bad, c)
		}
	}
}

func TestDepartementRegion(t *testing.T) {
	d := dir(t)
	for code, want := range map[string]Departement{
		"59":  {"59", "Nord", "32"},
		"49":  {"49", "Maine-et-Loire", "52"},
		"2B":  {"2B", "Haute-Corse", "94"},
		"972": {"972", "Martinique", "02"},
		"976": {"976", "Mayotte", "06"},
	} {
		if got, ok := d.Departement(code); !ok || got != want {
			t.Errorf("Departement(%q) = %+v, %v", code, got, ok)
		}
	}
	if _, ok := d.Departement("20"); ok {
		t.Error("Departement(20) exists")
	}
	for code, want := range map[string]string{"32": "Hauts-de-France", "04": "La Réunion", "11": "Île-de-France"} {
		if got, ok := d.Region(code); !ok || got.Name != want {
			t.Errorf("Region(%q) = %+v, %v", code, got, ok)
		}
	}
	deps := d.Departements()
	for i := 1; i < len(deps); i++ {
		if deps[i-1].Code >= deps[i].Code {
			t.Fatalf("Departements not sorted at %d", i)
		}
		if _, ok := d.Region(deps[i].Region); !ok {
			t.Errorf("département %s: unknown région %s", deps[i].Code, deps[i].Region)
		}
	}
}

func TestDistanceKm(t *testing.T) {
	d := dir(t)
	get := func(insee string) Commune {
		c, ok := d.Commune(insee)
		if !ok {
			t.Fatalf("no commune %s", insee)
		}
		return c
	}
	tests := []struct {
		a, b     string
		want, ok float64
	}{
		{"59350", "75056", 204, 10},   // Lille–Paris
		{"59350", "59512", 11, 3},     // Lille–Roubaix
		{"75056", "13055", 661, 15},   // Paris–Marseille
		{"97209", "97105", 170, 10},   // Fort-de-France–Basse-Terre
		{"97411", "97416", 51, 5},     // Saint-Denis–Saint-Pierre (La Réunion)
		{"75056", "97411", 9370, 100}, // Paris–Saint-Denis (La Réunion)
		{"59350", "59350", 0, 0},
	}
	for _, tt := range tests {
		got := DistanceKm(get(tt.a), get(tt.b))
		if math.Abs(got-tt.want) > tt.ok {
			t.Errorf("DistanceKm(%s, %s) = %.1f, want %.0f ± %.0f", tt.a, tt.b, got, tt.want, tt.ok)
		}
		if back := DistanceKm(get(tt.b), get(tt.a)); math.Abs(back-got) > 1e-9 {
			t.Errorf("DistanceKm not symmetric for %s, %s", tt.a, tt.b)
		}
	}
}

func TestCoordinatesInsideDepartement(t *testing.T) {
	// Every commune lies within a plausible distance of its département's
	// chef-lieu: catches homonyms matched in the wrong place.
	d := dir(t)
	chefLieu := map[string]string{"59": "59350", "49": "49007", "972": "97209", "974": "97411", "2A": "2A004", "973": "97302"}
	limit := map[string]float64{"973": 400}
	for _, c := range d.all {
		cl, ok := chefLieu[c.Departement]
		if !ok {
			continue
		}
		ref, _ := d.Commune(cl)
		max := limit[c.Departement]
		if max == 0 {
			max = 120
		}
		if km := DistanceKm(c, ref); km > max {
			t.Errorf("%s %s is %.0f km from %s", c.INSEE, c.Name, km, ref.Name)
		}
	}
}

func TestTimeZone(t *testing.T) {
	tests := map[string]string{
		"59": "Europe/Paris", "2A": "Europe/Paris", "75": "Europe/Paris",
		"971": "America/Guadeloupe", "972": "America/Martinique", "973": "America/Cayenne",
		"974": "Indian/Reunion", "975": "America/Miquelon", "976": "Indian/Mayotte",
		"988": "Pacific/Noumea",
	}
	for dep, want := range tests {
		if got := TimeZone(dep); got != want {
			t.Errorf("TimeZone(%q) = %q, want %q", dep, got, want)
		}
		if _, err := time.LoadLocation(want); err != nil {
			t.Logf("zone %s not in this system's tzdata: %v", want, err)
		}
	}
	d := dir(t)
	if c, _ := d.Commune("97411"); c.TimeZone() != "Indian/Reunion" {
		t.Errorf("Saint-Denis (974).TimeZone() = %q", c.TimeZone())
	}
}
