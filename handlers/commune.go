package handlers

import (
	"strings"

	"quartier/territory"
)

// resolveCommune finds the one commune a person meant by an INSEE code, a
// postcode or a name. When the input is ambiguous or unknown it returns a
// French message that lists the candidates, for the form to show.
func (h *Handler) resolveCommune(input string) (territory.Commune, string) {
	input = strings.TrimSpace(input)
	if c, ok := h.geo.Commune(input); ok {
		return c, ""
	}
	// "Roubaix (59)" as the suggestions write it.
	name, dept, hasDept := strings.Cut(input, " (")
	dept = strings.TrimSuffix(dept, ")")
	found := h.geo.Search(name, 8)
	var exact []territory.Commune
	for _, c := range found {
		if hasDept && c.Departement != dept {
			continue
		}
		if strings.EqualFold(c.Name, strings.TrimSpace(name)) || containsString(c.Postcodes, name) {
			exact = append(exact, c)
		}
	}
	if len(exact) == 1 {
		return exact[0], ""
	}
	if len(exact) == 0 {
		exact = found
	}
	if len(exact) == 0 {
		return territory.Commune{}, "Commune introuvable : saisissez son nom, son code postal ou son code INSEE."
	}
	var names []string
	for i, c := range exact {
		if i == 5 {
			break
		}
		names = append(names, c.Name+" ("+c.Departement+", INSEE "+c.INSEE+")")
	}
	return territory.Commune{}, "Plusieurs communes correspondent : " + strings.Join(names, ", ") + ". Précisez le code INSEE."
}
