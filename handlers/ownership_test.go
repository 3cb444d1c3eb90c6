package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"quartier/internal/dbtest"
	"quartier/links"
	"quartier/models"
)

// The principals of the ownership matrix, in the order of each row's
// expectation string.
var principals = []string{
	"anonymous",      // no cookie, no link
	"partner A",      // the sign-up link of organisation A, on session S1 (a session of CLSM A led by X)
	"partner B",      // the sign-up link of organisation B, on the same session S1
	"partner B (S2)", // the sign-up link of organisation B on another session, S2
	"cancel link",    // a participant's cancel link (a person signed up by A on S1)
	"feedback link",  // an attendee's feedback link (S1)
	"coordinator A",  // coordinator of CLSM A, which owns the request of S1
	"coordinator B",  // coordinator of CLSM B
	"facilitator X",  // leads S1; holds a feed link
	"facilitator Y",  // leads nothing; holds a feed link of their own
	"admin",
}

// What a principal meets on a route, one letter per principal:
//
//	Y  allowed: neither 401/403/404/410/429 nor 5xx, nor sent to sign in
//	   (a 409 or 422 is the business rule or the empty form speaking)
//	L  sign in first: a GET is sent to /connexion?suite=…, anything else 401
//	F  403 Forbidden (wrong role)
//	N  404 Not Found (not theirs, or an unknown link)
//	G  410 Gone
type matrixRow struct {
	method, route string // exactly as in the route table
	path          string // with {placeholders} of objects owned by A, X or the links
	want          string // one letter per principal
}

// ownershipMatrix has one row per route of the route table. The objects in
// the paths belong to CLSM A, organisation A or facilitator X; every route
// is tried by every principal. A route of the table without its row fails
// TestOwnershipMatrix, so a new route cannot ship without saying who may
// use it.
var ownershipMatrix = []matrixRow{
	//                                                                                            anon pA pB pB2 cancel feedback cA cB X Y admin
	{"GET", "/", "/", "YYYYYYYYYYY"},
	{"GET", "/healthz", "/healthz", "YYYYYYYYYYY"},
	{"GET", "/confidentialite", "/confidentialite", "YYYYYYYYYYY"},
	{"GET", "/accessibilite", "/accessibilite", "YYYYYYYYYYY"},
	{"GET", "/mentions-legales", "/mentions-legales", "YYYYYYYYYYY"},
	{"GET", "/contact", "/contact", "YYYYYYYYYYY"},
	{"GET", "/static/:version/*", "/static/{version}/css/app.css", "YYYYYYYYYYY"},
	{"GET", "/connexion", "/connexion", "YYYYYYYYYYY"},
	{"POST", "/connexion", "/connexion", "YYYYYYYYYYY"},

	{"GET", "/connexion/lien/:token", "/connexion/lien/{login}", "NNNNNNNNNNN"},
	{"POST", "/connexion/lien/:token", "/connexion/lien/{login}", "NNNNNNNNNNN"},
	{"GET", "/flux/:token/calendrier.ics", "/flux/{feed}/calendrier.ics", "NNNNNNNNYYN"},
	{"GET", "/inscription/:token", "/inscription/{signup}", "NYYYNNNNNNN"},
	{"POST", "/inscription/:token", "/inscription/{signup}", "NYYYNNNNNNN"},
	{"POST", "/inscription/:token/annuler/:rid", "/inscription/{signup}/annuler/{rid}", "NYNNNNNNNNN"},
	{"GET", "/annulation/:token", "/annulation/{cancel}", "NNNNYNNNNNN"},
	{"POST", "/annulation/:token", "/annulation/{cancel}", "NNNNYNNNNNN"},
	{"GET", "/avis/:token", "/avis/{feedback}", "NNNNNYNNNNN"},
	{"POST", "/avis/:token", "/avis/{feedback}", "NNNNNYNNNNN"},

	{"GET", "/tableau-de-bord", "/tableau-de-bord", "LLLLLLYYYYY"},
	{"POST", "/deconnexion", "/deconnexion", "LLLLLLYYYYY"},

	{"GET", "/demandes", "/demandes", "LLLLLLYYFFF"},
	{"GET", "/demandes/nouvelle", "/demandes/nouvelle", "LLLLLLYYFFF"},
	{"POST", "/demandes/nouvelle", "/demandes/nouvelle", "LLLLLLYYFFF"},
	{"GET", "/demandes/:id", "/demandes/{req}", "LLLLLLYNFFF"},
	{"GET", "/demandes/:id/modifier", "/demandes/{req}/modifier", "LLLLLLYNFFF"},
	{"POST", "/demandes/:id/modifier", "/demandes/{req}/modifier", "LLLLLLYNFFF"},
	{"POST", "/demandes/:id/retirer", "/demandes/{req2}/retirer", "LLLLLLYNFFF"},
	{"POST", "/demandes/:id/supprimer", "/demandes/{req}/supprimer", "LLLLLLYNFFF"},
	{"POST", "/demandes/:id/date", "/demandes/{req}/date", "LLLLLLYNFFF"},
	{"GET", "/demandes/:id/inscrits", "/demandes/{req}/inscrits", "LLLLLLYNFFF"},
	{"POST", "/demandes/:id/inscrits/:rid/annuler", "/demandes/{req}/inscrits/{rid}/annuler", "LLLLLLYNFFF"},
	{"POST", "/demandes/:id/places", "/demandes/{req}/places", "LLLLLLYNFFF"},
	{"GET", "/demandes/:id/structures", "/demandes/{req}/structures", "LLLLLLYNFFF"},
	{"POST", "/demandes/:id/structures", "/demandes/{req}/structures", "LLLLLLYNFFF"},
	{"POST", "/demandes/:id/structures/carnet", "/demandes/{req}/structures/carnet", "LLLLLLYNFFF"},
	{"POST", "/demandes/:id/structures/:partner/renvoyer", "/demandes/{req}/structures/{partner}/renvoyer", "LLLLLLYNFFF"},
	{"POST", "/demandes/:id/structures/:partner/revoquer", "/demandes/{req}/structures/{partner}/revoquer", "LLLLLLYNFFF"},
	{"POST", "/demandes/:id/structures/:partner/nouveau-lien", "/demandes/{req}/structures/{partner}/nouveau-lien", "LLLLLLYNFFF"},
	{"GET", "/structures", "/structures", "LLLLLLYYFFF"},
	{"GET", "/structures/:id", "/structures/{org}", "LLLLLLYNFFF"},
	{"POST", "/structures/:id", "/structures/{org}", "LLLLLLYNFFF"},
	{"GET", "/demandes/:id/emargement", "/demandes/{req}/emargement", "LLLLLLYNFFF"},
	{"GET", "/demandes/:id/inscrits.csv", "/demandes/{req}/inscrits.csv", "LLLLLLYNFFF"},
	{"GET", "/demandes/:id/presences", "/demandes/{req}/presences", "LLLLLLYNFFF"},
	{"POST", "/demandes/:id/presences", "/demandes/{req}/presences", "LLLLLLYNFFF"},
	{"GET", "/demandes/:id/telephones", "/demandes/{req}/telephones", "LLLLLLYNFFF"},
	{"POST", "/demandes/:id/telephones", "/demandes/{req}/telephones", "LLLLLLYNFFF"},
	{"GET", "/demandes/:id/avis", "/demandes/{req}/avis", "LLLLLLYNFFF"},
	{"GET", "/bilan", "/bilan", "LLLLLLYYFFF"},
	{"GET", "/bilan.csv", "/bilan.csv", "LLLLLLYYFFF"},
	{"GET", "/bilan.xlsx", "/bilan.xlsx", "LLLLLLYYFFF"},
	{"GET", "/recherche/communes", "/recherche/communes?q=Roub", "LLLLLLYYFFF"},
	{"GET", "/recherche/qpv", "/recherche/qpv?q=Roub", "LLLLLLYYFFF"},

	{"GET", "/calendrier", "/calendrier", "LLLLLLFFYYF"},
	{"GET", "/calendrier/mois", "/calendrier/mois", "LLLLLLFFYYF"},
	{"GET", "/calendrier/disponibilites", "/calendrier/disponibilites", "LLLLLLFFYYF"},
	{"POST", "/calendrier/disponibilites", "/calendrier/disponibilites", "LLLLLLFFYYF"},
	{"GET", "/calendrier/exceptions", "/calendrier/exceptions", "LLLLLLFFYYF"},
	{"POST", "/calendrier/exceptions", "/calendrier/exceptions", "LLLLLLFFYYF"},
	{"POST", "/calendrier/exceptions/:id/supprimer", "/calendrier/exceptions/{exception}/supprimer", "LLLLLLFFYNF"},
	{"GET", "/calendrier/occupations", "/calendrier/occupations", "LLLLLLFFYYF"},
	{"POST", "/calendrier/occupations", "/calendrier/occupations", "LLLLLLFFYYF"},
	{"POST", "/calendrier/occupations/:id/supprimer", "/calendrier/occupations/{busy}/supprimer", "LLLLLLFFYNF"},
	{"GET", "/calendrier/import", "/calendrier/import", "LLLLLLFFYYF"},
	{"POST", "/calendrier/import", "/calendrier/import", "LLLLLLFFYYF"},
	{"POST", "/calendrier/import/supprimer", "/calendrier/import/supprimer", "LLLLLLFFYYF"},
	{"POST", "/calendrier/abonnement", "/calendrier/abonnement", "LLLLLLFFYYF"},
	{"POST", "/calendrier/abonnement/actualiser", "/calendrier/abonnement/actualiser", "LLLLLLFFYYF"},
	{"POST", "/calendrier/abonnement/supprimer", "/calendrier/abonnement/supprimer", "LLLLLLFFYYF"},
	{"GET", "/calendrier/flux", "/calendrier/flux", "LLLLLLFFYYF"},
	{"POST", "/calendrier/flux/regenerer", "/calendrier/flux/regenerer", "LLLLLLFFYYF"},

	{"GET", "/seances/:id/presences", "/seances/{session}/presences", "LLLLLLFFYNF"},
	{"POST", "/seances/:id/presences", "/seances/{session}/presences", "LLLLLLFFYNF"},
	{"POST", "/seances/:id/presences/coche", "/seances/{session}/presences/coche", "LLLLLLFFYNF"},
	{"POST", "/seances/:id/presences/sur-place", "/seances/{session}/presences/sur-place", "LLLLLLFFYNF"},
	{"POST", "/seances/:id/presences/sur-place/:walkin/supprimer", "/seances/{session}/presences/sur-place/{walkin}/supprimer", "LLLLLLFFYNF"},
	{"GET", "/seances/:id/bilan", "/seances/{session}/bilan", "LLLLLLFFYNF"},
	{"POST", "/seances/:id/bilan", "/seances/{session}/bilan", "LLLLLLFFYNF"},
	{"GET", "/seances/:id/avis", "/seances/{session}/avis", "LLLLLLFFYNF"},

	{"GET", "/admin/demandes", "/admin/demandes", "LLLLLLFFFFY"},
	{"GET", "/admin/demandes/:id", "/admin/demandes/{req}", "LLLLLLFFFFY"},
	{"POST", "/admin/demandes/:id/accepter", "/admin/demandes/{req}/accepter", "LLLLLLFFFFY"},
	{"POST", "/admin/demandes/:id/refuser", "/admin/demandes/{req}/refuser", "LLLLLLFFFFY"},
	{"POST", "/admin/demandes/:id/modifications", "/admin/demandes/{req}/modifications", "LLLLLLFFFFY"},
	{"POST", "/admin/demandes/:id/confirmer", "/admin/demandes/{req}/confirmer", "LLLLLLFFFFY"},
	{"POST", "/admin/demandes/:id/seance/deplacer", "/admin/demandes/{req}/seance/deplacer", "LLLLLLFFFFY"},
	{"POST", "/admin/demandes/:id/seance/annuler", "/admin/demandes/{req}/seance/annuler", "LLLLLLFFFFY"},
	{"GET", "/admin/demandes/:id/emargement", "/admin/demandes/{req}/emargement", "LLLLLLFFFFY"},
	{"GET", "/admin/demandes/:id/inscrits.csv", "/admin/demandes/{req}/inscrits.csv", "LLLLLLFFFFY"},
	{"GET", "/admin/demandes/:id/presences", "/admin/demandes/{req}/presences", "LLLLLLFFFFY"},
	{"POST", "/admin/demandes/:id/presences", "/admin/demandes/{req}/presences", "LLLLLLFFFFY"},
	{"GET", "/admin/demandes/:id/telephones", "/admin/demandes/{req}/telephones", "LLLLLLFFFFY"},
	{"POST", "/admin/demandes/:id/telephones", "/admin/demandes/{req}/telephones", "LLLLLLFFFFY"},
	{"GET", "/admin/demandes/:id/avis", "/admin/demandes/{req}/avis", "LLLLLLFFFFY"},
	{"GET", "/admin/planification", "/admin/planification", "LLLLLLFFFFY"},
	{"POST", "/admin/planification", "/admin/planification", "LLLLLLFFFFY"},
	// No draft is stored in this world: the admin's 404 is the unknown
	// draft; the point of these rows is that nobody else gets in.
	{"GET", "/admin/planification/:id", "/admin/planification/999", "LLLLLLFFFFN"},
	{"POST", "/admin/planification/:id", "/admin/planification/999", "LLLLLLFFFFN"},
	{"GET", "/admin/recherche/communes", "/admin/recherche/communes?q=Roub", "LLLLLLFFFFY"},
	{"GET", "/admin/recherche/qpv", "/admin/recherche/qpv?q=Roub", "LLLLLLFFFFY"},
	{"GET", "/admin/recherche/clsm", "/admin/recherche/clsm?q=Roub", "LLLLLLFFFFY"},
	{"GET", "/admin/recherche/coordination", "/admin/recherche/coordination?q=Nadia", "LLLLLLFFFFY"},
	{"GET", "/admin/personnes", "/admin/personnes", "LLLLLLFFFFY"},
	{"GET", "/admin/personnes/nouvelle", "/admin/personnes/nouvelle", "LLLLLLFFFFY"},
	{"POST", "/admin/personnes/nouvelle", "/admin/personnes/nouvelle", "LLLLLLFFFFY"},
	{"GET", "/admin/personnes/:id", "/admin/personnes/{person}", "LLLLLLFFFFY"},
	{"POST", "/admin/personnes/:id", "/admin/personnes/{person}", "LLLLLLFFFFY"},
	{"POST", "/admin/personnes/:id/desactiver", "/admin/personnes/{person}/desactiver", "LLLLLLFFFFY"},
	{"POST", "/admin/personnes/:id/reactiver", "/admin/personnes/{person}/reactiver", "LLLLLLFFFFY"},
	{"GET", "/admin/clsm", "/admin/clsm", "LLLLLLFFFFY"},
	{"GET", "/admin/clsm/nouveau", "/admin/clsm/nouveau", "LLLLLLFFFFY"},
	{"POST", "/admin/clsm/nouveau", "/admin/clsm/nouveau", "LLLLLLFFFFY"},
	{"GET", "/admin/clsm/:id", "/admin/clsm/{clsm}", "LLLLLLFFFFY"},
	{"POST", "/admin/clsm/:id", "/admin/clsm/{clsm}", "LLLLLLFFFFY"},
	{"GET", "/admin/saisons", "/admin/saisons", "LLLLLLFFFFY"},
	{"POST", "/admin/saisons", "/admin/saisons", "LLLLLLFFFFY"},
	{"GET", "/admin/saisons/:id", "/admin/saisons/{season}", "LLLLLLFFFFY"},
	{"POST", "/admin/saisons/:id", "/admin/saisons/{season}", "LLLLLLFFFFY"},
	{"POST", "/admin/saisons/:id/supprimer", "/admin/saisons/{spare_season}/supprimer", "LLLLLLFFFFY"},
	{"POST", "/admin/saisons/:id/en-cours", "/admin/saisons/{season}/en-cours", "LLLLLLFFFFY"},
	{"POST", "/admin/saisons/:id/cloturer", "/admin/saisons/{spare_season}/cloturer", "LLLLLLFFFFY"},
	{"GET", "/admin/questionnaires", "/admin/questionnaires", "LLLLLLFFFFY"},
	{"POST", "/admin/questionnaires", "/admin/questionnaires", "LLLLLLFFFFY"},
	{"POST", "/admin/questionnaires/saisons/:id", "/admin/questionnaires/saisons/{season}", "LLLLLLFFFFY"},
	{"GET", "/admin/saisons/:id/bilan", "/admin/saisons/{season}/bilan", "LLLLLLFFFFY"},
	{"GET", "/admin/saisons/:id/bilan.csv", "/admin/saisons/{season}/bilan.csv", "LLLLLLFFFFY"},
	{"GET", "/admin/saisons/:id/bilan.xlsx", "/admin/saisons/{season}/bilan.xlsx", "LLLLLLFFFFY"},
	{"GET", "/admin/donnees-personnelles", "/admin/donnees-personnelles", "LLLLLLFFFFY"},
	{"POST", "/admin/donnees-personnelles/export", "/admin/donnees-personnelles/export", "LLLLLLFFFFY"},
	{"POST", "/admin/donnees-personnelles/effacer", "/admin/donnees-personnelles/effacer", "LLLLLLFFFFY"},
	{"GET", "/admin/qpv", "/admin/qpv", "LLLLLLFFFFY"},
	{"POST", "/admin/qpv", "/admin/qpv", "LLLLLLFFFFY"},
	{"POST", "/admin/qpv/import", "/admin/qpv/import", "LLLLLLFFFFY"},
	{"GET", "/admin/courriels", "/admin/courriels", "LLLLLLFFFFY"},
	{"GET", "/admin/courriels/:id", "/admin/courriels/{outbox}", "LLLLLLFFFFY"},
	{"GET", "/admin/courriels/:id/html", "/admin/courriels/{outbox}/html", "LLLLLLFFFFY"},
	{"POST", "/admin/courriels/:id/renvoyer", "/admin/courriels/{outbox}/renvoyer", "LLLLLLFFFFY"},
	{"GET", "/admin/calendriers", "/admin/calendriers", "LLLLLLFFFFY"},
}

// ownershipWorld is the data the matrix runs on.
type ownershipWorld struct {
	*feedbackEnv
	facilY  models.User
	objects map[string]string            // placeholder → value
	tokens  map[string]map[string]string // principal → link kind → token
}

func newOwnershipWorld(t *testing.T) *ownershipWorld {
	t.Helper()
	ctx := context.Background()
	w := &ownershipWorld{objects: map[string]string{}, tokens: map[string]map[string]string{}}
	var s2 models.Session
	var req2 int64
	f := newFeedbackEnv(t, func(d *dayEnv) {
		// A second request of CLSM A, with a session on Tuesday 19 January.
		req2 = d.createRequest(d.as(&d.coord), validRequest(d.env))
		if _, err := d.store.DecideRequest(ctx, d.admin.ID, req2, models.RequestAccepted, ""); err != nil {
			t.Fatal(err)
		}
		start := time.Date(2027, 1, 19, 13, 0, 0, 0, time.UTC)
		if _, err := d.store.ProposeSession(ctx, d.admin.ID, req2, models.SessionSlot{FacilitatorID: d.facil.ID, Start: start, End: start.Add(3 * time.Hour), TimeZone: "Europe/Paris"}); err != nil {
			t.Fatal(err)
		}
		var err error
		if s2, err = d.store.ConfirmSession(ctx, d.coord.ID, req2); err != nil {
			t.Fatal(err)
		}
	})
	w.feedbackEnv = f
	var err error
	if w.facilY, err = f.store.CreateUser(ctx, f.admin.ID, models.NewUser{Email: "facil-y@exemple.fr", Name: "Yves Facil", Role: models.RoleFacilitator, HomeINSEE: "59350"}, nil); err != nil {
		t.Fatal(err)
	}
	// The partners of S1: organisation A (people A signed up) and B.
	var partnerA, partnerB int64
	if err := f.rawDB().QueryRow(`SELECT partner_id FROM registrations WHERE id = ?`, f.regs[0]).Scan(&partnerA); err != nil {
		t.Fatal(err)
	}
	if err := f.rawDB().QueryRow(`SELECT id FROM session_partners WHERE session_id = ? AND id <> ? ORDER BY id LIMIT 1`, f.session.ID, partnerA).Scan(&partnerB); err != nil {
		t.Fatal(err)
	}
	var orgA, orgB int64
	if err := f.rawDB().QueryRow(`SELECT organisation_id FROM session_partners WHERE id = ?`, partnerA).Scan(&orgA); err != nil {
		t.Fatal(err)
	}
	if err := f.rawDB().QueryRow(`SELECT organisation_id FROM session_partners WHERE id = ?`, partnerB).Scan(&orgB); err != nil {
		t.Fatal(err)
	}
	pB2, err := f.store.InvitePartner(ctx, f.admin.ID, s2.ID, orgB, models.OrganisationInput{})
	if err != nil {
		t.Fatal(err)
	}
	walkIn, err := f.store.AddWalkIn(ctx, f.facil.ID, f.session.ID, models.WalkInInput{FirstName: "Sam", LastName: "Passant", Category: models.CategoryResident})
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	exc, err := f.store.AddException(ctx, f.facil.ID, models.ExceptionInput{Kind: models.ExceptionUnavailable, From: day, To: day, AllDay: true, Label: "Formation"})
	if err != nil {
		t.Fatal(err)
	}
	busy, err := f.store.AddBusyTime(ctx, f.facil.ID, models.BusyInput{Start: day.Add(9 * time.Hour), End: day.Add(11 * time.Hour), Label: "Réunion"})
	if err != nil {
		t.Fatal(err)
	}
	spare, err := f.store.CreateSeason(ctx, f.admin.ID, "Saison de rechange", time.Date(2028, 9, 1, 0, 0, 0, 0, time.UTC), time.Date(2029, 7, 2, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	season, err := f.store.CurrentSeason(ctx)
	if err != nil {
		t.Fatal(err)
	}
	spareCoord, err := f.store.CreateUser(ctx, f.admin.ID, models.NewUser{Email: "spare@exemple.fr", Name: "Paul Rechange", Role: models.RoleFacilitator, HomeINSEE: "59350"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var outbox int64
	if err := f.rawDB().QueryRow(`SELECT id FROM outbox_messages WHERE kind = 'request_received' ORDER BY id LIMIT 1`).Scan(&outbox); err != nil {
		t.Fatal(err)
	}
	id := func(n int64) string { return fmt.Sprint(n) }
	w.objects = map[string]string{
		"{req}": id(f.requestID), "{req2}": id(req2), "{session}": id(f.session.ID), "{rid}": id(f.regs[0]),
		"{partner}": id(partnerA), "{org}": id(orgA), "{walkin}": id(walkIn.ID), "{exception}": id(exc.ID), "{busy}": id(busy.ID),
		"{season}": id(season.ID), "{spare_season}": id(spare.ID), "{person}": id(spareCoord.ID), "{clsm}": id(f.clsm.ID),
		"{outbox}": id(outbox), "{version}": "v1", "{partner_s2}": id(pB2.ID),
	}
	feedOf := func(u models.User) string {
		st, err := f.store.CalendarSettingsOf(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return f.links.Sign(links.Feed, u.ID, st.FeedVersion)
	}
	signup := func(pid int64) string {
		v, err := f.store.SignupLinkVersion(ctx, pid)
		if err != nil {
			t.Fatal(err)
		}
		return f.links.Sign(links.Signup, pid, v)
	}
	cancelV, err := f.store.CancelLinkVersion(ctx, f.regs[1])
	if err != nil {
		t.Fatal(err)
	}
	w.tokens = map[string]map[string]string{
		"partner A":      {"signup": signup(partnerA)},
		"partner B":      {"signup": signup(partnerB)},
		"partner B (S2)": {"signup": signup(pB2.ID)},
		"cancel link":    {"cancel": f.links.Sign(links.Cancel, f.regs[1], cancelV)},
		"feedback link":  {"feedback": strings.TrimPrefix(f.path(3), "/avis/")},
		"facilitator X":  {"feed": feedOf(f.facil)},
		"facilitator Y":  {"feed": feedOf(w.facilY)},
	}
	return w
}

// pathFor fills a row's path for one principal: the objects of A, and the
// principal's own links (or an unknown one).
func (w *ownershipWorld) pathFor(p, principal string) string {
	for k, v := range w.objects {
		p = strings.ReplaceAll(p, k, v)
	}
	for _, kind := range []string{"signup", "cancel", "feedback", "feed", "login"} {
		tok, ok := w.tokens[principal][kind]
		if !ok {
			tok = "7-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		}
		p = strings.ReplaceAll(p, "{"+kind+"}", tok)
	}
	return p
}

// outcome classifies a response as one of the matrix's letters.
func outcome(method string, r resp) string {
	switch {
	case r.Status == http.StatusSeeOther && strings.HasPrefix(r.Location, "/connexion?suite="), method != http.MethodGet && r.Status == http.StatusUnauthorized:
		return "L"
	case r.Status == http.StatusForbidden:
		return "F"
	case r.Status == http.StatusNotFound:
		return "N"
	case r.Status == http.StatusGone:
		return "G"
	case r.Status == http.StatusUnauthorized, r.Status == http.StatusTooManyRequests, r.Status >= 500:
		return fmt.Sprint(r.Status)
	}
	return "Y"
}

// TestOwnershipMatrix walks every route of the route table with every
// principal, on objects owned by CLSM A, organisation A and facilitator X,
// and checks each outcome against the matrix.
func TestOwnershipMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("walks every route with eleven principals")
	}
	w := newOwnershipWorld(t)
	byRoute := map[string]matrixRow{}
	for _, r := range ownershipMatrix {
		key := r.method + " " + r.route
		if _, dup := byRoute[key]; dup {
			t.Errorf("two rows for %s", key)
		}
		if len(r.want) != len(principals) {
			t.Errorf("%s: %d expectations for %d principals", key, len(r.want), len(principals))
		}
		byRoute[key] = r
	}
	inTable := map[string]bool{}
	for _, r := range w.routes {
		key := r.Method + " " + r.Path
		inTable[key] = true
		if _, ok := byRoute[key]; !ok {
			t.Errorf("route %s has no row in the ownership matrix: say who may use it", key)
		}
	}
	for key := range byRoute {
		if !inTable[key] {
			t.Errorf("matrix row %s names no route of the table", key)
		}
	}
	users := map[string]*models.User{"coordinator A": &w.coord, "coordinator B": &w.coord2, "facilitator X": &w.facil, "facilitator Y": &w.facilY, "admin": &w.admin}
	clients := map[string]*client{}
	clientOf := func(p string) *client {
		if c, ok := clients[p]; ok {
			return c
		}
		c := w.as(users[p])
		clients[p] = c
		return c
	}
	// Logging out ends the sessions the other rows use: its row goes last.
	rows := append([]matrixRow(nil), ownershipMatrix...)
	sort.SliceStable(rows, func(i, j int) bool { return rows[j].route == "/deconnexion" && rows[i].route != "/deconnexion" })
	var got strings.Builder
	for _, row := range rows {
		// The principals refused first, so an allowed action (a deletion)
		// does not change what a refused one meets.
		order := make([]int, len(principals))
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool { return row.want[order[a]] != 'Y' && row.want[order[b]] == 'Y' })
		seen := make([]byte, len(principals))
		for _, i := range order {
			p := principals[i]
			c := clientOf(p)
			path := w.pathFor(row.path, p)
			var r resp
			if row.method == http.MethodGet {
				r = c.get(path)
			} else {
				r = c.post(path, url.Values{})
			}
			o := outcome(row.method, r)
			seen[i] = o[0]
			if len(o) > 1 {
				seen[i] = '?'
			}
			if i < len(row.want) && o != string(row.want[i]) {
				t.Errorf("%s %s as %s: status %d (%s), want %c", row.method, row.route, p, r.Status, o, row.want[i])
			}
		}
		// Using a sign-in link, even a bad one, or signing out ends the
		// browser's session: the next rows sign in again.
		if row.method == http.MethodPost && (row.route == "/deconnexion" || row.route == "/connexion/lien/:token") {
			clients = map[string]*client{}
		}
		fmt.Fprintf(&got, "\t{%q, %q, %q, %q},\n", row.method, row.route, row.path, seen)
	}
	if os.Getenv("QUARTIER_PRINT_MATRIX") != "" {
		t.Logf("observed:\n%s", got.String())
	}
}

// TestForwardedPartnerLink_FirstNamesAndInitialsOnly: a sign-up link
// forwarded to someone else shows the people already signed up by their
// first name and initial, never their surname or address.
func TestForwardedPartnerLink_FirstNamesAndInitialsOnly(t *testing.T) {
	w := newOwnershipWorld(t)
	r := w.client().get(w.pathFor("/inscription/{signup}", "partner A"))
	if r.Status != http.StatusOK {
		t.Fatalf("partner page: %d", r.Status)
	}
	if !strings.Contains(r.Body, "Amina B.") || !strings.Contains(r.Body, "Yanis D.") {
		t.Errorf("the partner's people are not listed by first name and initial")
	}
	for _, secret := range []string{"Benali", "Durand", "amina@exemple.fr", "yanis@exemple.fr", "Prénom Nom", "avis0@exemple.fr", "formule@exemple.fr"} {
		if strings.Contains(r.Body, secret) {
			t.Errorf("the partner page shows %q", secret)
		}
	}
	// Organisation B's link on the same session shows none of A's people.
	r = w.client().get(w.pathFor("/inscription/{signup}", "partner B"))
	if r.Status != http.StatusOK {
		t.Fatalf("partner B page: %d", r.Status)
	}
	for _, other := range []string{"Amina", "Yanis", "Benali"} {
		if strings.Contains(r.Body, other) {
			t.Errorf("partner B's page shows A's person %q", other)
		}
	}
}

// rawDB opens the env's database file directly, for the ids a test needs.
func (e *env) rawDB() *dbtest.DB {
	e.t.Helper()
	return dbtest.SQL(e.t, e.cfg.Database.DSN)
}
