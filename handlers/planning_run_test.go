package handlers_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"quartier/config"
)

// TestPlanning_BackgroundRunAnswersAtOnceThenShowsTheProposal: above
// requests.background_plan_above the POST answers 303 at once to a draft
// page that says « Calcul en cours… » and refreshes without JavaScript;
// reloading it until done reaches the proposal with its « send » form.
func TestPlanning_BackgroundRunAnswersAtOnceThenShowsTheProposal(t *testing.T) {
	_, admin := newScaledDemoEnv(t, 1, func(c *config.Config) { c.Requests.BackgroundPlanAbove = 0 })
	_, path := plan(t, admin)
	r := admin.get(path)
	if r.Status != http.StatusOK {
		t.Fatalf("draft page: %d", r.Status)
	}
	sawRunning := strings.Contains(r.Body, "<h1>Calcul en cours…</h1>")
	if sawRunning && !strings.Contains(r.Body, `<meta http-equiv="refresh"`) {
		t.Errorf("running page without a refresh:\n%s", r.Body)
	}
	for i := 0; i < 200 && strings.Contains(r.Body, "<h1>Calcul en cours…</h1>"); i++ {
		time.Sleep(50 * time.Millisecond)
		r = admin.get(path)
	}
	if !strings.Contains(r.Body, `name="action" value="send"`) || !strings.Contains(r.Body, "Proposition de planification") {
		t.Fatalf("after the run, no proposal:\n%s", r.Body)
	}
	t.Logf("first follow of the redirect showed the running page: %v", sawRunning)
}
