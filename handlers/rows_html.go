package handlers

import (
	"html/template"
	"strconv"
	"strings"

	"quartier/frtime"
	"quartier/models"
	"quartier/territory"
)

// Lists of up to 50 rows cost more in html/template than in their
// queries: each action of a row is a pipeline evaluated by reflection,
// followed by its escaper, also called by reflection. The busiest lists
// (the requests, the filters' options) write their rows here instead, in
// Go, with the escaping html/template applies in a text node or a quoted
// attribute, so that the page is byte for byte what the template wrote.
// rows_html_test.go holds each writer against the template it replaces.

// htmlEscaper escapes as html/template does in a text node and in a
// quoted attribute value (its htmlReplacementTable: « + » too, and NUL
// becomes U+FFFD). Every byte it replaces is ASCII, so a byte replacer
// is exact on any string, valid UTF-8 or not.
var htmlEscaper = strings.NewReplacer(
	"\x00", "\uFFFD",
	`"`, "&#34;",
	"&", "&amp;",
	"'", "&#39;",
	"+", "&#43;",
	"<", "&lt;",
	">", "&gt;",
)

// writeEscaped writes s escaped for a text node or a quoted attribute.
func writeEscaped(b *strings.Builder, s string) {
	_, _ = htmlEscaper.WriteString(b, s)
}

// optionsHTML writes a filter's options, as
//
//	{{range .}}<option value="{{.Value}}"{{if .Selected}} selected{{end}}>{{.Label}}</option>{{end}}
func optionsHTML(opts []filterOption) template.HTML {
	var b strings.Builder
	b.Grow(len(opts) * 48)
	for _, o := range opts {
		b.WriteString(`<option value="`)
		writeEscaped(&b, o.Value)
		b.WriteByte('"')
		if o.Selected {
			b.WriteString(" selected")
		}
		b.WriteByte('>')
		writeEscaped(&b, o.Label)
		b.WriteString("</option>")
	}
	return template.HTML(b.String()) // #nosec G203 -- every value is escaped above
}

// seasonCell is a row's season, « Hors saison » when it has none.
func (r requestRowView) seasonCell() string {
	if r.SeasonName == "" {
		return "Hors saison"
	}
	return r.SeasonName
}

// adminRequestRowsHTML writes the body of the admin's list of requests,
// as the range over its rows in requests_admin.html did.
func adminRequestRowsHTML(rows []requestRowView) template.HTML {
	return requestRowsHTML(rows, "/admin/demandes/", true, func(r requestRowView) string { return r.Sent })
}

// coordinatorRequestRowsHTML writes the body of the coordinator's list of
// requests, as the range over its rows in requests.html did.
func coordinatorRequestRowsHTML(rows []requestRowView) template.HTML {
	return requestRowsHTML(rows, "/demandes/", false, func(r requestRowView) string { return r.Updated })
}

// requestRowsHTML writes the rows of a list of requests: each links to
// prefix + id, shows the CLSM when withCLSM (the admin's list), and ends
// with the date last gives.
func requestRowsHTML(rows []requestRowView, prefix string, withCLSM bool, last func(requestRowView) string) template.HTML {
	var b strings.Builder
	b.Grow(len(rows) * 400)
	for _, r := range rows {
		id := strconv.FormatInt(r.ID, 10)
		b.WriteString("\n  <tr>\n    <td><a href=\"")
		b.WriteString(prefix)
		b.WriteString(id)
		b.WriteString("\">n°&nbsp;")
		b.WriteString(id)
		b.WriteString("</a></td>\n    <td><span class=\"badge badge-")
		writeEscaped(&b, string(r.State))
		b.WriteString("\">")
		writeEscaped(&b, r.StateLabel)
		b.WriteString("</span></td>\n    <td>")
		if withCLSM {
			writeEscaped(&b, r.CLSMName)
			b.WriteString("</td>\n    <td>")
		}
		writeEscaped(&b, r.Commune)
		b.WriteString("</td>\n    <td>")
		writeEscaped(&b, r.FirstDay)
		b.WriteString("</td>\n    <td>")
		writeEscaped(&b, r.seasonCell())
		b.WriteString("</td>\n    <td>")
		writeEscaped(&b, last(r))
		b.WriteString("</td>\n  </tr>\n  ")
	}
	return template.HTML(b.String()) // #nosec G203 -- every value is escaped above
}

// RowsHTML is the body of the list's table.
func (p adminRequestsPage) RowsHTML() template.HTML { return adminRequestRowsHTML(p.Rows) }

// StatesHTML, RegionsHTML, DepartementsHTML and SeasonsHTML are the
// filters' options.
func (p adminRequestsPage) StatesHTML() template.HTML { return optionsHTML(p.States) }

// RegionsHTML: see StatesHTML.
func (p adminRequestsPage) RegionsHTML() template.HTML { return optionsHTML(p.Regions) }

// DepartementsHTML: see StatesHTML.
func (p adminRequestsPage) DepartementsHTML() template.HTML { return optionsHTML(p.Departements) }

// SeasonsHTML: see StatesHTML.
func (p adminRequestsPage) SeasonsHTML() template.HTML { return optionsHTML(p.Seasons) }

// RowsHTML is the body of the list's table.
func (p requestsPage) RowsHTML() template.HTML { return coordinatorRequestRowsHTML(p.Rows) }

// departementOptions writes the options of a département select, as
//
//	{{range .}}<option value="{{.Code}}"{{if eq .Code $sel}} selected{{end}}>{{.Code}} – {{.Name}}</option>{{end}}
//
// (107 of them on the CLSM form and list, and the report).
func departementOptions(deps []territory.Departement, sel string) template.HTML {
	var b strings.Builder
	b.Grow(len(deps) * 56)
	for _, d := range deps {
		b.WriteString(`<option value="`)
		writeEscaped(&b, d.Code)
		b.WriteByte('"')
		if d.Code == sel {
			b.WriteString(" selected")
		}
		b.WriteByte('>')
		writeEscaped(&b, d.Code)
		b.WriteString(" – ")
		writeEscaped(&b, d.Name)
		b.WriteString("</option>")
	}
	return template.HTML(b.String()) // #nosec G203 -- every value is escaped above
}

// regionOptions writes the options of a région select, as
//
//	{{range .}}<option value="{{.Code}}"{{if eq .Code $sel}} selected{{end}}>{{.Name}}</option>{{end}}
func regionOptions(regs []territory.Region, sel string) template.HTML {
	var b strings.Builder
	b.Grow(len(regs) * 48)
	for _, r := range regs {
		b.WriteString(`<option value="`)
		writeEscaped(&b, r.Code)
		b.WriteByte('"')
		if r.Code == sel {
			b.WriteString(" selected")
		}
		b.WriteByte('>')
		writeEscaped(&b, r.Name)
		b.WriteString("</option>")
	}
	return template.HTML(b.String()) // #nosec G203 -- every value is escaped above
}

// qpvChoices writes the QPV checkboxes of the CLSM form, checked when in
// chosen, as the range over them in admin_clsm_form.html did.
func qpvChoices(qpvs []models.QPV, chosen []string) template.HTML {
	var b strings.Builder
	b.Grow(len(qpvs) * 120)
	for _, q := range qpvs {
		b.WriteString("\n    <label><input type=\"checkbox\" name=\"qpvs\" value=\"")
		writeEscaped(&b, q.Code)
		b.WriteByte('"')
		if containsString(chosen, q.Code) {
			b.WriteString(" checked")
		}
		b.WriteString("> ")
		writeEscaped(&b, q.Name)
		b.WriteString(" <small>(")
		writeEscaped(&b, q.Code)
		b.WriteString(")</small></label>\n    ")
	}
	return template.HTML(b.String()) // #nosec G203 -- every value is escaped above
}

// peopleRowsHTML writes the body of the admin's list of people, as the
// range over its rows in admin_people.html did.
func peopleRowsHTML(people []models.UserRow) template.HTML {
	var b strings.Builder
	b.Grow(len(people) * 300)
	for _, u := range people {
		b.WriteString("\n  <tr>\n    <td><a href=\"/admin/personnes/")
		b.WriteString(strconv.FormatInt(u.ID, 10))
		b.WriteString("\">")
		writeEscaped(&b, u.Name)
		b.WriteString("</a></td><td>")
		writeEscaped(&b, u.Email)
		b.WriteString("</td><td>")
		writeEscaped(&b, u.Role.Label())
		b.WriteString("</td>\n    <td>")
		writeEscaped(&b, u.CLSMNames)
		b.WriteString("</td>\n    <td>")
		if u.Active {
			b.WriteString(`<span class="badge badge-open">actif</span>`)
		} else {
			b.WriteString(`<span class="badge badge-closed">désactivé</span>`)
		}
		b.WriteString("</td>\n  </tr>\n  ")
	}
	return template.HTML(b.String()) // #nosec G203 -- every value is escaped above
}

// PeopleHTML is the body of the list's table.
func (p peoplePage) PeopleHTML() template.HTML { return peopleRowsHTML(p.People) }

// outboxRowsHTML writes the body of the admin's outbox list, as the range
// over its messages in admin_outbox.html did (dates in Paris).
func outboxRowsHTML(msgs []models.OutboxMessage) template.HTML {
	var b strings.Builder
	b.Grow(len(msgs) * 420)
	paris := models.LocationOf("Europe/Paris")
	for _, m := range msgs {
		b.WriteString("\n  <tr>\n    <td>")
		writeEscaped(&b, frtime.DateTime(m.CreatedAt.In(paris)))
		b.WriteString("</td>\n    <td>")
		writeEscaped(&b, m.Recipient)
		b.WriteString("</td>\n    <td><a href=\"/admin/courriels/")
		b.WriteString(strconv.FormatInt(m.ID, 10))
		b.WriteString("\">")
		writeEscaped(&b, m.Subject)
		b.WriteString("</a></td>\n    <td>")
		writeEscaped(&b, models.OutboxKindLabel(m.Kind))
		b.WriteString("</td>\n    <td><span class=\"badge badge-")
		writeEscaped(&b, string(m.Status))
		b.WriteString("\">")
		writeEscaped(&b, m.Status.Label())
		b.WriteString("</span>")
		if m.Permanent {
			b.WriteString(" <small>(définitif)</small>")
		}
		b.WriteString("</td>\n    <td>")
		b.WriteString(strconv.Itoa(m.Attempts))
		b.WriteString("</td>\n    <td><small>")
		writeEscaped(&b, m.LastError)
		b.WriteString("</small></td>\n  </tr>\n  ")
	}
	return template.HTML(b.String()) // #nosec G203 -- every value is escaped above
}

// MessagesHTML is the body of the list's table.
func (p outboxPage) MessagesHTML() template.HTML { return outboxRowsHTML(p.Messages) }

// clsmRowsHTML writes the body of the admin's list of CLSMs, as the range
// over its rows in admin_clsms.html did (names: département code → name).
func clsmRowsHTML(rows []models.CLSMRow, names map[string]string) template.HTML {
	var b strings.Builder
	b.Grow(len(rows) * 220)
	for _, r := range rows {
		b.WriteString("\n  <tr><td><a href=\"/admin/clsm/")
		b.WriteString(strconv.FormatInt(r.ID, 10))
		b.WriteString("\">")
		writeEscaped(&b, r.Name)
		b.WriteString("</a></td><td>")
		writeEscaped(&b, r.DepartementCode)
		b.WriteString(" – ")
		writeEscaped(&b, names[r.DepartementCode])
		b.WriteString("</td><td>")
		if r.CoordinatorName != "" {
			writeEscaped(&b, r.CoordinatorName)
			if !r.CoordinatorActive {
				b.WriteString(` <span class="badge badge-inactive">compte désactivé</span>`)
			}
		} else {
			b.WriteString("—")
		}
		b.WriteString("</td></tr>\n  ")
	}
	return template.HTML(b.String()) // #nosec G203 -- every value is escaped above
}

// RowsHTML is the body of the list's table.
func (p clsmsPage) RowsHTML() template.HTML { return clsmRowsHTML(p.CLSMs, p.Names) }
