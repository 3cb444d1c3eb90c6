package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"quartier/internal/browsertest"
)

var feedbackLink = regexp.MustCompile(`https?://[^\s"<>]+/avis/[A-Za-z0-9_-]+`)

// waitForFeedbackLink reads the feedback link mailed to addr, as the
// participant receives it.
func (s *site) waitForFeedbackLink(t *testing.T, addr string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		files, _ := filepath.Glob(filepath.Join(s.MailDir, "*.eml"))
		for _, f := range files {
			if strings.HasPrefix(filepath.Base(f), ".") {
				continue
			}
			to, text := readMail(t, f)
			if l := feedbackLink.FindString(text); l != "" && strings.EqualFold(to, addr) {
				return l
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no feedback link for %s in %s", addr, s.MailDir)
	return ""
}

// answerQuestionnaire fills the questionnaire on the page and sends it.
func answerQuestionnaire(t *testing.T, ctx context.Context) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`input[name=satisfaction][value="5"]`)),
		chromedp.Click(chromedp.CSS(`input[name=knowledge_before][value="2"]`)),
		chromedp.Click(chromedp.CSS(`input[name=knowledge_after][value="4"]`)),
		chromedp.Click(chromedp.CSS(`input[name=knows_where][value="oui"]`)),
		chromedp.Click(chromedp.CSS(`input[name=recommend][value="oui"]`)),
		chromedp.SendKeys(chromedp.CSS("#f-most-useful"), "Savoir où se trouve le CMP du quartier."),
		chromedp.Click(chromedp.CSS(".feedback-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("h1.feedback-done")),
	); err != nil {
		t.Fatalf("answer: %v", err)
	}
}

// TestFeedback_ParticipantAnswersOnceOnAPhone: after a session where
// three people were ticked present, the participant opens the link from
// the email at 360 px (axe passes, nothing wider than the screen), first
// forgets a question (told, choices kept), then answers and sees the
// thanks, which the link shows from then on; the same questionnaire,
// opened in a second tab before the answer, is refused when sent. The
// coordinator sees no result for this one answer, and the aggregate of
// the demo's session with five answers, at 360 and 1280 px.
func TestFeedback_ParticipantAnswersOnceOnAPhone(t *testing.T) {
	s := startSite(t)
	se, fac, coord, regs := daySession(t, s)
	bg := context.Background()
	var facID int64
	db, err := sql.Open("sqlite3", s.App.Config.Database.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow(`SELECT id FROM users WHERE email = ?`, fac).Scan(&facID); err != nil {
		t.Fatal(err)
	}
	if err := s.App.Store.SaveAttendance(bg, facID, se.ID, regs); err != nil {
		t.Fatal(err)
	}
	// The session is over: its links go out (the job's own operation).
	now := time.Now().UTC()
	if _, err := db.Exec(`UPDATE sessions SET starts_at = ?, ends_at = ? WHERE id = ?`, now.Add(-4*time.Hour), now.Add(-time.Hour), se.ID); err != nil {
		t.Fatal(err)
	}
	if n, err := s.App.Store.SendDueFeedback(bg); err != nil || n != len(regs) {
		t.Fatalf("feedback links: %d, %v", n, err)
	}
	link := s.waitForFeedbackLink(t, "p00@exemple.fr")

	ctx := browsertest.New(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 800)); err != nil {
		t.Fatal(err)
	}
	browsertest.Visit(t, ctx, link)
	if h := browsertest.Text(t, ctx, "h1"); h != "Votre avis sur la séance" {
		t.Fatalf("the link opens %q", h)
	}
	fitsWidth(t, ctx, "questionnaire", 360)
	shot(t, ctx, "avis-360.png")

	// A second tab keeps the questionnaire open, as a person who opened
	// the email twice.
	other, cancel := chromedp.NewContext(ctx)
	defer cancel()
	browsertest.Visit(t, other, link)

	// A forgotten question: said, the choices kept.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`input[name=satisfaction][value="4"]`)),
		chromedp.Click(chromedp.CSS(".feedback-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".error-summary")),
	); err != nil {
		t.Fatalf("incomplete answer: %v", err)
	}
	if on, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('input[name=satisfaction][value="4"]').checked`)); !on {
		t.Error("the choice made was lost")
	}
	if txt := browsertest.Text(t, ctx, ".error-summary"); !strings.Contains(txt, "connaissances avant la séance") {
		t.Errorf("error summary: %q", txt)
	}
	fitsWidth(t, ctx, "questionnaire with errors", 360)

	answerQuestionnaire(t, ctx)
	if h := browsertest.Text(t, ctx, "h1"); h != "Merci, votre réponse a bien été enregistrée" {
		t.Fatalf("after the answer: %q", h)
	}
	fitsWidth(t, ctx, "thanks", 360)
	browsertest.Visit(t, ctx, link)
	if h := browsertest.Text(t, ctx, "h1"); h != "Merci, votre réponse a bien été enregistrée" {
		t.Errorf("the link later shows %q", h)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("main form").length`)); n != 0 {
		t.Errorf("the thanks page has %d forms", n)
	}

	answerQuestionnaire(t, other)
	if h := browsertest.Text(t, other, "h1"); h != "Merci, votre réponse a bien été enregistrée" {
		t.Errorf("second answer: %q", h)
	}
	var answers int
	if err := db.QueryRow(`SELECT COUNT(*) FROM feedback_answers WHERE session_id = ?`, se.ID).Scan(&answers); err != nil || answers != 1 {
		t.Fatalf("%d answers stored (%v), want 1", answers, err)
	}

	// The coordinator: one answer shows nothing.
	coordCtx := browsertest.New(t)
	if err := chromedp.Do(coordCtx, chromedp.EmulateViewport(360, 800)); err != nil {
		t.Fatal(err)
	}
	s.signIn(t, coordCtx, coord)
	var reqID int64
	if err := db.QueryRow(`SELECT id FROM requests WHERE session_id = ?`, se.ID).Scan(&reqID); err != nil {
		t.Fatal(err)
	}
	browsertest.Visit(t, coordCtx, fmt.Sprintf("%s/demandes/%d/avis", s.URL, reqID))
	if body := browsertest.Text(t, coordCtx, "main"); !strings.Contains(body, "à partir de 5 réponses") || strings.Contains(body, "Satisfaction générale") {
		t.Errorf("one answer: %s", body)
	}
	fitsWidth(t, coordCtx, "answers under five", 360)

	// The demo's session with five answers, by its own coordinator.
	if len(s.Manifest.FeedbackLinks) < 10 {
		t.Fatalf("manifest feedback_links: %v", s.Manifest.FeedbackLinks)
	}
	var showcase int64
	var showcaseCoord string
	if err := db.QueryRow(`SELECT r.id, co.email FROM feedback_links l JOIN registrations g ON g.id = l.registration_id
		JOIN requests r ON r.session_id = l.session_id JOIN clsms c ON c.id = r.clsm_id JOIN users co ON co.id = c.coordinator_id
		WHERE l.registration_id = ?`, strings.SplitN(strings.TrimPrefix(s.Manifest.FeedbackLinks[0], "/avis/"), "-", 2)[0]).Scan(&showcase, &showcaseCoord); err != nil {
		t.Fatal(err)
	}
	showCtx := browsertest.New(t)
	s.signIn(t, showCtx, showcaseCoord)
	for _, width := range []int{360, 1280} {
		if err := chromedp.Do(showCtx, chromedp.EmulateViewport(int64(width), 900)); err != nil {
			t.Fatal(err)
		}
		browsertest.Visit(t, showCtx, fmt.Sprintf("%s/demandes/%d", s.URL, showcase))
		if err := chromedp.Do(showCtx,
			chromedp.Click(chromedp.CSS(fmt.Sprintf(`a[href="/demandes/%d/avis"]`, showcase))),
			chromedp.WaitVisible(chromedp.CSS("#avis-satisfaction")),
		); err != nil {
			t.Fatalf("from the request to its answers at %d px: %v", width, err)
		}
		fitsWidth(t, showCtx, "aggregate", width)
		shot(t, showCtx, fmt.Sprintf("avis-resultats-%d.png", width))
	}

	// A participant of the demo's session answers at 1280 px.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	browsertest.Visit(t, ctx, s.URL+s.Manifest.FeedbackLinks[0])
	fitsWidth(t, ctx, "questionnaire", 1280)
	shot(t, ctx, "avis-1280.png")
	answerQuestionnaire(t, ctx)
	if h := browsertest.Text(t, ctx, "h1"); h != "Merci, votre réponse a bien été enregistrée" {
		t.Errorf("answer at 1280 px: %q", h)
	}
	fitsWidth(t, ctx, "thanks", 1280)
}

// TestQuestionnaires_AdminPage: the admin's questionnaire versions page
// passes axe and fits at 360 and 1280 px, and creating a version from it
// lists version 2.
func TestQuestionnaires_AdminPage(t *testing.T) {
	s := startSite(t)
	ctx := browsertest.New(t)
	s.signIn(t, ctx, s.Manifest.Accounts.Admin)
	for _, width := range []int{360, 1280} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), 900)); err != nil {
			t.Fatal(err)
		}
		browsertest.Visit(t, ctx, s.URL+"/admin/questionnaires")
		fitsWidth(t, ctx, "questionnaires", width)
		shot(t, ctx, fmt.Sprintf("admin-questionnaires-%d.png", width))
	}
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#f-title"), "Questionnaire 2027"),
		chromedp.SendKeys(chromedp.CSS("#f-label-1"), "Reviendriez-vous à une autre séance ?"),
		chromedp.SetValue(chromedp.CSS("#f-kind-1"), "yes_no"),
		chromedp.Click(chromedp.CSS(".request-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".flash-success")),
	); err != nil {
		t.Fatalf("create a version: %v", err)
	}
	if h := browsertest.Text(t, ctx, "#version-2"); !strings.Contains(h, "Questionnaire 2027") {
		t.Errorf("version 2 heading: %q", h)
	}
	browsertest.CheckA11y(t, ctx)
}
