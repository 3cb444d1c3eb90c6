package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"quartier/internal/browsertest"
)

// TestAdminSearchesWithoutAccents: the admin types names without their
// accents or capitals in the search fields of the people and CLSM lists,
// submits with Enter (no JavaScript needed), and finds the accented names;
// the pages fit 1280 and 360 px and pass axe. Screenshots go to
// QUARTIER_SCREENSHOTS when set.
func TestAdminSearchesWithoutAccents(t *testing.T) {
	s := startSite(t)
	ctx := browsertest.New(t)
	s.signIn(t, ctx, s.Manifest.Accounts.Admin)
	for _, width := range []int{1280, 360} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), 900)); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct{ list, typed, want, not string }{
			{"/admin/personnes", "ines", "Inès Martin", "Claire Dubois"},
			{"/admin/personnes", "MAELLE", "Maëlle Joseph", "Nadia Benali"},
			{"/admin/clsm", "fort de france", "CLSM de Fort-de-France", "CLSM de Cholet"},
		} {
			browsertest.Visit(t, ctx, s.URL+tc.list)
			if err := chromedp.Do(ctx,
				chromedp.SendKeys(chromedp.CSS("#f-q"), tc.typed),
				chromedp.Click(chromedp.CSS(`main form[role="search"] button[type="submit"]`)),
			); err != nil {
				t.Fatalf("%s: search %q: %v", tc.list, tc.typed, err)
			}
			// The poll may start on the page being left: again on the new one.
			var err error
			for range 3 {
				if _, err = chromedp.Run(ctx, chromedp.Poll[bool](`location.search.includes("q=") && document.readyState === "complete"`)); err == nil {
					break
				}
			}
			if err != nil {
				t.Fatalf("%s: the search was not submitted: %v", tc.list, err)
			}
			main := browsertest.Text(t, ctx, "main table")
			if !strings.Contains(main, tc.want) || strings.Contains(main, tc.not) {
				t.Errorf("%s at %d px, « %s »: want %q, not %q, in\n%s", tc.list, width, tc.typed, tc.want, tc.not, main)
			}
			if v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#f-q').value`)); err != nil || v != tc.typed {
				t.Errorf("%s: the field shows %q after the search, want %q (%v)", tc.list, v, tc.typed, err)
			}
			fitsWidth(t, ctx, tc.list+"?q="+tc.typed, width)
			shot(t, ctx, fmt.Sprintf("search%s-%d.png", strings.ReplaceAll(tc.list, "/", "-"), width))
		}
	}
}
