package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"quartier/internal/browsertest"
)

// TestPhoneWidth_ListsFitAndMenuCollapses opens every list page of each
// role at 360 px: nothing scrolls sideways (wide tables scroll inside a
// focusable region), the header stays short because the menu collapses into
// a « Menu » disclosure that opens without JavaScript, and axe passes.
func TestPhoneWidth_ListsFitAndMenuCollapses(t *testing.T) {
	s := startSite(t)
	pages := map[string][]string{
		s.Manifest.Accounts.Admin: {"/tableau-de-bord", "/admin/demandes", "/admin/personnes", "/admin/clsm", "/admin/clsm/1",
			"/admin/saisons", "/admin/qpv", "/admin/calendriers", "/admin/courriels"},
		s.Manifest.Accounts.Coordinator: {"/tableau-de-bord", "/demandes"},
		s.Manifest.Accounts.Facilitator: {"/tableau-de-bord", "/calendrier"},
	}
	for _, email := range []string{s.Manifest.Accounts.Admin, s.Manifest.Accounts.Coordinator, s.Manifest.Accounts.Facilitator} {
		t.Run(email, func(t *testing.T) {
			ctx := browsertest.New(t)
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 800)); err != nil {
				t.Fatal(err)
			}
			s.signIn(t, ctx, email)
			for _, p := range pages[email] {
				browsertest.Visit(t, ctx, s.URL+p)
				wide, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
				if err != nil {
					t.Fatal(err)
				}
				if wide > 360 {
					t.Errorf("%s at 360 px: the page is %d px wide (scrolls sideways)", p, wide)
				}
				header, err := chromedp.Run(ctx, chromedp.Evaluate[int](`Math.round(document.querySelector(".site-header").getBoundingClientRect().height)`))
				if err != nil {
					t.Fatal(err)
				}
				if header > 200 {
					t.Errorf("%s at 360 px: the header is %d px tall", p, header)
				}
			}
			// The menu opens by itself (details/summary) and leads somewhere.
			if err := chromedp.Do(ctx,
				chromedp.Click(chromedp.CSS(".site-menu summary")),
				chromedp.WaitVisible(chromedp.CSS(`.site-menu a[href="/tableau-de-bord"]`)),
			); err != nil {
				t.Fatalf("open the menu: %v", err)
			}
			browsertest.CheckA11y(t, ctx)
		})
	}
}

// TestFooterLinks_EveryPage checks the footer of public and signed-in pages
// names the team's contact and links the four information pages, and that
// those pages pass axe at both widths.
func TestFooterLinks_EveryPage(t *testing.T) {
	s := startSite(t)
	ctx := browsertest.New(t)
	for _, w := range []int64{1280, 360} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900)); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{"/", "/contact", "/mentions-legales", "/confidentialite", "/accessibilite"} {
			browsertest.Visit(t, ctx, s.URL+p)
			footer := browsertest.Text(t, ctx, ".site-footer")
			for _, want := range []string{"Contact", "Mentions légales", "Données personnelles", "Accessibilité", s.App.Config.Team.ContactEmail} {
				if !strings.Contains(footer, want) {
					t.Errorf("%s at %d px: footer lacks %q", p, w, want)
				}
			}
		}
	}
	browsertest.Visit(t, ctx, s.URL+"/confidentialite")
	body := browsertest.Text(t, ctx, "main")
	for _, want := range []string{"responsable du traitement", "base", "Combien de temps", "CNIL", s.App.Config.Team.DPOEmail, "Qui les reçoit"} {
		if !strings.Contains(body, want) {
			t.Errorf("privacy notice lacks %q", want)
		}
	}
	browsertest.Visit(t, ctx, s.URL+"/accessibilite")
	if body := browsertest.Text(t, ctx, "main"); !strings.Contains(body, "Défenseur des droits") || !strings.Contains(body, "partiellement conforme") {
		t.Errorf("accessibility statement lacks the recourse or the conformity state")
	}
}
