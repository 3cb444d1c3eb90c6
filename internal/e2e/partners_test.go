package e2e

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"quartier/internal/browsertest"
)

var signupLink = regexp.MustCompile(`^http://127\.0\.0\.1:\d+/inscription/\d+-[A-Za-z0-9_-]+$`)

// TestPartners_CoordinatorInvitesOnAPhone is issue 15's coordinator story
// on a phone (360 px): from the dashboard's upcoming session, the
// coordinator opens the partners page, sends the invitation form with a
// mistake, reads it in French with what was typed kept, fixes it, sees
// the organisation with its link and copies it; the contact receives the
// same link by email. The page fits the width and axe passes at 360 and
// 1280 px.
func TestPartners_CoordinatorInvitesOnAPhone(t *testing.T) {
	s := startSite(t)
	ctx := browsertest.New(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 800)); err != nil {
		t.Fatal(err)
	}
	s.signIn(t, ctx, s.Manifest.Accounts.Coordinator)
	browsertest.Visit(t, ctx, s.URL+"/tableau-de-bord")
	page := eval[string](t, ctx, `(document.querySelector(".upcoming-signups a[href$='/structures']") || {}).getAttribute?.("href") || ""`)
	if !regexp.MustCompile(`^/demandes/\d+/structures$`).MatchString(page) {
		t.Fatalf("the dashboard lists no upcoming session to invite partners to (%q)", page)
	}
	browsertest.Visit(t, ctx, s.URL+page)
	fitsWidth(t, ctx, page, 360)

	fill(t, ctx, map[string]string{"#f-name": "Régie de quartier Alma-Gare", "#f-contact-name": "Sofia Haddad", "#f-contact-email": "sofia.haddad@"})
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#f-kind"), "residents")); err != nil {
		t.Fatal(err)
	}
	// The browser would stop an invalid email itself: send it as a browser
	// without that check does, to read the server's message.
	eval[bool](t, ctx, `document.querySelector("#f-contact-email").type = "text"; true`)
	submitAndWait(t, ctx, `form[action$="/structures"] button[type=submit]`, ".error-summary")
	if msg := browsertest.Text(t, ctx, "#f-contact-email-erreur"); !strings.Contains(msg, "adresse électronique valide") {
		t.Errorf("email message = %q", msg)
	}
	if v := value(t, ctx, "#f-name"); v != "Régie de quartier Alma-Gare" {
		t.Errorf("name not kept: %q", v)
	}
	if v := value(t, ctx, "#f-kind"); v != "residents" {
		t.Errorf("kind not kept: %q", v)
	}
	fitsWidth(t, ctx, page+" (errors)", 360)

	sent := time.Now().Add(-time.Second)
	fill(t, ctx, map[string]string{"#f-contact-email": "sofia.haddad@regie-alma.example.fr"})
	submitAndWait(t, ctx, `form[action$="/structures"] button[type=submit]`, ".flash-success")
	browsertest.CheckA11y(t, ctx)
	fitsWidth(t, ctx, page+" (invited)", 360)
	id := eval[string](t, ctx, `[...document.querySelectorAll("article.partner")].find(a => a.querySelector("h3").textContent.includes("Régie de quartier Alma-Gare"))?.id || ""`)
	if id == "" {
		t.Fatal("the invited organisation is not listed")
	}
	link := value(t, ctx, "#"+id+" input[readonly]")
	if !signupLink.MatchString(link) {
		t.Fatalf("sign-up link = %q", link)
	}
	copyButton := "#" + id + " button[data-copy]"
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(copyButton)), chromedp.Click(chromedp.CSS(copyButton))); err != nil {
		t.Fatalf("copy button: %v", err)
	}
	status := "#" + id + " .copy-status"
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector("`+status+`").textContent.includes("copié") || document.querySelector("`+status+`").textContent.includes("à la main")`)); err != nil {
		t.Fatalf("copy status: %v", err)
	}
	if msg := browsertest.Text(t, ctx, status); !strings.Contains(msg, "collez-le dans votre message") && !strings.Contains(msg, "à la main") {
		t.Errorf("copy status = %q", msg)
	}
	mail := s.waitForMail(t, "sofia.haddad@regie-alma.example.fr", link, sent)
	for _, want := range []string{"Régie de quartier Alma-Gare", "jusqu’à 4 personnes", "Ce que vous avez à faire"} {
		if !strings.Contains(mail, want) {
			t.Errorf("the contact's email lacks %q", want)
		}
	}

	// Revoking goes through its confirmation, on the phone too.
	submitAndWait(t, ctx, "#"+id+` form[action$="/revoquer"] button`, `section.confirm`)
	fitsWidth(t, ctx, "revoke confirmation", 360)
	submitAndWait(t, ctx, `main form button.contrast`, ".flash-success")
	if txt := browsertest.Text(t, ctx, "#"+id); !strings.Contains(txt, "Lien révoqué") {
		t.Errorf("after revoking, the card says %q", txt)
	}

	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	browsertest.Visit(t, ctx, s.URL+page)
	fitsWidth(t, ctx, page, 1280)
}
