package handlers_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestDashboards_ListsAreBounded: past dashboardListSize rows, the admin's
// dashboard, the coordinator's, a request's page and a CLSM's page show the
// first ten and say « et N autres » with a link to the whole list, while
// the figures still count every row.
func TestDashboards_ListsAreBounded(t *testing.T) {
	e := newRequestEnv(t)
	coord, admin := e.as(&e.coord), e.as(&e.admin)
	var ids []int64
	for range 13 {
		ids = append(ids, e.createRequest(coord, validRequest(e)))
	}
	links := func(body, prefix string) int {
		return len(regexp.MustCompile(`href="`+prefix+`\d+"`).FindAllString(body, -1))
	}
	dash := admin.get("/tableau-de-bord")
	if !strings.Contains(dash.Body, `class="pending-count"><strong>13</strong>`) {
		t.Errorf("admin dashboard: the figure does not count the 13 requests to review")
	}
	for _, tc := range []struct {
		name, body, prefix, more string
		rows                     int
	}{
		{"admin dashboard", dash.Body, "/admin/demandes/", `<a href="/admin/demandes?etat=submitted">et 3 autres</a>`, 10},
		{"coordinator dashboard", coord.get("/tableau-de-bord").Body, "/demandes/", `<a href="/demandes">et 3 autres`, 10},
		{"a request's page", admin.get(fmt.Sprintf("/admin/demandes/%d", ids[0])).Body, "/admin/demandes/",
			fmt.Sprintf(`<a href="/admin/demandes?clsm=%d">et 2 autres`, e.clsm.ID), 10},
		{"the CLSM's page", admin.get(fmt.Sprintf("/admin/clsm/%d", e.clsm.ID)).Body, "/admin/demandes/",
			fmt.Sprintf(`<a href="/admin/demandes?clsm=%d">Voir les 13 demandes de ce CLSM`, e.clsm.ID), 10},
	} {
		if n := links(tc.body, tc.prefix); n != tc.rows {
			t.Errorf("%s: %d request links, want %d", tc.name, n, tc.rows)
		}
		if !strings.Contains(tc.body, tc.more) {
			t.Errorf("%s: no %s", tc.name, tc.more)
		}
	}
	// The CLSM's figures, season by season, count all 13.
	clsm := admin.get(fmt.Sprintf("/admin/clsm/%d", e.clsm.ID)).Body
	if !regexp.MustCompile(`<td>Saison 2026-2027</td><td>13</td>`).MatchString(clsm) {
		t.Errorf("the CLSM's page does not count 13 requests in the season")
	}
	// The filtered list behind the links shows the CLSM's requests only.
	list := admin.get(fmt.Sprintf("/admin/demandes?clsm=%d", e.clsm.ID))
	if list.Status != http.StatusOK || links(list.Body, "/admin/demandes/") != 13 {
		t.Errorf("/admin/demandes?clsm=%d: status %d, %d requests, want 13", e.clsm.ID, list.Status, links(list.Body, "/admin/demandes/"))
	}
	if other := admin.get(fmt.Sprintf("/admin/demandes?clsm=%d", e.clsm2.ID)); links(other.Body, "/admin/demandes/") != 0 {
		t.Errorf("another CLSM's filtered list shows this CLSM's requests")
	}
}
