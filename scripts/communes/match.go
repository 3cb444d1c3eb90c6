package main

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// point is a commune's coordinates and where they come from (g, p, a or d,
// see the package comment).
type point struct {
	lat, lon float64
	src      byte
}

type stats struct {
	total, pop  int
	bySrc       map[byte]int
	popBySrc    map[byte]int
	ambiguous   int // same normalised name twice in a département, on either side
	rejectedFar int // GeoNames match too far from the département's centre
	byMethod    map[string]int
}

func (s stats) summary() string {
	pct := func(n, d int) float64 { return 100 * float64(n) / float64(max(d, 1)) }
	methods := make([]string, 0, len(s.byMethod))
	for m, n := range s.byMethod {
		methods = append(methods, fmt.Sprintf("%s %d", m, n))
	}
	sort.Strings(methods)
	return fmt.Sprintf("%d communes: GeoNames %d (%.1f%%, %.1f%% of population; %s), postcode mean %d, arrondissement mean %d, département mean %d; %d ambiguous names, %d far matches rejected",
		s.total, s.bySrc['g'], pct(s.bySrc['g'], s.total), pct(s.popBySrc['g'], s.pop), strings.Join(methods, ", "),
		s.bySrc['p'], s.bySrc['a'], s.bySrc['d'], s.ambiguous, s.rejectedFar)
}

// overseasCountry maps the GeoNames country of an overseas territory to its
// département (or COM) code.
var overseasCountry = map[string]string{
	"GP": "971", "MQ": "972", "GF": "973", "RE": "974", "PM": "975", "YT": "976",
	"BL": "977", "MF": "978", "WF": "986", "PF": "987", "NC": "988",
}

var (
	arrRe   = regexp.MustCompile(`^(Paris|Lyon|Marseille) (\d+)(er|e) Arrondissement$`)
	inseeRe = regexp.MustCompile(`^(\d[\dAB]\d{3})$`)
)

// locate gives every commune a coordinate: a GeoNames place of the same
// normalised name in the same département when there is exactly one, else a
// mean of its neighbours' (same postcode, then same arrondissement, then
// département).
func locate(communes []etalabCommune, former map[string][]string, places []geoPlace) (map[string]point, stats) {
	type acc struct{ lat, lon, n float64 }
	add := func(m map[string]*acc, k string, lat, lon float64) {
		a := m[k]
		if a == nil {
			a = &acc{}
			m[k] = a
		}
		a.lat, a.lon, a.n = a.lat+lat, a.lon+lon, a.n+1
	}
	mean := func(m map[string]*acc, k string) (point, bool) {
		a := m[k]
		if a == nil || a.n == 0 {
			return point{}, false
		}
		return point{lat: a.lat / a.n, lon: a.lon / a.n}, true
	}

	byName := map[string][]point{} // dep|normalised name
	byCode := map[string][]point{} // INSEE code given by GeoNames admin codes (some COMs)
	depPlaces := map[string]*acc{}
	for _, p := range places {
		dep := overseasCountry[p.Country]
		if p.Country == "FR" {
			dep = p.Admin2
		}
		if dep == "" {
			continue
		}
		lat, ok1 := parseFloat(p.Lat)
		lon, ok2 := parseFloat(p.Lng)
		if !ok1 || !ok2 {
			continue
		}
		pt := point{lat: lat, lon: lon, src: 'g'}
		byName[dep+"|"+normalize(p.Name)] = append(byName[dep+"|"+normalize(p.Name)], pt)
		for _, code := range []string{p.Admin1, p.Admin2} {
			if p.Country != "FR" && inseeRe.MatchString(code) {
				byCode[code] = append(byCode[code], pt)
			}
		}
		add(depPlaces, dep, lat, lon)
	}
	communeKeys := map[string]int{}
	for _, c := range communes {
		communeKeys[c.Departement+"|"+normalize(c.Nom)]++
	}

	st := stats{bySrc: map[byte]int{}, popBySrc: map[byte]int{}, byMethod: map[string]int{}}
	out := map[string]point{}
	byPostcode, byArr, byDep := map[string]*acc{}, map[string]*acc{}, map[string]*acc{}
	unique := func(key string) (point, bool) {
		pts := byName[key]
		if len(pts) > 1 {
			st.ambiguous++
		}
		return first(pts), len(pts) == 1 && communeKeys[key] <= 1
	}
	for _, c := range communes {
		var pt point
		found, method := false, ""
		key := c.Departement + "|" + normalize(c.Nom)
		if m := arrRe.FindStringSubmatch(c.Nom); m != nil {
			n := m[2]
			if len(n) == 1 {
				n = "0" + n
			}
			prefix := c.Departement + "|" + normalize(m[1]+" "+n)
			var cands []point
			for k, pts := range byName {
				if k == prefix || strings.HasPrefix(k, prefix+" ") {
					cands = append(cands, pts...)
				}
			}
			if len(cands) == 1 {
				pt, found, method = cands[0], true, "arrondissement number"
			}
		} else if pt, found = unique(key); found {
			method = "exact name"
		}
		for _, alt := range extraNames[c.Code] {
			if !found {
				pt, found, method = first(byName[c.Departement+"|"+normalize(alt)]), len(byName[c.Departement+"|"+normalize(alt)]) > 0, "exonym"
			}
		}
		for _, alt := range former[c.Code] {
			if !found {
				if pt, found = unique(c.Departement + "|" + alt); found {
					method = "former commune name"
				}
			}
		}
		if !found {
			if pts := byCode[c.Code]; len(pts) > 0 {
				pt, found, method = pts[0], true, "GeoNames admin code"
			}
		}
		if !found && communeKeys[key] == 1 {
			pt, found = prefixMatch(byName, communeKeys, key)
			method = "name prefix"
		}
		if found {
			if centre, ok := mean(depPlaces, c.Departement); ok && c.Zone != "com" &&
				haversine(pt, centre) > farLimit(c.Departement) {
				st.rejectedFar++
				found = false
			}
		}
		if found {
			st.byMethod[method]++
			out[c.Code] = pt
			for _, cp := range c.CodesPostaux {
				add(byPostcode, cp, pt.lat, pt.lon)
			}
			add(byArr, c.Departement+c.Arrondissement, pt.lat, pt.lon)
			add(byDep, c.Departement, pt.lat, pt.lon)
		}
	}
	for _, c := range communes {
		if _, ok := out[c.Code]; ok {
			continue
		}
		var pt point
		ok := false
		for _, cp := range c.CodesPostaux {
			if pt, ok = mean(byPostcode, cp); ok {
				pt.src = 'p'
				break
			}
		}
		if !ok && c.Arrondissement != "" {
			if pt, ok = mean(byArr, c.Departement+c.Arrondissement); ok {
				pt.src = 'a'
			}
		}
		if !ok {
			if pt, ok = mean(byDep, c.Departement); !ok {
				pt, ok = mean(depPlaces, c.Departement)
			}
			pt.src = 'd'
		}
		if !ok {
			panic("no coordinates at all for " + c.Code)
		}
		out[c.Code] = pt
	}
	for _, c := range communes {
		st.total++
		st.pop += c.Population
		st.bySrc[out[c.Code].src]++
		st.popBySrc[out[c.Code].src] += c.Population
	}
	return out, st
}

// extraNames are GeoNames spellings that normalisation cannot find: an
// English exonym, and the chef-lieu of single-commune collectivités.
var extraNames = map[string][]string{
	"59183": {"Dunkirk"},
	"97701": {"Gustavia"},
	"97801": {"Marigot"},
}

func first(pts []point) point {
	if len(pts) == 0 {
		return point{}
	}
	return pts[0]
}

// prefixMatch finds the single GeoNames place of the département whose
// normalised name is a whole-word prefix of the commune's ("saint ouen" for
// Saint-Ouen-sur-Seine, "cherbourg" for Cherbourg-en-Cotentin) or the other
// way round ("guidel plage" for Guidel), provided no other commune of the
// département bears that name.
func prefixMatch(byName map[string][]point, communeKeys map[string]int, key string) (point, bool) {
	var found []point
	for k, pts := range byName {
		if len(pts) != 1 || communeKeys[k] > 0 {
			continue
		}
		if strings.HasPrefix(key, k+" ") || strings.HasPrefix(k, key+" ") {
			found = append(found, pts[0])
		}
	}
	return first(found), len(found) == 1
}

// farLimit is the distance from the département's mean GeoNames place beyond
// which a name match is considered a homonym elsewhere and rejected.
func farLimit(dep string) float64 {
	if dep == "973" {
		return 500
	}
	return 180
}

func haversine(a, b point) float64 {
	const r = 6371.0088
	rad := math.Pi / 180
	dLat := (b.lat - a.lat) * rad
	dLon := (b.lon - a.lon) * rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a.lat*rad)*math.Cos(b.lat*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(h)))
}

var folds = map[rune]string{
	'à': "a", 'â': "a", 'ä': "a", 'á': "a", 'ã': "a", 'å': "a", 'ç': "c", 'é': "e", 'è': "e",
	'ê': "e", 'ë': "e", 'î': "i", 'ï': "i", 'í': "i", 'ì': "i", 'ô': "o", 'ö': "o", 'ó': "o",
	'ò': "o", 'õ': "o", 'ù': "u", 'û': "u", 'ü': "u", 'ú': "u", 'ÿ': "y", 'ñ': "n", 'œ': "oe", 'æ': "ae",
}

// normalize lowercases, removes accents, turns punctuation into single
// spaces and spells out the abbreviations st/ste.
func normalize(s string) string {
	var b strings.Builder
	space := true
	for _, r := range strings.ToLower(s) {
		if f, ok := folds[r]; ok {
			b.WriteString(f)
			space = false
		} else if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			space = false
		} else if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	words := strings.Fields(b.String())
	for i, w := range words {
		switch w {
		case "st":
			words[i] = "saint"
		case "ste":
			words[i] = "sainte"
		}
	}
	return strings.Join(words, " ")
}
