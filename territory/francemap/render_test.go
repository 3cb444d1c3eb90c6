package francemap_test

import (
	"bytes"
	"encoding/xml"
	"flag"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"quartier/territory/francemap"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var (
	lille    = francemap.Place{Dept: "59", Lat: 50.6329, Lon: 3.0581, Label: "Lille (centre de ressources)", Marker: francemap.MarkerSquare, ShowLabel: true}
	amiens   = francemap.Place{Dept: "80", Lat: 49.8940, Lon: 2.2957, Label: "Amiens"}
	rouen    = francemap.Place{Dept: "76", Lat: 49.4431, Lon: 1.0993, Label: "Rouen"}
	cholet   = francemap.Place{Dept: "49", Lat: 47.0600, Lon: -0.8790, Label: "Cholet"}
	bordeaux = francemap.Place{Dept: "33", Lat: 44.8378, Lon: -0.5792, Label: "Bordeaux"}
	stDenis  = francemap.Place{Dept: "974", Lat: -20.8789, Lon: 55.4481, Label: "Saint-Denis", Marker: francemap.MarkerTriangle, ShowLabel: true}
	fdf      = francemap.Place{Dept: "972", Lat: 14.6161, Lon: -61.0588, Label: "Fort-de-France", Marker: francemap.MarkerDiamond, ShowLabel: true}
)

// smallMap uses every feature once: shading with a legend and numbers,
// two trips (one of them reaching an inset), places of three kinds.
func smallMap() francemap.Map {
	return francemap.Map{
		ID:         "essai",
		Title:      "Séances et déplacements, printemps 2027",
		Desc:       "Séances tenues par département et trajets de deux chargées de mission depuis Lille.",
		Values:     map[string]int{"59": 12, "62": 7, "80": 3, "76": 1, "49": 2, "33": 5, "974": 4},
		ValueTitle: "Séances tenues",
		ValueText: func(n int) string {
			switch n {
			case 0:
				return "aucune séance"
			case 1:
				return "1 séance"
			}
			return strconv.Itoa(n) + " séances"
		},
		ShowValues: true,
		Trips: []francemap.Trip{
			{Label: "Awa Diallo", Stops: []francemap.Place{lille, amiens, rouen, lille}},
			{Label: "Léa Petit", Stops: []francemap.Place{lille, cholet, bordeaux, stDenis}},
		},
		Places: []francemap.Place{lille, stDenis, fdf},
	}
}

// TestRender_Golden compares the small map with testdata/small.svg,
// reviewed by eye as a PNG (headless Chromium; see docs/MAP.md). Run
// `go test ./territory/francemap/ -update` after an intended change.
func TestRender_Golden(t *testing.T) {
	got, err := francemap.Render(smallMap())
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "small.svg")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("output differs from %s (%d bytes, want %d); run with -update and review", golden, len(got), len(want))
	}
	t.Logf("small map: %d bytes", len(got))
}

func TestRender_Deterministic(t *testing.T) {
	first, err := francemap.Render(smallMap())
	if err != nil {
		t.Fatal(err)
	}
	for range 20 { // map iteration order changes from run to run
		again, _ := francemap.Render(smallMap())
		if again != first {
			t.Fatal("two renderings of the same map differ")
		}
	}
}

// TestRender_WellFormedAndAccessible parses the output as XML and checks
// the accessible name, the insets' labels, the attribution and the absence
// of style attributes (the CSP allows no inline style).
func TestRender_WellFormedAndAccessible(t *testing.T) {
	tests := []struct {
		name string
		m    francemap.Map
	}{
		{"outlines only", francemap.Map{Title: "France"}},
		{"everything", smallMap()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := francemap.Render(tt.m)
			if err != nil {
				t.Fatal(err)
			}
			texts, attrs := parseSVG(t, string(out))
			id := tt.m.ID
			if id == "" {
				id = "carte"
			}
			if attrs["svg/role"] != "img" || attrs["svg/aria-labelledby"] != id+"-titre "+id+"-desc" {
				t.Errorf("svg role %q, aria-labelledby %q", attrs["svg/role"], attrs["svg/aria-labelledby"])
			}
			if attrs["svg/title/id"] != id+"-titre" || attrs["svg/desc/id"] != id+"-desc" {
				t.Errorf("title id %q, desc id %q", attrs["svg/title/id"], attrs["svg/desc/id"])
			}
			if _, ok := attrs["style"]; ok {
				t.Error("a style attribute is used")
			}
			for _, want := range []string{tt.m.Title, "Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte", francemap.Attribution} {
				if !texts[want] {
					t.Errorf("no text %q", want)
				}
			}
			if n := strings.Count(string(out), "<path"); n < 101 {
				t.Errorf("%d paths, want the 101 outlines at least", n)
			}
			t.Logf("%s: %d bytes", tt.name, len(out))
		})
	}
}

// parseSVG returns the texts of the document (trimmed) and its attributes
// keyed by element path and name ("svg/title/id"), plus "style" if any
// element has one.
func parseSVG(t *testing.T, doc string) (map[string]bool, map[string]string) {
	t.Helper()
	texts, attrs := map[string]bool{}, map[string]string{}
	dec := xml.NewDecoder(strings.NewReader(doc))
	var stack []string
	var text strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			stack = append(stack, tok.Name.Local)
			text.Reset()
			p := strings.Join(stack, "/")
			for _, a := range tok.Attr {
				if _, seen := attrs[p+"/"+a.Name.Local]; !seen {
					attrs[p+"/"+a.Name.Local] = a.Value
				}
				if a.Name.Local == "style" {
					attrs["style"] = a.Value
				}
			}
		case xml.CharData:
			text.Write(tok)
		case xml.EndElement:
			if s := strings.TrimSpace(text.String()); s != "" {
				texts[s] = true
			}
			text.Reset()
			stack = stack[:len(stack)-1]
		}
	}
	return texts, attrs
}

// TestRender_EscapesLabels puts markup in every text a caller gives.
func TestRender_EscapesLabels(t *testing.T) {
	const evil = `<script>alert("x")</script> & 'co' "quotes"`
	m := francemap.Map{
		Title:      evil,
		Desc:       evil,
		Values:     map[string]int{"59": 3},
		ValueTitle: evil,
		ValueText:  func(int) string { return evil },
		Trips:      []francemap.Trip{{Label: evil, Stops: []francemap.Place{{Dept: "59", Lat: 50.63, Lon: 3.06, Label: evil}, amiens}}},
		Places:     []francemap.Place{{Dept: "80", Lat: 49.89, Lon: 2.30, Label: evil, ShowLabel: true}},
	}
	out, err := francemap.Render(m)
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	if strings.Contains(s, "<script") || strings.Contains(s, `"x"`) {
		t.Fatal("markup from a label reached the output")
	}
	texts, _ := parseSVG(t, s)
	if !texts[evil] {
		t.Error("the label does not read back as written")
	}
	if n := strings.Count(s, "&lt;script&gt;"); n < 7 {
		t.Errorf("escaped label found %d times, want 7 or more (title, desc, legends, tooltips, place label)", n)
	}
}

func TestRender_RejectsBadMaps(t *testing.T) {
	tests := []struct {
		name string
		m    francemap.Map
		want string
	}{
		{"no title", francemap.Map{Title: "  "}, "title"},
		{"id with a space", francemap.Map{Title: "t", ID: "ma carte"}, "id"},
		{"id starting with a digit", francemap.Map{Title: "t", ID: "1carte"}, "id"},
		{"id with a quote", francemap.Map{Title: "t", ID: `a"b`}, "id"},
		{"value for a COM", francemap.Map{Title: "t", Values: map[string]int{"975": 1}}, "975"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := francemap.Render(tt.m)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one naming %q", err, tt.want)
			}
			if out != "" {
				t.Error("output despite the error")
			}
		})
	}
}

// TestRender_TripsAndPlaces checks what gets drawn: a leg between the
// mainland and an inset is not, places in a COM are left out, and each
// trip has its own dash pattern and marker shape.
func TestRender_TripsAndPlaces(t *testing.T) {
	miquelon := francemap.Place{Dept: "975", Lat: 46.78, Lon: -56.18, Label: "Saint-Pierre"}
	tests := []struct {
		name                         string
		trips                        []francemap.Trip
		places                       []francemap.Place
		polylines, dashes, tips, ids int
	}{
		{"one trip on the mainland", []francemap.Trip{{Label: "A", Stops: []francemap.Place{lille, amiens, rouen}}}, nil, 1, 0, 3, 0},
		{"mainland then inset: legs split", []francemap.Trip{{Label: "A", Stops: []francemap.Place{lille, amiens, stDenis}}}, nil, 1, 0, 3, 0},
		{"single stops: no line", []francemap.Trip{{Label: "A", Stops: []francemap.Place{lille, stDenis, fdf}}}, nil, 0, 0, 3, 0},
		{"second trip dashed", []francemap.Trip{{Label: "A", Stops: []francemap.Place{lille, amiens}}, {Label: "B", Stops: []francemap.Place{lille, rouen}}}, nil, 2, 2, 4, 0},
		{"COM place left out", nil, []francemap.Place{lille, miquelon}, 0, 0, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := francemap.Render(francemap.Map{Title: "t", Trips: tt.trips, Places: tt.places})
			if err != nil {
				t.Fatal(err)
			}
			s := string(out)
			if n := strings.Count(s, "<polyline"); n != tt.polylines {
				t.Errorf("%d polylines, want %d", n, tt.polylines)
			}
			// One dasharray on the dashed trip's group and one on its legend line.
			if n := strings.Count(s, "stroke-dasharray"); n != tt.dashes {
				t.Errorf("%d dash patterns, want %d", n, tt.dashes)
			}
			// Markers, not outlines (whose path data starts with a lower-case m).
			stops := regexp.MustCompile(`<(circle |rect |path d="M)[^>]*><title>[^<]*(Lille|Amiens|Rouen|Saint-Denis|Fort-de-France|Saint-Pierre)`)
			if n := len(stops.FindAllString(s, -1)); n != tt.tips {
				t.Errorf("%d markers with a tooltip, want %d", n, tt.tips)
			}
			if strings.Contains(s, "Saint-Pierre") {
				t.Error("a place in Saint-Pierre-et-Miquelon (not drawn) is on the map")
			}
		})
	}
}

// TestRender_Shading checks the scale: darker for larger counts, zero in
// the land colour, the legend's classes, the numbers written.
func TestRender_Shading(t *testing.T) {
	tests := []struct {
		name   string
		values map[string]int
		legend []string // class labels, in order
	}{
		{"all zero", map[string]int{"59": 0}, []string{"0"}},
		{"up to 3: one class per count", map[string]int{"59": 3, "62": 1, "80": 2}, []string{"0", "1", "2", "3"}},
		{"up to 12: classes of 3", map[string]int{"59": 12, "62": 1}, []string{"0", "1 à 3", "4 à 6", "7 à 9", "10 à 12"}},
		{"up to 1 500", map[string]int{"59": 1500}, []string{"0", "1 à 300", "301 à 600", "601 à 900", "901 à 1\u202f200", "1\u202f201 à 1\u202f500"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := francemap.Render(francemap.Map{Title: "t", Values: tt.values, ShowValues: true})
			if err != nil {
				t.Fatal(err)
			}
			s := string(out)
			legend := regexp.MustCompile(`<text x="147" y="[0-9.]+">([^<]*)</text>`).FindAllStringSubmatch(s, -1)
			var got []string
			for _, l := range legend {
				got = append(got, l[1])
			}
			if strings.Join(got, "|") != strings.Join(tt.legend, "|") {
				t.Errorf("legend %q, want %q", got, tt.legend)
			}
			fills := regexp.MustCompile(`<rect x="128" y="[0-9.]+" width="14" height="9" fill="(#[0-9a-f]{6})"`).FindAllStringSubmatch(s, -1)
			prev := 2.0
			for _, f := range fills {
				l := luminance(f[1])
				if l >= prev {
					t.Errorf("class colour %s (luminance %.3f) is not darker than the one before (%.3f)", f[1], l, prev)
				}
				prev = l
			}
			for code, n := range tt.values {
				dep, _ := francemap.Lookup(code)
				tip := "<title>" + dep.Name + " (" + code + ") : "
				if !strings.Contains(s, tip) {
					t.Errorf("no tooltip %q", tip)
				}
				if n > 0 && !strings.Contains(s, ">"+strings.ReplaceAll(itoaFr(n), " ", "\u202f")+"</text>") {
					t.Errorf("count %d not written on %s", n, code)
				}
			}
		})
	}
}

func itoaFr(n int) string {
	s := strconv.Itoa(n)
	if len(s) > 3 {
		s = s[:len(s)-3] + " " + s[len(s)-3:]
	}
	return s
}

// luminance is the relative luminance of an sRGB colour "#rrggbb" (WCAG):
// what a grey printout keeps of it.
func luminance(hex string) float64 {
	var l float64
	for i, w := range []float64{0.2126, 0.7152, 0.0722} {
		var v int
		for _, c := range []byte(hex[1+2*i : 3+2*i]) {
			v = v*16 + bytes.IndexByte([]byte("0123456789abcdef"), c)
		}
		c := float64(v) / 255
		if c <= 0.04045 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		l += w * c
	}
	return l
}
