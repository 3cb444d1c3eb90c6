package handlers

import (
	"html/template"
	"strings"
	"testing"
	"time"

	"quartier/models"
	"quartier/territory"
)

// hostile are texts that html/template escapes in its own way (« + »,
// NUL, quotes), with invalid UTF-8 and non-characters it leaves alone.
var hostile = []string{
	"", "Saint-Denis", "Hors saison", `<script>alert("x")</script>`, "A&B + C's", "\x00nul", "bad\xffutf8",
	"\uFDD0\uFFFF", "l’Île-de-France", `a"b'c<d>e&f+g`, "&amp; déjà",
}

// sameAsTemplate fails when got differs from the template src executed
// on data.
func sameAsTemplate(t *testing.T, src string, data any, got template.HTML) {
	t.Helper()
	tpl := template.Must(template.New("x").Funcs(templateFuncs()).Parse(src))
	var want strings.Builder
	if err := tpl.Execute(&want, data); err != nil {
		t.Fatal(err)
	}
	if string(got) != want.String() {
		t.Errorf("written in Go:\n%q\nthe template writes:\n%q", got, want.String())
	}
}

func TestOptionsHTML_WritesWhatTheTemplateWrote(t *testing.T) {
	var opts []filterOption
	for i, v := range hostile {
		opts = append(opts, filterOption{Value: v, Label: hostile[len(hostile)-1-i], Selected: i%3 == 0})
	}
	sameAsTemplate(t, `{{range .}}<option value="{{.Value}}"{{if .Selected}} selected{{end}}>{{.Label}}</option>{{end}}`,
		opts, optionsHTML(opts))
	sameAsTemplate(t, `{{range .}}<option value="{{.Value}}"{{if .Selected}} selected{{end}}>{{.Label}}</option>{{end}}`,
		[]filterOption(nil), optionsHTML(nil))
}

// hostileRows are request rows whose every text is one of hostile.
func hostileRows() []requestRowView {
	var rows []requestRowView
	for i, v := range hostile {
		w := hostile[(i+3)%len(hostile)]
		r := requestRowView{RequestRow: &models.RequestRow{Request: models.Request{ID: int64(i*977 + 1), State: models.RequestState(w), UpdatedAt: time.Unix(0, 0)}},
			Commune: v, FirstDay: w, StateLabel: v, Sent: w, Updated: v}
		r.CLSMName, r.SeasonName = w, v
		rows = append(rows, r)
	}
	return rows
}

func TestRequestRowsHTML_WriteWhatTheTemplatesWrote(t *testing.T) {
	rows := hostileRows()
	sameAsTemplate(t, `{{range .}}
  <tr>
    <td><a href="/admin/demandes/{{.ID}}">n°&nbsp;{{.ID}}</a></td>
    <td><span class="badge badge-{{.State}}">{{.StateLabel}}</span></td>
    <td>{{.CLSMName}}</td>
    <td>{{.Commune}}</td>
    <td>{{.FirstDay}}</td>
    <td>{{or .SeasonName "Hors saison"}}</td>
    <td>{{.Sent}}</td>
  </tr>
  {{end}}`, rows, adminRequestRowsHTML(rows))
	sameAsTemplate(t, `{{range .}}
  <tr>
    <td><a href="/demandes/{{.ID}}">n°&nbsp;{{.ID}}</a></td>
    <td><span class="badge badge-{{.State}}">{{.StateLabel}}</span></td>
    <td>{{.Commune}}</td>
    <td>{{.FirstDay}}</td>
    <td>{{or .SeasonName "Hors saison"}}</td>
    <td>{{.Updated}}</td>
  </tr>
  {{end}}`, rows, coordinatorRequestRowsHTML(rows))
}

func TestTerritoryOptionsHTML_WriteWhatTheTemplatesWrote(t *testing.T) {
	var deps []territory.Departement
	var regs []territory.Region
	for i, v := range hostile {
		deps = append(deps, territory.Departement{Code: hostile[(i+5)%len(hostile)], Name: v})
		regs = append(regs, territory.Region{Code: hostile[(i+2)%len(hostile)], Name: v})
	}
	for _, sel := range []string{"", "Saint-Denis", `a"b'c<d>e&f+g`} {
		data := struct {
			Deps []territory.Departement
			Regs []territory.Region
			Sel  string
		}{deps, regs, sel}
		sameAsTemplate(t, `{{range .Deps}}<option value="{{.Code}}"{{if eq .Code $.Sel}} selected{{end}}>{{.Code}} – {{.Name}}</option>{{end}}`,
			data, departementOptions(deps, sel))
		sameAsTemplate(t, `{{range .Regs}}<option value="{{.Code}}"{{if eq .Code $.Sel}} selected{{end}}>{{.Name}}</option>{{end}}`,
			data, regionOptions(regs, sel))
	}
}

func TestQPVChoices_WriteWhatTheTemplateWrote(t *testing.T) {
	var qpvs []models.QPV
	for i, v := range hostile {
		qpvs = append(qpvs, models.QPV{Code: hostile[(i+4)%len(hostile)], Name: v})
	}
	chosen := []string{"Saint-Denis", "A&B + C's", ""}
	data := struct {
		AllQPVs []models.QPV
		QPVs    []string
	}{qpvs, chosen}
	sameAsTemplate(t, `{{range .AllQPVs}}
    <label><input type="checkbox" name="qpvs" value="{{.Code}}"{{if contains $.QPVs .Code}} checked{{end}}> {{.Name}} <small>({{.Code}})</small></label>
    {{end}}`, data, qpvChoices(qpvs, chosen))
}

func TestPeopleRowsHTML_WriteWhatTheTemplateWrote(t *testing.T) {
	var people []models.UserRow
	roles := []models.Role{models.RoleAdmin, models.RoleCoordinator, models.RoleFacilitator, models.Role(`<b>"x"</b>`)}
	for i, v := range hostile {
		u := models.UserRow{CLSMNames: hostile[(i+1)%len(hostile)]}
		u.ID, u.Name, u.Email, u.Role, u.Active = int64(i+1), v, hostile[(i+6)%len(hostile)], roles[i%len(roles)], i%2 == 0
		people = append(people, u)
	}
	sameAsTemplate(t, `{{range .}}
  <tr>
    <td><a href="/admin/personnes/{{.ID}}">{{.Name}}</a></td><td>{{.Email}}</td><td>{{.Role.Label}}</td>
    <td>{{.CLSMNames}}</td>
    <td>{{if .Active}}<span class="badge badge-open">actif</span>{{else}}<span class="badge badge-closed">désactivé</span>{{end}}</td>
  </tr>
  {{end}}`, people, peopleRowsHTML(people))
}

func TestOutboxRowsHTML_WriteWhatTheTemplateWrote(t *testing.T) {
	var msgs []models.OutboxMessage
	kinds := []string{"magic_link", "request_submitted", `<i>x</i>`, ""}
	statuses := []models.OutboxStatus{models.OutboxPending, models.OutboxSending, models.OutboxSent, models.OutboxFailed, models.OutboxStatus(`"x'`)}
	for i, v := range hostile {
		msgs = append(msgs, models.OutboxMessage{ID: int64(i + 1), Kind: kinds[i%len(kinds)], Recipient: v, Subject: hostile[(i+2)%len(hostile)],
			Status: statuses[i%len(statuses)], Attempts: i, LastError: hostile[(i+7)%len(hostile)], Permanent: i%3 == 1,
			CreatedAt: time.Date(2026, time.Month(1+i%12), 1+i, 23, 30, 0, 0, time.UTC)})
	}
	sameAsTemplate(t, `{{range .}}
  <tr>
    <td>{{frDateTime (inZone .CreatedAt "Europe/Paris")}}</td>
    <td>{{.Recipient}}</td>
    <td><a href="/admin/courriels/{{.ID}}">{{.Subject}}</a></td>
    <td>{{outboxKind .Kind}}</td>
    <td><span class="badge badge-{{.Status}}">{{outboxStatus .Status}}</span>{{if .Permanent}} <small>(définitif)</small>{{end}}</td>
    <td>{{.Attempts}}</td>
    <td><small>{{.LastError}}</small></td>
  </tr>
  {{end}}`, msgs, outboxRowsHTML(msgs))
}

func TestCLSMRowsHTML_WriteWhatTheTemplateWrote(t *testing.T) {
	var rows []models.CLSMRow
	names := map[string]string{}
	for i, v := range hostile {
		r := models.CLSMRow{CoordinatorName: hostile[(i+2)%len(hostile)], CoordinatorActive: i%3 != 0}
		r.ID, r.Name, r.DepartementCode = int64(i+1), v, hostile[(i+8)%len(hostile)]
		if i%2 == 0 {
			names[r.DepartementCode] = hostile[(i+1)%len(hostile)]
		}
		rows = append(rows, r)
	}
	data := struct {
		CLSMs []models.CLSMRow
		Names map[string]string
	}{rows, names}
	sameAsTemplate(t, `{{range $row := .CLSMs}}
  <tr><td><a href="/admin/clsm/{{.ID}}">{{.Name}}</a></td><td>{{.DepartementCode}} – {{index $.Names .DepartementCode}}</td><td>{{with .CoordinatorName}}{{.}}{{if not $row.CoordinatorActive}} <span class="badge badge-inactive">compte désactivé</span>{{end}}{{else}}—{{end}}</td></tr>
  {{end}}`, data, clsmRowsHTML(rows, names))
}
