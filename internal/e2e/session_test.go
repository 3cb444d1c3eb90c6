package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"quartier/internal/browsertest"
	"quartier/models"
)

var (
	proposalLink = regexp.MustCompile(`https?://\S+/demandes/(\d+)`)
	facilitator  = regexp.MustCompile(`Animée par\x{a0}: (.+)`)
)

// waitForInvitation waits for an email to addr written after `after`
// whose calendar part is a METHOD:REQUEST, and returns its raw text.
func (s *site) waitForInvitation(t *testing.T, addr string, after time.Time) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		files, _ := filepath.Glob(filepath.Join(s.MailDir, "*.eml"))
		for _, f := range files {
			if st, err := os.Stat(f); err != nil || st.ModTime().Before(after) {
				continue
			}
			to, _ := readMail(t, f)
			raw, err := os.ReadFile(f)
			if err == nil && strings.EqualFold(to, addr) && strings.Contains(string(raw), "Content-Type: text/calendar; method=REQUEST") &&
				strings.Contains(string(raw), "METHOD:REQUEST") {
				return string(raw)
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no invitation (METHOD:REQUEST) to %s in %s", addr, s.MailDir)
	return ""
}

// TestProposal_CoordinatorConfirmsFromTheEmail is the contract of the
// proposal: the demo's coordinator with a proposed date has an email with a
// link into the app; signed in, the linked page (checked by axe at 360 and
// 1280 px) confirms it with its « Confirmer cette date » button, and the
// facilitator and the coordinator each receive a METHOD:REQUEST invitation.
func TestProposal_CoordinatorConfirmsFromTheEmail(t *testing.T) {
	s := startSite(t)
	var coord, fac string
	for _, p := range s.Manifest.People {
		if p.Role == models.RoleCoordinator && p.CLSM == "CLSM de Lille" {
			coord = p.Email
		}
	}
	if coord == "" {
		t.Fatal("the demo has no coordinator of the CLSM de Lille")
	}
	text := s.waitForMail(t, coord, "Une date est proposée", time.Time{})
	m := proposalLink.FindStringSubmatch(text)
	f := facilitator.FindStringSubmatch(text)
	if m == nil || f == nil {
		t.Fatalf("the proposal email has no link or facilitator:\n%s", text)
	}
	for _, p := range s.Manifest.People {
		if p.Role == models.RoleFacilitator && p.Name == strings.TrimSpace(f[1]) {
			fac = p.Email
		}
	}
	if fac == "" {
		t.Fatalf("no demo facilitator named %q", f[1])
	}

	ctx := browsertest.New(t)
	s.signIn(t, ctx, coord)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 800)); err != nil {
		t.Fatal(err)
	}
	browsertest.Visit(t, ctx, m[0])
	if wide, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); err != nil || wide > 360 {
		t.Errorf("the proposal's page at 360 px is %d px wide (%v)", wide, err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	browsertest.Visit(t, ctx, m[0])
	if body := browsertest.Text(t, ctx, "#date-proposee + dl"); !strings.Contains(body, strings.TrimSpace(f[1])) || !strings.Contains(body, "heure de Paris") {
		t.Errorf("the page does not show the proposal: %q", body)
	}
	clicked := time.Now().Add(-time.Second)
	submitAndWait(t, ctx, `form[method="post"] button[name="action"][value="confirm"]`, ".flash-success")
	browsertest.CheckA11y(t, ctx)
	if badge := browsertest.Text(t, ctx, "h1 .badge"); badge != "Programmée" {
		t.Errorf("state after confirming: %q", badge)
	}
	for _, addr := range []string{fac, coord} {
		raw := s.waitForInvitation(t, addr, clicked)
		if !strings.Contains(raw, "CLSM de Lille") {
			t.Errorf("the invitation to %s does not name the session", addr)
		}
	}
}
