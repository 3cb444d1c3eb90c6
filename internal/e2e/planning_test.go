package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"quartier/internal/browsertest"
)

// TestAdminPlansAdjustsAndSends: at 1280 and at 360 px, an admin opens the
// demo's planning page (data/demo.json's planning_path), runs the planner
// (the button says « Calcul en cours… » while it works), moves one session
// to another valid slot and sends the proposals. Every page passes axe and,
// on a phone, nothing scrolls sideways.
func TestAdminPlansAdjustsAndSends(t *testing.T) {
	for _, width := range []int64{1280, 360} {
		t.Run(map[int64]string{1280: "desktop", 360: "phone"}[width], func(t *testing.T) {
			s := startSite(t)
			if s.Manifest.PlanningPath == "" {
				t.Fatal("demo.json has no planning_path")
			}
			ctx := browsertest.New(t)
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900)); err != nil {
				t.Fatal(err)
			}
			s.signIn(t, ctx, s.Manifest.Accounts.Admin)
			browsertest.Visit(t, ctx, s.URL+s.Manifest.PlanningPath)
			fits := func(step string) {
				t.Helper()
				wide, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
				if err != nil {
					t.Fatal(err)
				}
				if wide > int(width) {
					t.Errorf("%s at %d px: the page is %d px wide", step, width, wide)
				}
			}
			fits("chooser")

			// The progress indication: the button is disabled and says so,
			// and the form still reaches the server with action=plan.
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('form[action="/admin/planification"]').addEventListener('submit', () => setTimeout(() => {
					const b = document.querySelector('button[value=plan]');
					sessionStorage.setItem('busy', b.disabled + '|' + b.textContent);
				}, 0)), true`)); err != nil {
				t.Fatal(err)
			}
			if err := chromedp.Do(ctx,
				chromedp.Click(chromedp.CSS(`button[name=action][value=plan]`)),
				chromedp.WaitVisible(chromedp.CSS(`button[name=action][value=send]`)),
			); err != nil {
				t.Fatalf("run the planner: %v", err)
			}
			busy, err := chromedp.Run(ctx, chromedp.Evaluate[string](`sessionStorage.getItem('busy') || ''`))
			if err != nil || busy != "true|Calcul en cours…" {
				t.Errorf("progress indication = %q (%v)", busy, err)
			}
			browsertest.CheckA11y(t, ctx)
			fits("proposal")
			main := browsertest.Text(t, ctx, "main")
			for _, want := range []string{"Trajets par chargée de mission", "Premier créneau libre", "nuit"} {
				if !strings.Contains(main, want) {
					t.Errorf("proposal lacks %q", want)
				}
			}

			// Move the first session that can go elsewhere.
			if err := chromedp.Do(ctx,
				chromedp.Click(chromedp.CSS(`main a[href*="?deplacer="]`)),
				chromedp.WaitVisible(chromedp.CSS(`#deplacer`)),
			); err != nil {
				t.Fatalf("open the move form: %v", err)
			}
			browsertest.CheckA11y(t, ctx)
			fits("move form")
			if err := chromedp.Do(ctx,
				chromedp.Click(chromedp.CSS(`#deplacer input[name=alternative]`)),
				chromedp.Click(chromedp.CSS(`#deplacer button[name=action][value=move]`)),
				chromedp.WaitVisible(chromedp.CSS(".flash-success")),
			); err != nil {
				t.Fatalf("move: %v", err)
			}
			if !strings.Contains(browsertest.Text(t, ctx, ".flash-success"), "Séance déplacée") {
				t.Error("no confirmation of the move")
			}
			browsertest.CheckA11y(t, ctx)

			if err := chromedp.Do(ctx,
				chromedp.Click(chromedp.CSS(`button[name=action][value=send]`)),
				chromedp.WaitVisible(chromedp.CSS(".badge-sent")),
			); err != nil {
				t.Fatalf("send: %v", err)
			}
			if flash := browsertest.Text(t, ctx, ".flash-success"); !strings.Contains(flash, "propositions envoyées") {
				t.Errorf("after send: %q", flash)
			}
			browsertest.CheckA11y(t, ctx)
			fits("sent")
		})
	}
}
