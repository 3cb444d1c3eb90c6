package francemap_test

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"testing"

	"quartier/territory"
	"quartier/territory/francemap"
)

var (
	dirOnce sync.Once
	dir     *territory.Directory
	dirErr  error
)

func directory(t *testing.T) *territory.Directory {
	t.Helper()
	dirOnce.Do(func() { dir, dirErr = territory.Load() })
	if dirErr != nil {
		t.Fatal(dirErr)
	}
	return dir
}

// communes returns the current communes of a département (arrondissements
// municipaux left out) by trying every INSEE code: package territory has
// no iterator.
func communes(d *territory.Directory, dep string) []territory.Commune {
	var cs []territory.Commune
	digits := 5 - len(dep)
	for i := 1; i < int(math.Pow10(digits)); i++ {
		code := fmt.Sprintf("%s%0*d", dep, digits, i)
		if c, ok := d.Commune(code); ok && c.INSEE == code && c.Parent == "" {
			cs = append(cs, c)
		}
	}
	return cs
}

func TestDepartements_AllOfThemOnce(t *testing.T) {
	d := directory(t)
	deps := francemap.Departements()
	if len(deps) != 101 {
		t.Fatalf("%d départements on the map, want 101", len(deps))
	}
	insets := 0
	for i, dep := range deps {
		if i > 0 && deps[i-1].Code >= dep.Code {
			t.Errorf("not sorted: %s before %s", deps[i-1].Code, dep.Code)
		}
		ref, ok := d.Departement(dep.Code)
		if !ok || ref.Name != dep.Name {
			t.Errorf("%s %q: territory has %q", dep.Code, dep.Name, ref.Name)
		}
		if dep.Inset {
			insets++
			if !dep.Frame.Contains(Point(dep.Box.MinX, dep.Box.MinY), 0) || !dep.Frame.Contains(Point(dep.Box.MaxX, dep.Box.MaxY), 0) {
				t.Errorf("%s: outline %v outside its frame %v", dep.Code, dep.Box, dep.Frame)
			}
		}
		if !francemap.ViewBox().Contains(Point(dep.Box.MinX, dep.Box.MinY), 0) || !francemap.ViewBox().Contains(Point(dep.Box.MaxX, dep.Box.MaxY), 0) {
			t.Errorf("%s: outline %v outside the view box", dep.Code, dep.Box)
		}
	}
	if insets != 5 {
		t.Errorf("%d insets, want 5", insets)
	}
}

// Point builds a francemap.Point.
func Point(x, y float64) francemap.Point { return francemap.Point{X: x, Y: y} }

// TestProject_CommuneMeanInsideItsDepartement checks the fit the way it
// was made: the mean position of a département's communes must project
// into the bounding box of its outline, grown by a tolerance of 1 map unit
// (about 1.6 km on the mainland; less in the insets, drawn larger).
func TestProject_CommuneMeanInsideItsDepartement(t *testing.T) {
	const tolerance = 1.0
	d := directory(t)
	for _, dep := range francemap.Departements() {
		t.Run(dep.Code, func(t *testing.T) {
			cs := communes(d, dep.Code)
			if len(cs) == 0 {
				t.Fatal("no communes")
			}
			var lat, lon float64
			for _, c := range cs {
				lat += c.Lat
				lon += c.Lon
			}
			lat, lon = lat/float64(len(cs)), lon/float64(len(cs))
			x, y, ok := francemap.Project(dep.Code, lat, lon)
			if !ok {
				t.Fatal("not projected")
			}
			if !dep.Box.Contains(Point(x, y), tolerance) {
				t.Errorf("mean of %d communes (%.3f, %.3f) → (%.1f, %.1f), outside %v", len(cs), lat, lon, x, y, dep.Box)
			}
		})
	}
}

// TestProject_CommunesInsideTheirOutline projects every commune and counts
// those that fall inside their own département's outline (point in
// polygon). Communes near a border may land in the neighbour: the fit is
// affine and commune coordinates are estimates (see territory/SOURCES.md).
// An overseas commune must at least stay in its inset's frame.
func TestProject_CommunesInsideTheirOutline(t *testing.T) {
	d := directory(t)
	var inMain, allMain, inOver, allOver int
	for _, dep := range francemap.Departements() {
		rings := parseRings(t, dep.Path)
		for _, c := range communes(d, dep.Code) {
			x, y, ok := francemap.Project(dep.Code, c.Lat, c.Lon)
			if !ok {
				t.Fatalf("%s not projected", c.INSEE)
			}
			inside := insideRings(rings, x, y)
			if dep.Inset {
				allOver++
				if inside {
					inOver++
				}
				if !dep.Frame.Contains(Point(x, y), 0) {
					t.Errorf("%s %s → (%.1f, %.1f), outside the inset %v", c.INSEE, c.Name, x, y, dep.Frame)
				}
			} else {
				allMain++
				if inside {
					inMain++
				}
			}
		}
	}
	main, over := float64(inMain)/float64(allMain), float64(inOver)/float64(allOver)
	t.Logf("inside their outline: mainland %d/%d (%.1f %%), overseas %d/%d (%.1f %%)", inMain, allMain, 100*main, inOver, allOver, 100*over)
	if main < 0.97 {
		t.Errorf("only %.1f %% of mainland communes inside their département, want 97 %% or more", 100*main)
	}
	if over < 0.85 {
		t.Errorf("only %.1f %% of overseas communes inside their island, want 85 %% or more", 100*over)
	}
}

func TestProject_KnownPlaces(t *testing.T) {
	tests := []struct {
		name, dept string
		lat, lon   float64
		inOutline  bool // must fall inside the outline (false: a coastal town of a coarse island, or not drawn)
	}{
		{"Lille", "59", 50.6329, 3.0581, true},
		{"Quimper", "29", 47.9960, -4.1024, true},
		{"Strasbourg", "67", 48.5734, 7.7521, true},
		{"Ajaccio", "2A", 41.9192, 8.7386, true},
		{"Fort-de-France", "972", 14.6161, -61.0588, true},
		{"Cayenne", "973", 4.9372, -52.3260, true},
		{"Saint-Denis (La Réunion)", "974", -20.8789, 55.4481, true},
		{"Mamoudzou", "976", -12.7806, 45.2278, false},
		{"Saint-Pierre (975): no inset", "975", 46.7811, -56.1764, false},
		{"Nouméa: no inset", "988", -22.2758, 166.4580, false},
		{"unknown code", "99", 48.8, 2.3, false},
		{"empty code", "", 48.8, 2.3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, y, ok := francemap.Project(tt.dept, tt.lat, tt.lon)
			dep, drawn := francemap.Lookup(tt.dept)
			if ok != drawn {
				t.Fatalf("Project ok = %v, Lookup found = %v", ok, drawn)
			}
			if !drawn {
				if x != 0 || y != 0 {
					t.Errorf("not drawn but projected to (%v, %v)", x, y)
				}
				return
			}
			if tt.inOutline && !insideRings(parseRings(t, dep.Path), x, y) {
				t.Errorf("(%.1f, %.1f) is not inside the outline of %s", x, y, dep.Name)
			}
			if dep.Inset && !dep.Frame.Contains(Point(x, y), 0) {
				t.Errorf("(%.1f, %.1f) outside the inset %v", x, y, dep.Frame)
			}
		})
	}
}

// TestProject_ScaleIsConsistent compares map distances between mainland
// cities with their distances in kilometres. The outlines follow Mercator,
// whose scale grows as 1/cos(latitude) (by 17 % from Perpignan to Lille),
// so the ratio times the cosine of the pair's mean latitude must be one
// constant, to 3 %.
func TestProject_ScaleIsConsistent(t *testing.T) {
	d := directory(t)
	codes := []string{"59350", "29019", "67482", "64122", "06088", "13055", "33063", "75056", "69123"}
	var cs []territory.Commune
	for _, code := range codes {
		c, ok := d.Commune(code)
		if !ok {
			t.Fatalf("no commune %s", code)
		}
		cs = append(cs, c)
	}
	var ratios []float64
	for i := range cs {
		for j := i + 1; j < len(cs); j++ {
			x1, y1, _ := francemap.Project(cs[i].Departement, cs[i].Lat, cs[i].Lon)
			x2, y2, _ := francemap.Project(cs[j].Departement, cs[j].Lat, cs[j].Lon)
			lat := (cs[i].Lat + cs[j].Lat) / 2 * math.Pi / 180
			ratios = append(ratios, math.Hypot(x2-x1, y2-y1)/territory.DistanceKm(cs[i], cs[j])*math.Cos(lat))
		}
	}
	lo, hi := ratios[0], ratios[0]
	for _, r := range ratios {
		lo, hi = math.Min(lo, r), math.Max(hi, r)
	}
	t.Logf("map units per km at the equator: %.3f to %.3f", lo, hi)
	if hi/lo > 1.03 {
		t.Errorf("scale varies from %.3f to %.3f units/km at the equator", lo, hi)
	}
}

// parseRings reads the generated path data back (relative "m", implicit
// linetos, "z"), independently of the generator's code.
func parseRings(t *testing.T, d string) [][]francemap.Point {
	t.Helper()
	var rings [][]francemap.Point
	var cur []francemap.Point
	var px, py, sx, sy float64
	i := 0
	number := func() float64 {
		j := i
		if j < len(d) && d[j] == '-' {
			j++
		}
		for j < len(d) && (d[j] >= '0' && d[j] <= '9' || d[j] == '.') {
			j++
		}
		v, err := strconv.ParseFloat(d[i:j], 64)
		if err != nil {
			t.Fatalf("bad number at %d in %q", i, d[max(0, i-20):min(len(d), i+20)])
		}
		i = j
		return v
	}
	start := false
	for i < len(d) {
		switch c := d[i]; {
		case c == 'm':
			i++
			start = true
		case c == 'z':
			i++
			rings = append(rings, cur)
			cur = nil
			px, py = sx, sy
		case c == ' ' || c == ',':
			i++
		case strings.ContainsRune("-.0123456789", rune(c)):
			dx := number()
			if i < len(d) && d[i] == ',' {
				i++
			}
			dy := number()
			px, py = px+dx, py+dy
			if start {
				sx, sy, start = px, py, false
			}
			cur = append(cur, francemap.Point{X: px, Y: py})
		default:
			t.Fatalf("unexpected %q in path data", c)
		}
	}
	if len(rings) == 0 {
		t.Fatal("no ring")
	}
	return rings
}

// insideRings is the even-odd rule over all rings.
func insideRings(rings [][]francemap.Point, x, y float64) bool {
	in := false
	for _, r := range rings {
		for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
			a, b := r[i], r[j]
			if (a.Y > y) != (b.Y > y) && x < (b.X-a.X)*(y-a.Y)/(b.Y-a.Y)+a.X {
				in = !in
			}
		}
	}
	return in
}
