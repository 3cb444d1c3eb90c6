package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"quartier/models"
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

// maxSearchQuery bounds the search field of a list, in characters: a
// longer text is cut there (it is a search, not something stored).
const maxSearchQuery = 100

// searchQuery reads the search field of a list (?q=), trimmed and
// bounded.
func searchQuery(c echo.Context) string {
	q := strings.TrimSpace(c.QueryParam("q"))
	if utf8.RuneCountInString(q) > maxSearchQuery {
		q = strings.TrimSpace(string([]rune(q)[:maxSearchQuery]))
	}
	return q
}

// suggestCommunes answers GET /recherche/communes?q= with communes by name
// or postcode, written « Roubaix — CP 59100 » as every commune field reads
// them (territory.Commune.Label), with the département beside.
func (h *Handler) suggestCommunes(c echo.Context) error {
	out := []suggestion{}
	if q := suggestQuery(c); q != "" {
		for _, cm := range h.geo.Search(q, maxSuggestions) {
			label := cm.Departement
			if d, ok := h.geo.Departement(cm.Departement); ok {
				label = d.Name
			}
			out = append(out, suggestion{Value: cm.LabelFor(q), Label: label})
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
		qpvs, err := h.findQPVs(c.Request().Context(), q, maxSuggestions)
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

// findQPVs returns the quartiers whose code or name contains query
// (territory.QPVIndex.Search), with their communes, or the first ones by
// name when query is empty: three queries whatever the list's size.
func (h *Handler) findQPVs(ctx context.Context, query string, limit int) ([]models.QPVWithCommunes, error) {
	if strings.TrimSpace(query) == "" {
		return h.store.ListQPVs(ctx, limit)
	}
	idx, err := h.qpvIndex(ctx)
	if err != nil {
		return nil, err
	}
	hits := idx.Search(query, limit)
	codes := make([]string, len(hits))
	for i, q := range hits {
		codes[i] = q.Code
	}
	return h.store.QPVsWithCommunes(ctx, codes)
}
