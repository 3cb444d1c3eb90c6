package territory

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// QPVName is a quartier's code and name: what matching typed text needs.
type QPVName struct {
	Code string // e.g. "QN05901M"
	Name string // e.g. "Alma-Gare"
}

// QPVIndex matches typed text against a list of quartiers, in memory: the
// caller loads the list once (one query), however many names it resolves.
type QPVIndex struct {
	list   []QPVName
	keys   []string         // NormalizeName of each name, parallel to list
	codes  []string         // NormalizeName of each code, parallel to list
	byCode map[string]int   // upper-case code to index in list
	byKey  map[string][]int // normalised name to indexes in list
}

// NewQPVIndex indexes list (which it keeps: do not change it afterwards).
func NewQPVIndex(list []QPVName) *QPVIndex {
	x := &QPVIndex{list: list, keys: make([]string, len(list)), codes: make([]string, len(list)),
		byCode: make(map[string]int, len(list)), byKey: make(map[string][]int, len(list))}
	for i, q := range list {
		x.keys[i], x.codes[i] = normalize(q.Name), normalize(q.Code)
		x.byCode[strings.ToUpper(q.Code)] = i
		x.byKey[x.keys[i]] = append(x.byKey[x.keys[i]], i)
	}
	return x
}

// Search returns the quartiers whose code or name contains query, compared
// by NormalizeName: exact names first, then by name; at most limit (all
// when limit <= 0).
func (x *QPVIndex) Search(query string, limit int) []QPVName {
	q := normalize(query)
	if q == "" {
		return nil
	}
	var out []QPVName
	var exact []bool
	for i, qp := range x.list {
		if strings.Contains(x.keys[i], q) || strings.Contains(x.codes[i], q) {
			out, exact = append(out, qp), append(exact, x.keys[i] == q)
		}
	}
	idx := make([]int, len(out))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		if exact[idx[a]] != exact[idx[b]] {
			return exact[idx[a]]
		}
		return out[idx[a]].Name < out[idx[b]].Name
	})
	sorted := make([]QPVName, len(out))
	for i, k := range idx {
		sorted[i] = out[k]
	}
	if limit > 0 && len(sorted) > limit {
		sorted = sorted[:limit]
	}
	return sorted
}

var (
	qpvSeparators = regexp.MustCompile(`[,;\n]+`)
	// qpvInParens is « Alma-Gare (QN05901M) », how suggestions write a
	// quartier.
	qpvInParens = regexp.MustCompile(`\(\s*([0-9A-Za-z]{5,10})\s*(?:,[^)]*)?\)\s*$`)
)

// SplitQPVList cuts a typed list of quartiers (separated by commas,
// semicolons or lines) into its entries, spaces trimmed, empty ones left
// out.
func SplitQPVList(text string) []string {
	var out []string
	for _, tok := range qpvSeparators.Split(text, -1) {
		if tok = strings.TrimSpace(tok); tok != "" {
			out = append(out, tok)
		}
	}
	return out
}

// Resolve returns the codes of the quartiers typed — codes, « Nom (CODE) »
// or exact names — in the order typed, or a French message naming those
// that were not found or that several quartiers match.
func (x *QPVIndex) Resolve(entries []string) ([]string, string) {
	var codes, unknown, ambiguous []string
	for _, tok := range entries {
		code := strings.ToUpper(tok)
		if m := qpvInParens.FindStringSubmatch(tok); m != nil {
			code = strings.ToUpper(m[1])
		}
		if i, ok := x.byCode[code]; ok {
			codes = append(codes, x.list[i].Code)
			continue
		}
		exact := x.byKey[normalize(tok)]
		if len(exact) == 1 {
			codes = append(codes, x.list[exact[0]].Code)
			continue
		}
		var list []QPVName
		for _, i := range exact {
			list = append(list, x.list[i])
		}
		if len(list) == 0 {
			list = x.Search(tok, 6)
		}
		if len(list) == 0 {
			unknown = append(unknown, "«\u00a0"+tok+"\u00a0»")
			continue
		}
		names := make([]string, len(list))
		for i, q := range list {
			names[i] = fmt.Sprintf("«\u00a0%s (%s)\u00a0»", q.Name, q.Code)
		}
		choices := names[len(names)-1]
		if len(names) > 1 {
			choices = strings.Join(names[:len(names)-1], ", ") + " ou " + choices
		}
		ambiguous = append(ambiguous, fmt.Sprintf("«\u00a0%s\u00a0» peut désigner %s", tok, choices))
	}
	var msgs []string
	if len(unknown) > 0 {
		msgs = append(msgs, "Quartier introuvable dans la liste des QPV\u00a0: "+strings.Join(unknown, ", ")+". Saisissez son code (par exemple QN05901M) ou son nom exact.")
	}
	if len(ambiguous) > 0 {
		msgs = append(msgs, strings.Join(ambiguous, "\u00a0; ")+". Saisissez le code ou le nom exact du quartier voulu.")
	}
	return codes, strings.Join(msgs, " ")
}
