package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"quartier/models"
	"quartier/territory"
)

// qpvPage lists quartiers and shows the last import's report.
type qpvPage struct {
	QPVs     []models.QPVWithCommunes
	Query    string
	Pager    *pager
	Report   []models.QPVImportLine
	Problems []territory.LineProblem
	Imported bool
	Errors   formErrors
	// the manual form
	Code, Name, Communes string
	Audit                auditTrail
}

func (h *Handler) qpvPageData(c echo.Context, p qpvPage) (qpvPage, error) {
	ctx := c.Request().Context()
	// The forms post elsewhere; the pager's links are the list's.
	p.Pager = newPager(c, listPageSize)
	p.Pager.path = "/admin/qpv"
	var err error
	if p.QPVs, err = h.qpvListPage(ctx, p.Query, p.Pager); err != nil {
		return p, err
	}
	// Imports and edits are recorded against the list as a whole.
	p.Audit, err = h.auditTrail(c, "qpv", 0)
	return p, err
}

// qpvListPage returns pg's page of the quartiers whose code or name
// contains query (all of them, by name, when query is empty), and sets
// pg's total: at most three statements, whatever the page.
func (h *Handler) qpvListPage(ctx context.Context, query string, pg *pager) ([]models.QPVWithCommunes, error) {
	if strings.TrimSpace(query) == "" {
		total, err := h.store.CountQPVs(ctx)
		if err != nil {
			return nil, err
		}
		pg.setTotal(total)
		return h.store.QPVPage(ctx, pg.Limit(), pg.Offset())
	}
	idx, err := h.qpvIndex(ctx)
	if err != nil {
		return nil, err
	}
	hits := idx.Search(query, 0)
	pg.setTotal(int64(len(hits)))
	hits = hits[min(pg.Offset(), len(hits)):min(pg.Offset()+pg.Limit(), len(hits))]
	codes := make([]string, len(hits))
	for i, q := range hits {
		codes[i] = q.Code
	}
	return h.store.QPVsWithCommunes(ctx, codes)
}

// listQPVs lists the quartiers matching the query parameter q, one page
// at a time.
func (h *Handler) listQPVs(c echo.Context) error {
	p, err := h.qpvPageData(c, qpvPage{Query: searchQuery(c)})
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, pageAdminQPV, "qpv", p)
}

// importQPVs reads the official CSV list and reports, line by line, what
// was added, changed and rejected. Rejected lines do not stop the others;
// a file that cannot be read at all changes nothing.
func (h *Handler) importQPVs(c echo.Context) error {
	p := qpvPage{Imported: true, Errors: formErrors{}}
	fh, err := c.FormFile("file")
	if err != nil {
		p.Errors["file"] = "Choisissez le fichier CSV de la liste des quartiers prioritaires."
	} else if fh.Size > 10<<20 {
		p.Errors["file"] = "Ce fichier dépasse 10 Mo : est-ce bien la liste des QPV au format CSV ?"
	} else {
		f, err := fh.Open()
		if err != nil {
			return err
		}
		defer f.Close()
		rows, problems, err := territory.ParseQPVCSV(f, h.geo)
		if err != nil {
			p.Errors["file"] = "Ce fichier n’a pas pu être lu comme la liste des QPV\u00a0: " + err.Error() + "."
		} else if len(rows) > maxQPVRows {
			p.Errors["file"] = fmt.Sprintf("Ce fichier compte %d quartiers : une liste en compte %d au plus. Est-ce bien la liste des QPV ?", len(rows), maxQPVRows)
		} else {
			p.Problems = problems
			in := make([]models.QPVInput, 0, len(rows))
			for _, r := range rows {
				if m := qpvRowProblem(r); m != "" {
					p.Problems = append(p.Problems, territory.LineProblem{Line: r.Line, Reason: m})
					continue
				}
				in = append(in, models.QPVInput{Line: r.Line, Code: r.Code, Name: r.Name, Communes: r.Communes})
			}
			if p.Report, err = h.store.ImportQPVs(c.Request().Context(), currentUser(c).ID, in); err != nil {
				return err
			}
		}
	}
	status := http.StatusOK
	if len(p.Errors) > 0 {
		status = invalidForm
	}
	p, err = h.qpvPageData(c, p)
	if err != nil {
		return err
	}
	return h.render(c, status, pageAdminQPV, "qpv", p)
}

// maxQPVRows bounds the quartiers of one import (France has about 1,600).
const maxQPVRows = 10000

// qpvRowProblem checks a line of the imported list the way the manual form
// checks its fields; "" when the line is fine.
func qpvRowProblem(r territory.QPVRow) string {
	if m := models.TextProblem(r.Code, models.MaxLine, false); m != "" {
		return "code du quartier : " + lowerFirst(m)
	}
	if m := models.TextProblem(r.Name, models.MaxTitle, false); m != "" {
		return "nom du quartier : " + lowerFirst(m)
	}
	if len(r.Communes) > limitFor("communes").Items {
		return "communes : " + lowerFirst(models.TooManyMessage(limitFor("communes").Items, len(r.Communes)))
	}
	return ""
}

// lowerFirst lowers a message's first letter, to follow a colon.
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

// saveQPV creates or edits one quartier by hand.
func (h *Handler) saveQPV(c echo.Context) error {
	p := qpvPage{Code: c.FormValue("code"), Name: c.FormValue("name"), Communes: c.FormValue("communes"), Errors: formProblems(c)}
	var communes []string
	_, over := p.Errors["communes"]
	for part := range strings.FieldsFuncSeq(p.Communes, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
		if part = strings.TrimSpace(part); part == "" || over {
			continue
		}
		com, msg := h.geo.ResolveCommune(part)
		if msg != "" {
			p.Errors["communes"] = fmt.Sprintf("« %s » : %s", part, msg)
			continue
		}
		communes = append(communes, com.INSEE)
	}
	if len(p.Errors) == 0 {
		err := h.store.SaveQPV(c.Request().Context(), currentUser(c).ID, models.QPVInput{Code: p.Code, Name: p.Name, Communes: communes})
		if p.Errors, err = mergeFieldErrors(p.Errors, err); err != nil {
			return err
		}
		if len(p.Errors) == 0 {
			return h.redirect(c, "/admin/qpv?q="+strings.ToUpper(strings.TrimSpace(p.Code)), "success", "Quartier enregistré.")
		}
	}
	p, err := h.qpvPageData(c, p)
	if err != nil {
		return err
	}
	return h.render(c, invalidForm, pageAdminQPV, "qpv", p)
}
