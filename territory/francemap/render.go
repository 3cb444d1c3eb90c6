package francemap

import (
	"errors"
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Map is what Render draws: the outlines always, then, if given, the
// shading by value, the trips and the places, in that order.
type Map struct {
	// ID prefixes the ids of the SVG's title and description, so that
	// several maps can share a page: lower-case ASCII letters, digits and
	// hyphens, starting with a letter. Empty means "carte".
	ID string
	// Title is the accessible name of the map (required), e.g.
	// « Déplacements de l’équipe, printemps 2027 ».
	Title string
	// Desc is the accessible description: what the map shows, in a
	// sentence or two; the page gives the same facts as text or a table.
	Desc string

	// Values shades each département by a count (missing means 0) on a
	// sequential scale whose colours get darker as the count grows, so it
	// reads in grey too; a legend gives each class's range. Keys are
	// département codes of the map (see Lookup).
	Values map[string]int
	// ValueTitle heads the legend, e.g. « Séances tenues ».
	ValueTitle string
	// ValueText writes a count for the tooltip of a département, e.g.
	// 1 → « 1 séance »; nil writes the bare number.
	ValueText func(n int) string
	// ShowValues writes each non-zero count on its département, so that
	// the number is never carried by the colour alone.
	ShowValues bool

	// Trips are drawn as polylines, one style per trip (colour, dash
	// pattern and stop marker all differ), with a legend.
	Trips []Trip
	// Places are drawn as black-and-white markers, on top of everything.
	Places []Place
}

// Place is a point on the map: a commune, an office, a session's venue.
type Place struct {
	Dept     string  // département code, which picks the frame (mainland or an inset)
	Lat, Lon float64 // WGS 84 degrees
	Label    string  // what the place is, for the tooltip (and the map if ShowLabel)
	Marker   Marker
	// ShowLabel writes Label next to the marker.
	ShowLabel bool
}

// Marker is the shape of a place's marker: the kind of a place is told by
// shape, never by colour alone.
type Marker int

// Markers.
const (
	MarkerCircle Marker = iota
	MarkerSquare
	MarkerTriangle
	MarkerDiamond
)

// Trip is an ordered series of stops drawn as one polyline, e.g. one
// facilitator's sessions in date order. A leg between two frames (the
// mainland and an inset, or two insets) is not drawn: the stops are.
type Trip struct {
	Label string // the series' name in the legend, e.g. the facilitator's
	Stops []Place
}

// Render writes m as an inline SVG element (role="img", labelled by its
// title and description), ready to put in a page. Every label is escaped;
// the output depends only on m. Only presentation attributes are used, no
// style attribute, so it passes a `style-src 'self'` policy. Places and
// stops in a département the map does not draw (the collectivités
// d'outre-mer) are left out.
func Render(m Map) (template.HTML, error) {
	if strings.TrimSpace(m.Title) == "" {
		return "", errors.New("francemap: a map needs a title")
	}
	id := m.ID
	if id == "" {
		id = "carte"
	}
	if !validID(id) {
		return "", fmt.Errorf("francemap: bad map id %q", id)
	}
	for code := range m.Values {
		if _, ok := Lookup(code); !ok {
			return "", fmt.Errorf("francemap: value for %q, which is not a département of the map", code)
		}
	}
	w := &svgWriter{}
	w.printf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" role="img" aria-labelledby="%s-titre %s-desc" class="francemap" font-family="system-ui, sans-serif">`,
		num(mapWidth), num(mapHeight), id, id)
	w.printf("\n<title id=\"%s-titre\">%s</title>", id, esc(m.Title))
	w.printf("\n<desc id=\"%s-desc\">%s</desc>", id, esc(m.Desc))
	scale := newScale(m.Values)
	w.insets()
	w.departements(m, scale)
	if m.ShowValues && scale != nil {
		w.valueLabels(m)
	}
	if scale != nil {
		w.valueLegend(m, scale)
	}
	w.trips(m.Trips)
	w.places(m.Places)
	w.printf("\n<text x=\"%s\" y=\"%s\" font-size=\"8\" text-anchor=\"end\" fill=\"#4d4d4d\">%s</text>",
		num(mapWidth-4), num(mapHeight-5), esc(Attribution))
	w.printf("\n</svg>")
	return template.HTML(w.String()), nil // every text went through esc
}

// Colours: outlines, frames, text.
const (
	landFill    = "#f4f4f4"
	borderColor = "#8c8c8c"
	textColor   = "#262626"
)

type svgWriter struct{ strings.Builder }

func (w *svgWriter) printf(format string, args ...any) { fmt.Fprintf(w, format, args...) }

func (w *svgWriter) insets() {
	w.printf("\n<g class=\"medaillons\" font-size=\"10\" fill=\"%s\">", textColor)
	for _, d := range outlines {
		if !d.Inset {
			continue
		}
		f := d.Frame
		w.printf("\n<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"#ffffff\" stroke=\"%s\" stroke-width=\"0.6\"/>",
			num(f.MinX), num(f.MinY), num(f.MaxX-f.MinX), num(f.MaxY-f.MinY), borderColor)
		w.printf("<text x=\"%s\" y=\"%s\">%s</text>", num(f.MinX+4), num(f.MinY+11), esc(d.Name))
	}
	w.printf("</g>")
}

func (w *svgWriter) departements(m Map, s *colorScale) {
	w.printf("\n<g class=\"departements\" fill=\"%s\" stroke=\"%s\" stroke-width=\"0.5\" stroke-linejoin=\"round\">", landFill, borderColor)
	for _, d := range outlines {
		tip := d.Name + " (" + d.Code + ")"
		fill := ""
		if s != nil {
			n := m.Values[d.Code]
			tip += " : " + valueText(m, n)
			if c := s.color(n); c != landFill {
				fill = ` fill="` + c + `"`
			}
		}
		w.printf("\n<path%s d=\"%s\"><title>%s</title></path>", fill, d.Path, esc(tip))
	}
	w.printf("</g>")
}

func valueText(m Map, n int) string {
	if m.ValueText != nil {
		return m.ValueText(n)
	}
	return count(n)
}

func (w *svgWriter) valueLabels(m Map) {
	w.printf("\n<g class=\"valeurs\" font-size=\"8\" text-anchor=\"middle\" fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"2\" paint-order=\"stroke\">", textColor)
	for _, d := range outlines {
		if n := m.Values[d.Code]; n != 0 {
			w.printf("<text x=\"%s\" y=\"%s\">%s</text>", num(d.LabelAt.X), num(d.LabelAt.Y+3), esc(count(n)))
		}
	}
	w.printf("</g>")
}

// The legends sit in the sea: the values' in the Channel, the trips' in
// the Bay of Biscay (map units of the generated layout).
const (
	valueLegendX, valueLegendY = 128, 10
	tripLegendX, tripLegendY   = 128, 330
	legendRow                  = 13
)

func (w *svgWriter) valueLegend(m Map, s *colorScale) {
	w.printf("\n<g class=\"legende-valeurs\" font-size=\"9\" fill=\"%s\">", textColor)
	y := float64(valueLegendY)
	if m.ValueTitle != "" {
		w.printf("<text x=\"%d\" y=\"%s\" font-weight=\"bold\">%s</text>", valueLegendX, num(y+8), esc(m.ValueTitle))
		y += legendRow
	}
	for _, c := range s.classes {
		w.printf("<rect x=\"%d\" y=\"%s\" width=\"14\" height=\"9\" fill=\"%s\" stroke=\"%s\" stroke-width=\"0.5\"/>",
			valueLegendX, num(y), c.color, borderColor)
		w.printf("<text x=\"%d\" y=\"%s\">%s</text>", valueLegendX+19, num(y+8), esc(c.label))
		y += legendRow
	}
	w.printf("</g>")
}

// TripStyle is how the i-th trip of a Map is drawn, for a page that lists
// the trips beside the map: stroke colour ("#rrggbb"), SVG dash pattern
// ("" for a solid line) and stop marker. The colours are Okabe and Ito's
// (distinguishable with the common colour-vision deficiencies), and the
// dash pattern and marker change with the trip as well, so two trips never
// differ by colour alone.
func TripStyle(i int) (color, dash string, marker Marker) {
	colors := []string{"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000"}
	dashes := []string{"", "6 3", "2 2", "8 3 2 3", "1 3"}
	return colors[i%len(colors)], dashes[i%len(dashes)], Marker(i % 4)
}

func (w *svgWriter) trips(trips []Trip) {
	if len(trips) == 0 {
		return
	}
	w.printf("\n<g class=\"trajets\" fill=\"none\" stroke-width=\"1.6\" stroke-linejoin=\"round\" stroke-linecap=\"round\">")
	for i, t := range trips {
		color, dash, marker := TripStyle(i)
		dashAttr := ""
		if dash != "" {
			dashAttr = ` stroke-dasharray="` + dash + `"`
		}
		w.printf("\n<g stroke=\"%s\"%s><title>%s</title>", color, dashAttr, esc(t.Label))
		// Split the trip into runs of stops in the same frame.
		var run []Point
		frame := ""
		flush := func() {
			if len(run) >= 2 {
				w.printf("<polyline points=\"%s\"/>", points(run))
			}
			run = run[:0]
		}
		for _, s := range t.Stops {
			x, y, ok := Project(s.Dept, s.Lat, s.Lon)
			if !ok {
				continue
			}
			if f := frameOf(s.Dept); f != frame {
				flush()
				frame = f
			}
			run = append(run, Point{x, y})
		}
		flush()
		w.printf("</g>")
		w.printf("<g fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"0.6\">", color)
		for _, s := range t.Stops {
			if x, y, ok := Project(s.Dept, s.Lat, s.Lon); ok {
				w.marker(marker, x, y, 2.6, t.Label+" : "+s.Label)
			}
		}
		w.printf("</g>")
	}
	w.printf("</g>")
	w.printf("\n<g class=\"legende-trajets\" font-size=\"9\" fill=\"%s\">", textColor)
	for i, t := range trips {
		color, dash, marker := TripStyle(i)
		y := float64(tripLegendY + i*legendRow)
		dashAttr := ""
		if dash != "" {
			dashAttr = ` stroke-dasharray="` + dash + `"`
		}
		w.printf("<line x1=\"%d\" y1=\"%s\" x2=\"%d\" y2=\"%s\" stroke=\"%s\" stroke-width=\"1.6\"%s/>",
			tripLegendX, num(y+4), tripLegendX+24, num(y+4), color, dashAttr)
		w.printf("<g fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"0.6\">", color)
		w.marker(marker, tripLegendX+12, y+4, 2.6, "")
		w.printf("</g><text x=\"%d\" y=\"%s\">%s</text>", tripLegendX+29, num(y+7), esc(t.Label))
	}
	w.printf("</g>")
}

// frameOf names the frame a département is drawn in: "" for the
// mainland, its code for an inset.
func frameOf(dept string) string {
	if d, ok := Lookup(dept); ok && d.Inset {
		return d.Code
	}
	return ""
}

func (w *svgWriter) places(places []Place) {
	if len(places) == 0 {
		return
	}
	w.printf("\n<g class=\"lieux\" fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"0.8\" font-size=\"8\">", textColor)
	for _, p := range places {
		x, y, ok := Project(p.Dept, p.Lat, p.Lon)
		if !ok {
			continue
		}
		w.marker(p.Marker, x, y, 3.2, p.Label)
		if p.ShowLabel && p.Label != "" {
			// Near the right edge the label goes to the left of the marker.
			anchor := ""
			lx := x + 5
			if x > mapWidth-80 {
				anchor, lx = ` text-anchor="end"`, x-5
			}
			w.printf("<text x=\"%s\" y=\"%s\"%s stroke-width=\"2\" paint-order=\"stroke\">%s</text>", num(lx), num(y+3), anchor, esc(p.Label))
		}
	}
	w.printf("</g>")
}

// marker draws a shape of radius r centred on (x, y), with a tooltip.
func (w *svgWriter) marker(m Marker, x, y, r float64, tip string) {
	title := ""
	if tip != "" {
		title = "<title>" + esc(tip) + "</title>"
	}
	switch m {
	case MarkerSquare:
		s := r * 0.9
		w.printf("<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\">%s</rect>", num(x-s), num(y-s), num(2*s), num(2*s), title)
	case MarkerTriangle:
		w.printf("<path d=\"M%s,%sL%s,%sL%s,%sZ\">%s</path>", num(x), num(y-1.2*r), num(x+1.1*r), num(y+0.8*r), num(x-1.1*r), num(y+0.8*r), title)
	case MarkerDiamond:
		s := r * 1.2
		w.printf("<path d=\"M%s,%sL%s,%sL%s,%sL%s,%sZ\">%s</path>", num(x), num(y-s), num(x+s), num(y), num(x), num(y+s), num(x-s), num(y), title)
	default:
		w.printf("<circle cx=\"%s\" cy=\"%s\" r=\"%s\">%s</circle>", num(x), num(y), num(r), title)
	}
}

func points(ps []Point) string {
	var sb strings.Builder
	for i, p := range ps {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(num(p.X) + "," + num(p.Y))
	}
	return sb.String()
}

// num writes a coordinate to a tenth of a unit, as short as it goes.
func num(v float64) string {
	v = math.Round(v*10) / 10
	if v == 0 {
		v = 0 // no "-0"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// esc escapes text for an SVG element's content or attribute.
func esc(s string) string { return template.HTMLEscapeString(s) }

// count writes n the French way: thousands separated by a narrow
// no-break space (12 345).
func count(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var out []string
	for len(s) > 3 {
		out = append([]string{s[len(s)-3:]}, out...)
		s = s[:len(s)-3]
	}
	out = append([]string{s}, out...)
	r := strings.Join(out, "\u202f")
	if neg {
		r = "-" + r
	}
	return r
}

func validID(id string) bool {
	for i, r := range id {
		switch {
		case r >= 'a' && r <= 'z':
		case i > 0 && (r >= '0' && r <= '9' || r == '-'):
		default:
			return false
		}
	}
	return id != ""
}
