package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"quartier/internal/browsertest"
)

// TestAdminOnboardsACoordinator: an admin creates a CLSM and its
// coordinator in the browser; the coordinator gets the welcome email and
// signs in with its link. Every admin page visited passes axe.
func TestAdminOnboardsACoordinator(t *testing.T) {
	s := startSite(t)
	ctx := browsertest.New(t)
	s.signIn(t, ctx, s.Manifest.Accounts.Admin)
	for _, p := range []string{"/admin/personnes", "/admin/clsm", "/admin/saisons", "/admin/qpv", "/admin/courriels", "/admin/calendriers", "/admin/demandes"} {
		browsertest.Visit(t, ctx, s.URL+p)
	}
	// Each message of the « Courriels » page opens as it will be received.
	browsertest.Visit(t, ctx, s.URL+"/admin/courriels")
	msg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('main table a')].map(a => a.getAttribute('href')).find(h => /^\/admin\/courriels\/\d+$/.test(h)) || ""`))
	if err != nil || msg == "" {
		t.Fatalf("no message listed on the Courriels page (%v)", err)
	}
	browsertest.Visit(t, ctx, s.URL+msg)
	if body := browsertest.Text(t, ctx, "main"); !strings.Contains(body, "Tel qu’il sera reçu") {
		t.Errorf("message page lacks its preview")
	}

	browsertest.Visit(t, ctx, s.URL+"/admin/clsm/nouveau")
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#f-name"), "CLSM d'Amiens"),
		chromedp.SetValue(chromedp.CSS("#f-departement"), "80"),
		chromedp.SendKeys(chromedp.CSS("#f-communes"), "Amiens"),
		chromedp.Click(chromedp.CSS(`main form[action="/admin/clsm/nouveau"] `+saveButton)),
		chromedp.WaitVisible(chromedp.CSS(".flash-success")),
	); err != nil {
		t.Fatalf("create CLSM: %v", err)
	}
	browsertest.CheckA11y(t, ctx)

	created := time.Now().Add(-time.Second)
	browsertest.Visit(t, ctx, s.URL+"/admin/personnes/nouvelle")
	// First with a mistake: the address.
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#f-name"), "Léa Picard"),
		chromedp.SendKeys(chromedp.CSS("#f-email"), "lea.picard@amiens"),
		chromedp.Click(chromedp.CSS(`input[name=role][value=coordinator]`)),
		chromedp.Click(chromedp.CSS(`main form[action="/admin/personnes/nouvelle"] `+saveButton)),
		chromedp.WaitVisible(chromedp.CSS(".error-summary")),
	); err != nil {
		t.Fatalf("create person with a mistake: %v", err)
	}
	browsertest.CheckA11y(t, ctx)
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#f-name"))); v != "Léa Picard" {
		t.Errorf("name not kept: %q", v)
	}
	// The CLSM is a search field: typing part of its name brings the
	// suggestion, written as the server reads it back.
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#f-clsm"), "amiens"),
		chromedp.WaitReady(chromedp.CSS(`#f-clsm-propositions option`)),
	); err != nil {
		t.Fatalf("CLSM suggestions: %v", err)
	}
	opt, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#f-clsm-propositions option').value`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(opt, "CLSM d'Amiens (n° ") {
		t.Errorf("suggestion for « amiens »: %q", opt)
	}
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("#f-email"), "lea.picard@amiens.fr"),
		chromedp.SetValue(chromedp.CSS("#f-clsm"), opt),
		chromedp.Click(chromedp.CSS(`main form[action="/admin/personnes/nouvelle"] `+saveButton)),
		chromedp.WaitVisible(chromedp.CSS(".flash-success")),
	); err != nil {
		t.Fatalf("create person: %v", err)
	}
	browsertest.CheckA11y(t, ctx)

	// The coordinator, in her own browser, follows the welcome email.
	link := s.waitForLink(t, "lea.picard@amiens.fr", created)
	lea := browsertest.New(t)
	browsertest.Visit(t, lea, link)
	if err := chromedp.Do(lea,
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".signed-in")),
	); err != nil {
		t.Fatalf("welcome link: %v", err)
	}
	if body := browsertest.Text(t, lea, "main"); !strings.Contains(body, "CLSM d'Amiens") {
		t.Errorf("coordinator's dashboard lacks her CLSM")
	}
}

func TestAdminClosesASeasonAndImportsABadCSV(t *testing.T) {
	s := startSite(t)
	ctx := browsertest.New(t)
	s.signIn(t, ctx, s.Manifest.Accounts.Admin)
	browsertest.Visit(t, ctx, s.URL+"/admin/saisons")
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('main table a')].find(a => a.closest('tr').textContent.includes('en cours')).getAttribute('href')`))
	if err != nil {
		t.Fatal(err)
	}
	browsertest.Visit(t, ctx, s.URL+href)
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`input[name=confirm]`)),
		chromedp.Click(chromedp.CSS(`form[action$="/cloturer"] button`)),
		chromedp.WaitVisible(chromedp.CSS(".flash-success")),
	); err != nil {
		t.Fatalf("close season: %v", err)
	}
	browsertest.CheckA11y(t, ctx)
	if body := browsertest.Text(t, ctx, "main"); !strings.Contains(body, "clôturée") {
		t.Errorf("season not shown as closed")
	}

	csv := filepath.Join(t.TempDir(), "qpv.csv")
	os.WriteFile(csv, []byte("code_qp;lib_qp;insee_com\nQN08001M;Amiens Nord;80021\nQN08002M;;80021\nQN08003M;Nulle part;00000\n"), 0o600)
	browsertest.Visit(t, ctx, s.URL+"/admin/qpv")
	if err := chromedp.Do(ctx,
		chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{csv}),
		chromedp.Click(chromedp.CSS(`form[action="/admin/qpv/import"] button`)),
		chromedp.WaitVisible(chromedp.CSS(".import-report")),
	); err != nil {
		t.Fatalf("import: %v", err)
	}
	browsertest.CheckA11y(t, ctx)
	report := browsertest.Text(t, ctx, ".import-report")
	for _, want := range []string{"1 ajouté", "2 lignes rejetées", "ligne 3", "ligne 4"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
}

// saveButton is the visible submit button of a form: not the hidden
// default one that Enter presses, nor a search field's « Rechercher ».
const saveButton = `button[type=submit]:not(.visually-hidden):not([name=chercher])`
