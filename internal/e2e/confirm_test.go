package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"quartier/internal/browsertest"
)

// fitsWidth fails when the page scrolls sideways at width px, then runs axe.
func fitsWidth(t *testing.T, ctx context.Context, where string, width int) {
	t.Helper()
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil {
		t.Fatal(err)
	}
	if wide > width {
		t.Errorf("%s at %d px: the page is %d px wide", where, width, wide)
	}
	browsertest.CheckA11y(t, ctx)
}

// findRequest returns the first of the listed pages (links matching the
// pattern on list) whose HTML contains marker, or "".
func findRequest(t *testing.T, ctx context.Context, list, pattern, marker string) string {
	t.Helper()
	browsertest.Visit(t, ctx, list)
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(async () => {
		const re = new RegExp(`+strconv.Quote(pattern)+`);
		const hrefs = [...new Set([...document.querySelectorAll('main a')].map(a => a.getAttribute('href')).filter(h => re.test(h)))];
		for (const h of hrefs) {
			const html = await fetch(h).then(r => r.text());
			if (html.includes(`+strconv.Quote(marker)+`)) return h;
		}
		return "";
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("look for %s: %v", marker, err)
	}
	return href
}

// confirmThenCancel opens page, clicks the action's button, and waits for its
// confirmation page, checked at width; « Annuler » then leads back to page
// with nothing done.
func confirmThenCancel(t *testing.T, ctx context.Context, page, form, heading string, width int) {
	t.Helper()
	browsertest.Visit(t, ctx, page)
	fitsWidth(t, ctx, page, width)
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form[action$="`+form+`"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`main section.confirm button[type=submit]`)),
	); err != nil {
		t.Fatalf("%s: first step: %v", page, err)
	}
	if h := browsertest.Text(t, ctx, "main h1"); !strings.Contains(h, heading) {
		t.Errorf("%s: confirmation titled %q, want %q", page, h, heading)
	}
	fitsWidth(t, ctx, page+" (confirmation)", width)
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`main .actions a[role=button]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="`+form+`"]`)),
	); err != nil {
		t.Fatalf("%s: « Annuler »: %v", page, err)
	}
}

// TestConfirmations_CoordinatorWithdrawsAndDeletesADraft: at 1280 and
// 360 px, withdrawing a request and deleting a draft each show a
// confirmation page that passes axe and fits, and « Annuler » changes
// nothing; confirming then does it, without JavaScript being needed.
func TestConfirmations_CoordinatorWithdrawsAndDeletesADraft(t *testing.T) {
	s := startSite(t)
	ctx := browsertest.New(t)
	s.signIn(t, ctx, s.Manifest.Accounts.Coordinator)
	withdrawable := findRequest(t, ctx, s.URL+"/demandes", `^/demandes/\d+$`, `/retirer"`)
	draft := findRequest(t, ctx, s.URL+"/demandes", `^/demandes/\d+$`, `/supprimer"`)
	if withdrawable == "" || draft == "" {
		t.Fatalf("the demo has no request to withdraw (%q) or no draft (%q)", withdrawable, draft)
	}
	for _, w := range []int{1280, 360} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(w), 900)); err != nil {
			t.Fatal(err)
		}
		confirmThenCancel(t, ctx, s.URL+withdrawable, "/retirer", "Retirer la demande", w)
		confirmThenCancel(t, ctx, s.URL+draft, "/supprimer", "Supprimer le brouillon", w)
	}
	browsertest.Visit(t, ctx, s.URL+withdrawable)
	if body := browsertest.Text(t, ctx, "main h1"); strings.Contains(body, "Retirée") {
		t.Fatal("« Annuler » withdrew the request")
	}
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`form[action$="/retirer"] textarea`), "La salle n’est plus disponible."),
		chromedp.Click(chromedp.CSS(`form[action$="/retirer"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`main section.confirm button[type=submit]`)),
	); err != nil {
		t.Fatal(err)
	}
	if quote := browsertest.Text(t, ctx, "main blockquote"); !strings.Contains(quote, "plus disponible") {
		t.Errorf("the reason typed is not shown back: %q", quote)
	}
	submitAndWait(t, ctx, `main form button[type=submit]`, ".flash-success")
	if h := browsertest.Text(t, ctx, "main h1"); !strings.Contains(h, "Retirée") {
		t.Errorf("confirmed withdrawal: heading %q", h)
	}
	browsertest.Visit(t, ctx, s.URL+draft)
	submitAndWait(t, ctx, `form[action$="/supprimer"] button[type=submit]`, `main section.confirm button[type=submit]`)
	submitAndWait(t, ctx, `main form button[type=submit]`, ".flash-success")
	browsertest.CheckA11y(t, ctx)
	listed, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.querySelector('main a[href="`+draft+`"]')`))
	if err != nil || listed || !strings.HasSuffix(browsertest.Text(t, ctx, ".flash-success"), "supprimé.") {
		t.Errorf("the deleted draft is still listed (%v), or the flash is missing", err)
	}
}

// TestConfirmations_AdminSeasonsDashboardDeclineDeactivate: at 1280 and
// 360 px, the dashboard's « à examiner » figure equals the rows of the list
// it links to; the season page (edit form) fits and passes axe; declining
// and deactivating each ask first, and « Annuler » changes nothing.
func TestConfirmations_AdminSeasonsDashboardDeclineDeactivate(t *testing.T) {
	s := startSite(t)
	ctx := browsertest.New(t)
	s.signIn(t, ctx, s.Manifest.Accounts.Admin)
	browsertest.Visit(t, ctx, s.URL+"/admin/saisons")
	season, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('main table a')].find(a => a.closest('tr').textContent.includes('en cours')).getAttribute('href')`))
	if err != nil {
		t.Fatal(err)
	}
	submitted := findRequest(t, ctx, s.URL+"/admin/demandes?etat=submitted", `^/admin/demandes/\d+$`, `/refuser"`)
	person := findRequest(t, ctx, s.URL+"/admin/personnes", `^/admin/personnes/\d+$`, `/desactiver"`)
	if submitted == "" || person == "" {
		t.Fatalf("the demo has no request to decline (%q) or no active account (%q)", submitted, person)
	}
	for _, w := range []int{1280, 360} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(w), 900)); err != nil {
			t.Fatal(err)
		}
		browsertest.Visit(t, ctx, s.URL+"/tableau-de-bord")
		fitsWidth(t, ctx, "/tableau-de-bord", w)
		figure := browsertest.Text(t, ctx, "a.pending-count strong")
		submitAndWait(t, ctx, "a.pending-count", "main p[role=status]")
		rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('main tbody tr').length`))
		if err != nil {
			t.Fatal(err)
		}
		if strconv.Itoa(rows) != figure {
			t.Errorf("at %d px: the dashboard says %s to review, its list shows %d", w, figure, rows)
		}
		browsertest.Visit(t, ctx, s.URL+season)
		fitsWidth(t, ctx, season, w)
		if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`form[action="`+season+`"] #f-starts-on`))); err != nil {
			t.Errorf("the season page has no edit form: %v", err)
		}

		browsertest.Visit(t, ctx, s.URL+submitted)
		if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#f-decline-comment"), "Le territoire a déjà eu sa séance.")); err != nil {
			t.Fatal(err)
		}
		submitAndWait(t, ctx, `form[action$="/refuser"] button[type=submit]`, `main section.confirm button[type=submit]`)
		fitsWidth(t, ctx, submitted+" (refus)", w)
		if h := browsertest.Text(t, ctx, "main h1"); !strings.Contains(h, "Refuser la demande") {
			t.Errorf("decline confirmation titled %q", h)
		}
		submitAndWait(t, ctx, `main .actions a[role=button]`, `form[action$="/refuser"]`)

		confirmThenCancel(t, ctx, s.URL+person, "/desactiver", "Désactiver le compte", w)
	}
	browsertest.Visit(t, ctx, s.URL+submitted)
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`form[action$="/refuser"]`))); err != nil {
		t.Errorf("« Annuler » declined the request: %v", err)
	}
}
