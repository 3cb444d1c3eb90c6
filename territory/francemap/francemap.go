// Package francemap draws France as an inline SVG, rendered on the server:
// the outlines of the 101 départements (the five overseas ones as labelled
// insets in a column left of the mainland), optionally shaded by a value
// per département, with places and trips drawn on top.
//
// The outlines come from the @svg-maps npm packages (© MapSVG, CC BY 4.0),
// converted once by `go generate ./territory/francemap/` into the committed
// outlines_gen.go; see territory/SOURCES.md and docs/MAP.md. The package
// uses only the standard library at run time and keeps no mutable state.
package francemap

//go:generate sh internal/gen/generate.sh

import "math"

// Attribution is the credit CC BY 4.0 requires for the outlines; Render
// writes it at the foot of the map, and a page that crops or restyles the
// map must show it.
const Attribution = "Fonds de carte : MapSVG (mapsvg.com), paquets @svg-maps, licence CC BY 4.0 ; outre-mer en médaillons, adapté par quartier."

// Point is a position in map units: x to the right, y downwards, in the
// coordinate system of ViewBox.
type Point struct{ X, Y float64 }

// Rect is an axis-aligned rectangle in map units.
type Rect struct{ MinX, MinY, MaxX, MaxY float64 }

// Contains reports whether p lies in r grown by margin on every side.
func (r Rect) Contains(p Point, margin float64) bool {
	return p.X >= r.MinX-margin && p.X <= r.MaxX+margin && p.Y >= r.MinY-margin && p.Y <= r.MaxY+margin
}

// Departement is one outline of the map.
type Departement struct {
	Code     string // INSEE code: "59", "2A", "974"
	Name     string // as package territory spells it: "Nord", "La Réunion"
	Inset    bool   // drawn in an inset (the five overseas départements)
	Centroid Point  // area centroid of the outline
	LabelAt  Point  // where to write on it: the centroid of its largest part
	Box      Rect   // bounding box of the outline
	Frame    Rect   // the inset's frame, label included; zero for the mainland
	Path     string // SVG path data in map units (relative moves)

	// mercator says fit applies to Mercator coordinates (mainland); the
	// insets' fit applies to degrees.
	mercator bool
	fit      affine // (lon, lat) → map units for places in this département
}

// affine maps (lon, lat), or their Mercator coordinates, to map units:
// x = a·lon + b·lat + c, y = d·lon + e·lat + f.
type affine struct{ a, b, c, d, e, f float64 }

// mercator returns the spherical Mercator coordinates of a position, as
// the generator fitted the mainland: radians of longitude, and y growing
// southwards.
func mercator(lat, lon float64) (u, v float64) {
	const rad = math.Pi / 180
	return lon * rad, -math.Log(math.Tan(math.Pi/4 + lat*rad/2))
}

// ViewBox is the SVG viewBox of the map.
func ViewBox() Rect { return Rect{0, 0, mapWidth, mapHeight} }

// Departements returns the départements drawn on the map, sorted by code
// (mainland first: "01" … "95", then "971" … "976").
func Departements() []Departement {
	return append([]Departement(nil), outlines[:]...)
}

// Lookup returns the département of the map with this code.
func Lookup(code string) (Departement, bool) {
	for _, d := range outlines {
		if d.Code == code {
			return d, true
		}
	}
	return Departement{}, false
}

// Project converts WGS 84 coordinates of a place in département dept to
// map units. Mainland places share one fit (Mercator, then affine; a few
// units off at worst, see docs/MAP.md), Corsica's shifted a little as the
// outlines draw it; an overseas place goes into its département's inset. ok is false for a code the map does not draw (the collectivités
// d'outre-mer such as 975 or 988), whatever the coordinates.
func Project(dept string, lat, lon float64) (x, y float64, ok bool) {
	d, found := Lookup(dept)
	if !found {
		return 0, 0, false
	}
	u, v := lon, lat
	if d.mercator {
		u, v = mercator(lat, lon)
	}
	f := d.fit
	return f.a*u + f.b*v + f.c, f.d*u + f.e*v + f.f, true
}
