package handlers

import (
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

// suggestion is one proposal of the search-as-you-type fields: Value is
// what goes in the field (and what the server reads back), Label what is
// shown beside it.
type suggestion struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// maxSuggestions bounds each answer.
const maxSuggestions = 8

// suggestQuery reads ?q=, bounded, or "" when too short to be useful.
func suggestQuery(c echo.Context) string {
	q := strings.TrimSpace(c.QueryParam("q"))
	if utf8.RuneCountInString(q) < 2 || len(q) > 100 {
		return ""
	}
	return q
}

// suggestCommunes answers GET /recherche/communes?q= with communes by name
// or postcode, written « Roubaix (59512) » as the request form reads them.
func (h *Handler) suggestCommunes(c echo.Context) error {
	out := []suggestion{}
	if q := suggestQuery(c); q != "" {
		for _, cm := range h.geo.Search(q, maxSuggestions) {
			label := cm.Departement
			if d, ok := h.geo.Departement(cm.Departement); ok {
				label = d.Name
			}
			if len(cm.Postcodes) > 0 {
				label = strings.Join(cm.Postcodes[:min(3, len(cm.Postcodes))], ", ") + " · " + label
			}
			out = append(out, suggestion{Value: communeValue(cm.Name, cm.INSEE), Label: label})
		}
	}
	c.Response().Header().Set("Cache-Control", "private, max-age=300")
	return c.JSON(http.StatusOK, out)
}

// suggestQPVs answers GET /recherche/qpv?q= with quartiers by name or code,
// written « Alma-Gare (QN05901M) ».
func (h *Handler) suggestQPVs(c echo.Context) error {
	out := []suggestion{}
	if q := suggestQuery(c); q != "" {
		qpvs, err := h.store.FindQPVs(c.Request().Context(), q, maxSuggestions)
		if err != nil {
			return err
		}
		for _, qp := range qpvs {
			var names []string
			for _, insee := range qp.Communes {
				if cm, ok := h.geo.Commune(insee); ok {
					names = append(names, cm.Name)
				}
			}
			out = append(out, suggestion{Value: fmt.Sprintf("%s (%s)", qp.Name, qp.Code), Label: strings.Join(names, ", ")})
		}
	}
	c.Response().Header().Set("Cache-Control", "private, max-age=300")
	return c.JSON(http.StatusOK, out)
}
