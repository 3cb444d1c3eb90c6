package territory

import (
	"cmp"
	"slices"
	"sort"
	"strings"
)

// Match tiers, best first.
const (
	tierExact = iota
	tierPrefix
	tierWordPrefix
	tierSubstring
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
		if len(q) == 5 {
			for _, i := range d.byPost(q) {
				hits = append(hits, hit{int(i), tierExact})
			}
			if i, ok := d.index(q); ok {
				hits = append(hits, hit{i, tierPrefix})
			}
		}
		// The distinct postcodes are sorted: those starting with q follow
		// one another.
		j, _ := slices.BinarySearch(d.postcodes[:d.nPost], q)
		for ; j < d.nPost && strings.HasPrefix(d.postcodes[j], q); j++ {
			for _, i := range d.postIdx[d.postStart[j]:d.postStart[j+1]] {
				hits = append(hits, hit{int(i), tierWordPrefix})
			}
		}
		// A commune found several ways counts once, at its best tier.
		slices.SortFunc(hits, func(a, b hit) int { return cmp.Or(a.idx-b.idx, a.tier-b.tier) })
		hits = slices.CompactFunc(hits, func(a, b hit) bool { return a.idx == b.idx })
	} else {
		q := normalize(query)
		raw := normalizeRaw(query)
		if q == "" {
			return nil
		}
		scan := func(q string) {
			for pos := 0; ; {
				j := strings.Index(d.blob[pos:], q)
				if j < 0 {
					return
				}
				at := pos + j
				pos = at + 1
				i := sort.Search(len(d.offsets), func(k int) bool { return int(d.offsets[k]) > at }) - 1
				start := int(d.offsets[i])
				t := tierSubstring
				switch {
				case at == start && len(d.key(i)) == len(q):
					t = tierExact
				case at == start:
					t = tierPrefix
				case d.blob[at-1] == ' ':
					t = tierWordPrefix
				}
				// Occurrences come in blob order: a commune's are adjacent.
				if n := len(hits); n > 0 && hits[n-1].idx == i {
					hits[n-1].tier = min(hits[n-1].tier, t)
				} else {
					hits = append(hits, hit{i, t})
				}
			}
		}
		scan(q)
		if raw != q {
			n := len(hits)
			scan(raw)
			if n > 0 && len(hits) > n { // merge the two scans' hits
				sort.SliceStable(hits, func(a, b int) bool { return hits[a].idx < hits[b].idx })
				out := hits[:1]
				for _, h := range hits[1:] {
					if last := &out[len(out)-1]; last.idx == h.idx {
						last.tier = min(last.tier, h.tier)
					} else {
						out = append(out, h)
					}
				}
				hits = out
			}
		}
	}
	less := func(ha, hb hit) bool {
		if ha.tier != hb.tier {
			return ha.tier < hb.tier
		}
		pa, pb := d.records[ha.idx].pop, d.records[hb.idx].pop
		if pa != pb {
			return pa > pb
		}
		return ha.idx < hb.idx // records are in INSEE code order
	}
	// Keep the best limit hits by insertion: most hits of a short query
	// are discarded after one comparison.
	top := make([]hit, 0, min(limit, len(hits)))
	for _, h := range hits {
		if len(top) == limit && !less(h, top[len(top)-1]) {
			continue
		}
		i := sort.Search(len(top), func(k int) bool { return less(h, top[k]) })
		if len(top) < limit {
			top = append(top, hit{})
		}
		copy(top[i+1:], top[i:len(top)-1])
		top[i] = h
	}
	hits = top
	out := make([]Commune, len(hits))
	for i, h := range hits {
		out[i] = d.commune(h.idx)
	}
	return out
}

// buildIndex joins the normalised names into one string, so that a query is
// found in all of them by a single fast substring scan.
func (d *Directory) buildIndex(keys []string) {
	size := 1
	for _, k := range keys {
		size += len(k) + 1
	}
	var b strings.Builder
	b.Grow(size)
	b.WriteByte('\n')
	d.offsets = make([]int32, len(keys)+1)
	for i, k := range keys {
		d.offsets[i] = int32(b.Len())
		b.WriteString(k)
		b.WriteByte('\n')
	}
	d.offsets[len(keys)] = int32(b.Len())
	d.blob = b.String()
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
