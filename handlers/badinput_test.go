package handlers_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"quartier/models"
)

// englishOnPages are the words of a framework's or Go's own error answers:
// none may reach a user.
var englishOnPages = []string{"Internal Server Error", "Bad Request", "Not Found", "Request Entity Too Large",
	"Unprocessable Entity", "Method Not Allowed", "Forbidden", "Unauthorized", "panic", "runtime error", "goroutine",
	`{"message"`, "http: ", "sql: ", "gorm", "SQLITE"}

var fieldName = regexp.MustCompile(`<(?:input|textarea|select)[^>]*\bname="([^"]+)"`)

// commonFields are sent to every form besides the fields its page shows:
// the names the site uses for text (see limitFor).
var commonFields = []string{"first_name", "last_name", "email", "name", "label", "comment", "notes", "constraints",
	"venue_name", "venue_address", "organisation", "contact_email", "territory", "partners", "communes", "role",
	"most_useful", "improve", "atmosphere", "topics", "resources", "follow_up", "facilitator_phone", "url", "remote_url", "q_extra"}

// badInputCase is one kind of bad input, applied to every field of a form.
type badInputCase struct {
	name  string
	value func(field string) string
	// want says what a form must answer: "413", "422", or "" for « a
	// French 4xx, or accepted (2xx/3xx) with the text escaped ».
	want string
}

var badInputCases = []badInputCase{
	{"invalid UTF-8", func(string) string { return "Am\xffina\xc3" }, "422"},
	{"NUL byte", func(string) string { return "Amina\x00" }, "422"},
	{"control characters", func(string) string { return "Amina\x07\x1b[31m\u2028" }, ""},
	{"CR/LF header injection", func(string) string { return "Amina\r\nBcc: victime@exemple.fr\r\nSubject: x" }, ""},
	{"HTML and JS", func(string) string { return `"><script>alert(1)</script><img src=x onerror=alert(2)>` }, ""},
	{"formula", func(string) string { return `=HYPERLINK("http://exemple.invalid","x")` }, ""},
	{"path traversal", func(string) string { return "../../../../etc/passwd" }, ""},
	{"oversized fields", func(string) string { return strings.Repeat("é", 70000) }, "4xx"},
}

// TestBadInput_EveryPostForm posts every kind of bad input into every
// field of every POST route of the route table, as a principal allowed on
// it (the ownership matrix's first « Y »): the answer is never a 5xx nor
// English, a refusal is a French page, and a field over its bound or a
// body over the limit is refused.
func TestBadInput_EveryPostForm(t *testing.T) {
	if testing.Short() {
		t.Skip("posts nine kinds of bad input to every form")
	}
	w := newOwnershipWorld(t)
	users := map[string]*client{}
	rows := map[string]matrixRow{}
	for _, r := range ownershipMatrix {
		rows[r.method+" "+r.route] = r
	}
	var posts []matrixRow
	for _, r := range w.routes {
		if r.Method == http.MethodPost && r.Path != "/deconnexion" {
			posts = append(posts, rows[r.Method+" "+r.Path])
		}
	}
	sort.Slice(posts, func(i, j int) bool { return posts[i].route < posts[j].route })
	principalOf := func(r matrixRow) string {
		if i := strings.IndexByte(r.want, 'Y'); i >= 0 {
			return principals[i]
		}
		return "admin"
	}
	clientOf := func(p string) *client {
		if c, ok := users[p]; ok {
			return c
		}
		var c *client
		switch p {
		case "coordinator A":
			c = w.as(&w.coord)
		case "coordinator B":
			c = w.as(&w.coord2)
		case "facilitator X":
			c = w.as(&w.facil)
		case "facilitator Y":
			c = w.as(&w.facilY)
		case "admin":
			c = w.as(&w.admin)
		default:
			c = w.client()
		}
		users[p] = c
		return c
	}
	for _, row := range posts {
		if row.route == "" {
			continue // TestOwnershipMatrix reports the missing row
		}
		p := principalOf(row)
		c := clientOf(p)
		path := w.pathFor(row.path, p)
		// The fields of the form: those of the page at the same address
		// when there is one, and the common ones.
		fields := map[string]bool{}
		for _, f := range commonFields {
			fields[f] = true
		}
		if page := c.get(path); page.Status == http.StatusOK {
			for _, m := range fieldName.FindAllStringSubmatch(page.Body, -1) {
				if m[1] != "csrf_token" {
					fields[m[1]] = true
				}
			}
		}
		for _, bc := range badInputCases {
			t.Run(row.route+"/"+bc.name, func(t *testing.T) {
				form := url.Values{}
				for f := range fields {
					form.Set(f, bc.value(f))
				}
				r := c.post(path, form)
				checkAnswer(t, r, bc.want)
				// Accepted: the page it leads to shows the text escaped.
				if r.Status == http.StatusSeeOther && strings.HasPrefix(r.Location, "/") {
					checkAnswer(t, c.get(r.Location), "")
				}
			})
		}
		t.Run(row.route+"/oversized body", func(t *testing.T) {
			csrf := c.csrf()
			body := "csrf_token=" + url.QueryEscape(csrf) + "&notes=" + strings.Repeat("a", 13<<20)
			for _, chunked := range []bool{false, true} {
				req := httptest.NewRequest(http.MethodPost, path, io.MultiReader(strings.NewReader(body)))
				if !chunked {
					req = httptest.NewRequest(http.MethodPost, path, bytes.NewReader([]byte(body)))
				} else {
					req.ContentLength = -1
				}
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				for _, ck := range c.http.Jar.Cookies(mustURL(w.srv.URL)) {
					req.AddCookie(ck)
				}
				rec := httptest.NewRecorder()
				w.echo.ServeHTTP(rec, req)
				checkAnswer(t, resp{Status: rec.Code, Body: rec.Body.String(), Header: rec.Header()}, "413")
			}
		})
	}
	// After all that, the request log holds no 5xx.
	if strings.Contains(w.logs.String(), "status=5") {
		t.Errorf("a 5xx was logged:\n%s", lineWith(w.logs.String(), "status=5"))
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// checkAnswer checks one answer to bad input against want ("413", "422",
// "4xx", or "" for a French 4xx or an acceptance with escaping).
func checkAnswer(t *testing.T, r resp, want string) {
	t.Helper()
	if r.Status >= 500 {
		t.Fatalf("status %d\n%.600s", r.Status, r.Body)
	}
	switch want {
	case "413", "422":
		if fmt.Sprint(r.Status) != want {
			t.Errorf("status %d, want %s", r.Status, want)
		}
	case "4xx":
		if r.Status < 400 {
			t.Errorf("status %d, want a refusal", r.Status)
		}
	}
	for _, en := range englishOnPages {
		if strings.Contains(r.Body, en) {
			t.Errorf("status %d: English %q on the page", r.Status, en)
		}
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		// A script's answer (the attendance ticks): its message is French.
		if r.Status >= 400 && !strings.Contains(r.Body, `"message":"`) {
			t.Errorf("status %d: JSON without a message: %s", r.Status, r.Body)
		}
	} else if r.Status >= 400 && !strings.Contains(r.Body, `lang="fr"`) {
		t.Errorf("status %d without the French page:\n%.300s", r.Status, r.Body)
	}
	for _, raw := range []string{"<script>alert(1)</script>", "<img src=x onerror"} {
		if strings.Contains(r.Body, raw) {
			t.Errorf("status %d: the payload %q is on the page unescaped", r.Status, raw)
		}
	}
}

// TestBadInput_EveryGetPageQuery opens every GET page of the route table,
// as a principal allowed on it, with oversized, control-laden and HTML
// query parameters (the list filters, the search fields, the pagers and
// the report's filters): never a 5xx nor English, the payload escaped.
func TestBadInput_EveryGetPageQuery(t *testing.T) {
	if testing.Short() {
		t.Skip("opens every page with bad query parameters")
	}
	w := newOwnershipWorld(t)
	clients := map[string]*client{}
	users := map[string]*models.User{"coordinator A": &w.coord, "coordinator B": &w.coord2, "facilitator X": &w.facil, "facilitator Y": &w.facilY, "admin": &w.admin}
	for _, row := range ownershipMatrix {
		if row.method != http.MethodGet {
			continue
		}
		p := "admin"
		if i := strings.IndexByte(row.want, 'Y'); i >= 0 {
			p = principals[i]
		}
		c, ok := clients[p]
		if !ok {
			c = w.as(users[p])
			clients[p] = c
		}
		base, _, _ := strings.Cut(w.pathFor(row.path, p), "?")
		for name, v := range map[string]string{
			"oversized": strings.Repeat("é%_", 20000), "HTML": `"><script>alert(1)</script>`, "controls": "a\x07\r\nb",
			"invalid UTF-8": "\xff\xfe", "numbers": "-99999999999999999999",
		} {
			q := url.Values{}
			for _, k := range []string{"q", "page", "region", "departement", "clsm", "saison", "etat", "role", "semaine", "mois", "du", "au", "suite", "tri"} {
				// Under net/http's 1 MB of headers in all, whose 431
				// is the server's own; q alone beyond SQLite's LIKE limit.
				if name == "oversized" && k != "q" {
					q.Set(k, v[:6000])
					continue
				}
				q.Set(k, v)
			}
			t.Run(row.route+"/"+name, func(t *testing.T) {
				r := c.get(base + "?" + q.Encode())
				checkAnswer(t, r, "")
			})
		}
	}
	if strings.Contains(w.logs.String(), "status=5") {
		t.Errorf("a 5xx was logged:\n%.500s", lineWith(w.logs.String(), "status=5"))
	}
}
