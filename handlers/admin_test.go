package handlers_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"quartier/models"
)

func TestAdmin_CreateCoordinatorForNewCLSM(t *testing.T) {
	e := newEnv(t)
	c := e.as(&e.admin)
	r := c.post("/admin/clsm/nouveau", url.Values{"name": {"CLSM d'Amiens"}, "departement": {"80"}, "communes": {"Amiens"}, "territory": {"Amiens Nord et Étouvie"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("create CLSM: %d\n%s", r.Status, r.Body)
	}
	clsmPath := r.Location
	r = c.get(clsmPath)
	if !strings.Contains(r.Body, "Amiens (80021)") || !strings.Contains(r.Body, "CLSM créé") || !strings.Contains(r.Body, "Alice Admin") {
		t.Fatalf("CLSM page lacks its commune or audit trail")
	}
	clsmID := clsmPath[strings.LastIndex(clsmPath, "/")+1:]
	r = c.post("/admin/personnes/nouvelle", url.Values{"name": {"Léa Picard"}, "email": {"Lea.Picard@Amiens.fr"}, "role": {"coordinator"}, "clsm": {clsmID}, "time_zone": {"Europe/Paris"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("create person: %d\n%s", r.Status, r.Body)
	}
	if n := e.countMail("lea.picard@amiens.fr"); n != 1 {
		t.Fatalf("welcome mails: %d", n)
	}
	// The welcome link signs the new coordinator in, on her CLSM.
	token := e.lastLink("lea.picard@amiens.fr")
	lea := e.client()
	if r := lea.post("/connexion/lien/"+token, nil); r.Status != http.StatusSeeOther {
		t.Fatalf("welcome link: %d", r.Status)
	}
	if r := lea.get("/tableau-de-bord"); !strings.Contains(r.Body, "CLSM d&#39;Amiens") {
		t.Errorf("new coordinator does not see her CLSM")
	}
	// Same address, other case: refused next to the field, values kept.
	r = c.post("/admin/personnes/nouvelle", url.Values{"name": {"Autre"}, "email": {"LEA.PICARD@amiens.fr"}, "role": {"coordinator"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Un compte existe déjà") || !strings.Contains(r.Body, `value="Autre"`) {
		t.Errorf("duplicate address: %d", r.Status)
	}
}

func TestAdmin_FormErrorsKeepValues(t *testing.T) {
	e := newEnv(t)
	c := e.as(&e.admin)
	r := c.post("/admin/personnes/nouvelle", url.Values{"name": {""}, "email": {"pas-une-adresse"}, "role": {"facilitator"}, "home_commune": {"Zzzyxville"}, "max_per_day": {"deux"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", r.Status)
	}
	for _, want := range []string{"Saisissez le nom", "adresse électronique valide", "Aucune commune ne s’appelle", "nombre entier", `value="pas-une-adresse"`, `value="Zzzyxville"`, `href="#f-email"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if n, _ := e.store.CountUsers(context.Background()); n != 4 {
		t.Errorf("a row was written: %d users", n)
	}
}

func TestAdmin_DeactivateUserAndLastAdmin(t *testing.T) {
	e := newEnv(t)
	c := e.as(&e.admin)
	coord := e.as(&e.coord)
	if r := c.post("/admin/personnes/"+itoa(e.coord.ID)+"/desactiver", url.Values{"confirm": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("deactivate: %d", r.Status)
	}
	if r := coord.get("/tableau-de-bord"); r.Status != http.StatusSeeOther {
		t.Errorf("deactivated user still signed in: %d", r.Status)
	}
	if r := c.get("/admin/personnes/" + itoa(e.coord.ID)); !strings.Contains(r.Body, "compte désactivé") {
		t.Errorf("audit trail lacks the deactivation")
	}
	r := c.post("/admin/personnes/"+itoa(e.admin.ID)+"/desactiver", url.Values{"confirm": {"1"}})
	if r.Status != http.StatusConflict || !strings.Contains(r.Body, "dernier compte d") {
		t.Errorf("last admin: %d", r.Status)
	}
}

func TestAdmin_SeasonsCreateAndClose(t *testing.T) {
	e := newEnv(t)
	c := e.as(&e.admin)
	r := c.post("/admin/saisons", url.Values{"name": {"Saison 2027-2028"}, "starts_on": {"2027-09-01"}, "ends_on": {"2027-08-01"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "postérieure") || !strings.Contains(r.Body, `value="Saison 2027-2028"`) {
		t.Fatalf("end before start: %d", r.Status)
	}
	if r := c.post("/admin/saisons", url.Values{"name": {"Saison 2027-2028"}, "starts_on": {"2027-09-01"}, "ends_on": {"2028-07-01"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("create: %d", r.Status)
	}
	seasons, _ := e.store.Seasons(context.Background())
	var cur models.Season
	for _, s := range seasons {
		if s.IsCurrent {
			cur = s
		}
	}
	if r := c.post("/admin/saisons/"+itoa(cur.ID)+"/cloturer", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("close without confirmation: %d", r.Status)
	}
	if s, _ := e.store.SeasonByID(context.Background(), cur.ID); s.Status != models.SeasonOpen {
		t.Fatal("closed without confirmation")
	}
	c.post("/admin/saisons/"+itoa(cur.ID)+"/cloturer", url.Values{"confirm": {"oui"}})
	s, _ := e.store.SeasonByID(context.Background(), cur.ID)
	if s.Status != models.SeasonClosed || s.ClosedAt == nil || s.IsCurrent {
		t.Fatalf("season after close: %+v", s)
	}
	if r := c.post("/admin/saisons/"+itoa(cur.ID)+"/cloturer", url.Values{"confirm": {"oui"}}); r.Status != http.StatusConflict {
		t.Errorf("closing twice: %d", r.Status)
	}
}

func TestAdmin_QPVImportReportsLineByLine(t *testing.T) {
	e := newEnv(t)
	c := e.as(&e.admin)
	csv := "code_qp;lib_qp;insee_com\nQN05901M;Alma-Gare;59512\nQN05902M;;59512\nQN05903M;Inconnu;99999\nQN05901M;Alma-Gare;59512\nQN05904M;Épeule;59512\n"
	upload := func(body string) resp {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		w.WriteField("csrf_token", c.csrf())
		fw, _ := w.CreateFormFile("file", "qpv.csv")
		fw.Write([]byte(body))
		w.Close()
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/admin/qpv/import", &buf)
		req.Header.Set("Content-Type", w.FormDataContentType())
		return c.do(req)
	}
	r := upload(csv)
	if r.Status != http.StatusOK {
		t.Fatalf("import: %d", r.Status)
	}
	for _, want := range []string{"<strong>2</strong> ajoutés", "ligne 3", "ligne 4", "99999"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if !strings.Contains(r.Body, "import de la liste des QPV") {
		t.Errorf("the import is not in the page's history")
	}
	r = upload("code_qp;lib_qp;insee_com\nQN05901M;Alma-Gare Nord;59512\n")
	if !strings.Contains(r.Body, "<strong>1</strong> modifié") {
		t.Errorf("second import does not report the change")
	}
	if r := upload("\x00\x01 pas un csv"); r.Status != http.StatusUnprocessableEntity && !strings.Contains(r.Body, "rejet") {
		t.Errorf("garbage file: %d", r.Status)
	}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// TestAdmin_SavedFormsSaveAgain: a page's own values, sent back untouched,
// are accepted (the commune is written so that it reads back the same).
func TestAdmin_SavedFormsSaveAgain(t *testing.T) {
	e := newEnv(t)
	c := e.as(&e.admin)
	page := c.get("/admin/personnes/" + itoa(e.facil.ID))
	if !strings.Contains(page.Body, `value="Lille — CP 59000"`) {
		t.Fatalf("home commune not written back as « Lille — CP 59000 »")
	}
	r := c.post("/admin/personnes/"+itoa(e.facil.ID), url.Values{"name": {e.facil.Name}, "email": {e.facil.Email}, "role": {"facilitator"},
		"home_commune": {"Lille — CP 59000"}, "time_zone": {"Europe/Paris"}, "max_per_day": {"1"}, "max_per_week": {"3"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("saving the page again: %d\n%s", r.Status, r.Body)
	}
	r = c.post("/admin/clsm/"+itoa(e.clsm.ID), url.Values{"name": {e.clsm.Name}, "departement": {"59"}, "communes": {"Roubaix (59512)\nLille (59350)"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("saving the CLSM: %d", r.Status)
	}
	cov, _ := e.store.CLSMCoverageOf(context.Background(), e.clsm.ID)
	if strings.Join(cov.Communes, ",") != "59350,59512" {
		t.Errorf("communes = %v", cov.Communes)
	}
}

func TestAdmin_QPVSearchIgnoresAccents(t *testing.T) {
	e := newEnv(t)
	c := e.as(&e.admin)
	if r := c.post("/admin/qpv", url.Values{"code": {"QN05906M"}, "name": {"Épeule"}, "communes": {"Roubaix (59512)"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("save QPV: %d\n%s", r.Status, r.Body)
	}
	if r := c.get("/admin/qpv?q=epeule"); !strings.Contains(r.Body, "QN05906M") || !strings.Contains(r.Body, "59512") {
		t.Errorf("« epeule » does not find « Épeule » with its commune")
	}
	if r := c.get("/admin/qpv"); !strings.Contains(r.Body, "<td>59512</td>") {
		t.Errorf("the list lacks the quartier's commune")
	}
	// The CLSM form offers the quartiers of its département only.
	if r := c.get("/admin/clsm/" + itoa(e.clsm.ID)); !strings.Contains(r.Body, `value="QN05906M"`) {
		t.Errorf("Roubaix's CLSM is not offered Épeule")
	}
	if r := c.get("/admin/clsm/" + itoa(e.clsm2.ID)); strings.Contains(r.Body, `value="QN05906M"`) {
		t.Errorf("Cholet's CLSM is offered a quartier of the Nord")
	}
}

// TestAdmin_HandOverKeepsHistory: a CLSM handed over to a new coordinator
// keeps its requests; the former coordinator no longer sees them, and the
// request's history still names who did what.
func TestAdmin_HandOverKeepsHistory(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	req, err := e.store.CreateRequest(ctx, e.coord.ID, e.clsm.ID, models.RequestInput{Notes: "Première demande", TimeZone: "Europe/Paris"}, false)
	if err != nil {
		t.Fatal(err)
	}
	admin := e.as(&e.admin)
	r := admin.post("/admin/personnes/nouvelle", url.Values{"name": {"Karim Haddad"}, "email": {"karim.haddad@exemple.fr"}, "role": {"coordinator"}, "clsm": {itoa(e.clsm.ID)}, "time_zone": {"Europe/Paris"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("create the new coordinator: %d", r.Status)
	}
	karim, err := e.store.UserByEmail(ctx, "karim.haddad@exemple.fr")
	if err != nil {
		t.Fatal(err)
	}
	if r := e.as(&karim).get("/demandes/" + itoa(req.ID)); r.Status != http.StatusOK || !strings.Contains(r.Body, "Nadia Coord") {
		t.Errorf("the new coordinator does not get the CLSM's history: %d", r.Status)
	}
	if r := e.as(&e.coord).get("/demandes/" + itoa(req.ID)); r.Status != http.StatusNotFound {
		t.Errorf("the former coordinator still sees the request: %d", r.Status)
	}
	if r := admin.get("/admin/clsm/" + itoa(e.clsm.ID)); !strings.Contains(r.Body, "coordination confiée à Karim Haddad") {
		t.Errorf("the hand-over is not in the CLSM's history")
	}
}
