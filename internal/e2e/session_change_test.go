package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"quartier/internal/browsertest"
	"quartier/models"
)

// waitForRaw waits for an email to addr written after `after` whose raw
// text holds every one of wants, and returns it.
func (s *site) waitForRaw(t *testing.T, addr string, after time.Time, wants ...string) string {
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
			if err != nil || !strings.EqualFold(to, addr) {
				continue
			}
			all := true
			for _, w := range wants {
				all = all && strings.Contains(string(raw), w)
			}
			if all {
				return string(raw)
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no email to %s holding %q", addr, wants)
	return ""
}

// TestSessionChanges_AnotherDateThenMoveAndCancel: the coordinator with a
// proposed date asks for another one (the request goes back to
// « Acceptée »); an admin moves a scheduled session (the facilitator gets
// an updated invitation, its SEQUENCE one higher, and so do its
// coordinator and its confirmed participants) and then cancels it, through
// the confirmation step (METHOD:CANCEL with the reason, to each of them). Axe on every page, at
// 360 px for the coordinator and 1280 px for the admin.
func TestSessionChanges_AnotherDateThenMoveAndCancel(t *testing.T) {
	s := startSite(t)
	ctx := context.Background()
	proposed, err := s.App.Store.ListRequests(ctx, models.RequestFilter{State: models.RequestProposed})
	if err != nil || len(proposed) == 0 {
		t.Fatalf("the demo has no proposed request (%v)", err)
	}
	scheduled, err := s.App.Store.ListRequests(ctx, models.RequestFilter{State: models.RequestScheduled})
	if err != nil || len(scheduled) == 0 {
		t.Fatalf("the demo has no scheduled request (%v)", err)
	}
	p, err := s.App.Store.RequestByID(ctx, proposed[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := s.App.Store.CLSMByID(ctx, p.CLSMID)
	if err != nil || cl.CoordinatorID == nil {
		t.Fatalf("the proposed request's CLSM has no coordinator (%v)", err)
	}
	coord, err := s.App.Store.UserByID(ctx, *cl.CoordinatorID)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("the coordinator asks for another date", func(t *testing.T) {
		b := browsertest.New(t)
		if err := chromedp.Do(b, chromedp.EmulateViewport(360, 800)); err != nil {
			t.Fatal(err)
		}
		s.signIn(t, b, coord.Email)
		browsertest.Visit(t, b, fmt.Sprintf("%s/demandes/%d", s.URL, p.ID))
		if err := chromedp.Do(b, chromedp.SendKeys(chromedp.CSS("#f-other-comment"), "La salle est prise ce jour-là.")); err != nil {
			t.Fatal(err)
		}
		submitAndWait(t, b, `button[name="action"][value="other"]`, ".flash-success")
		browsertest.CheckA11y(t, b)
		if badge := browsertest.Text(t, b, "h1 .badge"); badge != "Acceptée" {
			t.Errorf("state after asking for another date: %q", badge)
		}
	})

	t.Run("an admin moves then cancels a scheduled session", func(t *testing.T) {
		r, err := s.App.Store.RequestByID(ctx, scheduled[0].ID)
		if err != nil || r.Session == nil {
			t.Fatalf("scheduled request without its session (%v)", err)
		}
		fac, err := s.App.Store.UserByID(ctx, r.Session.FacilitatorID)
		if err != nil {
			t.Fatal(err)
		}
		b := browsertest.New(t)
		s.signIn(t, b, s.Manifest.Accounts.Admin)
		page := fmt.Sprintf("%s/admin/demandes/%d", s.URL, r.ID)
		browsertest.Visit(t, b, page)
		start, err := chromedp.Run(b, chromedp.Value(chromedp.CSS("#f-move-start")))
		if err != nil {
			t.Fatal(err)
		}
		// One hour earlier, the same day and facilitator.
		hour := 0
		fmt.Sscanf(start, "%d:", &hour)
		moved := time.Now().Add(-time.Second)
		if err := chromedp.Do(b, chromedp.SetValue(chromedp.CSS("#f-move-start"), fmt.Sprintf("%02d:00", hour-1))); err != nil {
			t.Fatal(err)
		}
		submitAndWait(t, b, `form[action$="/seance/deplacer"] button[type="submit"]`, ".flash")
		if ok, _ := chromedp.Run(b, chromedp.Evaluate[bool](`!!document.querySelector(".flash-success")`)); !ok {
			t.Fatalf("the move was refused: %q", browsertest.Text(t, b, "main"))
		}
		browsertest.CheckA11y(t, b)
		// Everyone's calendar follows: the facilitator's, the coordinator's
		// and each confirmed participant's (the demo signed people up).
		people, err := s.App.Store.Participants(ctx, r.Session.ID)
		if err != nil || len(people) == 0 {
			t.Fatalf("the scheduled session has no confirmed participant (%v)", err)
		}
		cl, err := s.App.Store.CLSMByID(ctx, r.CLSMID)
		if err != nil || cl.CoordinatorID == nil {
			t.Fatalf("no coordinator (%v)", err)
		}
		co, err := s.App.Store.UserByID(ctx, *cl.CoordinatorID)
		if err != nil {
			t.Fatal(err)
		}
		everyone := []string{fac.Email, co.Email, people[0].Email, people[len(people)-1].Email}
		for _, to := range everyone {
			s.waitForRaw(t, to, moved, "METHOD:REQUEST", fmt.Sprintf("SEQUENCE:%d", r.Session.Sequence+1))
		}

		cancelled := time.Now().Add(-time.Second)
		if err := chromedp.Do(b, chromedp.SendKeys(chromedp.CSS("#f-cancel-comment"), "La chargée de mission est absente.")); err != nil {
			t.Fatal(err)
		}
		submitAndWait(t, b, `form[action$="/seance/annuler"] button[type="submit"]`, ".confirm")
		browsertest.CheckA11y(t, b)
		submitAndWait(t, b, `.confirm form button[type="submit"]`, ".flash-success")
		if badge := browsertest.Text(t, b, "h1 .badge"); badge != "Annulée" {
			t.Errorf("state after cancelling: %q", badge)
		}
		for _, to := range everyone {
			raw := s.waitForRaw(t, to, cancelled, "METHOD:CANCEL")
			if !strings.Contains(raw, "absente") {
				t.Errorf("the cancellation to %s does not give the reason", to)
			}
		}
	})
}
