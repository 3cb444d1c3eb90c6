package handlers

import (
	"html/template"
	"strconv"
	"strings"

	"quartier/frtime"
	"quartier/models"
)

// The admin's pages whose rows grow with the programme write them here,
// in Go, as rows_html.go does for the lists of requests: each action of a
// row in html/template is a reflect call and an escaper call, and a page
// of 50 rows paid for it 50 times. rows_admin_html_test.go holds each
// writer against the template it replaces.

// qpvRowsHTML writes the body of the admin's list of quartiers, as the
// range over its rows in admin_qpv.html did.
func qpvRowsHTML(qs []models.QPVWithCommunes) template.HTML {
	var b strings.Builder
	b.Grow(len(qs) * 80)
	for _, q := range qs {
		b.WriteString("<tr><td>")
		writeEscaped(&b, q.Code)
		b.WriteString("</td><td>")
		writeEscaped(&b, q.Name)
		b.WriteString("</td><td>")
		for i, c := range q.Communes {
			if i > 0 {
				b.WriteString(", ")
			}
			writeEscaped(&b, c)
		}
		b.WriteString("</td></tr>\n  ")
	}
	return template.HTML(b.String()) // #nosec G203 -- every value is escaped above
}

// QPVRowsHTML is the body of the list's table.
func (p qpvPage) QPVRowsHTML() template.HTML { return qpvRowsHTML(p.QPVs) }

// orOutOfSeason is a season's name, « Hors saison » when there is none.
func orOutOfSeason(name string) string {
	if name == "" {
		return "Hors saison"
	}
	return name
}

// clsmSeasonRowsHTML writes a CLSM's figures season by season, as the
// range over them in admin_clsm_form.html did.
func clsmSeasonRowsHTML(seasons []models.SeasonFigures) template.HTML {
	var b strings.Builder
	b.Grow(len(seasons) * 120)
	for _, se := range seasons {
		b.WriteString("<tr>\n    <td>")
		writeEscaped(&b, orOutOfSeason(se.SeasonName))
		b.WriteString("</td><td>")
		b.WriteString(strconv.Itoa(se.Requests))
		b.WriteString("</td><td>")
		b.WriteString(strconv.Itoa(se.Declined))
		b.WriteString("</td><td>")
		b.WriteString(strconv.Itoa(se.Scheduled))
		b.WriteString("</td><td>")
		b.WriteString(strconv.Itoa(se.Held))
		b.WriteString("</td>\n  </tr>")
	}
	return template.HTML(b.String()) // #nosec G203 -- every value is escaped above
}

// clsmRequestRowsHTML writes a CLSM's latest requests, their sessions'
// dates in zone, as the range over them in admin_clsm_form.html did.
func clsmRequestRowsHTML(rows []clsmRequestRow, zone string) template.HTML {
	var b strings.Builder
	b.Grow(len(rows) * 260)
	loc, zoneErr := frtime.LoadZone(zone)
	for _, r := range rows {
		id := strconv.FormatInt(r.ID, 10)
		b.WriteString("<tr>\n    <td>")
		writeEscaped(&b, orOutOfSeason(r.SeasonName))
		b.WriteString("</td>\n    <td><a href=\"/admin/demandes/")
		b.WriteString(id)
		b.WriteString("\">n° ")
		b.WriteString(id)
		if r.VenueName != "" {
			b.WriteString(" — ")
			writeEscaped(&b, r.VenueName)
		}
		b.WriteString("</a></td>\n    <td><span class=\"badge badge-")
		writeEscaped(&b, string(r.State))
		b.WriteString("\">")
		writeEscaped(&b, r.State.Label())
		b.WriteString("</span></td>\n    <td>")
		if r.SessionStartsAt != nil {
			t := *r.SessionStartsAt
			if zoneErr == nil { // as inZone: a zone it cannot load leaves the time alone
				t = t.In(loc)
			}
			writeEscaped(&b, frtime.DateTime(t))
		} else {
			b.WriteString("—")
		}
		b.WriteString("</td>\n  </tr>")
	}
	return template.HTML(b.String()) // #nosec G203 -- every value is escaped above
}

// partnersHTML writes a CLSM's partner organisations, as the range over
// them in admin_clsm_form.html did.
func partnersHTML(orgs []models.Organisation) template.HTML {
	var b strings.Builder
	b.Grow(len(orgs) * 90)
	for _, o := range orgs {
		b.WriteString("<li>")
		writeEscaped(&b, o.Name)
		b.WriteString(" <small class=\"muted\">(")
		writeEscaped(&b, o.Kind.Label())
		b.WriteString(")</small></li>")
	}
	return template.HTML(b.String()) // #nosec G203 -- every value is escaped above
}

// SeasonsHTML is the body of the CLSM's table of figures by season.
func (f clsmForm) SeasonsHTML() template.HTML { return clsmSeasonRowsHTML(f.Seasons) }

// RequestsHTML is the body of the CLSM's table of latest requests.
func (f clsmForm) RequestsHTML() template.HTML { return clsmRequestRowsHTML(f.Requests, f.Zone) }

// PartnersHTML is the list of the CLSM's partner organisations.
func (f clsmForm) PartnersHTML() template.HTML { return partnersHTML(f.Partners) }

// reviewItemsHTML writes the admin dashboard's requests waiting for a
// review, as the range over them in dashboard_admin.html did.
func reviewItemsHTML(rows []models.RequestRow) template.HTML {
	var b strings.Builder
	b.Grow(len(rows) * 120)
	var day [32]byte
	for _, r := range rows {
		id := strconv.FormatInt(r.ID, 10)
		b.WriteString(`<li><a href="/admin/demandes/`)
		b.WriteString(id)
		b.WriteString(`">`)
		writeEscaped(&b, r.CLSMName)
		b.WriteString(" — demande n° ")
		b.WriteString(id)
		b.WriteString("</a>")
		if r.FirstDay != nil {
			b.WriteString(", à partir du ")
			b.Write(frtime.AppendShortDate(day[:0], *r.FirstDay)) // digits and French month names: nothing to escape
		}
		b.WriteString("</li>")
	}
	return template.HTML(b.String()) // #nosec G203 -- every value is escaped above
}

// newestPeopleHTML writes the admin dashboard's newest accounts, as the
// range over them in dashboard_admin.html did.
func newestPeopleHTML(people []models.User) template.HTML {
	var b strings.Builder
	b.Grow(len(people) * 200)
	for _, u := range people {
		b.WriteString("\n  <tr><td><a href=\"/admin/personnes/")
		b.WriteString(strconv.FormatInt(u.ID, 10))
		b.WriteString(`">`)
		writeEscaped(&b, u.Name)
		b.WriteString("</a></td><td>")
		writeEscaped(&b, u.Email)
		b.WriteString("</td><td>")
		writeEscaped(&b, u.Role.Label())
		b.WriteString("</td><td>")
		if u.Active {
			b.WriteString("actif")
		} else {
			b.WriteString("désactivé")
		}
		b.WriteString("</td></tr>\n  ")
	}
	return template.HTML(b.String()) // #nosec G203 -- every value is escaped above
}

// ToReviewHTML is the dashboard's list of requests to review.
func (d dashboardPage) ToReviewHTML() template.HTML { return reviewItemsHTML(d.ToReview) }

// PeopleHTML is the body of the dashboard's table of newest accounts.
func (d dashboardPage) PeopleHTML() template.HTML { return newestPeopleHTML(d.People) }
