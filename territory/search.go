package territory

import (
	"sort"
	"strings"
	"unicode"
)

// Match tiers, best first.
const (
	tierExact = iota
	tierPrefix
	tierWordPrefix
	tierSubstring
	tierNone
)

// Search finds communes for a user's query, best first, at most limit:
//
//   - digits (or a Corsican code such as 2A004): communes whose postcode
//     equals the query, then the commune with that INSEE code, then
//     communes whose postcode starts with the query;
//   - anything else is a name, compared without case, accents, hyphens or
//     apostrophes, « st »/« ste » read as « saint »/« sainte »: exact
//     names first, then names starting with the query, then names with a
//     word starting with it, then names containing it.
//
// Within a tier, larger populations come first, so « saint denis » lists
// Saint-Denis (La Réunion) and Saint-Denis (Seine-Saint-Denis) before the
// small Saint-Denis-… communes. Arrondissements municipaux are included and
// rank after their commune.
func (d *Directory) Search(query string, limit int) []Commune {
	query = strings.TrimSpace(query)
	if query == "" || limit <= 0 {
		return nil
	}
	type hit struct{ idx, tier int }
	var hits []hit
	if isCode(query) {
		q := strings.ToUpper(query)
		seen := map[int]bool{}
		if len(q) == 5 {
			for _, i := range d.byPost[q] {
				hits = append(hits, hit{i, tierExact})
				seen[i] = true
			}
			if i, ok := d.byCode[q]; ok && !seen[i] {
				hits = append(hits, hit{i, tierPrefix})
				seen[i] = true
			}
		}
		for i, c := range d.communes {
			if seen[i] {
				continue
			}
			for _, p := range c.Postcodes {
				if strings.HasPrefix(p, q) {
					hits = append(hits, hit{i, tierWordPrefix})
					break
				}
			}
		}
	} else {
		q := normalize(query)
		raw := normalizeRaw(query)
		if q == "" {
			return nil
		}
		for i, k := range d.keys {
			t := matchTier(k, q)
			if raw != q {
				t = min(t, matchTier(k, raw))
			}
			if t != tierNone {
				hits = append(hits, hit{i, t})
			}
		}
	}
	sort.Slice(hits, func(a, b int) bool {
		ha, hb := hits[a], hits[b]
		if ha.tier != hb.tier {
			return ha.tier < hb.tier
		}
		ca, cb := &d.communes[ha.idx], &d.communes[hb.idx]
		if ca.Population != cb.Population {
			return ca.Population > cb.Population
		}
		return ca.INSEE < cb.INSEE
	})
	if len(hits) > limit {
		hits = hits[:limit]
	}
	out := make([]Commune, len(hits))
	for i, h := range hits {
		out[i] = d.communes[h.idx]
	}
	return out
}

func matchTier(key, q string) int {
	switch {
	case key == q:
		return tierExact
	case strings.HasPrefix(key, q):
		return tierPrefix
	case strings.Contains(key, " "+q):
		return tierWordPrefix
	case strings.Contains(key, q):
		return tierSubstring
	}
	return tierNone
}

// isCode reports whether the query looks like a postcode or INSEE code
// (or the start of one): digits, possibly 2A/2B for Corsica.
func isCode(s string) bool {
	if len(s) > 5 {
		return false
	}
	for i, r := range s {
		if r >= '0' && r <= '9' {
			continue
		}
		if i == 1 && s[0] == '2' && (r == 'A' || r == 'B' || r == 'a' || r == 'b') {
			continue
		}
		return false
	}
	return true
}

var folds = map[rune]string{
	'à': "a", 'â': "a", 'ä': "a", 'á': "a", 'ã': "a", 'å': "a", 'ç': "c", 'é': "e", 'è': "e",
	'ê': "e", 'ë': "e", 'î': "i", 'ï': "i", 'í': "i", 'ì': "i", 'ô': "o", 'ö': "o", 'ó': "o",
	'ò': "o", 'õ': "o", 'ù': "u", 'û': "u", 'ü': "u", 'ú': "u", 'ÿ': "y", 'ñ': "n", 'œ': "oe", 'æ': "ae",
}

// normalizeRaw lowercases s, removes accents and turns any run of other
// characters (hyphens, apostrophes, spaces) into one space.
func normalizeRaw(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true
	for _, r := range s {
		r = unicode.ToLower(r)
		if f, ok := folds[r]; ok {
			b.WriteString(f)
			space = false
		} else if r < 0x80 && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9') || r >= 0x80 && unicode.IsLetter(r) {
			b.WriteRune(r)
			space = false
		} else if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSuffix(b.String(), " ")
}

// normalize is normalizeRaw with the words « st » and « ste » spelt out.
func normalize(s string) string {
	n := normalizeRaw(s)
	if !strings.Contains(n, "st") {
		return n
	}
	words := strings.Split(n, " ")
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
