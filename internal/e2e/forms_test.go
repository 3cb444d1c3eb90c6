package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"quartier/internal/browsertest"
)

// eval runs a JavaScript expression and returns its value.
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// TestRequestForm_EnterStaysFocusGoesToSummary: at both widths, Enter in a
// one-line field of the long request form neither submits nor leaves the
// page, and after a refused submit the focus is on the error summary.
func TestRequestForm_EnterStaysFocusGoesToSummary(t *testing.T) {
	s := startSite(t)
	ctx := browsertest.New(t)
	s.signIn(t, ctx, s.Manifest.Accounts.Coordinator)
	for _, w := range []int64{1280, 360} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900)); err != nil {
			t.Fatal(err)
		}
		browsertest.Visit(t, ctx, s.URL+"/demandes/nouvelle")
		eval[bool](t, ctx, `window.sameDocument = true`)
		if err := chromedp.Do(ctx,
			chromedp.SendKeys(chromedp.CSS("#f-venue-name"), "Salle Watremez"+kb.Enter),
			chromedp.SendKeys(chromedp.CSS("#f-expected-count"), "15"+kb.Enter),
			chromedp.Sleep(700*time.Millisecond),
		); err != nil {
			t.Fatal(err)
		}
		if !eval[bool](t, ctx, `window.sameDocument === true && location.pathname === "/demandes/nouvelle"`) {
			t.Fatalf("at %d px, Enter in a field left the form for %s", w, eval[string](t, ctx, `location.pathname`))
		}
		if v := value(t, ctx, "#f-venue-name"); v != "Salle Watremez" {
			t.Errorf("at %d px, the field holds %q", w, v)
		}
		submitAndWait(t, ctx, `button[value="submit"]`, ".error-summary")
		if id := eval[string](t, ctx, `document.activeElement ? document.activeElement.id : ""`); id != "erreurs" {
			t.Errorf("at %d px, after a refused submit the focus is on %q, not the error summary", w, id)
		}
		browsertest.CheckA11y(t, ctx)
	}
}

// TestExceptions_AllDayDisablesTheHours: « Toute la journée » disables the
// two time fields, and unticking it brings them back.
func TestExceptions_AllDayDisablesTheHours(t *testing.T) {
	s := startSite(t)
	ctx := browsertest.New(t)
	s.signIn(t, ctx, s.Manifest.Accounts.Facilitator)
	for _, w := range []int64{1280, 360} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900)); err != nil {
			t.Fatal(err)
		}
		browsertest.Visit(t, ctx, s.URL+"/calendrier/exceptions")
		state := `[document.querySelector("#f-all-day").checked, document.querySelector("#f-start").disabled, document.querySelector("#f-end").disabled].join()`
		if got := eval[string](t, ctx, state); got != "true,true,true" {
			t.Errorf("at %d px, all day ticked: checked, start and end disabled = %s", w, got)
		}
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#f-all-day"))); err != nil {
			t.Fatal(err)
		}
		if got := eval[string](t, ctx, state); got != "false,false,false" {
			t.Errorf("at %d px, all day unticked: checked, start and end disabled = %s", w, got)
		}
		browsertest.CheckA11y(t, ctx)
	}
}

// TestCLSMPage_QPVCodesBesideTheirCheckboxes: on the CLSM page, each
// quartier's code sits on its own label's line and overlaps no checkbox.
func TestCLSMPage_QPVCodesBesideTheirCheckboxes(t *testing.T) {
	s := startSite(t)
	ctx := browsertest.New(t)
	s.signIn(t, ctx, s.Manifest.Accounts.Admin)
	const overlaps = `(() => {
	  const labels = [...document.querySelectorAll("fieldset.qpv-choices label")];
	  const boxes = labels.map(l => l.querySelector("input").getBoundingClientRect());
	  const bad = [];
	  labels.forEach((l, i) => {
	    const code = l.querySelector("small");
	    if (!code) { return; }
	    const r = code.getBoundingClientRect();
	    boxes.forEach((b, j) => {
	      if (r.left < b.right && b.left < r.right && r.top < b.bottom && b.top < r.bottom) { bad.push(code.textContent + " over checkbox " + j); }
	    });
	    const own = l.getBoundingClientRect();
	    if (r.top < own.top - 1 || r.bottom > own.bottom + 1) { bad.push(code.textContent + " outside its label"); }
	  });
	  return labels.length + ":" + bad.join("; ");
	})()`
	for _, w := range []int64{1280, 360} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900)); err != nil {
			t.Fatal(err)
		}
		browsertest.Visit(t, ctx, s.URL+"/admin/clsm/1")
		got := eval[string](t, ctx, overlaps)
		n, bad, _ := strings.Cut(got, ":")
		if n == "0" {
			t.Fatalf("the demo CLSM lists no quartier to check")
		}
		if bad != "" {
			t.Errorf("at %d px: %s", w, bad)
		}
	}
}
