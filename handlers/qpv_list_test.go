package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestRequestForm_OtherQPVsCountBounded: more quartiers typed than the
// bound is refused with a French message naming the limit, everything
// typed kept; up to the bound, they are resolved.
func TestRequestForm_OtherQPVsCountBounded(t *testing.T) {
	e := newRequestEnv(t)
	c := e.as(&e.coord)
	list := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = []string{"Alma-Gare", "QN05902M", "Jean-Monnet (QN04901M)"}[i%3]
		}
		return strings.Join(parts, ", ")
	}
	cases := []struct {
		name   string
		n      int
		status int
	}{
		{"at the bound", 50, http.StatusSeeOther},
		{"one more", 51, http.StatusUnprocessableEntity},
		{"fifty thousand", 50000, http.StatusUnprocessableEntity},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			typed := list(tc.n)
			r := c.post("/demandes/nouvelle", with(validRequest(e), "other_qpvs", typed, "action", "save"))
			if r.Status != tc.status {
				t.Fatalf("status %d, want %d\n%s", r.Status, tc.status, summaryOf(r.Body))
			}
			if tc.status == http.StatusSeeOther {
				return
			}
			want := fmt.Sprintf("Indiquez au plus 50 autres quartiers (il y en a %d).", tc.n)
			if !strings.Contains(r.Body, want) || !strings.Contains(r.Body, `id="f-other-qpvs-erreur"`) {
				t.Errorf("the page does not say %q next to the field", want)
			}
			if !strings.Contains(r.Body, typed) || !strings.Contains(r.Body, `value="Salle Watremez"`) {
				t.Error("what was typed was lost")
			}
		})
	}
}
