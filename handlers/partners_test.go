package handlers_test

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"quartier/links"
	"quartier/models"
)

// scheduledRequest files a request of e.clsm, accepts it and schedules its
// session (Monday 11 January 2027, 14:00 Paris) through the store.
func (e *env) scheduledRequest(coord *client) (int64, models.Session) {
	e.t.Helper()
	ctx := context.Background()
	id := e.createRequest(coord, validRequest(e))
	if _, err := e.store.DecideRequest(ctx, e.admin.ID, id, models.RequestAccepted, ""); err != nil {
		e.t.Fatal(err)
	}
	e.workWeek(e.facil.ID)
	start := time.Date(2027, 1, 11, 13, 0, 0, 0, time.UTC)
	if _, err := e.store.ProposeSession(ctx, e.admin.ID, id, models.SessionSlot{FacilitatorID: e.facil.ID, Start: start,
		End: start.Add(3 * time.Hour), TimeZone: "Europe/Paris"}); err != nil {
		e.t.Fatal(err)
	}
	se, err := e.store.ConfirmSession(ctx, e.coord.ID, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return id, se
}

// signupLinks builds the sign-up links as the app does.
func (e *env) signupLinks() *links.Links {
	l, err := links.New([]byte(e.cfg.Server.Secret), e.cfg.Server.BaseURL)
	if err != nil {
		e.t.Fatal(err)
	}
	return l
}

func TestPartners_InviteResendRevokeReissue(t *testing.T) {
	e := newRequestEnv(t)
	ctx := context.Background()
	coord := e.as(&e.coord)
	id, se := e.scheduledRequest(coord)
	path := fmt.Sprintf("/demandes/%d/structures", id)

	page := coord.get(path)
	for _, want := range []string{"Structures partenaires et inscriptions", "lundi 11 janvier 2027, 14 h 00 – 17 h 00 (heure de Paris)",
		"<strong>0 / 20</strong> places confirmées", "Aucune structure invitée", `name="contact_email"`, `<option value="youth_job"`,
		fmt.Sprintf(`href="/demandes/%d/inscrits"`, id)} {
		if page.Status != http.StatusOK || !strings.Contains(page.Body, want) {
			t.Fatalf("page (%d) lacks %q", page.Status, want)
		}
	}

	// Bad input: French messages next to the fields, what was typed kept,
	// nothing recorded, nothing sent.
	bad := coord.post(path, url.Values{"name": {"  "}, "kind": {"club"}, "contact_name": {"Karim Belkacem"}, "contact_email": {"karim@"}})
	body := html.UnescapeString(bad.Body)
	for _, want := range []string{"Saisissez le nom de la structure.", "Choisissez le type de structure dans la liste.",
		"Saisissez une adresse électronique valide", `value="Karim Belkacem"`, `value="karim@"`, `id="f-contact-email-erreur"`} {
		if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(body, want) {
			t.Errorf("bad input (%d) lacks %q", bad.Status, want)
		}
	}
	long := coord.post(path, url.Values{"name": {strings.Repeat("x", 400)}, "kind": {"school"}, "contact_email": {"a@exemple.fr"}})
	if long.Status != http.StatusUnprocessableEntity || !strings.Contains(long.Body, `id="f-name-erreur"`) {
		t.Errorf("name over its bound: %d", long.Status)
	}
	if rows, _ := e.store.SessionPartners(ctx, se.ID); len(rows) != 0 {
		t.Fatalf("bad input invited %d partners", len(rows))
	}

	r := coord.post(path, url.Values{"name": {"Mission locale de Roubaix"}, "kind": {"youth_job"}, "contact_name": {"Karim Belkacem"},
		"contact_email": {"Karim@ML-Roubaix.example.fr"}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, path+"#structure-") {
		t.Fatalf("invite: %d → %q\n%s", r.Status, r.Location, summaryOf(r.Body))
	}
	rows, err := e.store.SessionPartners(ctx, se.ID)
	if err != nil || len(rows) != 1 {
		t.Fatalf("partners = %+v, %v", rows, err)
	}
	p := rows[0]
	contact := "karim@ml-roubaix.example.fr"
	if n := e.countKind(contact, "partner_link"); n != 1 {
		t.Errorf("invitation mails: %d", n)
	}
	l := e.signupLinks()
	page = coord.get(path)
	for _, want := range []string{"« Mission locale de Roubaix » est invitée", "Mission locale de Roubaix", "mission locale · Karim Belkacem",
		`value="` + l.SignupURL(p.ID, 0) + `" readonly`, `data-copy="f-link-`, "Renvoyer le lien", "Révoquer le lien…"} {
		if !strings.Contains(html.UnescapeString(page.Body), want) {
			t.Errorf("page after the invitation lacks %q", want)
		}
	}

	act := func(verb string, form url.Values) resp {
		return coord.post(fmt.Sprintf("%s/%d/%s", path, p.ID, verb), form)
	}
	if r := act("renvoyer", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("resend: %d", r.Status)
	}
	if n := e.countKind(contact, "partner_link"); n != 2 {
		t.Errorf("after the resend, %d mails", n)
	}
	// Revoking asks first, then stops the link at once.
	if r := act("revoquer", nil); r.Status != http.StatusOK || !strings.Contains(r.Body, `name="confirm" value="1"`) ||
		!strings.Contains(html.UnescapeString(r.Body), "Révoquer le lien d’inscription de « Mission locale de Roubaix »") {
		t.Fatalf("revoke, first step: %d", r.Status)
	}
	if _, err := e.store.SignupLinkVersion(ctx, p.ID); err != nil {
		t.Fatalf("the first step revoked: %v", err)
	}
	if r := act("revoquer", url.Values{"confirm": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.Status)
	}
	if _, err := e.store.SignupLinkVersion(ctx, p.ID); !errors.Is(err, models.ErrLinkRevoked) {
		t.Errorf("after revoking: %v", err)
	}
	page = coord.get(path)
	if !strings.Contains(page.Body, "Lien révoqué") || strings.Contains(page.Body, l.SignupURL(p.ID, 0)) {
		t.Error("the page still shows the revoked link")
	}
	if r := act("renvoyer", nil); r.Status != http.StatusConflict {
		t.Errorf("resending a revoked link: %d", r.Status)
	}
	// A revoked link is replaced at once; a live one is confirmed first.
	if r := act("nouveau-lien", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("new link: %d", r.Status)
	}
	if v, err := e.store.SignupLinkVersion(ctx, p.ID); err != nil || v != 1 {
		t.Errorf("after the new link: version %d, %v", v, err)
	}
	if r := act("nouveau-lien", nil); r.Status != http.StatusOK || !strings.Contains(r.Body, `name="confirm" value="1"`) {
		t.Errorf("replacing a live link without confirming: %d", r.Status)
	}
	if n := e.countKind(contact, "partner_link"); n != 3 {
		t.Errorf("after the new link, %d mails", n)
	}
	if !strings.Contains(coord.get(path).Body, l.SignupURL(p.ID, 1)) {
		t.Error("the page does not show the new link")
	}
	// The request page's box counts the invited organisations.
	req := coord.get(fmt.Sprintf("/demandes/%d", id))
	for _, want := range []string{`id="inscriptions"`, "<strong>0 / 20</strong>", path + `"`, fmt.Sprintf("/demandes/%d/inscrits", id)} {
		if !strings.Contains(req.Body, want) {
			t.Errorf("request page lacks %q", want)
		}
	}
	adm := e.as(&e.admin).get(fmt.Sprintf("/admin/demandes/%d", id))
	if !strings.Contains(adm.Body, `id="inscriptions"`) || strings.Contains(adm.Body, path+`"`) {
		t.Error("admin page: the sign-ups box is missing or links to the coordinator's page")
	}
	if dash := coord.get("/tableau-de-bord"); !strings.Contains(dash.Body, path) {
		t.Error("dashboard does not list the session's sign-ups")
	}
}

func TestPartners_AddressBook(t *testing.T) {
	e := newRequestEnv(t)
	ctx := context.Background()
	coord := e.as(&e.coord)
	id, se := e.scheduledRequest(coord)
	path := fmt.Sprintf("/demandes/%d/structures", id)
	var ids []string
	for i, name := range []string{"Épicerie solidaire", "Maison de quartier", "Sans contact"} {
		email := fmt.Sprintf("c%d@exemple.fr", i)
		if i == 2 {
			email = ""
		}
		o, err := e.store.CreateOrganisation(ctx, e.coord.ID, e.clsm.ID, models.OrganisationInput{Name: name, Kind: models.OrgAssociation, ContactEmail: email})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, fmt.Sprint(o.ID))
	}
	other, err := e.store.CreateOrganisation(ctx, e.admin.ID, e.clsm2.ID, models.OrganisationInput{Name: "Régie de Cholet", Kind: models.OrgOther, ContactEmail: "r@exemple.fr"})
	if err != nil {
		t.Fatal(err)
	}
	page := coord.get(path)
	if !strings.Contains(page.Body, `name="orgs" value="`+ids[0]+`"`) || strings.Contains(page.Body, "Régie de Cholet") {
		t.Fatal("the address book lacks the CLSM's organisations or shows another CLSM's")
	}
	if r := coord.post(path+"/carnet", nil); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Cochez au moins une structure") {
		t.Errorf("empty pick: %d", r.Status)
	}
	if r := coord.post(path+"/carnet", url.Values{"orgs": {ids[2]}}); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(html.UnescapeString(r.Body), "n’a pas d’adresse électronique de contact") || !strings.Contains(r.Body, `value="`+ids[2]+`" checked`) {
		t.Errorf("pick without a contact: %d", r.Status)
	}
	if r := coord.post(path+"/carnet", url.Values{"orgs": {ids[0], fmt.Sprint(other.ID)}}); r.Status != http.StatusNotFound {
		t.Errorf("pick with another CLSM's organisation: %d", r.Status)
	}
	if r := coord.post(path+"/carnet", url.Values{"orgs": {"x"}}); r.Status != http.StatusNotFound {
		t.Errorf("pick with a malformed id: %d", r.Status)
	}
	if rows, _ := e.store.SessionPartners(ctx, se.ID); len(rows) != 0 {
		t.Fatalf("refused picks invited %d", len(rows))
	}
	if r := coord.post(path+"/carnet", url.Values{"orgs": {ids[0], ids[1]}}); r.Status != http.StatusSeeOther {
		t.Fatalf("pick two: %d\n%s", r.Status, summaryOf(r.Body))
	}
	if rows, _ := e.store.SessionPartners(ctx, se.ID); len(rows) != 2 {
		t.Errorf("after the pick: %d partners", len(rows))
	}
	if e.countKind("c0@exemple.fr", "partner_link") != 1 || e.countKind("c1@exemple.fr", "partner_link") != 1 {
		t.Error("each picked organisation gets its link")
	}
}

// TestPartners_Access: the partners page and its actions are the
// coordinator's of the request's CLSM only; a partner named in the URL
// must be of that request's session; a request without a scheduled
// session says so.
func TestPartners_Access(t *testing.T) {
	e := newRequestEnv(t)
	ctx := context.Background()
	coord := e.as(&e.coord)
	id, se := e.scheduledRequest(coord)
	path := fmt.Sprintf("/demandes/%d/structures", id)
	p, err := e.store.InvitePartner(ctx, e.coord.ID, se.ID, 0, models.OrganisationInput{Name: "Collège", Kind: models.OrgSchool, ContactEmail: "college@exemple.fr"})
	if err != nil {
		t.Fatal(err)
	}
	good := func() url.Values {
		return url.Values{"name": {"X"}, "kind": {"other"}, "contact_email": {"x@exemple.fr"}}
	}
	posts := map[string]url.Values{path: good(), path + "/carnet": {"orgs": {"1"}}}
	for _, verb := range []string{"renvoyer", "revoquer", "nouveau-lien"} {
		posts[fmt.Sprintf("%s/%d/%s", path, p.ID, verb)] = url.Values{"confirm": {"1"}}
	}
	for who, want := range map[string]int{"coord2": http.StatusNotFound, "facilitator": http.StatusForbidden, "admin": http.StatusForbidden} {
		u := map[string]*models.User{"coord2": &e.coord2, "facilitator": &e.facil, "admin": &e.admin}[who]
		c := e.as(u)
		if r := c.get(path); r.Status != want {
			t.Errorf("%s GET: %d, want %d", who, r.Status, want)
		}
		for to, form := range posts {
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			if r := c.post(to, f); r.Status != want {
				t.Errorf("%s POST %s: %d, want %d", who, to, r.Status, want)
			}
		}
	}
	if n := e.countKind("college@exemple.fr", "partner_link"); n != 1 {
		t.Errorf("refused actions sent mail: %d", n)
	}
	if _, err := e.store.SignupLinkVersion(ctx, p.ID); err != nil {
		t.Errorf("a refused action revoked the link: %v", err)
	}
	// The same partner through another request of the same coordinator.
	other := e.createRequest(coord, validRequest(e))
	if r := coord.post(fmt.Sprintf("/demandes/%d/structures/%d/revoquer", other, p.ID), url.Values{"confirm": {"1"}}); r.Status != http.StatusNotFound {
		t.Errorf("partner through another request: %d", r.Status)
	}
	// A request without a scheduled session: a French message, and its
	// actions are refused.
	r := coord.get(fmt.Sprintf("/demandes/%d/structures", other))
	if r.Status != http.StatusOK || !strings.Contains(html.UnescapeString(r.Body), "cette demande n’a pas de séance programmée") || strings.Contains(r.Body, `name="contact_email"`) {
		t.Errorf("unscheduled request: %d", r.Status)
	}
	if r := coord.post(fmt.Sprintf("/demandes/%d/structures", other), good()); r.Status != http.StatusConflict {
		t.Errorf("invite to an unscheduled request: %d", r.Status)
	}
	// Once the session has begun, the page still lists the partners but
	// offers no action.
	e.clock.Add(se.StartsAt.Sub(e.clock.Now()) + time.Minute)
	r = e.as(&e.coord).get(path)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "Collège") || strings.Contains(r.Body, "Renvoyer le lien") ||
		!strings.Contains(html.UnescapeString(r.Body), "La séance a commencé") {
		t.Errorf("started session: %d", r.Status)
	}
}

func TestAddressBookPages_EditAContact(t *testing.T) {
	e := newRequestEnv(t)
	ctx := context.Background()
	coord := e.as(&e.coord)
	o, err := e.store.CreateOrganisation(ctx, e.coord.ID, e.clsm.ID, models.OrganisationInput{Name: "Régie de quartier", Kind: models.OrgOther, ContactEmail: "regie@exemple.fr"})
	if err != nil {
		t.Fatal(err)
	}
	mine, err := e.store.CreateOrganisation(ctx, e.admin.ID, e.clsm2.ID, models.OrganisationInput{Name: "Ailleurs", Kind: models.OrgOther})
	if err != nil {
		t.Fatal(err)
	}
	list := coord.get("/structures")
	if list.Status != http.StatusOK || !strings.Contains(list.Body, "Régie de quartier") || strings.Contains(list.Body, "Ailleurs") {
		t.Fatalf("address book: %d", list.Status)
	}
	path := fmt.Sprintf("/structures/%d", o.ID)
	bad := coord.post(path, url.Values{"name": {"Régie de quartier"}, "kind": {"club"}, "contact_name": {"Inès"}, "contact_email": {"pas-une-adresse"}})
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, `id="f-kind-erreur"`) || !strings.Contains(bad.Body, `value="pas-une-adresse"`) {
		t.Errorf("bad input: %d", bad.Status)
	}
	ok := coord.post(path, url.Values{"name": {"Régie de quartier Alma"}, "kind": {"residents"}, "contact_name": {"Inès"}, "contact_email": {"ines@regie.fr"}})
	if ok.Status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", ok.Status, summaryOf(ok.Body))
	}
	got, err := e.store.OrganisationOf(ctx, e.clsm.ID, o.ID)
	if err != nil || got.Name != "Régie de quartier Alma" || got.Kind != models.OrgResidents || got.ContactEmail != "ines@regie.fr" {
		t.Errorf("saved = %+v, %v", got, err)
	}
	// Another CLSM's organisation, another coordinator, other roles.
	if r := coord.get(fmt.Sprintf("/structures/%d", mine.ID)); r.Status != http.StatusNotFound {
		t.Errorf("another CLSM's organisation: %d", r.Status)
	}
	if r := e.as(&e.coord2).post(path, url.Values{"name": {"X"}, "kind": {"other"}}); r.Status != http.StatusNotFound {
		t.Errorf("another coordinator's save: %d", r.Status)
	}
	if r := e.as(&e.facil).get(path); r.Status != http.StatusForbidden {
		t.Errorf("facilitator: %d", r.Status)
	}
}
