package e2e

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"quartier/internal/browsertest"
)

// fill sets form fields by CSS selector, as a person typing would leave them.
func fill(t *testing.T, ctx context.Context, fields map[string]string) {
	t.Helper()
	var steps []chromedp.Action[chromedp.Void]
	for sel, v := range fields {
		steps = append(steps, chromedp.SetValue(chromedp.CSS(sel), v))
	}
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("fill: %v", err)
	}
}

// value reads a field's current value.
func value(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("value of %s: %v", sel, err)
	}
	return v
}

// submitAndWait clicks a button and waits for what the next page shows.
func submitAndWait(t *testing.T, ctx context.Context, button, waitFor string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(button)), chromedp.WaitVisible(chromedp.CSS(waitFor))); err != nil {
		t.Fatalf("click %s, wait for %s: %v", button, waitFor, err)
	}
}

var requestURL = regexp.MustCompile(`/demandes/(\d+)$`)

// TestRequest_FillWithMistakesFixSubmitAccept is issue 6's story: a
// coordinator fills the request form with mistakes, reads each one in
// French with everything kept, fixes them and submits; an admin accepts;
// the coordinator gets the email and can no longer edit the request. Axe
// checks every page of the way.
func TestRequest_FillWithMistakesFixSubmitAccept(t *testing.T) {
	s := startSite(t)
	ctx := browsertest.New(t)
	s.signIn(t, ctx, s.Manifest.Accounts.Coordinator)

	day := func(n int) string { return time.Now().AddDate(0, 0, n).Format("2006-01-02") }
	browsertest.Visit(t, ctx, s.URL+"/demandes/nouvelle")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`input[name="qpvs"]`)), chromedp.Click(chromedp.CSS(`input[name="audience"][value="residents"]`))); err != nil {
		t.Fatal(err)
	}
	fill(t, ctx, map[string]string{
		"#f-commune": "Saint-Denis", "#f-venue-address": "2 rue Watremez, 59100 Roubaix", "#f-expected-count": "quinze",
		"#f-windows-0-date": day(-10), "#f-windows-0-part": "morning",
		"#f-windows-1-date": day(40), "#f-windows-1-part": "afternoon",
		"#f-constraints": "Pas le mercredi après-midi.",
	})
	submitAndWait(t, ctx, `button[value="submit"]`, ".error-summary")
	browsertest.CheckA11y(t, ctx)
	summary := browsertest.Text(t, ctx, ".error-summary")
	for _, want := range []string{"Plusieurs communes correspondent", "nom du lieu", "nombre entier", "déjà passée", "au moins 3 créneaux"} {
		if !strings.Contains(summary, want) {
			t.Errorf("the summary does not say %q:\n%s", want, summary)
		}
	}
	if msg := browsertest.Text(t, ctx, "#f-venue-name-erreur"); !strings.Contains(msg, "nom du lieu") {
		t.Errorf("message next to the venue name: %q", msg)
	}
	for sel, want := range map[string]string{
		"#f-commune": "Saint-Denis", "#f-venue-address": "2 rue Watremez, 59100 Roubaix", "#f-expected-count": "quinze",
		"#f-windows-0-date": day(-10), "#f-windows-1-date": day(40), "#f-windows-1-part": "afternoon", "#f-constraints": "Pas le mercredi après-midi.",
	} {
		if got := value(t, ctx, sel); got != want {
			t.Errorf("%s = %q after the error, want %q as typed", sel, got, want)
		}
	}

	fill(t, ctx, map[string]string{
		"#f-commune": "59100", "#f-venue-name": "Salle Watremez", "#f-expected-count": "15",
		"#f-windows-0-date": day(35), "#f-windows-2-date": day(42), "#f-windows-2-part": "evening",
	})
	submitAndWait(t, ctx, `button[value="submit"]`, ".flash-success")
	browsertest.CheckA11y(t, ctx)
	loc, err := chromedp.Run(ctx, chromedp.Location())
	m := requestURL.FindStringSubmatch(loc)
	if err != nil || m == nil {
		t.Fatalf("after submitting: %s, %v", loc, err)
	}
	id := m[1]
	if badge := browsertest.Text(t, ctx, "h1 .badge"); badge != "Envoyée" {
		t.Errorf("state after submitting: %q", badge)
	}
	browsertest.Visit(t, ctx, s.URL+"/demandes")

	admin := browsertest.New(t)
	s.signIn(t, admin, s.Manifest.Accounts.Admin)
	browsertest.Visit(t, admin, s.URL+"/admin/demandes?etat=submitted")
	browsertest.Visit(t, admin, s.URL+"/admin/demandes/"+id)
	if body := browsertest.Text(t, admin, "main"); !strings.Contains(body, "Salle Watremez") || !strings.Contains(body, "Roubaix (59512, Nord)") {
		t.Error("the admin does not see the request in full")
	}
	sent := time.Now().Add(-time.Second)
	submitAndWait(t, admin, `form[action$="/accepter"] button`, ".flash-success")
	browsertest.CheckA11y(t, admin)
	if badge := browsertest.Text(t, admin, "h1 .badge"); badge != "Acceptée" {
		t.Errorf("state after accepting: %q", badge)
	}
	if text := s.waitForMail(t, s.Manifest.Accounts.Coordinator, "est acceptée", sent); !strings.Contains(text, "/demandes/"+id) {
		t.Errorf("the email does not link to the request:\n%s", text)
	}

	// Accepted: the coordinator can no longer edit it.
	browsertest.Visit(t, ctx, s.URL+"/demandes/"+id+"/modifier")
	if msg := browsertest.Text(t, ctx, ".flash-error"); !strings.Contains(msg, "ne peut plus être modifiée") {
		t.Errorf("editing an accepted request: %q", msg)
	}
}

// waitForMail returns the plain text of the newest email to addr written
// after `after` that contains want, waiting for the outbox worker.
func (s *site) waitForMail(t *testing.T, addr, want string, after time.Time) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		files, _ := filepath.Glob(filepath.Join(s.MailDir, "*.eml"))
		for _, f := range files {
			if strings.HasPrefix(filepath.Base(f), ".") {
				continue // still being written
			}
			if st, err := os.Stat(f); err != nil || st.ModTime().Before(after) {
				continue
			}
			if to, text := readMail(t, f); strings.EqualFold(to, addr) && strings.Contains(text, want) {
				return text
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no email to %s saying %q in %s", addr, want, s.MailDir)
	return ""
}
