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

//go:generate sh ../scripts/communes/generate.sh

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

//go:embed communes.tsv.gz
var communesGz []byte

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

// Directory is the read-only set of communes, départements and régions.
// It is safe for concurrent use.
type Directory struct {
	communes []Commune        // sorted by INSEE code
	keys     []string         // normalised names, parallel to communes
	byCode   map[string]int   // INSEE code, current or former, to index in communes
	deps     []Departement    // sorted by code
	depIdx   map[string]int   // code to index in deps
	regs     []Region         // sorted by code
	regIdx   map[string]int   // code to index in regs
	byPost   map[string][]int // postcode to indexes in communes
	blob     string           // "\n" + keys joined and ended by "\n", for substring search
	offsets  []int32          // start of each key in blob
}

// Load parses the embedded data: about 40 ms and 10 MB of heap on the
// development machine. Call it once at start-up and share the Directory.
func Load() (*Directory, error) {
	zr, err := gzip.NewReader(bytes.NewReader(communesGz))
	if err != nil {
		return nil, fmt.Errorf("territory: embedded data: %w", err)
	}
	// The gzip trailer holds the uncompressed size (modulo 2³²).
	size := 0
	if n := len(communesGz); n >= 4 {
		size = int(binary.LittleEndian.Uint32(communesGz[n-4:]))
	}
	buf := bytes.NewBuffer(make([]byte, 0, size+512))
	if _, err := buf.ReadFrom(zr); err != nil {
		return nil, fmt.Errorf("territory: embedded data: %w", err)
	}
	return parse(buf.String())
}

func parse(text string) (*Directory, error) {
	n := strings.Count(text, "\nC\t")
	d := &Directory{
		communes: make([]Commune, 0, n),
		keys:     make([]string, 0, n),
		byCode:   make(map[string]int, n+n/8),
		depIdx:   map[string]int{},
		regIdx:   map[string]int{},
		byPost:   make(map[string][]int, n/5),
	}
	postcodes := make([]string, 0, n+n/8) // one backing array for all communes
	var aliases [][2]string
	var f [9]string
	for line := 1; text != ""; line++ {
		var s string
		s, text, _ = strings.Cut(text, "\n")
		if s == "" || s[0] == '#' {
			continue
		}
		nf := 0
		for rest := s; nf < len(f); nf++ {
			var more bool
			f[nf], rest, more = strings.Cut(rest, "\t")
			if !more {
				nf++
				break
			}
		}
		bad := func(why string) error {
			return fmt.Errorf("territory: embedded data line %d: %s", line, why)
		}
		switch {
		case f[0] == "R" && nf == 3:
			d.regIdx[f[1]] = len(d.regs)
			d.regs = append(d.regs, Region{Code: f[1], Name: f[2]})
		case f[0] == "D" && nf == 4:
			d.depIdx[f[1]] = len(d.deps)
			d.deps = append(d.deps, Departement{Code: f[1], Name: f[2], Region: f[3]})
		case f[0] == "C" && nf == 9:
			c := Commune{INSEE: f[1], Name: f[2], Parent: f[8], Departement: depOf(f[1])}
			if f[3] != "" {
				start := len(postcodes)
				for p := range strings.SplitSeq(f[3], " ") {
					postcodes = append(postcodes, p)
				}
				c.Postcodes = postcodes[start:len(postcodes):len(postcodes)]
			}
			lat, err1 := strconv.Atoi(f[4])
			lon, err2 := strconv.Atoi(f[5])
			pop, err3 := strconv.Atoi(f[7])
			if err1 != nil || err2 != nil || err3 != nil || len(f[6]) != 1 {
				return nil, bad("bad number")
			}
			c.Lat, c.Lon, c.Population, c.CoordSource = float64(lat)/1e4, float64(lon)/1e4, pop, CoordSource(f[6][0])
			i, ok := d.depIdx[c.Departement]
			if !ok {
				return nil, bad("unknown département " + c.Departement)
			}
			c.Region = d.deps[i].Region
			idx := len(d.communes)
			d.byCode[c.INSEE] = idx
			for _, p := range c.Postcodes {
				d.byPost[p] = append(d.byPost[p], idx)
			}
			d.communes = append(d.communes, c)
			d.keys = append(d.keys, normalize(c.Name))
		case f[0] == "A" && nf == 3:
			aliases = append(aliases, [2]string{f[1], f[2]})
		default:
			return nil, bad("unexpected record")
		}
	}
	for _, a := range aliases {
		if i, ok := d.byCode[a[1]]; ok {
			if _, taken := d.byCode[a[0]]; !taken {
				d.byCode[a[0]] = i
			}
		}
	}
	if len(d.communes) == 0 || len(d.deps) == 0 || len(d.regs) == 0 {
		return nil, fmt.Errorf("territory: embedded data is empty")
	}
	sort.Slice(d.deps, func(i, j int) bool { return d.deps[i].Code < d.deps[j].Code })
	for i, dep := range d.deps {
		d.depIdx[dep.Code] = i
	}
	sort.Slice(d.regs, func(i, j int) bool { return d.regs[i].Code < d.regs[j].Code })
	for i, r := range d.regs {
		d.regIdx[r.Code] = i
	}
	d.buildIndex()
	return d, nil
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
func (d *Directory) Commune(insee string) (Commune, bool) {
	i, ok := d.byCode[strings.ToUpper(strings.TrimSpace(insee))]
	if !ok {
		return Commune{}, false
	}
	return d.communes[i], true
}

// Len returns the number of communes (arrondissements municipaux included).
func (d *Directory) Len() int { return len(d.communes) }

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
