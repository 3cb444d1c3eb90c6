package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"quartier/config"
	"quartier/models"
)

// newRequestEnv is newEnv with quartiers: Alma-Gare and Épeule for the
// Roubaix CLSM, Jean-Monnet for Cholet.
func newRequestEnv(t testing.TB, tweak ...func(*config.Config)) *env {
	t.Helper()
	e := newEnv(t, tweak...)
	ctx := context.Background()
	if _, err := e.store.ImportQPVs(ctx, e.admin.ID, []models.QPVInput{
		{Line: 1, Code: "QN05901M", Name: "Alma-Gare", Communes: []string{"59512"}},
		{Line: 2, Code: "QN05902M", Name: "Épeule", Communes: []string{"59512"}},
		{Line: 3, Code: "QN04901M", Name: "Jean-Monnet", Communes: []string{"49099"}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.UpdateCLSM(ctx, e.admin.ID, e.clsm.ID, models.CLSMInput{Name: e.clsm.Name, RegionCode: "32", DepartementCode: "59",
		CoordinatorID: &e.coord.ID, Communes: []string{"59512"}, QPVs: []string{"QN05901M", "QN05902M"}}); err != nil {
		t.Fatal(err)
	}
	return e
}

// validRequest is a complete request for the Roubaix CLSM, the clock being
// at 2026-11-25: three windows from 11 January 2027 on.
func validRequest(e *env) url.Values {
	return url.Values{
		"clsm": {fmt.Sprint(e.clsm.ID)}, "commune": {"Roubaix"}, "qpvs": {"QN05901M"}, "other_qpvs": {""},
		"venue_name": {"Salle Watremez"}, "venue_address": {"2 rue Watremez, 59100 Roubaix"}, "step_free": {"yes"},
		"format": {"in_person"}, "remote_url": {""}, "audience": {"residents", "professionals"}, "expected_count": {"15"},
		"partners": {"Mission locale\nCollège Anne-Frank"}, "constraints": {"Pas le mercredi."}, "notes": {""},
		"windows[0].date": {"2027-01-11"}, "windows[0].part": {"morning"},
		"windows[1].date": {"2027-01-11"}, "windows[1].part": {"afternoon"},
		"windows[2].date": {"2027-01-18"}, "windows[2].until": {"2027-01-29"}, "windows[2].weekdays": {"2", "4"}, "windows[2].part": {"afternoon"},
		"windows[3].date": {""}, "windows[3].until": {""}, "windows[3].part": {""},
		"action": {"submit"},
	}
}

func with(v url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, vals := range v {
		out[k] = append([]string(nil), vals...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "\x00" {
			out.Del(kv[i])
		} else {
			out.Set(kv[i], kv[i+1])
		}
	}
	return out
}

var requestPath = regexp.MustCompile(`^/demandes/(\d+)$`)

// createRequest posts f as the Roubaix coordinator and returns the new id.
func (e *env) createRequest(c *client, f url.Values) int64 {
	e.t.Helper()
	r := c.post("/demandes/nouvelle", f)
	m := requestPath.FindStringSubmatch(r.Location)
	if r.Status != http.StatusSeeOther || m == nil {
		e.t.Fatalf("create: status %d → %q\n%s", r.Status, r.Location, summaryOf(r.Body))
	}
	var id int64
	fmt.Sscan(m[1], &id)
	return id
}

func (e *env) requestState(id int64) models.RequestState {
	e.t.Helper()
	r, err := e.store.RequestByID(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return r.State
}

func TestRequestForm_EveryFieldIsValidated(t *testing.T) {
	e := newRequestEnv(t)
	c := e.as(&e.coord)
	long := strings.Repeat("a", 3001)
	cases := []struct {
		name, field, want string
		form              url.Values
	}{
		{"commune missing", "commune", "Indiquez la commune", with(validRequest(e), "commune", "")},
		{"commune ambiguous", "commune", "Saint-Denis — CP 97400", with(validRequest(e), "commune", "Saint-Denis")},
		{"commune unknown", "commune", "Aucune commune", with(validRequest(e), "commune", "Nulle-Part-sur-Mer")},
		{"commune postcode of several communes", "commune", "Toufflers — CP 59390", with(validRequest(e), "commune", "59390")},
		{"commune bad code", "commune", "Aucune commune ne correspond au code", with(validRequest(e), "commune", "00000")},
		{"no quartier", "qpvs", "au moins un quartier", with(validRequest(e), "qpvs", "\x00")},
		{"unknown quartier", "other_qpvs", "QZ999999", with(validRequest(e), "other_qpvs", "QZ999999")},
		{"quartier ambiguous, one colon", "other_qpvs", "«\u00a0Alma\u00a0» peut désigner «\u00a0Alma-Gare (QN05901M)\u00a0». Saisissez le code", with(validRequest(e), "other_qpvs", "Alma")},
		{"venue name missing", "venue_name", "nom du lieu", with(validRequest(e), "venue_name", "")},
		{"venue name too long", "venue_name", "trop long", with(validRequest(e), "venue_name", long)},
		{"venue address missing", "venue_address", "adresse du lieu", with(validRequest(e), "venue_address", "")},
		{"step-free bogus", "step_free", "plain-pied", with(validRequest(e), "step_free", "maybe")},
		{"format bogus", "format", "format", with(validRequest(e), "format", "hologram")},
		{"remote without link", "remote_url", "visioconférence", with(validRequest(e), "format", "remote")},
		{"remote link not a URL", "remote_url", "https://", with(validRequest(e), "format", "remote", "remote_url", "ftp:/nope")},
		{"no audience", "audience", "au moins un public", with(validRequest(e), "audience", "\x00")},
		{"audience bogus", "audience", "publics proposés", with(validRequest(e), "audience", "aliens")},
		{"count not a number", "expected_count", "nombre entier", with(validRequest(e), "expected_count", "quinze")},
		{"count zero", "expected_count", "entre 1 et", with(validRequest(e), "expected_count", "0")},
		{"count missing", "expected_count", "nombre de personnes", with(validRequest(e), "expected_count", "")},
		{"partners too long", "partners", "trop long", with(validRequest(e), "partners", long)},
		{"two windows", "windows", "au moins 3 créneaux", with(validRequest(e), "windows[2].date", "", "windows[2].until", "", "windows[2].part", "", "windows[2].weekdays", "\x00")},
		{"window in the past", "windows[0].date", "déjà passée", with(validRequest(e), "windows[0].date", "2026-11-02")},
		{"window too soon", "windows[0].date", "trop proche", with(validRequest(e), "windows[0].date", "2026-12-10")},
		{"window overlaps", "windows[2].date", "chevauche le créneau n°\u00a01", with(validRequest(e), "windows[2].date", "2027-01-04", "windows[2].until", "2027-01-15", "windows[2].weekdays", "1", "windows[2].part", "morning")},
		{"window date garbage", "windows[1].date", "date valide", with(validRequest(e), "windows[1].date", "32/13/2027")},
		{"window without part", "windows[1].part", "moment de la journée", with(validRequest(e), "windows[1].part", "")},
		{"window part without date", "windows[3].date", "Indiquez la date", with(validRequest(e), "windows[3].part", "evening")},
		{"range backwards", "windows[2].until", "postérieure", with(validRequest(e), "windows[2].until", "2027-01-12")},
		{"range weekdays bogus", "windows[2].weekdays", "jours proposés", with(validRequest(e), "windows[2].weekdays", "9")},
		{"range without its weekdays", "windows[2].weekdays", "aucun des jours", with(validRequest(e), "windows[2].until", "2027-01-20", "windows[2].weekdays", "5")},
		{"constraints too long", "constraints", "trop long", with(validRequest(e), "constraints", long)},
		{"notes too long", "notes", "trop long", with(validRequest(e), "notes", long)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := c.post("/demandes/nouvelle", tc.form)
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", r.Status)
			}
			id := fieldIDOf(tc.field)
			if !strings.Contains(r.Body, `id="`+id+`-erreur"`) || !strings.Contains(r.Body, `href="#`+id+`"`) {
				t.Errorf("no message next to %s, or no link to it in the summary", tc.field)
			}
			if !strings.Contains(r.Body, tc.want) {
				t.Errorf("the page does not say %q", tc.want)
			}
			// Everything typed is kept.
			if tc.field != "venue_name" && !strings.Contains(r.Body, `value="Salle Watremez"`) {
				t.Error("the venue name typed was lost")
			}
			if tc.field != "constraints" && !strings.Contains(r.Body, "Pas le mercredi.") {
				t.Error("the constraints typed were lost")
			}
		})
	}
	if rows, _ := e.store.ListRequests(context.Background(), models.RequestFilter{}); len(rows) != 0 {
		t.Errorf("refused forms left %d requests", len(rows))
	}
}

// fieldIDOf mirrors the template's fieldID: "windows[0].date" → "f-windows-0-date".
func fieldIDOf(field string) string {
	return "f-" + strings.NewReplacer(".", "-", "[", "-", "]", "", "_", "-").Replace(field)
}

func TestRequestForm_TypedDatesAndCommuneAreKept(t *testing.T) {
	e := newRequestEnv(t)
	c := e.as(&e.coord)
	r := c.post("/demandes/nouvelle", with(validRequest(e), "windows[1].date", "12/01/2027x", "commune", "Saint-Denis"))
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", r.Status)
	}
	if !strings.Contains(r.Body, `type="text" value="12/01/2027x"`) {
		t.Error("a date typed by hand is not shown back as typed")
	}
	if !strings.Contains(r.Body, `value="Saint-Denis"`) {
		t.Error("the commune typed was lost")
	}
	// A French date and a postcode are understood.
	id := e.createRequest(c, with(validRequest(e), "windows[1].date", "12/01/2027", "commune", "59000"))
	req, err := e.store.RequestByID(context.Background(), id)
	if err != nil || req.CommuneINSEE != "59350" || req.Windows[1].DateFrom.Format("2006-01-02") != "2027-01-12" || req.TimeZone != "Europe/Paris" {
		t.Fatalf("stored %+v, %v", req, err)
	}
}

func TestRequest_DraftSubmitEditWithdraw(t *testing.T) {
	e := newRequestEnv(t)
	c := e.as(&e.coord)
	id := e.createRequest(c, url.Values{"clsm": {fmt.Sprint(e.clsm.ID)}, "venue_name": {"Salle Watremez"}, "format": {"in_person"}, "step_free": {"unknown"}, "action": {"draft"}})
	if st := e.requestState(id); st != models.RequestDraft {
		t.Fatalf("state %s", st)
	}
	path := fmt.Sprintf("/demandes/%d", id)
	if r := c.get(path); r.Status != http.StatusOK || !strings.Contains(r.Body, "Brouillon") {
		t.Fatalf("detail: %d", r.Status)
	}
	if r := c.get(path + "/modifier"); r.Status != http.StatusOK || !strings.Contains(r.Body, `value="Salle Watremez"`) {
		t.Fatalf("edit form: %d", r.Status)
	}
	if r := c.post(path+"/modifier", validRequest(e)); r.Status != http.StatusSeeOther || r.Location != path {
		t.Fatalf("submit: %d %s\n%s", r.Status, r.Location, r.Body)
	}
	if st := e.requestState(id); st != models.RequestSubmitted {
		t.Fatalf("state %s", st)
	}
	// Still editable until reviewed; an edit stays complete.
	if r := c.post(path+"/modifier", with(validRequest(e), "venue_name", "")); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("incomplete edit of a submitted request: %d", r.Status)
	}
	if r := c.post(path+"/modifier", with(with(validRequest(e), "expected_count", "18"), "venue_name", "Salle Léo-Lagrange")); r.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d", r.Status)
	}
	r := c.get(path)
	// The edit names what changed, in the form's order, and only that.
	if strings.Contains(r.Body, "créneaux.") || strings.Contains(r.Body, "a modifié : commune") {
		t.Errorf("history names fields that did not change:\n%s", r.Body)
	}
	for _, want := range []string{"a créé la demande (brouillon)", "a envoyé la demande", "a modifié : lieu, nombre de personnes.", "lundi 11 janvier 2027, matin", "les mardis et jeudis", "18"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("detail lacks %q", want)
		}
	}
	if r := c.post(path+"/retirer", url.Values{"comment": {"Plus de salle."}, "confirm": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", r.Status)
	}
	if st := e.requestState(id); st != models.RequestWithdrawn {
		t.Fatalf("state %s", st)
	}
	if r := c.get(path + "/modifier"); r.Status != http.StatusSeeOther || r.Location != path {
		t.Errorf("edit form of a withdrawn request: %d %s", r.Status, r.Location)
	}
	if r := c.post(path+"/modifier", validRequest(e)); r.Status != http.StatusConflict {
		t.Errorf("edit of a withdrawn request: %d", r.Status)
	}
	if r := c.post(path+"/retirer", url.Values{"confirm": {"1"}}); r.Status != http.StatusConflict || !strings.Contains(r.Body, "Retirée") {
		t.Errorf("second withdrawal: %d", r.Status)
	}
}

func TestRequest_OtherCLSMIsNotFound(t *testing.T) {
	e := newRequestEnv(t)
	id := e.createRequest(e.as(&e.coord), validRequest(e))
	other := e.as(&e.coord2)
	path := fmt.Sprintf("/demandes/%d", id)
	for _, r := range []resp{
		other.get(path), other.get(path + "/modifier"),
		other.post(path+"/modifier", validRequest(e)), other.post(path+"/retirer", nil),
	} {
		if r.Status != http.StatusNotFound {
			t.Errorf("another CLSM's request: status %d, want 404", r.Status)
		}
	}
	if r := other.get("/demandes"); strings.Contains(r.Body, path) {
		t.Error("another CLSM's request is listed")
	}
	// Posting for a CLSM that is not one's own is refused too.
	if r := other.post("/demandes/nouvelle", with(validRequest(e), "clsm", fmt.Sprint(e.clsm.ID))); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "f-clsm-erreur") {
		t.Errorf("create for another CLSM: %d", r.Status)
	}
	if st := e.requestState(id); st != models.RequestSubmitted {
		t.Errorf("state %s", st)
	}
}

func TestRequest_CSRF(t *testing.T) {
	e := newRequestEnv(t)
	c := e.as(&e.coord)
	id := e.createRequest(c, validRequest(e))
	other := e.as(&e.coord2)
	for _, p := range []string{"/demandes/nouvelle", fmt.Sprintf("/demandes/%d/modifier", id), fmt.Sprintf("/demandes/%d/retirer", id)} {
		if r := c.post(p, with(validRequest(e), "csrf_token", other.csrf())); r.Status != http.StatusForbidden {
			t.Errorf("POST %s with another session's token: %d", p, r.Status)
		}
	}
	admin := e.as(&e.admin)
	for _, a := range []string{"accepter", "refuser", "modifications"} {
		if r := admin.post(fmt.Sprintf("/admin/demandes/%d/%s", id, a), url.Values{"csrf_token": {"x"}, "comment": {"Non."}}); r.Status != http.StatusForbidden {
			t.Errorf("%s without a valid token: %d", a, r.Status)
		}
	}
	if st := e.requestState(id); st != models.RequestSubmitted {
		t.Errorf("state %s", st)
	}
}

var summaryList = regexp.MustCompile(`(?s)<div class="error-summary".*?</ol>`)

// summaryOf is the error summary of a page, for failure messages.
func summaryOf(body string) string {
	if m := summaryList.FindString(body); m != "" {
		return m
	}
	return body
}

// Enter in a field of the long form, without JavaScript, presses the
// form's first submit button: it must save a draft and come back to the
// form, never leave it, whatever the request's state.
func TestRequestForm_EnterSavesAndStays(t *testing.T) {
	e := newRequestEnv(t)
	c := e.as(&e.coord)
	form := c.get("/demandes/nouvelle").Body
	form = form[strings.Index(form, `class="request-form"`):]
	first := strings.Index(form, `type="submit"`)
	if first < 0 || !strings.Contains(form[first:first+80], `value="stay"`) {
		t.Fatalf("the first submit button of the form is not the one that stays")
	}
	r := c.post("/demandes/nouvelle", with(validRequest(e), "action", "stay", "venue_name", "Salle Watremez"))
	if r.Status != http.StatusSeeOther || !strings.HasSuffix(r.Location, "/modifier") {
		t.Fatalf("stay on a new request: %d %s", r.Status, r.Location)
	}
	path := strings.TrimSuffix(r.Location, "/modifier")
	id, _ := strconv.ParseInt(path[strings.LastIndex(path, "/")+1:], 10, 64)
	if st := e.requestState(id); st != models.RequestDraft {
		t.Errorf("stay made the request %s, want a draft", st)
	}
	if r := c.get(path + "/modifier"); !strings.Contains(r.Body, "Vous pouvez continuer la saisie") || !strings.Contains(r.Body, `value="Salle Watremez"`) {
		t.Errorf("back on the form, the flash or the values are missing")
	}
	// A submitted request stays submitted, and Enter still does not leave.
	if r := c.post(path+"/modifier", validRequest(e)); r.Status != http.StatusSeeOther {
		t.Fatalf("submit: %d", r.Status)
	}
	r = c.post(path+"/modifier", with(validRequest(e), "action", "stay", "notes", "Salle au 1er étage."))
	if r.Status != http.StatusSeeOther || r.Location != path+"/modifier" || e.requestState(id) != models.RequestSubmitted {
		t.Errorf("stay on a submitted request: %d %s %s", r.Status, r.Location, e.requestState(id))
	}
}

// TestRequestForm_RefusedFormKeepsEachRowsChoices: a refused form shows
// each row of windows with its own moment of the day selected, its own
// weekdays ticked and its own error, not another row's.
func TestRequestForm_RefusedFormKeepsEachRowsChoices(t *testing.T) {
	e := newRequestEnv(t)
	c := e.as(&e.coord)
	r := c.post("/demandes/nouvelle", with(validRequest(e), "windows[1].until", "zz"))
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", r.Status)
	}
	selected := func(row int) []string {
		m := regexp.MustCompile(`(?s)<select id="f-windows-` + strconv.Itoa(row) + `-part" name="windows\[` + strconv.Itoa(row) + `\]\.part"[^>]*>(.*?)</select>`).FindStringSubmatch(r.Body)
		if m == nil {
			t.Fatalf("no select for the moment of row %d", row)
		}
		var out []string
		for _, o := range regexp.MustCompile(`value="([a-z_]*)" selected`).FindAllStringSubmatch(m[1], -1) {
			out = append(out, o[1])
		}
		return out
	}
	ticked := func(row int) []string {
		var out []string
		for _, m := range regexp.MustCompile(`name="windows\[`+strconv.Itoa(row)+`\]\.weekdays" value="(\d)" checked`).FindAllStringSubmatch(r.Body, -1) {
			out = append(out, m[1])
		}
		return out
	}
	for row, want := range map[int][]string{0: {"morning"}, 1: {"afternoon"}, 2: {"afternoon"}, 3: nil} {
		if got := selected(row); !slices.Equal(got, want) {
			t.Errorf("row %d: moment selected %q, want %q", row, got, want)
		}
	}
	for row, want := range map[int][]string{0: nil, 1: nil, 2: {"2", "4"}, 3: nil} {
		if got := ticked(row); !slices.Equal(got, want) {
			t.Errorf("row %d: weekdays ticked %q, want %q", row, got, want)
		}
	}
	if !strings.Contains(r.Body, `id="f-windows-1-until" name="windows[1].until" type="text" value="zz" aria-invalid="true" aria-describedby="f-windows-1-until-erreur"`) {
		t.Error("the unreadable last day of row 2 is not shown back, marked invalid")
	}
	if n := strings.Count(r.Body, `aria-invalid="true"`); n != 1 {
		t.Errorf("%d fields marked invalid, want the one", n)
	}
}
