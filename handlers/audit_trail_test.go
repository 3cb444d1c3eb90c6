package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// historySection is the history of changes of a page: from its heading to
// the end of its section.
func historySection(t *testing.T, body string) string {
	t.Helper()
	i := strings.Index(body, `id="historique"`)
	if i < 0 {
		t.Fatalf("no history on the page:\n%s", body)
	}
	j := strings.Index(body[i:], "</section>")
	if j < 0 {
		t.Fatal("history section not closed")
	}
	return body[i : i+j]
}

// TestAuditTrail_PageByPage: an object's history is shown twenty changes
// at a time, newest first, with its count and a pager whose links open the
// section of the next page (?historique=); a page number that is no page
// shows the first, one beyond the end the last. TestSectionPager checks
// that the links keep the page's other parameters.
func TestAuditTrail_PageByPage(t *testing.T) {
	e := newEnv(t)
	c := e.as(&e.admin)
	r := c.post("/admin/clsm/nouveau", url.Values{"name": {"CLSM de Lens"}, "departement": {"62"}, "territory": {"Version 0"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("create CLSM: %d\n%s", r.Status, r.Body)
	}
	path := r.Location
	for i := 1; i <= 24; i++ {
		r := c.post(path, url.Values{"name": {"CLSM de Lens"}, "departement": {"62"}, "territory": {fmt.Sprintf("Version %d", i)}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("edit %d: %d\n%s", i, r.Status, r.Body)
		}
	}
	events := func(section string) int { return strings.Count(section, "<li><time ") }

	first := historySection(t, c.get(path).Body)
	if n := events(first); n != 20 {
		t.Errorf("first page: %d changes, want 20", n)
	}
	for _, want := range []string{"25\u00a0modifications, de la plus récente à la plus ancienne", "Page 1 sur 2",
		`aria-label="Pages de l’historique"`, `href="` + path + `?historique=2#historique" rel="next"`} {
		if !strings.Contains(first, want) {
			t.Errorf("first page lacks %q:\n%s", want, first)
		}
	}
	if strings.Contains(first, "CLSM créé") {
		t.Error("the creation, the oldest change, is on the first page")
	}

	second := historySection(t, c.get(path+"?historique=2").Body)
	if n := events(second); n != 5 {
		t.Errorf("second page: %d changes, want 5", n)
	}
	if !strings.Contains(second, `<ol class="audit" start="21">`) {
		t.Errorf("the second page's list does not go on from the first's (start=\"21\"):\n%s", second)
	}
	if strings.Contains(first, "start=") {
		t.Error("the first page's list has a start")
	}
	if !strings.Contains(second, "Page 2 sur 2") || !strings.Contains(second, `href="`+path+`#historique" rel="prev"`) {
		t.Errorf("second page's pager:\n%s", second)
	}
	if !strings.Contains(second[strings.LastIndex(second, "<li><time "):], "CLSM créé") {
		t.Errorf("the creation is not the last change of the last page:\n%s", second)
	}

	for query, page := range map[string]string{"?historique=abc": "Page 1 sur 2", "?historique=-4": "Page 1 sur 2", "?historique=99": "Page 2 sur 2"} {
		r := c.get(path + query)
		if r.Status != http.StatusOK || !strings.Contains(historySection(t, r.Body), page) {
			t.Errorf("%s: %d, want %q", query, r.Status, page)
		}
	}

}
