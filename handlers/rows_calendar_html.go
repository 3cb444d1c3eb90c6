package handlers

import (
	"html/template"
	"strconv"
	"strings"
)

// The calendars' grids, written in Go as rows_html.go writes the lists:
// the admin's week is a cell per facilitator and day, the facilitator's
// month a cell per day, and html/template evaluated every action of every
// cell by reflection (and/not/eq/isoDate/plural calls, then an escaper
// call each). rows_calendar_html_test.go holds each writer against the
// template it replaces.

// RowsHTML is the body of the admin's calendars table: one row per
// facilitator, one cell per day.
func (p adminWeekPage) RowsHTML() template.HTML { return adminCalendarRowsHTML(p.People) }

// adminCalendarRowsHTML writes the rows as the range over .People in
// calendar_admin.html did.
func adminCalendarRowsHTML(people []adminRow) template.HTML {
	var b strings.Builder
	b.Grow(len(people) * 1600)
	for _, r := range people {
		b.WriteString("\n  <tr>\n    <th scope=\"row\">")
		writeEscaped(&b, r.Name)
		b.WriteString("<br><small class=\"muted\">")
		writeEscaped(&b, r.Zone)
		b.WriteString("</small></th>\n    ")
		for _, d := range r.Days {
			b.WriteString("<td class=\"")
			if d.Off {
				b.WriteString("cal-off")
			}
			b.WriteString("\">\n      ")
			writeOffDay(&b, d)
			b.WriteString("\n      ")
			for _, it := range d.Items {
				b.WriteString("<p class=\"slot ")
				writeEscaped(&b, it.Class)
				b.WriteString("\"><span class=\"slot-time\">")
				writeEscaped(&b, it.Time)
				b.WriteString("</span> ")
				writeEscaped(&b, it.Label)
				if it.Detail != "" {
					b.WriteString("<br><small>")
					writeEscaped(&b, it.Detail)
					b.WriteString("</small>")
				}
				b.WriteString("</p>")
			}
			b.WriteString("\n      ")
			if !d.Off && len(d.Items) == 0 {
				b.WriteString("<small class=\"muted\">—</small>")
			}
			b.WriteString("\n    </td>")
		}
		b.WriteString("\n  </tr>\n  ")
	}
	return template.HTML(b.String()) // #nosec G203 -- every value is escaped above
}

// writeOffDay writes a day's « Jour férié » or « Indisponible » line.
func writeOffDay(b *strings.Builder, d calDay) {
	switch {
	case d.Holiday:
		b.WriteString("<p class=\"slot slot-off\">Jour férié : ")
	case d.Off:
		b.WriteString("<p class=\"slot slot-off\">Indisponible : ")
	default:
		return
	}
	writeEscaped(b, d.OffLabel)
	b.WriteString("</p>")
}

// DaysHTML is the facilitator's month, one cell per day.
func (p monthPage) DaysHTML() template.HTML { return monthDaysHTML(p.Days) }

// monthDaysHTML writes the days as the range over .Days in
// calendar_month.html did.
func monthDaysHTML(days []monthDay) template.HTML {
	var b strings.Builder
	b.Grow(len(days) * 600)
	for _, d := range days {
		iso := d.Date.Format("2006-01-02")
		b.WriteString("\n  <section class=\"cal-day")
		if d.Off {
			b.WriteString(" cal-off")
		}
		if d.Today {
			b.WriteString(" cal-today")
		}
		b.WriteString("\" aria-labelledby=\"j-")
		writeEscaped(&b, iso)
		b.WriteString("\">\n    <h3 id=\"j-")
		writeEscaped(&b, iso)
		b.WriteString("\"><a href=\"/calendrier?semaine=")
		writeQueryEscaped(&b, d.Week)
		b.WriteString("\">")
		writeEscaped(&b, d.Title)
		b.WriteString("</a></h3>\n    ")
		writeOffDay(&b, d.calDay)
		b.WriteString("\n    ")
		for _, f := range d.Free {
			b.WriteString("<p class=\"slot slot-available\">Libre ")
			writeEscaped(&b, f)
			b.WriteString("</p>")
		}
		b.WriteString("\n    ")
		if d.Busy != 0 {
			b.WriteString("<p class=\"slot slot-busy-imported\">")
			b.WriteString(strconv.Itoa(d.Busy))
			b.WriteString(" ")
			b.WriteString(plural(d.Busy, "occupation", "occupations"))
			b.WriteString("</p>")
		}
		b.WriteString("\n    ")
		for _, it := range d.Items {
			if it.Class == "slot-session" {
				b.WriteString("<p class=\"slot slot-session\">")
				writeEscaped(&b, it.Label)
				b.WriteString(", ")
				writeEscaped(&b, it.Time)
				b.WriteString("</p>")
			}
		}
		b.WriteString("\n    ")
		if !d.Off && len(d.Items) == 0 {
			b.WriteString("<p class=\"muted\"><small>Non travaillé</small></p>")
		}
		b.WriteString("\n  </section>\n")
	}
	return template.HTML(b.String()) // #nosec G203 -- every value is escaped above
}

// writeQueryEscaped writes s as html/template writes a value in a URL's
// query inside a quoted attribute: every byte but the unreserved ones
// (RFC 3986: letters, digits, « - . _ ~ ») percent-encoded, in lower case.
func writeQueryEscaped(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
}
