package handlers

import (
	"testing"
	"time"

	"quartier/models"
)

func TestQPVRowsHTML_WriteWhatTheTemplateWrote(t *testing.T) {
	var qs []models.QPVWithCommunes
	for i, v := range hostile {
		q := models.QPVWithCommunes{QPV: models.QPV{Code: hostile[(i+2)%len(hostile)], Name: v}}
		q.Communes = hostile[:i%4] // none, one and several
		qs = append(qs, q)
	}
	sameAsTemplate(t, `{{range .}}<tr><td>{{.Code}}</td><td>{{.Name}}</td><td>{{range $i, $c := .Communes}}{{if $i}}, {{end}}{{$c}}{{end}}</td></tr>
  {{end}}`, qs, qpvRowsHTML(qs))
}

func TestCLSMSeasonRowsHTML_WriteWhatTheTemplateWrote(t *testing.T) {
	var seasons []models.SeasonFigures
	for i, v := range hostile {
		seasons = append(seasons, models.SeasonFigures{SeasonName: v, Requests: i * 11, Declined: i, Scheduled: 2 * i, Held: 1000 + i})
	}
	sameAsTemplate(t, `{{range .}}<tr>
    <td>{{or .SeasonName "Hors saison"}}</td><td>{{.Requests}}</td><td>{{.Declined}}</td><td>{{.Scheduled}}</td><td>{{.Held}}</td>
  </tr>{{end}}`, seasons, clsmSeasonRowsHTML(seasons))
}

func TestCLSMRequestRowsHTML_WriteWhatTheTemplateWrote(t *testing.T) {
	states := []models.RequestState{models.RequestSubmitted, models.RequestAccepted, models.RequestState(`<b>"x"</b>`)}
	var rows []clsmRequestRow
	for i, v := range hostile {
		r := clsmRequestRow{ID: int64(i*977 + 1), VenueName: v, SeasonName: hostile[(i+5)%len(hostile)], State: states[i%len(states)]}
		if i%2 == 0 {
			at := time.Date(2026, time.Month(1+i), 3+i, 13, 0, 0, 0, time.UTC)
			r.SessionStartsAt = &at
		}
		rows = append(rows, r)
	}
	const src = `{{range .Data.Requests}}<tr>
    <td>{{or .SeasonName "Hors saison"}}</td>
    <td><a href="/admin/demandes/{{.ID}}">n° {{.ID}}{{with .VenueName}} — {{.}}{{end}}</a></td>
    <td><span class="badge badge-{{.State}}">{{.State.Label}}</span></td>
    <td>{{with .SessionStartsAt}}{{frDateTime (inZone . $.Data.Zone)}}{{else}}—{{end}}</td>
  </tr>{{end}}`
	for _, zone := range []string{"Europe/Paris", "America/Cayenne", "Nowhere/Atlantis"} {
		f := clsmForm{Requests: rows, Zone: zone}
		sameAsTemplate(t, src, struct{ Data clsmForm }{f}, f.RequestsHTML())
	}
}

func TestPartnersHTML_WriteWhatTheTemplateWrote(t *testing.T) {
	kinds := []models.OrgKind{models.OrgAssociation, models.OrgResidents, models.OrgKind(`<i>'k'</i>`)}
	var orgs []models.Organisation
	for i, v := range hostile {
		orgs = append(orgs, models.Organisation{Name: v, Kind: kinds[i%len(kinds)]})
	}
	sameAsTemplate(t, `{{range .}}<li>{{.Name}} <small class="muted">({{.Kind.Label}})</small></li>{{end}}`, orgs, partnersHTML(orgs))
}

func TestDashboardListsHTML_WriteWhatTheTemplateWrote(t *testing.T) {
	var rows []models.RequestRow
	var people []models.User
	roles := []models.Role{models.RoleAdmin, models.RoleCoordinator, models.RoleFacilitator, models.Role(`<b>"r"</b>`)}
	for i, v := range hostile {
		r := models.RequestRow{Request: models.Request{ID: int64(i*977 + 1)}, CLSMName: v}
		if i%2 == 0 {
			d := time.Date(2026, time.Month(1+i), 1+2*i, 0, 0, 0, 0, time.UTC)
			r.FirstDay = &d
		}
		rows = append(rows, r)
		people = append(people, models.User{ID: int64(i*31 + 7), Name: v, Email: hostile[(i+4)%len(hostile)], Role: roles[i%len(roles)], Active: i%3 != 0})
	}
	d := dashboardPage{ToReview: rows, People: people}
	sameAsTemplate(t, `{{range .ToReview}}<li><a href="/admin/demandes/{{.ID}}">{{.CLSMName}} — demande n° {{.ID}}</a>{{with .FirstDay}}, à partir du {{frShortDate .}}{{end}}</li>{{end}}`,
		d, d.ToReviewHTML())
	sameAsTemplate(t, `{{range .People}}
  <tr><td><a href="/admin/personnes/{{.ID}}">{{.Name}}</a></td><td>{{.Email}}</td><td>{{.Role.Label}}</td><td>{{if .Active}}actif{{else}}désactivé{{end}}</td></tr>
  {{end}}`, d, d.PeopleHTML())
}
