package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestEscaping_ScriptInANameStaysText signs up a person whose names hold
// HTML and JS through a partner's link: accepted (a name may hold « < »),
// and shown as text everywhere it appears: the partner's page, the
// coordinator's list of participants, and the HTML part of the invitation
// mailed to the person. A name with a line break is refused (it would
// start a header), and nothing is stored.
func TestEscaping_ScriptInANameStaysText(t *testing.T) {
	w := newOwnershipWorld(t)
	path := w.pathFor("/inscription/{signup}", "partner B (S2)")
	c := w.client()
	first, last := `<script>alert("x")</script>`, `<img src=x onerror=alert(1)>`
	r := c.post(path, personForm(first, last, "script@exemple.fr", "habitant"))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("sign-up: %d\n%.400s", r.Status, r.Body)
	}
	raw := []string{"<script>alert", "<img src=x"}
	noRaw := func(where, body string) {
		t.Helper()
		for _, s := range raw {
			if strings.Contains(body, s) {
				t.Errorf("%s: %q unescaped", where, s)
			}
		}
		if !strings.Contains(body, "&lt;script&gt;") && !strings.Contains(body, "&lt;img") {
			t.Errorf("%s: the name is not shown (escaped)", where)
		}
	}
	noRaw("partner page", c.get(r.Location).Body)
	coord := w.as(&w.coord)
	noRaw("participants", coord.get("/demandes/"+w.objects["{req2}"]+"/inscrits").Body)
	var id string
	if err := w.rawDB().QueryRow(`SELECT id FROM outbox_messages WHERE recipient = ? AND kind = 'invitation'`, "script@exemple.fr").Scan(&id); err != nil {
		t.Fatalf("the invitation: %v", err)
	}
	admin := w.as(&w.admin)
	html := admin.get("/admin/courriels/" + id + "/html")
	if html.Status != http.StatusOK {
		t.Fatalf("the invitation's HTML part: %d", html.Status)
	}
	noRaw("invitation's HTML part", html.Body)
	noRaw("outbox page", admin.get("/admin/courriels/"+id).Body)

	// A line break in a name or an address: a French 422, nothing stored.
	before := w.countMail("crlf@exemple.fr")
	for _, f := range []url.Values{
		personForm("Léa\r\nBcc: victime@exemple.fr", "Martin", "crlf@exemple.fr", "habitant"),
		personForm("Léa", "Martin\nX-Injected: 1", "crlf@exemple.fr", "habitant"),
		personForm("Léa", "Martin", "crlf@exemple.fr\r\nBcc: victime@exemple.fr", "habitant"),
	} {
		r := c.post(path, f)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `lang="fr"`) {
			t.Errorf("a line break in a field: %d, want a French 422", r.Status)
		}
	}
	var n int
	if err := w.rawDB().QueryRow(`SELECT COUNT(*) FROM registrations WHERE email LIKE 'crlf@%' OR email LIKE '%victime%'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d registrations stored from line-broken fields (%v)", n, err)
	}
	if w.countMail("crlf@exemple.fr") != before || w.countMail("victime@exemple.fr") != 0 {
		t.Error("a message was queued for a line-broken field")
	}
}
