package e2e

import (
	"database/sql"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"quartier/internal/browsertest"
)

// TestRGPD_AdminErasesAParticipant is issue 19's personal data story: the
// admin opens « Données personnelles » from the menu, types a mistaken
// address and reads the French message with what was typed kept, then a
// participant's address of the demo, reads on the confirmation page what
// will change, confirms, and finds the erasure in the history without the
// address; the participant's registrations are anonymised, not deleted.
// Axe passes on every page at 1280 px, and the page fits and passes at
// 360 px.
func TestRGPD_AdminErasesAParticipant(t *testing.T) {
	s := startSite(t)
	db, err := sql.Open("sqlite3", s.App.Config.Database.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var email string
	var regs int
	if err := db.QueryRow(`SELECT email, COUNT(*) FROM registrations WHERE email LIKE '%@%' GROUP BY email ORDER BY COUNT(*) DESC, email LIMIT 1`).Scan(&email, &regs); err != nil {
		t.Fatalf("no participant in the demo: %v", err)
	}
	var total int
	db.QueryRow(`SELECT COUNT(*) FROM registrations`).Scan(&total)

	ctx := browsertest.New(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	s.signIn(t, ctx, s.Manifest.Accounts.Admin)
	browsertest.Visit(t, ctx, s.URL+"/tableau-de-bord")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`nav a[href="/admin/donnees-personnelles"]`)), chromedp.WaitVisible(chromedp.CSS("#f-email"))); err != nil {
		t.Fatalf("menu: %v", err)
	}
	fitsWidth(t, ctx, "personal data page", 1280)
	if body := browsertest.Text(t, ctx, "main"); !strings.Contains(body, "12\u00a0mois") {
		t.Errorf("the retention period is not stated:\n%s", body)
	}

	// The browser would stop a malformed address itself: send it as a
	// browser without that check does, to read the server's message.
	eval[bool](t, ctx, `document.querySelector("#f-email").type = "text"; true`)
	fill(t, ctx, map[string]string{"#f-email": "marie.dupont@"})
	submitAndWait(t, ctx, `button[formaction$="/effacer"]`, ".error-summary")
	if msg := browsertest.Text(t, ctx, "#f-email-erreur"); !strings.Contains(msg, "adresse électronique valide") {
		t.Errorf("message = %q", msg)
	}
	if v := value(t, ctx, "#f-email"); v != "marie.dupont@" {
		t.Errorf("what was typed is lost: %q", v)
	}
	fitsWidth(t, ctx, "personal data page (error)", 1280)

	fill(t, ctx, map[string]string{"#f-email": email})
	submitAndWait(t, ctx, `button[formaction$="/effacer"]`, "section.confirm")
	browsertest.CheckA11y(t, ctx)
	if body := browsertest.Text(t, ctx, "main"); !strings.Contains(body, "inscription") || !strings.Contains(body, "Personne anonymisée") {
		t.Errorf("the confirmation does not say what changes:\n%s", body)
	}
	var left int
	db.QueryRow(`SELECT COUNT(*) FROM registrations WHERE email = ?`, email).Scan(&left)
	if left != regs {
		t.Fatalf("erased before the confirmation (%d of %d left)", left, regs)
	}
	submitAndWait(t, ctx, `section.confirm button[type=submit]`, ".flash-success")
	fitsWidth(t, ctx, "personal data page (erased)", 1280)
	if hist := browsertest.Text(t, ctx, "main"); !strings.Contains(hist, "effacement des données d’une personne (empreinte") || strings.Contains(hist, email) {
		t.Errorf("history after the erasure:\n%s", hist)
	}
	db.QueryRow(`SELECT COUNT(*) FROM registrations WHERE email = ?`, email).Scan(&left)
	var after int
	db.QueryRow(`SELECT COUNT(*) FROM registrations`).Scan(&after)
	if left != 0 || after != total {
		t.Errorf("after the erasure: %d registrations hold the address, %d rows of %d", left, after, total)
	}

	phone := browsertest.New(t)
	if err := chromedp.Do(phone, chromedp.EmulateViewport(360, 800)); err != nil {
		t.Fatal(err)
	}
	s.signIn(t, phone, s.Manifest.Accounts.Admin)
	browsertest.Visit(t, phone, s.URL+"/admin/donnees-personnelles")
	fitsWidth(t, phone, "personal data page", 360)
}
