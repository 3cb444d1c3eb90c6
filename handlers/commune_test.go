package handlers_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"quartier/models"
)

// communeForm is one form that takes a commune: how to send it with the
// commune typed, and what it stored.
type communeForm struct {
	name   string
	send   func(e *env, commune string) resp
	stored func(e *env) string // the INSEE code saved
}

func communeForms() []communeForm {
	ctx := context.Background()
	return []communeForm{
		{"request", func(e *env, commune string) resp {
			return e.as(&e.coord).post("/demandes/nouvelle", with(validRequest(e), "commune", commune))
		}, func(e *env) string {
			rows, _ := e.store.ListRequests(ctx, models.RequestFilter{})
			if len(rows) != 1 {
				return ""
			}
			r, _ := e.store.RequestByID(ctx, rows[0].ID)
			return r.CommuneINSEE
		}},
		{"person", func(e *env, commune string) resp {
			return e.as(&e.admin).post("/admin/personnes/"+itoa(e.facil.ID), url.Values{"name": {e.facil.Name}, "email": {e.facil.Email},
				"role": {"facilitator"}, "home_commune": {commune}, "time_zone": {"Europe/Paris"}, "max_per_day": {"1"}, "max_per_week": {"3"}})
		}, func(e *env) string { u, _ := e.store.UserByID(ctx, e.facil.ID); return u.HomeINSEE }},
		{"availability", func(e *env, commune string) resp {
			return e.as(&e.facil).post("/calendrier/disponibilites", patternForm([2]string{"08:00", "12:00"}, commune))
		}, func(e *env) string { u, _ := e.store.UserByID(ctx, e.facil.ID); return u.HomeINSEE }},
		{"CLSM", func(e *env, commune string) resp {
			return e.as(&e.admin).post("/admin/clsm/"+itoa(e.clsm2.ID), url.Values{"name": {e.clsm2.Name}, "departement": {"59"}, "communes": {commune}})
		}, func(e *env) string {
			cov, _ := e.store.CLSMCoverageOf(ctx, e.clsm2.ID)
			return strings.Join(cov.Communes, ",")
		}},
		{"QPV", func(e *env, commune string) resp {
			return e.as(&e.admin).post("/admin/qpv", url.Values{"code": {"QN05999M"}, "name": {"Essai"}, "communes": {commune}})
		}, func(e *env) string {
			qs, _ := e.store.QPVsWithCommunes(ctx, []string{"QN05999M"})
			if len(qs) != 1 {
				return ""
			}
			return strings.Join(qs[0].Communes, ",")
		}},
	}
}

// TestCommuneFields_PostcodeFirst: on every form that takes a commune, five
// digits are a postcode first, an INSEE code only when no commune has that
// postcode, and a postcode of several communes offers them by label.
func TestCommuneFields_PostcodeFirst(t *testing.T) {
	cases := []struct {
		name, typed string
		insee       string // saved, or "" for a refusal
		say         []string
	}{
		{"postcode that is also another commune's INSEE code", "59100", "59512", nil},
		{"INSEE code no postcode matches", "59512", "59512", nil},
		{"label", "Roubaix — CP 59100", "59512", nil},
		{"earlier write-back", "Lille (59350)", "59350", nil},
		{"postcode of several communes", "59390", "", []string{"Plusieurs communes ont le code postal 59390", "« Lannoy — CP 59390 »", "« Toufflers — CP 59390 »"}},
	}
	for _, form := range communeForms() {
		for _, tc := range cases {
			t.Run(form.name+"/"+tc.name, func(t *testing.T) {
				e := newEnv(t)
				if form.name == "request" {
					e = newRequestEnv(t)
				}
				before := form.stored(e)
				r := form.send(e, tc.typed)
				body := html.UnescapeString(r.Body)
				if tc.insee != "" {
					if r.Status != http.StatusSeeOther {
						t.Fatalf("status %d, want 303\n%s", r.Status, summaryOf(r.Body))
					}
					if got := form.stored(e); got != tc.insee {
						t.Errorf("stored %q, want %s", got, tc.insee)
					}
					return
				}
				if r.Status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422", r.Status)
				}
				for _, s := range tc.say {
					if !strings.Contains(strings.ReplaceAll(body, "\u00a0", " "), s) {
						t.Errorf("the page does not say %q", s)
					}
				}
				if strings.Contains(body, "Masny") {
					t.Error("the page offers Masny, whose INSEE code is 59390")
				}
				if !strings.Contains(body, tc.typed) {
					t.Error("the commune typed was lost")
				}
				if got := form.stored(e); got != before {
					t.Errorf("stored %q after a refusal, had %q", got, before)
				}
			})
		}
	}
}

// TestCommuneFields_WrittenBackSavesAgain: a commune resolved from its
// postcode is written back as « Roubaix — CP 59100 », which saves again.
func TestCommuneFields_WrittenBackSavesAgain(t *testing.T) {
	e := newRequestEnv(t)
	c := e.as(&e.coord)
	// A draft refused for another field shows the commune as resolved.
	r := c.post("/demandes/nouvelle", with(validRequest(e), "commune", "59100", "venue_name", ""))
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `value="Roubaix — CP 59100"`) {
		t.Fatalf("status %d; commune written back as %q", r.Status, valueOf(r.Body, "f-commune"))
	}
	id := e.createRequest(c, with(validRequest(e), "commune", "Roubaix — CP 59100"))
	page := c.get("/demandes/" + itoa(id) + "/modifier")
	if got := valueOf(page.Body, "f-commune"); got != "Roubaix — CP 59100" {
		t.Fatalf("edit page: commune %q", got)
	}

	// The CLSM form lists its communes one a line, written the same way,
	// and saves them again as they are.
	admin := e.as(&e.admin)
	if r := admin.post("/admin/clsm/"+itoa(e.clsm2.ID), url.Values{"name": {e.clsm2.Name}, "departement": {"59"}, "communes": {"59100\n59160 Lille"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("CLSM: status %d", r.Status)
	}
	page = admin.get("/admin/clsm/" + itoa(e.clsm2.ID))
	if !strings.Contains(page.Body, ">Lille — CP 59000\nRoubaix — CP 59100</textarea>") {
		t.Fatalf("CLSM communes not written back as labels:\n%s", page.Body)
	}
	if r := admin.post("/admin/clsm/"+itoa(e.clsm2.ID), url.Values{"name": {e.clsm2.Name}, "departement": {"59"}, "communes": {"Lille — CP 59000\nRoubaix — CP 59100"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("CLSM saved again: status %d", r.Status)
	}
	if cov, _ := e.store.CLSMCoverageOf(context.Background(), e.clsm2.ID); strings.Join(cov.Communes, ",") != "59350,59512" {
		t.Errorf("CLSM communes %v", cov.Communes)
	}
}

// valueOf is the value attribute of the input with this id, or "".
func valueOf(body, id string) string {
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	j := strings.Index(rest, `value="`)
	if j < 0 {
		return ""
	}
	rest = rest[j+len(`value="`):]
	return html.UnescapeString(rest[:strings.IndexByte(rest, '"')])
}
