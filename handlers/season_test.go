package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"quartier/models"
)

// TestSeasons_OverlapRefusedOnCreateAndEdit: dates that share a day with
// another season are refused next to the dates, with what was typed kept.
func TestSeasons_OverlapRefusedOnCreateAndEdit(t *testing.T) {
	e := newEnv(t)
	c := e.as(&e.admin)
	r := c.post("/admin/saisons", url.Values{"name": {"Saison bis"}, "starts_on": {"2027-06-01"}, "ends_on": {"2028-06-30"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "chevauchent la saison « Saison 2026-2027 »") ||
		!strings.Contains(r.Body, `value="Saison bis"`) || !strings.Contains(r.Body, `value="2027-06-01"`) || !strings.Contains(r.Body, `id="f-starts-on-erreur"`) {
		t.Fatalf("overlapping create: %d\n%s", r.Status, summaryOf(r.Body))
	}
	if r := c.post("/admin/saisons", url.Values{"name": {"Saison 2027-2028"}, "starts_on": {"2027-09-01"}, "ends_on": {"2028-07-01"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("create: %d", r.Status)
	}
	next := seasonNamed(t, e, "Saison 2027-2028")
	path := "/admin/saisons/" + strconv.FormatInt(next.ID, 10)
	r = c.post(path, url.Values{"name": {"Saison 2027-2028"}, "starts_on": {"2027-07-01"}, "ends_on": {"2028-07-01"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "chevauchent") || !strings.Contains(r.Body, `value="2027-07-01"`) {
		t.Fatalf("overlapping edit: %d\n%s", r.Status, summaryOf(r.Body))
	}
	if got := seasonNamed(t, e, "Saison 2027-2028"); !got.StartsOn.Equal(next.StartsOn) {
		t.Errorf("a refused edit moved the season: %v", got.StartsOn)
	}
	if r := c.post(path, url.Values{"name": {"Saison 2"}, "starts_on": {"2027-08-15"}, "ends_on": {"2028-07-01"}}); r.Status != http.StatusSeeOther || r.Location != path {
		t.Fatalf("edit: %d %s", r.Status, r.Location)
	}
	if got := seasonNamed(t, e, "Saison 2"); !got.StartsOn.Equal(time.Date(2027, 8, 15, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("edit not saved: %+v", got)
	}
	if r := c.get(path); !strings.Contains(r.Body, "saison modifiée") || !strings.Contains(r.Body, `value="2027-08-15"`) {
		t.Errorf("season page lacks the edit")
	}
}

// TestSeasons_DeleteOnlyEmptyAndConfirmed: a season holding a request says
// why it cannot be deleted and refuses; an empty one asks first.
func TestSeasons_DeleteOnlyEmptyAndConfirmed(t *testing.T) {
	e := newRequestEnv(t)
	e.createRequest(e.as(&e.coord), validRequest(e))
	c := e.as(&e.admin)
	full := seasonNamed(t, e, "Saison 2026-2027")
	fullPath := "/admin/saisons/" + strconv.FormatInt(full.ID, 10)
	if r := c.get(fullPath); !strings.Contains(r.Body, "contient 1 demande") || strings.Contains(r.Body, `action="`+fullPath+`/supprimer"`) {
		t.Errorf("the page of a season holding a request offers its deletion")
	}
	if r := c.post(fullPath+"/supprimer", url.Values{"confirm": {"1"}}); r.Status != http.StatusConflict || !strings.Contains(r.Body, "contient 1 demande") {
		t.Errorf("delete a season holding a request: %d", r.Status)
	}
	if r := c.post("/admin/saisons", url.Values{"name": {"Erreur"}, "starts_on": {"2030-01-01"}, "ends_on": {"2030-06-30"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("create: %d", r.Status)
	}
	empty := seasonNamed(t, e, "Erreur")
	path := "/admin/saisons/" + strconv.FormatInt(empty.ID, 10)
	r := c.post(path+"/supprimer", nil)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `name="confirm" value="1"`) || !strings.Contains(r.Body, `href="`+path+`"`) {
		t.Fatalf("first step: %d\n%s", r.Status, summaryOf(r.Body))
	}
	if _, err := e.store.SeasonByID(context.Background(), empty.ID); err != nil {
		t.Fatalf("the first step deleted the season: %v", err)
	}
	if r := c.post(path+"/supprimer", url.Values{"confirm": {"1"}}); r.Status != http.StatusSeeOther || r.Location != "/admin/saisons" {
		t.Fatalf("confirmed: %d %s", r.Status, r.Location)
	}
	if _, err := e.store.SeasonByID(context.Background(), empty.ID); err == nil {
		t.Error("the season survived its confirmed deletion")
	}
}

var pendingFigure = regexp.MustCompile(`href="([^"]+)" class="pending-count"><strong>(\d+)</strong>`)
var adminRequestLink = regexp.MustCompile(`<td><a href="/admin/demandes/\d+">`)

// TestDashboard_PendingCountMatchesTheList: the dashboard's « à examiner »
// counts every submitted request, in the current season, in another one or
// out of season, and the list it links to shows exactly as many. Requests
// sent back for changes and drafts are not counted.
func TestDashboard_PendingCountMatchesTheList(t *testing.T) {
	e := newRequestEnv(t)
	coord, admin := e.as(&e.coord), e.as(&e.admin)
	if r := admin.post("/admin/saisons", url.Values{"name": {"Saison 2027-2028"}, "starts_on": {"2027-09-01"}, "ends_on": {"2028-07-01"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("create season: %d", r.Status)
	}
	later := func(from string) url.Values {
		return with(validRequest(e), "windows[0].date", from, "windows[1].date", from, "windows[2].date", "2027-10-04", "windows[2].until", "2027-10-15")
	}
	e.createRequest(coord, validRequest(e))                // current season
	e.createRequest(coord, validRequest(e))                // current season
	next := e.createRequest(coord, later("2027-09-20"))    // next season
	outside := e.createRequest(coord, later("2027-08-10")) // out of season
	changes := e.createRequest(coord, validRequest(e))
	if r := admin.post(fmt.Sprintf("/admin/demandes/%d/modifications", changes), url.Values{"comment": {"Précisez la salle."}}); r.Status != http.StatusSeeOther {
		t.Fatalf("ask for changes: %d", r.Status)
	}
	e.createRequest(coord, url.Values{"clsm": {fmt.Sprint(e.clsm.ID)}, "action": {"draft"}})

	r := admin.get("/tableau-de-bord")
	m := pendingFigure.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no « à examiner » figure:\n%s", r.Body)
	}
	if m[2] != "4" {
		t.Errorf("dashboard counts %s requests to review, want 4", m[2])
	}
	list := admin.get(strings.ReplaceAll(m[1], "&amp;", "&"))
	if n := len(adminRequestLink.FindAllString(list.Body, -1)); strconv.Itoa(n) != m[2] {
		t.Errorf("the list behind the figure shows %d requests, the figure says %s", n, m[2])
	}
	for id, want := range map[int64]string{next: "Saison 2027-2028", outside: "Hors saison"} {
		row := regexp.MustCompile(fmt.Sprintf(`(?s)href="/admin/demandes/%d">.*?</tr>`, id)).FindString(list.Body)
		if !strings.Contains(row, want) {
			t.Errorf("request %d: row lacks %q: %s", id, want, row)
		}
	}
	if r := admin.get(fmt.Sprintf("/admin/demandes/%d", outside)); !strings.Contains(r.Body, "Saison : Hors saison") {
		t.Error("the page of a request out of season does not say so")
	}
	if r := admin.get(fmt.Sprintf("/admin/demandes/%d", next)); !strings.Contains(r.Body, "Saison : Saison 2027-2028") {
		t.Error("the page of a request does not name its season")
	}
	if r := admin.get("/admin/demandes?saison=hors"); len(adminRequestLink.FindAllString(r.Body, -1)) != 1 || !strings.Contains(r.Body, fmt.Sprintf(`href="/admin/demandes/%d"`, outside)) {
		t.Errorf("the « Hors saison » filter does not show exactly the request out of season")
	}
}

func seasonNamed(t *testing.T, e *env, name string) models.Season {
	t.Helper()
	all, err := e.store.Seasons(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no season %q", name)
	return models.Season{}
}
