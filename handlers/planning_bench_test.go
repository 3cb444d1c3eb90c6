package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"quartier/internal/planning"
)

// BenchmarkPlanning measures the planning page's two slow answers through
// the real router, on the plain demo and on `quartier demo --scale 10`:
// the plan action (Build from the store, Solve, first-fit, store the
// draft) and the draft's page (the staleness check rebuilds the instance,
// then trips and names); and the replan action (every live session
// checked against the slot rules, then the planner on the affected ones),
// with /healthz as the baseline of the same run. docs/PERFORMANCE.md
// quotes it.
func BenchmarkPlanning(b *testing.B) {
	for _, k := range []int{1, 10} {
		e, admin := newScaledDemoEnv(b, k)
		page := admin.get("/admin/planification").Body
		form := url.Values{"action": {"plan"}}
		for _, f := range []string{"from", "to"} {
			form.Set(f, regexp.MustCompile(`name="` + f + `" value="([^"]*)"`).FindStringSubmatch(page)[1])
		}
		form.Set("season_id", regexp.MustCompile(`<option value="(\d+)" selected>`).FindStringSubmatch(page)[1])
		var draft string
		name := map[int]string{1: "demo", 10: "scale10"}[k]
		// The baseline the figures are given as ratios to, in the same run.
		b.Run(name+"/healthz", func(b *testing.B) {
			for b.Loop() {
				if r := admin.get("/healthz"); r.Status != http.StatusOK {
					b.Fatalf("healthz: %d", r.Status)
				}
			}
		})
		b.Run(name+"/plan", func(b *testing.B) {
			for b.Loop() {
				r := admin.post("/admin/planification", form)
				if r.Status != http.StatusSeeOther {
					b.Fatalf("plan: %d", r.Status)
				}
				draft = r.Location
				// A run in the background is followed until its proposal.
				for strings.Contains(admin.get(draft).Body, "<h1>Calcul en cours…</h1>") {
					time.Sleep(10 * time.Millisecond)
				}
			}
		})
		replan := url.Values{"action": {"replan"}, "from": form["from"], "to": form["to"], "season_id": form["season_id"]}
		b.Run(name+"/replan", func(b *testing.B) {
			for b.Loop() {
				if r := admin.post("/admin/planification", replan); r.Status != http.StatusSeeOther {
					b.Fatalf("replan: %d", r.Status)
				}
			}
		})
		// The size of the run, for the record.
		if m := draftLocation.FindStringSubmatch(draft); m != nil {
			id, _ := strconv.ParseInt(m[1], 10, 64)
			if d, err := e.store.PlanDraftByID(context.Background(), id); err == nil {
				if run, err := planning.LoadRun(d); err == nil {
					b.Logf("%s: %d requests, %d facilitators, %d fixed sessions, %d placed (first-fit %d)", name,
						len(run.Instance.Requests), len(run.Instance.Facilitators), len(run.Instance.Fixed), run.Plan.Stats.Assigned, run.Baseline.Assigned)
				}
			}
		}
		b.Run(name+"/draft_page", func(b *testing.B) {
			for b.Loop() {
				if r := admin.get(draft); r.Status != http.StatusOK {
					b.Fatalf("draft: %d", r.Status)
				}
			}
		})
	}
}
