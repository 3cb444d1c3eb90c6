package e2e

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"quartier/internal/browsertest"
	"quartier/models"
)

// daySession makes the demo's first scheduled session start half an hour
// ago, with three people signed up by two partners, and returns it with
// the emails of its facilitator and coordinator and the registrations.
func daySession(t *testing.T, s *site) (se models.Session, facilitator, coordinator string, regs []int64) {
	t.Helper()
	ctx := context.Background()
	db, err := sql.Open("sqlite3", s.App.Config.Database.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var id int64
	if err := db.QueryRow(`SELECT s.id, f.email, co.email FROM sessions s
		JOIN requests r ON r.session_id = s.id JOIN clsms c ON c.id = r.clsm_id
		JOIN users f ON f.id = s.facilitator_id JOIN users co ON co.id = c.coordinator_id
		WHERE s.state = 'scheduled' AND s.remote_url = '' ORDER BY s.starts_at, s.id LIMIT 1`).Scan(&id, &facilitator, &coordinator); err != nil {
		t.Fatalf("no scheduled session in the demo: %v", err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	admins, err := s.App.Store.ListUserRows(ctx, models.UserFilter{Role: models.RoleAdmin, Limit: 1})
	if err != nil || len(admins) == 0 {
		t.Fatalf("no admin: %v", err)
	}
	for i, org := range []string{"Mission locale", "Centre social des Trois-Ponts"} {
		p, err := s.App.Store.InvitePartner(ctx, admins[0].ID, id, 0, models.OrganisationInput{Name: org, Kind: models.OrgAssociation, ContactEmail: fmt.Sprintf("partenaire%d@exemple.fr", i)})
		if err != nil {
			t.Fatal(err)
		}
		for j, name := range [][2]string{{"Amina", "Benali"}, {"Yanis", "Durand"}}[:2-i] {
			res, err := db.Exec(`INSERT INTO registrations (session_id, partner_id, first_name, last_name, email, category, state, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, 'habitant', 'confirmed', ?, ?)`, id, p.ID, name[0], name[1], fmt.Sprintf("p%d%d@exemple.fr", i, j), now, now)
			if err != nil {
				t.Fatal(err)
			}
			rid, _ := res.LastInsertId()
			regs = append(regs, rid)
		}
	}
	// Started half an hour ago (after the invitations: a started session
	// takes no more partners).
	if _, err := db.Exec(`UPDATE sessions SET starts_at = ?, ends_at = ? WHERE id = ?`, now.Add(-30*time.Minute), now.Add(150*time.Minute), id); err != nil {
		t.Fatal(err)
	}
	if se, err = s.App.Store.SessionByID(ctx, id); err != nil {
		t.Fatal(err)
	}
	return se, facilitator, coordinator, regs
}

// TestDay_FacilitatorOnAPhone: at 360 px the facilitator opens the session
// from the dashboard, ticks a participant (saved as ticked, still ticked
// after a reload), ticks another while the connection is down (said, then
// saved when it is back), adds a walk-in and fills in the debrief; the
// session is held. Every page passes axe at 360 and 1280 px.
func TestDay_FacilitatorOnAPhone(t *testing.T) {
	s := startSite(t)
	se, fac, _, regs := daySession(t, s)
	ctx := browsertest.New(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 800)); err != nil {
		t.Fatal(err)
	}
	s.signIn(t, ctx, fac)
	page := fmt.Sprintf("%s/seances/%d/presences", s.URL, se.ID)
	browsertest.Visit(t, ctx, s.URL+"/tableau-de-bord")
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`a[href="/seances/%d/presences"]`, se.ID))),
		chromedp.WaitVisible(chromedp.CSS("form.attendance")),
	); err != nil {
		t.Fatalf("from the dashboard to the attendance: %v", err)
	}
	browsertest.CheckA11y(t, ctx)
	box := func(id int64) string { return fmt.Sprintf(`input[name=present][value="%d"]`, id) }
	signed, err := s.App.Store.Participants(context.Background(), se.ID)
	if err != nil {
		t.Fatal(err)
	}
	counted := func(want string) {
		t.Helper()
		want = strings.Replace(want, "sur 3 ", fmt.Sprintf("sur %d ", len(signed)), 1)
		if got := strings.Join(strings.Fields(browsertest.Text(t, ctx, "#presences-compte")), " "); got != want {
			t.Errorf("count = %q, want %q", got, want)
		}
	}
	counted("0 présent·e sur 3 inscrit·e·s")
	if live, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#presences-compte").getAttribute("aria-live")`)); live != "polite" {
		t.Errorf("the count is not a live region (aria-live %q)", live)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(box(regs[0]))),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf("#etat-%d.tick-saved", regs[0]))),
	); err != nil {
		t.Fatalf("tick: %v", err)
	}
	counted("1 présent·e sur 3 inscrit·e·s")
	if got := browsertest.Text(t, ctx, fmt.Sprintf("#etat-%d", regs[0])); !strings.Contains(got, "enregistré") {
		t.Errorf("tick state = %q", got)
	}
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil || wide > 360 {
		t.Errorf("attendance at 360 px is %d px wide (%v)", wide, err)
	}

	// The connection drops during a tick: it is said, kept, and saved once
	// the connection is back. The drop is made by failing the page's
	// requests to /coche in the Fetch domain, as a lost connection fails
	// them: Network.emulateNetworkConditionsByRule changed its parameters
	// between Chromium releases (per-rule offline became one global flag),
	// while Fetch.failRequest has stayed the same.
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*fetch.EventRequestPaused); ok {
			go func() { // Listen's fn must not run commands itself
				_, _ = chromedp.Call(ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: e.RequestID, ErrorReason: network.ErrorReasonInternetDisconnected})
			}()
		}
	}); err != nil {
		t.Fatalf("listen: %v", err)
	}
	offline := func(off bool) {
		t.Helper()
		var err error
		if off {
			_, err = chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: page + "/coche*"}}})
		} else {
			_, err = chromedp.Call(ctx, fetch.Disable, cdp.Empty{})
		}
		if err != nil {
			t.Fatalf("offline=%v: %v", off, err)
		}
	}
	offline(true)
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(box(regs[1]))),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf("#etat-%d.tick-failed", regs[1]))),
	); err != nil {
		t.Fatalf("tick offline: %v", err)
	}
	counted("2 présent·e·s sur 3 inscrit·e·s") // as ticked, saved or not yet
	offline(false)
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf("#etat-%d.tick-saved", regs[1])))); err != nil {
		t.Fatalf("tick saved once back online: %v", err)
	}

	// A reload shows what was saved.
	browsertest.Visit(t, ctx, page)
	for _, id := range regs[:2] {
		if on, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector(%q).checked`, box(id)))); err != nil || !on {
			t.Errorf("registration %d not ticked after a reload (%v)", id, err)
		}
	}

	// A walk-in: the form refuses a missing category, then takes it.
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#f-first-name"), "Nora"),
		chromedp.SendKeys(chromedp.CSS("#f-last-name"), "Kaci"),
		chromedp.SendKeys(chromedp.CSS("#f-organisation"), "Amicale des locataires"),
		chromedp.Click(chromedp.CSS(".walk-in-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".error-summary")),
	); err != nil {
		t.Fatalf("walk-in without category: %v", err)
	}
	browsertest.CheckA11y(t, ctx)
	if v, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#f-first-name").value`)); v != "Nora" {
		t.Errorf("the walk-in form came back with %q", v)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`input[name=category][value="habitant"]`)),
		chromedp.Click(chromedp.CSS(".walk-in-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".flash-success")),
	); err != nil {
		t.Fatalf("walk-in: %v", err)
	}
	if body := browsertest.Text(t, ctx, "main"); !strings.Contains(body, "Nora Kaci") {
		t.Error("the walk-in is not listed")
	}
	counted("2 présent·e·s sur 3 inscrit·e·s, et 1 personne venue sans inscription")
	// Unticked, the count goes down.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(box(regs[1]))),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf("#etat-%d.tick-saved", regs[1]))),
	); err != nil {
		t.Fatalf("untick: %v", err)
	}
	counted("1 présent·e sur 3 inscrit·e·s, et 1 personne venue sans inscription")
	browsertest.CheckA11y(t, ctx)
	shot(t, ctx, "presences-360.png")

	// The debrief.
	browsertest.Visit(t, ctx, fmt.Sprintf("%s/seances/%d/bilan", s.URL, se.ID))
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#f-atmosphere"), "Très participative, beaucoup de questions."),
		chromedp.SendKeys(chromedp.CSS("#f-resources"), "CMP, Point écoute jeunes"),
		chromedp.Click(chromedp.CSS(".debrief-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".flash-success")),
	); err != nil {
		t.Fatalf("debrief: %v", err)
	}
	browsertest.CheckA11y(t, ctx)
	shot(t, ctx, "tableau-de-bord-apres-bilan-360.png")
	got, err := s.App.Store.SessionByID(context.Background(), se.ID)
	if err != nil || got.State != models.SessionHeld {
		t.Errorf("session after the day: %s %v", got.State, err)
	}
	day, _ := s.App.Store.SessionDayOf(context.Background(), se.ID)
	if !day.Done() || !strings.Contains(day.Resources, "Point écoute") {
		t.Errorf("debrief saved = %+v", day)
	}

	// The same pages at 1280 px.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	browsertest.Visit(t, ctx, page)
	shot(t, ctx, "presences-1280.png")
	browsertest.Visit(t, ctx, fmt.Sprintf("%s/seances/%d/bilan", s.URL, se.ID))
	shot(t, ctx, "bilan-1280.png")
}

// shot writes a full-page screenshot into QUARTIER_SCREENSHOTS, when set,
// for a person to look at.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("QUARTIER_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDay_PrintedSheet: the coordinator's attendance sheet passes axe,
// prints without the site's navigation and with its table header, and its
// print-media screenshot and PDF are written for a look
// (QUARTIER_SCREENSHOTS names the folder; the test's temporary one
// otherwise).
func TestDay_PrintedSheet(t *testing.T) {
	s := startSite(t)
	se, _, coord, _ := daySession(t, s)
	ctx := browsertest.New(t)
	s.signIn(t, ctx, coord)
	sheet := fmt.Sprintf("%s/demandes/%d/emargement", s.URL, se.RequestID)
	for _, w := range []int64{1280, 360} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900)); err != nil {
			t.Fatal(err)
		}
		browsertest.Visit(t, ctx, sheet)
		browsertest.Visit(t, ctx, fmt.Sprintf("%s/demandes/%d/telephones", s.URL, se.RequestID))
		browsertest.Visit(t, ctx, fmt.Sprintf("%s/demandes/%d/presences", s.URL, se.RequestID))
		browsertest.Visit(t, ctx, fmt.Sprintf("%s/demandes/%d", s.URL, se.RequestID))
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(794, 1123)); err != nil { // A4 at 96 dpi
		t.Fatal(err)
	}
	browsertest.Visit(t, ctx, sheet)
	if shown, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.querySelector("button[data-print]").hidden`)); err != nil || !shown {
		t.Errorf("the print button is not shown (%v)", err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	hidden, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[".site-header", ".site-footer", ".sheet-tools", ".signed-in"]
		.filter(s => document.querySelector(s) && getComputedStyle(document.querySelector(s)).display !== "none").join(" ")`))
	if err != nil || hidden != "" {
		t.Errorf("printed with %q (%v)", hidden, err)
	}
	if group, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector(".sheet-table thead")).display`)); group != "table-header-group" {
		t.Errorf("the table header is %q when printed, want repeated (table-header-group)", group)
	}
	dir := os.Getenv("QUARTIER_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	css := true
	pdf, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: 8.27, PaperHeight: 11.69, PreferCSSPageSize: &css})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf.Data, []byte("%PDF")) {
		t.Error("the printed sheet is not a PDF")
	}
	for name, b := range map[string][]byte{"emargement-impression.png": png, "emargement.pdf": pdf.Data} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("printed sheet: %s", filepath.Join(dir, "emargement-impression.png"))
}

// TestDay_DemoSessionsThatTookPlace: with the demo's held and closed
// sessions (their sign-ups, attendance and debriefs), every page of their
// day passes axe and fits 360 px, for their facilitators (dashboard,
// attendance, debrief) and their coordinators (request, sheet, count,
// phones); and at 1280 px. A closed session's list is read-only.
func TestDay_DemoSessionsThatTookPlace(t *testing.T) {
	s := startSite(t)
	db, err := sql.Open("sqlite3", s.App.Config.Database.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT s.id, r.id, s.state, f.email, co.email FROM sessions s
		JOIN requests r ON r.session_id = s.id JOIN clsms c ON c.id = r.clsm_id
		JOIN users f ON f.id = s.facilitator_id JOIN users co ON co.id = c.coordinator_id
		WHERE s.state IN ('held', 'closed') ORDER BY s.starts_at DESC`)
	if err != nil {
		t.Fatal(err)
	}
	type took struct {
		session, request int64
		state            string
	}
	byFac, byCoord := map[string][]took{}, map[string][]took{}
	for rows.Next() {
		var x took
		var fac, coord string
		if err := rows.Scan(&x.session, &x.request, &x.state, &fac, &coord); err != nil {
			t.Fatal(err)
		}
		byFac[fac] = append(byFac[fac], x)
		byCoord[coord] = append(byCoord[coord], x)
	}
	rows.Close()
	if len(byFac) < 2 || len(byCoord) < 3 {
		t.Fatalf("sessions that took place: %d facilitators, %d coordinators", len(byFac), len(byCoord))
	}
	// Visit has run axe on the page.
	fits := func(ctx context.Context, width int, what string) {
		t.Helper()
		if wide, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); err != nil || wide > width {
			t.Errorf("%s at %d px is %d px wide (%v)", what, width, wide, err)
		}
	}
	for _, width := range []int{360, 1280} {
		for fac, sessions := range byFac {
			ctx := browsertest.New(t)
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), 800)); err != nil {
				t.Fatal(err)
			}
			s.signIn(t, ctx, fac)
			browsertest.Visit(t, ctx, s.URL+"/tableau-de-bord")
			fits(ctx, width, "dashboard of "+fac)
			shot(t, ctx, fmt.Sprintf("demo-tableau-de-bord-%s-%d.png", strings.SplitN(fac, ".", 2)[0], width))
			for i, x := range sessions {
				if width == 1280 && i > 1 {
					break
				}
				browsertest.Visit(t, ctx, fmt.Sprintf("%s/seances/%d/presences", s.URL, x.session))
				fits(ctx, width, fmt.Sprintf("attendance of session %d", x.session))
				if disabled, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`[...document.querySelectorAll("input[name=present]")].every(b => b.disabled)`)); x.state == "closed" && !disabled {
					t.Errorf("closed session %d: its attendance can be ticked", x.session)
				}
				if i < 2 {
					shot(t, ctx, fmt.Sprintf("demo-presences-%d-%s-%d.png", x.session, x.state, width))
				}
				browsertest.Visit(t, ctx, fmt.Sprintf("%s/seances/%d/bilan", s.URL, x.session))
				fits(ctx, width, fmt.Sprintf("debrief of session %d", x.session))
				if i < 2 {
					shot(t, ctx, fmt.Sprintf("demo-bilan-%d-%s-%d.png", x.session, x.state, width))
				}
			}
		}
		for coord, sessions := range byCoord {
			ctx := browsertest.New(t)
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), 800)); err != nil {
				t.Fatal(err)
			}
			s.signIn(t, ctx, coord)
			for i, x := range sessions {
				if i > 1 {
					break
				}
				for _, p := range []string{"", "/emargement", "/presences", "/telephones"} {
					browsertest.Visit(t, ctx, fmt.Sprintf("%s/demandes/%d%s", s.URL, x.request, p))
					fits(ctx, width, fmt.Sprintf("request %d%s", x.request, p))
					if i == 0 {
						shot(t, ctx, fmt.Sprintf("demo-demande-%d%s-%d.png", x.request, strings.ReplaceAll(p, "/", "-"), width))
					}
				}
			}
		}
	}
}
