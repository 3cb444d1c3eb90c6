// Package territory is the reference data on French communes, départements
// and régions (overseas included), plus the parsing of the official list of
// quartiers prioritaires de la politique de la ville (QPV), and the reading
// of what people type for either: a commune by name or postcode
// (ResolveCommune), quartiers by code or name (QPVIndex).
//
// The data comes from a compact file generated from open datasets (see
// SOURCES.md) and embedded in the binary: a clean checkout builds without
// regenerating it. Load parses it once into a read-only Directory that the
// application passes around; the package keeps no mutable state.
package territory

import (
	"math"
	"strings"
)

// CoordSource tells how a commune's coordinates were obtained.
type CoordSource byte

// Coordinate sources, from the most to the least precise.
const (
	// CoordGeoNames: the commune's own GeoNames place (its centre, usually
	// the town hall area).
	CoordGeoNames CoordSource = 'g'
	// CoordPostcode: mean of the located communes sharing a postcode.
	CoordPostcode CoordSource = 'p'
	// CoordArrondissement: mean of the located communes of the same
	// arrondissement (the département's subdivision).
	CoordArrondissement CoordSource = 'a'
	// CoordDepartement: mean of the département's located places.
	CoordDepartement CoordSource = 'd'
)

// Approximate reports whether the coordinates are an estimate from
// neighbouring communes rather than the commune's own location.
func (s CoordSource) Approximate() bool { return s != CoordGeoNames }

// Commune is a current French commune or an arrondissement municipal of
// Paris, Lyon or Marseille. Values returned by a Directory share their
// Postcodes slice with it: treat it as read-only.
type Commune struct {
	INSEE       string   // code officiel géographique, e.g. "59350"; "2A004" in Corsica
	Name        string   // official name with accents, e.g. "Fort-de-France"
	Postcodes   []string // La Poste codes, e.g. ["59000", "59160", …]
	Departement string   // "59", "2A", "974"
	Region      string   // INSEE région code, e.g. "32"; equals Departement for a COM
	Lat, Lon    float64  // WGS 84 degrees, 4 decimals
	Population  int      // municipal population (INSEE), 0 if unknown
	// Parent is, for an arrondissement municipal (75101–75120,
	// 69381–69389, 13201–13216), the INSEE code of its commune; "" otherwise.
	Parent      string
	CoordSource CoordSource
}

// TimeZone returns the IANA time zone of the commune (see TimeZone).
func (c Commune) TimeZone() string { return TimeZone(c.Departement) }

// Departement is a French département, or a collectivité d'outre-mer (COM)
// such as Saint-Pierre-et-Miquelon (975) which INSEE lists alongside.
type Departement struct {
	Code   string // "59", "2A", "974"
	Name   string // "Nord"
	Region string // région code, e.g. "32"
}

// Region is a French région (the five overseas ones included) or a COM.
type Region struct {
	Code string // "32", "04" (La Réunion), "975"
	Name string // "Hauts-de-France"
}

// depOf returns the département code that prefixes an INSEE commune code.
func depOf(insee string) string {
	if strings.HasPrefix(insee, "97") || strings.HasPrefix(insee, "98") {
		return insee[:3]
	}
	return insee[:2]
}

// Commune returns the commune with this INSEE code. A former code (commune
// merged into a commune nouvelle, or commune déléguée/associée) returns the
// current commune, whose INSEE field then differs from the argument.
func (d *Directory) Commune(insee string) (c Commune, ok bool) {
	i, ok := d.index(strings.ToUpper(strings.TrimSpace(insee)))
	if ok {
		d.fill(&c, i)
	}
	return c, ok
}

// Len returns the number of communes (arrondissements municipaux included).
func (d *Directory) Len() int { return len(d.records) }

// Departement returns the département (or COM) with this code ("59", "2A",
// "974").
func (d *Directory) Departement(code string) (Departement, bool) {
	i, ok := d.depIdx[strings.ToUpper(strings.TrimSpace(code))]
	if !ok {
		return Departement{}, false
	}
	return d.deps[i], true
}

// Departements returns all départements and COMs, sorted by code.
func (d *Directory) Departements() []Departement {
	return append([]Departement(nil), d.deps...)
}

// Region returns the région with this INSEE code ("32", "04").
func (d *Directory) Region(code string) (Region, bool) {
	i, ok := d.regIdx[strings.TrimSpace(code)]
	if !ok {
		return Region{}, false
	}
	return d.regs[i], true
}

// Regions returns all régions (and COMs), sorted by code.
func (d *Directory) Regions() []Region {
	return append([]Region(nil), d.regs...)
}

// earthRadiusKm is the mean Earth radius (IUGG).
const earthRadiusKm = 6371.0088

// DistanceKm returns the great-circle distance between two communes in
// kilometres, by the haversine formula on a sphere of the mean Earth radius.
// It is a straight line between the communes' reference points (error
// below 0.5 % from the ellipsoid); road distances are typically 20–40 %
// longer. Check CoordSource before relying on it for small communes.
func DistanceKm(a, b Commune) float64 {
	const rad = math.Pi / 180
	dLat := (b.Lat - a.Lat) * rad
	dLon := (b.Lon - a.Lon) * rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) +
		math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusKm * math.Asin(math.Min(1, math.Sqrt(h)))
}

var overseasZones = map[string]string{
	"971": "America/Guadeloupe",
	"972": "America/Martinique",
	"973": "America/Cayenne",
	"974": "Indian/Reunion",
	"975": "America/Miquelon",
	"976": "Indian/Mayotte",
	"977": "America/St_Barthelemy",
	"978": "America/Marigot",
	"986": "Pacific/Wallis",
	"987": "Pacific/Tahiti", // the Marquesas and Gambier islands differ
	"988": "Pacific/Noumea",
}

// TimeZone returns the IANA time zone for a département (or COM) code:
// Europe/Paris for metropolitan France (and any code it does not know),
// America/Guadeloupe (971), America/Martinique (972), America/Cayenne (973),
// Indian/Reunion (974), America/Miquelon (975), Indian/Mayotte (976),
// America/St_Barthelemy (977), America/Marigot (978), Pacific/Wallis (986),
// Pacific/Tahiti (987) and Pacific/Noumea (988).
func TimeZone(departementCode string) string {
	if z, ok := overseasZones[strings.TrimSpace(departementCode)]; ok {
		return z
	}
	return "Europe/Paris"
}
