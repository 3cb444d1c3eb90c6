package territory

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// QPVRow is one quartier prioritaire read from a CSV list.
type QPVRow struct {
	Line     int      // line of the file where the quartier first appears
	Code     string   // upper-case, e.g. "QN05901M" (2024 list) or "QP059001" (2015 list)
	Name     string   // as written in the file, spaces trimmed
	Communes []string // current INSEE codes, in file order, without duplicates
}

// LineProblem is a line of a CSV list that was rejected, with the reason in
// French.
type LineProblem struct {
	Line   int
	Reason string // e.g. « code commune 59999 inconnu »
}

// String formats the problem for the administrator, e.g.
// « ligne 12 : code commune 59999 inconnu » (with a non-breaking space before
// the colon, as French typography wants).
func (p LineProblem) String() string {
	return fmt.Sprintf("ligne %d\u00a0: %s", p.Line, p.Reason)
}

// maxQPVFile bounds what ParseQPVCSV reads (the official list is ~200 KB).
const maxQPVFile = 20 << 20

// Accepted header names, compared after lowercasing, removing accents and
// turning spaces, hyphens and dots into underscores.
var (
	qpvCodeHeaders = []string{"code_qp", "code_qpv", "codeqp", "cod_qp", "id_qp", "code_quartier", "qp", "qpv", "code"}
	qpvNameHeaders = []string{"lib_qp", "nom_qp", "nom_qpv", "lib_qpv", "libelle_qp", "libelle_qpv", "nom_quartier",
		"libelle_quartier", "quartier", "nom", "libelle"}
	qpvCommuneHeaders = []string{"insee_com", "insee_coms", "code_commune", "code_communes", "codes_communes",
		"code_insee", "codes_insee", "insee_commune", "insee_communes", "commune_insee", "communes_insee",
		"liste_insee_com", "list_insee_com", "code_com", "depcom", "insee"}
)

// ParseQPVCSV reads a list of quartiers prioritaires de la politique de la
// ville, such as the official one published by the ANCT on data.gouv.fr, and
// checks it against dir. It returns the valid quartiers, the rejected lines
// with their reason in French, and an error only when the file as a whole
// cannot be read (no usable header, unreadable input).
//
// The file:
//   - is UTF-8 (with or without a byte-order mark) or Windows-1252;
//   - separates fields with « ; », « , » or tabs, detected on the header;
//   - may contain comment lines starting with « # »;
//   - has a header naming three columns, other columns being ignored: the
//     code (code_qp, code_qpv, qp, code…), the name (lib_qp, nom_qp,
//     nom_qpv, libelle_qp, nom…) and the communes (insee_com,
//     code_commune, codes_communes, code_insee, liste_insee_com, depcom…);
//     case, accents, spaces and hyphens in headers do not matter;
//   - lists the INSEE codes of a quartier's communes in one field separated by
//     « , », « ; », « | » or spaces, or on several lines repeating the
//     quartier's code and name (one line per commune); four-digit codes lose
//     to spreadsheets their leading zero and get it back.
//
// Codes have eight characters: « QN » (2024 list), « QP » (2015 list) or
// « QX » (local code outside the official list) followed by six letters or
// digits. Former commune codes are replaced by the current commune's.
func ParseQPVCSV(r io.Reader, dir *Directory) (rows []QPVRow, problems []LineProblem, err error) {
	data, err := io.ReadAll(io.LimitReader(r, maxQPVFile+1))
	if err != nil {
		return nil, nil, fmt.Errorf("lecture du fichier impossible\u00a0: %w", err)
	}
	if len(data) > maxQPVFile {
		return nil, nil, errors.New("fichier trop volumineux (20 Mo au plus)")
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		data = windows1252ToUTF8(data)
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = detectSeparator(data)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.TrimLeadingSpace = true

	header, err := cr.Read()
	if err == io.EOF {
		return nil, nil, errors.New("le fichier est vide")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("la première ligne du fichier est illisible\u00a0: %w", err)
	}
	norm := make([]string, len(header))
	for i, h := range header {
		norm[i] = normalizeHeader(h)
	}
	colCode, colName, colCommunes := findColumn(norm, qpvCodeHeaders), findColumn(norm, qpvNameHeaders), findColumn(norm, qpvCommuneHeaders)
	var missing []string
	if colCode < 0 {
		missing = append(missing, "le code du quartier (par exemple «\u00a0code_qp\u00a0»)")
	}
	if colName < 0 {
		missing = append(missing, "le nom du quartier (par exemple «\u00a0lib_qp\u00a0»)")
	}
	if colCommunes < 0 {
		missing = append(missing, "les codes INSEE des communes (par exemple «\u00a0insee_com\u00a0»)")
	}
	switch len(missing) {
	case 0:
	case 1:
		return nil, nil, fmt.Errorf("la première ligne du fichier doit nommer les colonnes, et il manque celle qui donne %s", missing[0])
	default:
		last := len(missing) - 1
		return nil, nil, fmt.Errorf("la première ligne du fichier doit nommer les colonnes, et il manque celles qui donnent %s et %s", strings.Join(missing[:last], ", "), missing[last])
	}
	need := max(colCode, colName, colCommunes) + 1

	byCode := map[string]int{} // code to index in rows
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				problems = append(problems, LineProblem{pe.StartLine, "ligne illisible (guillemets ou colonnes incorrects)"})
				continue
			}
			return rows, problems, fmt.Errorf("lecture du fichier impossible\u00a0: %w", err)
		}
		line, _ := cr.FieldPos(0)
		reject := func(format string, args ...any) {
			problems = append(problems, LineProblem{line, fmt.Sprintf(format, args...)})
		}
		if blank(rec) {
			continue
		}
		if len(rec) < need {
			reject("%d colonnes au lieu d’au moins %d", len(rec), need)
			continue
		}
		code := strings.ToUpper(strings.TrimSpace(rec[colCode]))
		name := strings.Join(strings.Fields(rec[colName]), " ")
		switch {
		case code == "":
			reject("code du quartier manquant")
			continue
		case !validQPVCode(code):
			reject("code du quartier «\u00a0%s\u00a0» invalide (attendu par exemple QN05901M ou QP059001)", code)
			continue
		case name == "":
			reject("nom du quartier manquant")
			continue
		}
		communes, reason := resolveCommunes(rec[colCommunes], dir)
		if reason != "" {
			reject("%s", reason)
			continue
		}
		if i, seen := byCode[code]; seen {
			prev := &rows[i]
			if normalize(prev.Name) != normalize(name) {
				reject("code du quartier %s en double (déjà vu ligne %d sous le nom «\u00a0%s\u00a0»)", code, prev.Line, prev.Name)
				continue
			}
			added := false
			for _, c := range communes {
				if !contains(prev.Communes, c) {
					prev.Communes = append(prev.Communes, c)
					added = true
				}
			}
			if !added {
				reject("code du quartier %s en double (déjà vu ligne %d)", code, prev.Line)
			}
			continue
		}
		byCode[code] = len(rows)
		rows = append(rows, QPVRow{Line: line, Code: code, Name: name, Communes: communes})
	}
	return rows, problems, nil
}

// resolveCommunes checks a field of INSEE codes and returns the current
// codes, or a French reason for rejecting the line.
func resolveCommunes(field string, dir *Directory) ([]string, string) {
	parts := strings.FieldsFunc(field, func(r rune) bool {
		return r == ',' || r == ';' || r == '|' || r == '/' || r == ' ' || r == '\t' || r == '\u00a0'
	})
	if len(parts) == 0 {
		return nil, "code commune manquant"
	}
	var out, unknown, invalid []string
	for _, p := range parts {
		p = strings.ToUpper(strings.Trim(p, `"'`))
		if len(p) == 4 && isCode(p) {
			p = "0" + p
		}
		if len(p) != 5 || !isCode(p) {
			invalid = append(invalid, "«\u00a0"+p+"\u00a0»")
			continue
		}
		c, ok := dir.Commune(p)
		if !ok {
			unknown = append(unknown, p)
			continue
		}
		if !contains(out, c.INSEE) {
			out = append(out, c.INSEE)
		}
	}
	switch {
	case len(invalid) == 1:
		return nil, "code commune " + invalid[0] + " invalide (5 caractères attendus, par exemple 59350)"
	case len(invalid) > 1:
		return nil, "codes communes " + strings.Join(invalid, ", ") + " invalides (5 caractères attendus, par exemple 59350)"
	case len(unknown) == 1:
		return nil, "code commune " + unknown[0] + " inconnu"
	case len(unknown) > 1:
		return nil, "codes communes " + strings.Join(unknown, ", ") + " inconnus"
	}
	return out, ""
}

func validQPVCode(code string) bool {
	if len(code) != 8 || !(strings.HasPrefix(code, "QN") || strings.HasPrefix(code, "QP") || strings.HasPrefix(code, "QX")) {
		return false
	}
	for _, r := range code[2:] {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// detectSeparator picks « ; », « , » or tab, whichever is the most frequent
// outside quotes on the first line that is not a comment.
func detectSeparator(data []byte) rune {
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if t := bytes.TrimSpace(line); len(t) == 0 || t[0] == '#' {
			continue
		}
		counts := map[rune]int{}
		quoted := false
		for _, r := range string(line) {
			if r == '"' {
				quoted = !quoted
			} else if !quoted && (r == ';' || r == ',' || r == '\t') {
				counts[r]++
			}
		}
		best := ';'
		for _, r := range []rune{',', '\t'} {
			if counts[r] > counts[best] {
				best = r
			}
		}
		return best
	}
	return ';'
}

func normalizeHeader(h string) string {
	return strings.ReplaceAll(normalizeRaw(strings.TrimPrefix(h, "\ufeff")), " ", "_")
}

// findColumn returns the index of the header that comes first in names (the
// most specific names come first), or -1.
func findColumn(headers, names []string) int {
	for _, n := range names {
		for i, h := range headers {
			if h == n {
				return i
			}
		}
	}
	return -1
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// cp1252 holds the characters of Windows-1252 bytes 0x80–0x9F; the other
// bytes are the same as in Latin-1.
var cp1252 = [32]rune{
	'€', '\ufffd', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\ufffd', 'Ž', '\ufffd',
	'\ufffd', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\ufffd', 'ž', 'Ÿ',
}

func windows1252ToUTF8(b []byte) []byte {
	out := make([]rune, 0, len(b))
	for _, c := range b {
		if c >= 0x80 && c < 0xA0 {
			out = append(out, cp1252[c-0x80])
		} else {
			out = append(out, rune(c))
		}
	}
	return []byte(string(out))
}
