package handlers

import (
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"
)

// listPageSize is the number of rows a list page shows.
const listPageSize = 50

// pageParam is the query parameter that carries the page number.
const pageParam = "page"

// pager is one page of a server-side paginated list: the page asked for
// in ?page=, the size and the number of matching rows, and what the
// "pager" partial (templates/layout/pager.html) needs to link to the
// other pages while keeping every other query parameter (filters, sort).
//
// A page number that is not a number, or below 1, shows the first page;
// one beyond the end shows the last: a list that shrank since its link
// was made, or a hand-edited URL, still shows rows rather than an error.
type pager struct {
	// Page is the page shown, from 1; Pages the number of pages (at
	// least 1, even for an empty list); Size the rows per page.
	Page, Pages, Size int
	// Total is the number of rows matching the filters.
	Total int64
	// Label names the pager's navigation for assistive technologies: a
	// page with two pagers gives each its own.
	Label string
	path  string
	query url.Values
	// param carries the page number (pageParam for a page's own list);
	// fragment, when set, ends every link (« #historique »), so that a
	// section's pager opens the next page at that section.
	param, fragment string
}

// newPager reads the page number of the current request, for a list of
// size rows per page. Call setTotal before Offset.
func newPager(c echo.Context, size int) *pager {
	return newSectionPager(c, size, pageParam, "", "Pagination")
}

// newSectionPager is newPager for a list that is one section of its page
// (the history of changes below a form): its page number is in param, its
// links end with fragment, and label names its navigation. Every other
// parameter is kept, the page's own list's page number included.
func newSectionPager(c echo.Context, size int, param, fragment, label string) *pager {
	p := &pager{Page: 1, Pages: 1, Size: size, Label: label, path: c.Request().URL.Path, query: url.Values{},
		param: param, fragment: fragment}
	for k, vs := range c.QueryParams() {
		if k != param {
			p.query[k] = vs
		}
	}
	if n, err := strconv.Atoi(c.QueryParam(param)); err == nil && n > 1 {
		p.Page = n
	}
	return p
}

// setTotal records the number of matching rows and brings the page
// within [1, Pages].
func (p *pager) setTotal(total int64) {
	p.Total = total
	p.Pages = max(1, int((total+int64(p.Size)-1)/int64(p.Size)))
	p.Page = min(max(p.Page, 1), p.Pages)
}

// Offset is the number of rows before the page shown.
func (p *pager) Offset() int { return (p.Page - 1) * p.Size }

// Limit is the number of rows per page, for the query.
func (p *pager) Limit() int { return p.Size }

// URL is the address of page n with every other parameter kept; page 1
// has no page parameter, so that it is the list's plain address.
func (p *pager) URL(n int) string {
	q := url.Values{}
	for k, vs := range p.query {
		q[k] = vs
	}
	if n > 1 {
		q.Set(p.param, strconv.Itoa(n))
	}
	if len(q) == 0 {
		return p.path + p.fragment
	}
	return p.path + "?" + q.Encode() + p.fragment
}

// Count says how many rows match, with the French thousands separator:
// « 1 234 demandes », « 1 demande », « 0 demande ».
func (p *pager) Count(one, many string) string {
	noun := one
	if p.Total > 1 {
		noun = many
	}
	return groupThousands(p.Total) + "\u00a0" + noun
}

// pagerLink is one numbered link of the pager; Gap marks an ellipsis.
type pagerLink struct {
	N       int
	URL     string
	Current bool
	Gap     bool
}

// Links are the numbered links: the first and last pages, and two on
// either side of the current one, with a gap where pages are skipped.
func (p *pager) Links() []pagerLink {
	var out []pagerLink
	last := 0
	for n := 1; n <= p.Pages; n++ {
		if n != 1 && n != p.Pages && (n < p.Page-2 || n > p.Page+2) {
			continue
		}
		if last != 0 && n > last+1 {
			out = append(out, pagerLink{Gap: true})
		}
		out = append(out, pagerLink{N: n, URL: p.URL(n), Current: n == p.Page})
		last = n
	}
	return out
}

// Prev is the previous page's address, or "" on the first page.
func (p *pager) Prev() string {
	if p.Page <= 1 {
		return ""
	}
	return p.URL(p.Page - 1)
}

// Next is the next page's address, or "" on the last page.
func (p *pager) Next() string {
	if p.Page >= p.Pages {
		return ""
	}
	return p.URL(p.Page + 1)
}

// groupThousands writes n with a narrow no-break space (U+202F) between
// groups of three digits, as French typography wants: 1 234 567.
func groupThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, "\u202f"...)
		}
		out = append(out, s[i])
	}
	return sign + string(out)
}
