package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"quartier/internal/browsertest"
)

// TestFeedPage_WebcalLinkAndCopyButton: the « Ouvrir dans mon application
// d'agenda » link is the feed's own address with the webcal: scheme (not
// the sanitiser's #ZgotmplZ), the copy button appears with JavaScript and
// says it copied, and the page explains the four usual applications.
func TestFeedPage_WebcalLinkAndCopyButton(t *testing.T) {
	s := startSite(t)
	ctx := browsertest.New(t)
	s.signIn(t, ctx, s.Manifest.Accounts.Facilitator)
	for _, w := range []int64{1280, 360} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900)); err != nil {
			t.Fatal(err)
		}
		browsertest.Visit(t, ctx, s.URL+"/calendrier/flux")
	}
	feed, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#f-feed")))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+/flux/\d+-[A-Za-z0-9_-]+/calendrier\.ics$`).MatchString(feed) {
		t.Fatalf("feed link = %q", feed)
	}
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("main a")].find(a => a.textContent.includes("Ouvrir dans mon application")).getAttribute("href")`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "webcal" + strings.TrimPrefix(feed, "http"); href != want {
		t.Errorf("webcal link = %q, want %q", href, want)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[data-copy="f-feed"]`))); err != nil {
		t.Fatalf("copy button: %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector("#feed-copy-status").textContent !== ""`)); err != nil {
		t.Fatalf("copy status: %v", err)
	}
	if msg := browsertest.Text(t, ctx, "#feed-copy-status"); !strings.Contains(msg, "copié") && !strings.Contains(msg, "à la main") {
		t.Errorf("copy status = %q", msg)
	}
	body := browsertest.Text(t, ctx, "main")
	for _, app := range []string{"Outlook", "Google Agenda", "Apple Calendrier", "Thunderbird"} {
		if !strings.Contains(body, app) {
			t.Errorf("no instructions for %s", app)
		}
	}
	browsertest.CheckA11y(t, ctx)
}
