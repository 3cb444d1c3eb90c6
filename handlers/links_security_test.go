package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"quartier/links"
)

// The link kinds and their pages, with the token each principal of the
// ownership world holds.
var linkKinds = []struct {
	kind, principal, path string
	post                  bool // the page has a form posted to the same path
}{
	{"signup", "partner A", "/inscription/{signup}", true},
	{"cancel", "cancel link", "/annulation/{cancel}", true},
	{"feedback", "feedback link", "/avis/{feedback}", true},
	{"feed", "facilitator X", "/flux/{feed}/calendrier.ics", false},
}

// TestSecretLinks_NoReferrerAndNeverLogged: every page reached by a secret
// link (valid or not) says Referrer-Policy: no-referrer, so the link never
// leaves in a Referer header; the request log names the route, never the
// token.
func TestSecretLinks_NoReferrerAndNeverLogged(t *testing.T) {
	w := newOwnershipWorld(t)
	var tokens []string
	for _, k := range linkKinds {
		tok := w.tokens[k.principal][k.kind]
		tokens = append(tokens, tok)
		c := w.client()
		for _, p := range []string{w.pathFor(k.path, k.principal), w.pathFor(k.path, "anonymous")} {
			r := c.get(p)
			if got := r.Header.Get("Referrer-Policy"); got != "no-referrer" {
				t.Errorf("GET %s link (status %d): Referrer-Policy %q, want no-referrer", k.kind, r.Status, got)
			}
			if k.post {
				r = c.post(p, url.Values{})
				if got := r.Header.Get("Referrer-Policy"); got != "no-referrer" {
					t.Errorf("POST %s link (status %d): Referrer-Policy %q", k.kind, r.Status, got)
				}
			}
		}
	}
	// A sign-in link too, used once and then again.
	c := w.client()
	c.post("/connexion", url.Values{"email": {w.coord.Email}})
	login := w.lastLink(w.coord.Email)
	tokens = append(tokens, login)
	for range 2 {
		if r := c.post("/connexion/lien/"+login, nil); r.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("sign-in link (status %d): Referrer-Policy %q", r.Status, r.Header.Get("Referrer-Policy"))
		}
	}
	// Pages without a secret keep the site-wide policy.
	if r := w.client().get("/connexion"); r.Header.Get("Referrer-Policy") != "same-origin" {
		t.Errorf("sign-in page: Referrer-Policy %q", r.Header.Get("Referrer-Policy"))
	}
	logs := w.logs.String()
	for _, route := range []string{"route=/inscription/:token", "route=/annulation/:token", "route=/avis/:token", "route=/flux/:token/calendrier.ics", "route=/connexion/lien/:token"} {
		if !strings.Contains(logs, route) {
			t.Errorf("no request line for %s", route)
		}
	}
	for _, tok := range tokens {
		if len(tok) < 16 {
			t.Fatalf("token %q too short to look for", tok)
		}
		secrets := []string{tok}
		if _, mac, ok := strings.Cut(tok, "-"); ok && len(mac) >= 16 { // an HMAC link's MAC alone
			secrets = append(secrets, mac)
		}
		for _, secret := range secrets {
			if strings.Contains(logs, secret) {
				t.Errorf("a token (%.8s…) appears in the logs:\n%s", secret, lineWith(logs, secret))
			}
		}
	}
}

// frenchRefusal checks a refused link's page: its status and a French
// title, no English.
func frenchRefusal(t *testing.T, what string, r resp, status int, title string) {
	t.Helper()
	if r.Status != status {
		t.Errorf("%s: status %d, want %d", what, r.Status, status)
		return
	}
	if !strings.Contains(r.Body, `lang="fr"`) || !strings.Contains(r.Body, title) {
		t.Errorf("%s: the page lacks the French title %q", what, title)
	}
	for _, english := range []string{"Not Found", "Gone", "Internal Server Error", "Too Many Requests"} {
		if strings.Contains(r.Body, english) {
			t.Errorf("%s: English %q on the page", what, english)
		}
	}
}

// TestSecretLinks_UnknownExpiredRevoked: each link kind, unknown (forged
// MAC, unknown id), revoked by its version, and expired where it expires,
// gets its French 404 or 410 page.
func TestSecretLinks_UnknownExpiredRevoked(t *testing.T) {
	w := newOwnershipWorld(t)
	ctx := context.Background()
	c := w.client()
	forge := func(tok string) string {
		id, mac, _ := strings.Cut(tok, "-")
		b := []byte(mac)
		b[0] ^= 1
		return id + "-" + string(b)
	}
	const (
		signupTitle   = "Lien d’inscription non valable"
		cancelTitle   = "Lien d’annulation non valable"
		feedbackTitle = "Lien de questionnaire non valable"
		feedTitle     = "Lien d&#39;abonnement non valable"
	)
	// Unknown and forged links of every kind.
	for _, k := range []struct{ kind, principal, prefix, suffix, title string }{
		{"signup", "partner A", "/inscription/", "", signupTitle},
		{"cancel", "cancel link", "/annulation/", "", cancelTitle},
		{"feedback", "feedback link", "/avis/", "", feedbackTitle},
		{"feed", "facilitator X", "/flux/", "/calendrier.ics", feedTitle},
	} {
		tok := w.tokens[k.principal][k.kind]
		if r := c.get(k.prefix + tok + k.suffix); r.Status != http.StatusOK {
			t.Fatalf("%s: the valid link gets %d", k.kind, r.Status)
		}
		frenchRefusal(t, k.kind+" forged", c.get(k.prefix+forge(tok)+k.suffix), http.StatusNotFound, k.title)
		frenchRefusal(t, k.kind+" unknown id", c.get(k.prefix+"99999-"+strings.SplitN(tok, "-", 2)[1]+k.suffix), http.StatusNotFound, k.title)
		frenchRefusal(t, k.kind+" garbage", c.get(k.prefix+"n'importe-quoi"+k.suffix), http.StatusNotFound, k.title)
	}
	frenchRefusal(t, "sign-in unknown", c.get("/connexion/lien/inconnu"), http.StatusNotFound, "Lien de connexion non valable")

	// Revoked by version. A partner's link (organisation B on S2, still
	// to come): replaced by a new one, then revoked.
	signup := w.tokens["partner B (S2)"]["signup"]
	partnerA := w.objects["{partner_s2}"]
	r := w.as(&w.coord).post("/demandes/"+w.objects["{req2}"]+"/structures/"+partnerA+"/nouveau-lien", url.Values{"confirm": {"1"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("new partner link: %d", r.Status)
	}
	frenchRefusal(t, "signup replaced by a new link", c.get("/inscription/"+signup), http.StatusNotFound, signupTitle)
	v, err := w.store.SignupLinkVersion(ctx, formInt64(partnerA))
	if err != nil {
		t.Fatal(err)
	}
	fresh := w.links.Sign(links.Signup, formInt64(partnerA), v)
	if r := c.get("/inscription/" + fresh); r.Status != http.StatusOK {
		t.Errorf("the new partner link: %d", r.Status)
	}
	r = w.as(&w.coord).post("/demandes/"+w.objects["{req2}"]+"/structures/"+partnerA+"/revoquer", url.Values{"confirm": {"1"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("revoke partner link: %d", r.Status)
	}
	frenchRefusal(t, "signup revoked", c.get("/inscription/"+fresh), http.StatusNotFound, signupTitle)
	frenchRefusal(t, "signup revoked, post", c.post("/inscription/"+fresh, personForm("Léa", "Martin", "lea@exemple.fr", "habitant")), http.StatusNotFound, signupTitle)

	// A cancel and a feedback link are revoked by bumping their version.
	db := w.rawDB()
	cancel, feedback := w.tokens["cancel link"]["cancel"], w.tokens["feedback link"]["feedback"]
	if _, err := db.Exec(`UPDATE registrations SET cancel_version = cancel_version + 1 WHERE id = ?`, w.regs[1]); err != nil {
		t.Fatal(err)
	}
	frenchRefusal(t, "cancel revoked", c.get("/annulation/"+cancel), http.StatusNotFound, cancelTitle)
	frenchRefusal(t, "cancel revoked, post", c.post("/annulation/"+cancel, nil), http.StatusNotFound, cancelTitle)
	if _, err := db.Exec(`UPDATE feedback_links SET link_version = link_version + 1 WHERE registration_id = ?`, w.regs[3]); err != nil {
		t.Fatal(err)
	}
	frenchRefusal(t, "feedback revoked", c.get("/avis/"+feedback), http.StatusNotFound, feedbackTitle)
	// The feed: regenerated, the old address is dead.
	feed := w.tokens["facilitator X"]["feed"]
	if r := w.as(&w.facil).post("/calendrier/flux/regenerer", url.Values{"confirm": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("regenerate feed: %d", r.Status)
	}
	frenchRefusal(t, "feed regenerated", c.get("/flux/"+feed+"/calendrier.ics"), http.StatusNotFound, feedTitle)

	// Expired: a feedback link after feedback.link_ttl (410), and a
	// sign-in link after its life (410).
	other := w.path(4)
	if r := c.get(other); r.Status != http.StatusOK {
		t.Fatalf("feedback link before expiry: %d", r.Status)
	}
	c.post("/connexion", url.Values{"email": {w.facil.Email}})
	login := w.lastLink(w.facil.Email)
	w.clock.Add(w.cfg.Feedback.LinkTTL.Duration + time.Hour)
	frenchRefusal(t, "feedback expired", c.get(other), http.StatusGone, "Questionnaire fermé")
	frenchRefusal(t, "feedback expired, post", c.post(other, answerForm(c, other)), http.StatusGone, "Questionnaire fermé")
	frenchRefusal(t, "sign-in expired", c.post("/connexion/lien/"+login, nil), http.StatusGone, "Lien de connexion non valable")
}

// TestPublicForms_RateLimitedPerLink posts every public form past its
// limit: the French 429 page, and another link (or client) is not slowed.
func TestPublicForms_RateLimitedPerLink(t *testing.T) {
	w := newOwnershipWorld(t)
	rid := w.objects["{rid}"]
	cases := []struct {
		name        string
		path, other string
		limit       int
		form        func(c *client, i int) url.Values
	}{
		// Accepted sign-ups are limited in the store (TestSignup_RateLimitedPerLinkNotPerAddress);
		// refused ones (a bad form, the organisation's cap) here.
		{"sign-up refused", w.pathFor("/inscription/{signup}", "partner B (S2)"), w.pathFor("/inscription/{signup}", "partner B"), w.cfg.Signups.PostsPerLink,
			func(_ *client, i int) url.Values {
				return personForm("Léa", "Martin", fmt.Sprintf("lea%d@exemple.fr", i), "habitant")
			}},
		{"sign-up bad form", w.pathFor("/inscription/{signup}", "partner A"), "", w.cfg.Signups.PostsPerLink,
			func(*client, int) url.Values { return url.Values{"first_name": {"x"}} }},
		{"partner's cancellation", w.pathFor("/inscription/{signup}/annuler/"+rid, "partner A"), w.pathFor("/inscription/{signup}/annuler/"+rid, "partner B"), w.cfg.Signups.PostsPerLink,
			func(*client, int) url.Values { return url.Values{} }},
		{"participant's cancellation", w.pathFor("/annulation/{cancel}", "cancel link"), "", w.cfg.Signups.CancelPostsPerLink,
			func(*client, int) url.Values { return url.Values{} }},
		{"feedback", w.pathFor("/avis/{feedback}", "feedback link"), w.path(5), w.cfg.Feedback.PostsPerLink,
			func(c *client, _ int) url.Values { f := answerForm(c, w.path(5)); f.Del("satisfaction"); return f }},
		{"sign-in link", "/connexion/lien/inconnu-1", "/connexion/lien/inconnu-2", w.cfg.Auth.LoginPostsPerIP,
			func(*client, int) url.Values { return url.Values{} }},
		{"sign-in page", "/connexion", "", w.cfg.Auth.LoginPostsPerIP,
			func(*client, int) url.Values { return url.Values{"email": {"personne@exemple.fr"}} }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := w.client()
			csrf := c.csrf()
			post := func(path string, i int) resp {
				form := tc.form(c, i)
				form.Set("csrf_token", csrf)
				return c.post(path, form)
			}
			for i := range tc.limit {
				if r := post(tc.path, i); r.Status == http.StatusTooManyRequests || r.Status >= 500 {
					t.Fatalf("post %d of %d: %d", i+1, tc.limit, r.Status)
				}
			}
			// Accepted posts may not count (the sign-ups under the
			// organisation's cap): a few more posts, at most.
			r := post(tc.path, tc.limit)
			for i := 1; i < 20 && r.Status != http.StatusTooManyRequests; i++ {
				r = post(tc.path, tc.limit+i)
			}
			frenchRefusal(t, tc.name+" over the limit", r, http.StatusTooManyRequests, "Trop d")
			if tc.other != "" {
				if r := post(tc.other, tc.limit+100); r.Status == http.StatusTooManyRequests {
					t.Errorf("another link is slowed down too")
				}
			}
		})
	}
}

// lineWith is the first log line holding s, for the failure message.
func lineWith(logs, s string) string {
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}
