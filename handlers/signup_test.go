package handlers_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"quartier/links"
	"quartier/models"
)

// signupSession schedules a session of the first CLSM (Monday 11 January
// 2027) with the given places and invites n partner organisations; it
// returns the request, the session and the partners' sign-up paths.
func (e *env) signupSession(n, capacity, orgCap int) (int64, models.Session, []string) {
	e.t.Helper()
	ctx := context.Background()
	coord := e.as(&e.coord)
	id, se := e.proposed(coord)
	if _, err := e.store.ConfirmSession(ctx, e.coord.ID, id); err != nil {
		e.t.Fatal(err)
	}
	se, err := e.store.SetSessionLimits(ctx, e.coord.ID, se.ID, capacity, orgCap)
	if err != nil {
		e.t.Fatal(err)
	}
	l, err := links.New([]byte(e.cfg.Server.Secret), e.cfg.Server.BaseURL)
	if err != nil {
		e.t.Fatal(err)
	}
	paths := make([]string, n)
	for i := range paths {
		p, err := e.store.InvitePartner(ctx, e.coord.ID, se.ID, 0, models.OrganisationInput{
			Name: fmt.Sprintf("Association %02d", i+1), Kind: models.OrgAssociation, ContactEmail: fmt.Sprintf("contact%d@asso.fr", i+1)})
		if err != nil {
			e.t.Fatal(err)
		}
		paths[i] = strings.TrimPrefix(l.SignupURL(p.ID, p.LinkVersion), e.cfg.Server.BaseURL)
	}
	return id, se, paths
}

var (
	postForm    = regexp.MustCompile(`(?s)<form method="post">(.*?)</form>`)
	hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// partnerClient is what an outside check does: a plain http.Client with a
// cookie jar that GETs the page, keeps its cookies and posts back its
// hidden fields with a person.
type partnerClient struct {
	t      testing.TB
	base   string
	http   *http.Client
	hidden url.Values
}

func newPartnerClient(t testing.TB, base, path string) (*partnerClient, string) {
	jar, _ := cookiejar.New(nil)
	c := &partnerClient{t: t, base: base, http: &http.Client{Jar: jar}}
	res, err := c.http.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	forms := postForm.FindAllStringSubmatch(string(b), -1)
	if len(forms) != 1 {
		t.Fatalf("%d <form method=\"post\"> on the page, want exactly one", len(forms))
	}
	c.hidden = url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(forms[0][1], -1) {
		c.hidden.Set(m[1], m[2])
	}
	return c, string(b)
}

// register posts one person; it returns the status and, after a 303, the
// page it leads to.
func (c *partnerClient) register(path string, person url.Values) (int, string) {
	form := url.Values{}
	for k, v := range c.hidden {
		form[k] = v
	}
	for k, v := range person {
		form[k] = v
	}
	c.http.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := c.http.PostForm(c.base+path, form)
	if err != nil {
		c.t.Error(err)
		return 0, ""
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return res.StatusCode, string(b)
	}
	next, err := c.http.Get(c.base + res.Header.Get("Location"))
	if err != nil {
		c.t.Error(err)
		return 0, ""
	}
	b, _ = io.ReadAll(next.Body)
	next.Body.Close()
	return http.StatusSeeOther, string(b)
}

func personForm(first, last, email, category string) url.Values {
	return url.Values{"first_name": {first}, "last_name": {last}, "email": {email}, "category": {category}}
}

func TestSignup_PlainClientRegistersFromTheLink(t *testing.T) {
	e := newRequestEnv(t)
	_, _, paths := e.signupSession(1, 1, 4)
	c, page := newPartnerClient(t, e.srv.URL, paths[0])
	for _, want := range []string{`name="first_name"`, `name="last_name"`, `name="email"`, `name="category"`,
		`value="habitant"`, `value="elu"`, `value="professionnel"`, `value="benevole"`, `name="accommodations"`, "Association 01", "heure de Paris"} {
		if !strings.Contains(page, want) {
			t.Errorf("sign-up page lacks %s", want)
		}
	}
	status, body := c.register(paths[0], personForm("Amina", "Benali", "amina@exemple.fr", "habitant"))
	if status != http.StatusSeeOther || !strings.Contains(body, "Amina B. est inscrit·e") {
		t.Fatalf("first sign-up: %d\n%s", status, body)
	}
	p := personForm("Jules", "Martin", "jules@exemple.fr", "benevole")
	p["accommodations"] = []string{"step_free", "large_print"}
	status, body = c.register(paths[0], p)
	if status != http.StatusSeeOther || !strings.Contains(body, "Jules M. est sur liste d’attente (rang 1)") {
		t.Fatalf("second sign-up: %d\n%s", status, body)
	}
	if !strings.Contains(body, "Amina B.") || !strings.Contains(body, "liste d’attente, rang 1") {
		t.Errorf("the page does not list the organisation's people")
	}
	kinds := e.outboxTo()
	if !contains(kinds, "invitation amina@exemple.fr") || !contains(kinds, "waiting_list jules@exemple.fr") {
		t.Errorf("outbox: %v", kinds)
	}
}

func TestSignup_BadInputKeepsTheFormAndRefusesKindly(t *testing.T) {
	e := newRequestEnv(t)
	_, _, paths := e.signupSession(2, 20, 2)
	c, _ := newPartnerClient(t, e.srv.URL, paths[0])
	status, body := c.register(paths[0], url.Values{"first_name": {"Amina"}, "last_name": {""}, "email": {"pas-une-adresse"},
		"category": {"chef"}, "accommodations": {"diabete"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `value="Amina"`) ||
		!strings.Contains(body, "Saisissez le nom de la personne.") || !strings.Contains(body, "Choisissez la catégorie") ||
		!strings.Contains(body, "Choisissez les aménagements dans la liste proposée.") {
		t.Fatalf("bad input: %d\n%s", status, body)
	}
	status, body = c.register(paths[0], personForm(strings.Repeat("a", 121), "B", "a@exemple.fr", "elu"))
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "120 caractères au plus") {
		t.Fatalf("too long: %d", status)
	}
	for i := 1; i <= 2; i++ {
		if status, _ := c.register(paths[0], personForm("P", "Q", fmt.Sprintf("p%d@exemple.fr", i), "elu")); status != http.StatusSeeOther {
			t.Fatalf("sign-up %d: %d", i, status)
		}
	}
	status, body = c.register(paths[0], personForm("P", "Q", "p3@exemple.fr", "elu"))
	if status != http.StatusConflict || !strings.Contains(body, "le maximum par structure") {
		t.Fatalf("beyond the cap: %d\n%s", status, body)
	}
	other, _ := newPartnerClient(t, e.srv.URL, paths[1])
	status, body = other.register(paths[1], personForm("P", "Q", "P1@Exemple.fr", "elu"))
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "déjà inscrite à cette séance") {
		t.Fatalf("same email: %d\n%s", status, body)
	}
	for _, p := range []string{"/inscription/nonexistent", "/inscription/1-AAAA", paths[0] + "x"} {
		r := e.client().get(p)
		if r.Status != http.StatusNotFound || !strings.Contains(r.Body, "Lien d’inscription non valable") {
			t.Errorf("GET %s: %d", p, r.Status)
		}
	}
}

// TestSignup_LastPlacesRace: 100 sign-ups at once over HTTP, from one
// machine, for the last 5 places: exactly 5 confirmed, 95 waiting, none
// refused.
func TestSignup_LastPlacesRace(t *testing.T) {
	e := newRequestEnv(t)
	_, se, paths := e.signupSession(25, 5, 4)
	clients := make([]*partnerClient, len(paths))
	for i, p := range paths {
		clients[i], _ = newPartnerClient(t, e.srv.URL, p)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	for i := range paths {
		for k := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				form := url.Values{}
				for key, v := range clients[i].hidden {
					form[key] = v
				}
				for key, v := range personForm("P", fmt.Sprintf("N%d", k), fmt.Sprintf("p%d-%d@exemple.fr", i, k), "habitant") {
					form[key] = v
				}
				req, _ := http.NewRequest(http.MethodPost, e.srv.URL+paths[i], strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				c := &http.Client{Jar: clients[i].http.Jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
				res, err := c.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				res.Body.Close()
				mu.Lock()
				statuses[res.StatusCode]++
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	if statuses[http.StatusSeeOther] != 100 {
		t.Errorf("statuses: %v, want 100 × 303", statuses)
	}
	v, err := e.store.SessionSignups(context.Background(), se)
	if err != nil {
		t.Fatal(err)
	}
	if v.Confirmed != 5 || len(v.Waiting) != 95 {
		t.Errorf("%d confirmed, %d waiting; want 5 and 95", v.Confirmed, len(v.Waiting))
	}
	for i, w := range v.Waiting {
		if w.Rank != i+1 {
			t.Fatalf("waiting %d has rank %d", i, w.Rank)
		}
	}
}

func TestSignup_RateLimitedPerLinkNotPerAddress(t *testing.T) {
	e := newRequestEnv(t)
	e.store.UseSignupPolicy(models.SignupPolicy{PostsPerLink: 3, Window: 15 * time.Minute})
	_, _, paths := e.signupSession(2, 20, 10)
	c, _ := newPartnerClient(t, e.srv.URL, paths[0])
	for i := range 3 {
		if status, _ := c.register(paths[0], personForm("P", "Q", fmt.Sprintf("a%d@exemple.fr", i), "elu")); status != http.StatusSeeOther {
			t.Fatalf("sign-up %d: %d", i, status)
		}
	}
	status, body := c.register(paths[0], personForm("P", "Q", "a9@exemple.fr", "elu"))
	if status != http.StatusTooManyRequests || !strings.Contains(body, "Trop d’inscriptions") {
		t.Fatalf("4th on one link: %d", status)
	}
	// Same machine, same address, another link: accepted.
	other, _ := newPartnerClient(t, e.srv.URL, paths[1])
	if status, _ := other.register(paths[1], personForm("P", "Q", "b1@exemple.fr", "elu")); status != http.StatusSeeOther {
		t.Fatalf("another link from the same address: %d", status)
	}
	e.clock.Add(16 * time.Minute)
	if status, _ := c.register(paths[0], personForm("P", "Q", "a10@exemple.fr", "elu")); status != http.StatusSeeOther {
		t.Fatalf("after the window: %d", status)
	}
}

var cancelLink = regexp.MustCompile(`/annulation/[0-9]+-[A-Za-z0-9_-]+`)

func TestSignup_CancelByPartnerAndByEmailLinkPromotes(t *testing.T) {
	e := newRequestEnv(t)
	_, se, paths := e.signupSession(1, 1, 4)
	c, _ := newPartnerClient(t, e.srv.URL, paths[0])
	for _, p := range []url.Values{personForm("Amina", "Benali", "amina@exemple.fr", "habitant"),
		personForm("Jules", "Martin", "jules@exemple.fr", "elu"), personForm("Lina", "Roux", "lina@exemple.fr", "elu")} {
		if status, _ := c.register(paths[0], p); status != http.StatusSeeOther {
			t.Fatal(status)
		}
	}
	v, _ := e.store.SessionSignups(context.Background(), se)
	amina, lina := v.Organisations[0].People[0], v.Organisations[0].People[2]

	// The partner cancels Lina: a confirmation page, then the cancellation.
	cancelPath := fmt.Sprintf("%s/annuler/%d", paths[0], lina.ID)
	status, body := c.register(cancelPath, nil)
	if status != http.StatusOK || !strings.Contains(body, "Annuler l’inscription de Lina R.") || !strings.Contains(body, `name="confirm" value="1"`) {
		t.Fatalf("first step: %d\n%s", status, body)
	}
	if status, _ := c.register(cancelPath, url.Values{"confirm": {"1"}}); status != http.StatusSeeOther {
		t.Fatalf("confirmed: %d", status)
	}

	// Amina cancels from her email: the link's page changes nothing, its
	// button cancels and Jules is promoted.
	msgs, _, _ := e.store.ListOutbox(context.Background(), models.OutboxFilter{Limit: 100})
	var link string
	for _, m := range msgs {
		if m.Recipient == "amina@exemple.fr" && m.Kind == "invitation" {
			full, err := e.store.OutboxMessageByID(context.Background(), m.ID)
			if err != nil {
				t.Fatal(err)
			}
			link = cancelLink.FindString(full.Payload)
		}
	}
	if link == "" {
		t.Fatal("no cancel link in Amina's invitation")
	}
	b := e.client()
	if r := b.get(link); r.Status != http.StatusOK || !strings.Contains(r.Body, "Annuler mon inscription") {
		t.Fatalf("GET cancel link: %d", r.Status)
	}
	if reg, _ := e.store.RegistrationOfSession(context.Background(), se.ID, amina.ID); reg.State != models.RegistrationConfirmed {
		t.Fatalf("opening the link cancelled: %s", reg.State)
	}
	b.get(link)
	if r := b.post(link, url.Values{"csrf_token": {csrfOf(t, b.get(link).Body)}}); r.Status != http.StatusSeeOther {
		t.Fatalf("POST cancel link: %d\n%s", r.Status, r.Body)
	}
	if r := b.get(link); !strings.Contains(r.Body, "Votre inscription est annulée") {
		t.Errorf("after the cancellation: %d", r.Status)
	}
	out := e.outboxTo()
	for _, want := range []string{"cancellation amina@exemple.fr", "invitation jules@exemple.fr", "cancellation lina@exemple.fr"} {
		if !contains(out, want) {
			t.Errorf("outbox lacks %q: %v", want, out)
		}
	}
	if r := e.client().get("/annulation/1-forged"); r.Status != http.StatusNotFound {
		t.Errorf("forged cancel link: %d", r.Status)
	}
}

func csrfOf(t *testing.T, body string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no CSRF token")
	}
	return m[1]
}

func TestParticipants_CoordinatorListsAndSetsPlaces(t *testing.T) {
	e := newRequestEnv(t)
	id, se, paths := e.signupSession(2, 1, 4)
	c, _ := newPartnerClient(t, e.srv.URL, paths[0])
	p := personForm("Amina", "Benali", "amina@exemple.fr", "professionnel")
	p["accommodations"] = []string{"hearing"}
	p["role"] = []string{"Éducatrice"}
	c.register(paths[0], p)
	c.register(paths[0], personForm("Jules", "Martin", "jules@exemple.fr", "elu"))

	coord := e.as(&e.coord)
	page := fmt.Sprintf("/demandes/%d/inscrits", id)
	r := coord.get(page)
	for _, want := range []string{"Association 01", "Amina Benali", "professionnel·le", "boucle magnétique", "Éducatrice",
		"liste d’attente, rang 1", `name="capacity"`, fmt.Sprintf("/demandes/%d/structures", id)} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("participants page lacks %q", want)
		}
	}
	if r := e.as(&e.coord2).get(page); r.Status != http.StatusNotFound {
		t.Errorf("another CLSM's coordinator: %d", r.Status)
	}
	r = coord.post(fmt.Sprintf("/demandes/%d/places", id), url.Values{"capacity": {"0"}, "org_cap": {"4"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "entre 1 et 500") || !strings.Contains(r.Body, `value="0"`) {
		t.Fatalf("bad capacity: %d", r.Status)
	}
	r = coord.post(fmt.Sprintf("/demandes/%d/places", id), url.Values{"capacity": {"2"}, "org_cap": {"4"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("set places: %d\n%s", r.Status, r.Body)
	}
	v, _ := e.store.SessionSignups(context.Background(), se)
	if v.Confirmed != 2 || len(v.Waiting) != 0 {
		t.Errorf("after raising the capacity: %d confirmed, %d waiting", v.Confirmed, len(v.Waiting))
	}
	rid := v.Organisations[0].People[0].ID
	cancel := fmt.Sprintf("/demandes/%d/inscrits/%d/annuler", id, rid)
	if r := coord.post(cancel, nil); r.Status != http.StatusOK || !strings.Contains(r.Body, "Annuler l’inscription de Amina Benali") {
		t.Fatalf("cancel first step: %d", r.Status)
	}
	if r := coord.post(cancel, url.Values{"confirm": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("cancel: %d", r.Status)
	}
	if r := e.as(&e.coord2).post(cancel, url.Values{"confirm": {"1"}}); r.Status != http.StatusNotFound {
		t.Errorf("another CLSM's coordinator cancels: %d", r.Status)
	}
}
