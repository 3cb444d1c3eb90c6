package territory

import (
	"fmt"
	"regexp"
	"strings"
)

// Label is how the application writes a commune for people and in form
// fields: « Roubaix — CP 59100 », with the commune's first postcode. A
// name and a postcode name one commune (no two communes of the same name
// share a postcode), and the label cannot be mistaken for an INSEE code,
// so ResolveCommune reads it back as this very commune.
func (c Commune) Label() string { return c.LabelFor("") }

// LabelFor is Label with the postcode that query names, or the first one
// starting with query, when query is (the start of) one of the commune's
// postcodes or a label: « Lille — CP 59160 » for « 59160 » or for
// « Lille — CP 59160 ». Otherwise it is Label.
func (c Commune) LabelFor(query string) string {
	q := strings.TrimSpace(query)
	if m := labelled.FindStringSubmatch(q); m != nil {
		q = m[2]
	}
	return c.Name + " — CP " + c.postcodeFor(q)
}

// postcodeFor is the commune's postcode equal to q, else the first one
// starting with q, else the first one (the INSEE code for a commune
// without postcode, which the data does not have today).
func (c Commune) postcodeFor(q string) string {
	if len(c.Postcodes) == 0 {
		return c.INSEE
	}
	if q != "" {
		for _, p := range c.Postcodes {
			if p == q {
				return p
			}
		}
		for _, p := range c.Postcodes {
			if strings.HasPrefix(p, q) {
				return p
			}
		}
	}
	return c.Postcodes[0]
}

// CommuneLabel writes a stored INSEE code back into a form field as
// Label does; "" stays "", and an unknown code is returned as it is.
func (d *Directory) CommuneLabel(insee string) string {
	if insee == "" {
		return ""
	}
	if c, ok := d.Commune(insee); ok {
		return c.Label()
	}
	return insee
}

var (
	// labelled is « Roubaix — CP 59100 » (Label), with any dash.
	labelled = regexp.MustCompile(`(?i)^(.*\S)\s*[—–-]\s*CP\s*([0-9]{5})$`)
	// inParens is « Lille (59350) » or « Lille (59350, Nord) », how
	// earlier versions wrote a commune back: the code is an INSEE code or
	// a postcode.
	inParens = regexp.MustCompile(`^(.*\S)\s*\(\s*([0-9][0-9ABab][0-9]{3})\s*(?:,[^)]*)?\)$`)
	// postcodeThenName is « 59100 Roubaix », as on an envelope;
	// nameThenPostcode is « Roubaix 59100 ».
	postcodeThenName = regexp.MustCompile(`^([0-9]{5})\s+(\D.*)$`)
	nameThenPostcode = regexp.MustCompile(`^(.*\D)\s+([0-9]{5})$`)
)

// ResolveCommune finds the commune a person typed, or says in French why
// it cannot:
//
//   - « Roubaix — CP 59100 » (Label) or « Roubaix (59512) »: the commune
//     of that name with that postcode, or else with that INSEE code;
//   - five digits (or a Corsican 2A004): a postcode first — people type
//     postcodes; a postcode of several communes asks to choose one —
//     and an INSEE code only when no commune has that postcode;
//   - « 59100 Roubaix » or « Roubaix 59100 », as on an envelope: the
//     commune of that name with that postcode;
//   - anything else: a name, compared by NormalizeName; homonyms ask to
//     choose one.
//
// Choices are offered as labels (« Saint-Denis — CP 93200 »), which this
// function reads back as the commune chosen.
func (d *Directory) ResolveCommune(text string) (Commune, string) {
	text = strings.Join(strings.Fields(text), " ")
	if text == "" {
		return Commune{}, "Indiquez la commune (son nom ou son code postal)."
	}
	if m := labelled.FindStringSubmatch(text); m != nil {
		if c, ok := d.byNameAndCode(m[1], m[2]); ok {
			return c, ""
		}
		return d.resolveCode(m[2])
	}
	if m := inParens.FindStringSubmatch(text); m != nil {
		if c, ok := d.byNameAndCode(m[1], strings.ToUpper(m[2])); ok {
			return c, ""
		}
		return d.resolveCode(strings.ToUpper(m[2]))
	}
	if m := postcodeThenName.FindStringSubmatch(text); m != nil {
		if c, ok := d.byNameAndCode(m[2], m[1]); ok {
			return c, ""
		}
	}
	if m := nameThenPostcode.FindStringSubmatch(text); m != nil {
		if c, ok := d.byNameAndCode(m[1], m[2]); ok {
			return c, ""
		}
	}
	if code := strings.ToUpper(text); isFullCode(code) {
		return d.resolveCode(code)
	}
	return d.resolveName(text)
}

// byNameAndCode is the commune called name whose postcode, or else whose
// INSEE code (current or former), is code.
func (d *Directory) byNameAndCode(name, code string) (Commune, bool) {
	key := normalize(name)
	for _, i := range d.byPost(code) {
		if d.key(int(i)) == key {
			return d.commune(int(i)), true
		}
	}
	if c, ok := d.Commune(code); ok && normalize(c.Name) == key {
		return c, true
	}
	return Commune{}, false
}

// resolveCode reads a five-character code: postcode first, INSEE code
// when no commune has that postcode.
func (d *Directory) resolveCode(code string) (Commune, string) {
	switch idx := d.byPost(code); len(idx) {
	case 0:
	case 1:
		return d.commune(int(idx[0])), ""
	default:
		cs := make([]Commune, len(idx))
		for k, i := range idx {
			cs[k] = d.commune(int(i))
		}
		return Commune{}, fmt.Sprintf("Plusieurs communes ont le code postal %s\u00a0: %s. Recopiez l’une de ces propositions.",
			code, d.choices(cs, code, 8))
	}
	if c, ok := d.Commune(code); ok {
		return c, ""
	}
	return Commune{}, fmt.Sprintf("Aucune commune ne correspond au code «\u00a0%s\u00a0». Vérifiez le code postal, ou saisissez le nom de la commune.", code)
}

// resolveName reads a commune's name.
func (d *Directory) resolveName(text string) (Commune, string) {
	key := normalize(text)
	hits := d.Search(text, 50) // exact names come first
	var exact []Commune
	for _, c := range hits {
		if normalize(c.Name) == key {
			exact = append(exact, c)
		}
	}
	switch {
	case len(exact) == 1:
		return exact[0], ""
	case len(exact) > 1:
		return Commune{}, fmt.Sprintf("Plusieurs communes correspondent à «\u00a0%s\u00a0»\u00a0: %s. Recopiez l’une de ces propositions ou saisissez le code postal.",
			text, d.choices(exact, "", 8))
	case len(hits) == 0:
		return Commune{}, fmt.Sprintf("Aucune commune ne s’appelle «\u00a0%s\u00a0». Vérifiez l’orthographe, ou saisissez le code postal.", text)
	}
	return Commune{}, fmt.Sprintf("Aucune commune ne s’appelle exactement «\u00a0%s\u00a0». Vouliez-vous dire\u00a0: %s\u00a0? Recopiez l’une de ces propositions ou saisissez le code postal.",
		text, d.choices(hits, "", 5))
}

// choices writes candidates as « Saint-Denis — CP 93200 » (Seine-Saint-Denis),
// at most limit of them: the label to copy, then the département.
func (d *Directory) choices(cs []Commune, postcode string, limit int) string {
	var parts []string
	for i, c := range cs {
		if i == limit {
			parts = append(parts, "…")
			break
		}
		dep := c.Departement
		if dp, ok := d.Departement(c.Departement); ok {
			dep = dp.Name
		}
		parts = append(parts, "«\u00a0"+c.LabelFor(postcode)+"\u00a0» ("+dep+")")
	}
	return strings.Join(parts, ", ")
}

// isFullCode reports whether s is a whole five-character postcode or INSEE
// code (2A/2B for Corsica).
func isFullCode(s string) bool { return len(s) == 5 && isCode(s) }
