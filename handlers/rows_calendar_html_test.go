package handlers

import (
	"os"
	"strings"
	"testing"
	"time"
)

// hostileDays are calendar days of every kind (holiday, day off, worked,
// today, with and without items and details), their texts hostile.
func hostileDays() []calDay {
	var days []calDay
	for i, v := range hostile {
		d := calDay{Date: time.Date(2026, 12, 1+i, 0, 0, 0, 0, time.UTC), Title: hostile[(i+3)%len(hostile)], Today: i == 4,
			Off: i%3 == 1 || i%5 == 0, OffLabel: v, Holiday: i%5 == 0}
		for j := range i % 4 {
			it := calItem{Class: hostile[(i+j)%len(hostile)], Label: hostile[(i+j+1)%len(hostile)], Time: hostile[(i+2*j)%len(hostile)]}
			if j == 1 {
				it.Class = "slot-session"
			}
			if j%2 == 0 {
				it.Detail = hostile[(i+j+5)%len(hostile)]
			}
			d.Items = append(d.Items, it)
		}
		days = append(days, d)
	}
	return days
}

func TestAdminCalendarRowsHTML_WriteWhatTheTemplateWrote(t *testing.T) {
	days := hostileDays()
	var people []adminRow
	for i, v := range hostile {
		people = append(people, adminRow{Name: v, Zone: hostile[(i+1)%len(hostile)], Days: days[i%3 : i%3+7]})
	}
	people = append(people, adminRow{Name: "Sans jours"})
	const src = `{{range .People}}
  <tr>
    <th scope="row">{{.Name}}<br><small class="muted">{{.Zone}}</small></th>
    {{range .Days}}<td class="{{if .Off}}cal-off{{end}}">
      {{if .Holiday}}<p class="slot slot-off">Jour férié : {{.OffLabel}}</p>{{else if .Off}}<p class="slot slot-off">Indisponible : {{.OffLabel}}</p>{{end}}
      {{range .Items}}<p class="slot {{.Class}}"><span class="slot-time">{{.Time}}</span> {{.Label}}{{with .Detail}}<br><small>{{.}}</small>{{end}}</p>{{end}}
      {{if and (not .Off) (not .Items)}}<small class="muted">—</small>{{end}}
    </td>{{end}}
  </tr>
  {{end}}`
	p := adminWeekPage{People: people}
	sameAsTemplate(t, src, p, p.RowsHTML())
	sameAsTemplate(t, src, adminWeekPage{}, adminWeekPage{}.RowsHTML())
	usedIn(t, "calendar_admin.html", "{{.RowsHTML}}")
}

func TestMonthDaysHTML_WriteWhatTheTemplateWrote(t *testing.T) {
	var days []monthDay
	for i, d := range hostileDays() {
		md := monthDay{calDay: d, Week: hostile[(i+7)%len(hostile)], Busy: i % 3}
		if i == 2 {
			md.Week = "2026-W49"
		}
		md.Free = hostile[:i%3]
		days = append(days, md)
	}
	const src = `{{range .Days}}
  <section class="cal-day{{if .Off}} cal-off{{end}}{{if .Today}} cal-today{{end}}" aria-labelledby="j-{{isoDate .Date}}">
    <h3 id="j-{{isoDate .Date}}"><a href="/calendrier?semaine={{.Week}}">{{.Title}}</a></h3>
    {{if .Holiday}}<p class="slot slot-off">Jour férié : {{.OffLabel}}</p>{{else if .Off}}<p class="slot slot-off">Indisponible : {{.OffLabel}}</p>{{end}}
    {{range .Free}}<p class="slot slot-available">Libre {{.}}</p>{{end}}
    {{if .Busy}}<p class="slot slot-busy-imported">{{.Busy}} {{plural .Busy "occupation" "occupations"}}</p>{{end}}
    {{range .Items}}{{if eq .Class "slot-session"}}<p class="slot slot-session">{{.Label}}, {{.Time}}</p>{{end}}{{end}}
    {{if and (not .Off) (not .Items)}}<p class="muted"><small>Non travaillé</small></p>{{end}}
  </section>
{{end}}`
	p := monthPage{Days: days}
	sameAsTemplate(t, src, p, p.DaysHTML())
	usedIn(t, "calendar_month.html", "{{.DaysHTML}}")
}

// usedIn fails unless the page's template calls the writer.
func usedIn(t *testing.T, page, call string) {
	t.Helper()
	b, err := os.ReadFile("../assets/templates/pages/" + page)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), call) {
		t.Errorf("%s does not call %s", page, call)
	}
}
