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

	"quartier/models"
)

// chooserForm is the planning page's season and period, as it offers them.
func chooserForm(t *testing.T, admin *client) url.Values {
	t.Helper()
	r := admin.get("/admin/planification")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `name="action" value="replan"`) {
		t.Fatalf("chooser without « Replanifier »: %d\n%s", r.Status, r.Body)
	}
	form := url.Values{}
	for _, f := range []string{"from", "to"} {
		m := regexp.MustCompile(`name="` + f + `" value="([^"]*)"`).FindStringSubmatch(r.Body)
		if m == nil || m[1] == "" {
			t.Fatalf("no default for %s", f)
		}
		form.Set(f, m[1])
	}
	m := regexp.MustCompile(`<option value="(\d+)" selected>`).FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatal("no season selected by default")
	}
	form.Set("season_id", m[1])
	return form
}

// futureScheduled is the first scheduled session of the demo after now.
func futureScheduled(t *testing.T, e *env) models.ScheduledSession {
	t.Helper()
	now := e.clock.Now()
	ss, err := e.store.ScheduledSessions(context.Background(), nil, now, now.AddDate(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ss {
		if s.State == string(models.SessionScheduled) {
			return s
		}
	}
	t.Fatal("the demo holds no scheduled session to come")
	return models.ScheduledSession{}
}

// markAbsent posts the planning page's absence form for one day.
func markAbsent(t *testing.T, admin *client, base url.Values, facilitatorID int64, day time.Time) {
	t.Helper()
	form := url.Values{"action": {"absent"}, "facilitator_id": {formatID(facilitatorID)},
		"absence_from": {day.Format(time.DateOnly)}, "absence_to": {day.Format(time.DateOnly)}, "label": {"Arrêt maladie"}}
	for k, v := range base {
		form[k] = v
	}
	if r := admin.post("/admin/planification", form); r.Status != http.StatusSeeOther {
		t.Fatalf("mark absent: %d\n%s", r.Status, r.Body)
	}
}

func formatID(id int64) string { return strconv.FormatInt(id, 10) }

// TestReplan_AbsenceMovesTheSessionOnce: a facilitator marked ill on the
// day of one of their scheduled sessions makes it affected; « Replanifier »
// shows it before → after (other sessions untouched) and sending moves it
// with SEQUENCE + 1, once.
func TestReplan_AbsenceMovesTheSessionOnce(t *testing.T) {
	e, admin := newPlanningEnv(t)
	ctx := context.Background()
	s := futureScheduled(t, e)
	base := chooserForm(t, admin)
	paris := models.LocationOf("Europe/Paris")
	markAbsent(t, admin, base, s.FacilitatorID, s.StartsAt.In(paris))
	// The audit trail names the admin who declared it, not the facilitator.
	trail, err := e.store.AuditTrail(ctx, "user", s.FacilitatorID)
	if err != nil || len(trail) == 0 || trail[0].Action != "calendar_exception" || trail[0].ActorName != "Claire Dubois" {
		t.Errorf("audit trail of the facilitator after the absence: %+v (%v)", trail, err)
	}

	conflicts, err := e.store.SessionConflicts(ctx, formInt64(base.Get("season_id")), e.clock.Now(), e.clock.Now().AddDate(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range conflicts {
		found = found || (c.SessionID == s.ID && c.Rule == models.RuleAvailability)
	}
	if !found {
		t.Fatalf("session %d not among the conflicts %+v", s.ID, conflicts)
	}

	form := url.Values{"action": {"replan"}}
	for k, v := range base {
		form[k] = v
	}
	r := admin.post("/admin/planification", form)
	if r.Status != http.StatusSeeOther || !draftLocation.MatchString(r.Location) {
		t.Fatalf("replan: %d %q\n%s", r.Status, r.Location, r.Body)
	}
	path := r.Location
	r = admin.get(path)
	for _, want := range []string{"Replanification", "Séances touchées", s.CLSMName, "Avant", "Après", "Séances inchangées", `name="action" value="send"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("replan page lacks %q", want)
		}
	}
	if strings.Contains(r.Body, "Aucune solution") {
		t.Fatalf("the demo's session found no other slot:\n%s", r.Body)
	}
	before, _ := e.store.SessionByID(ctx, s.ID)

	r = admin.post(path, url.Values{"action": {"send"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("send: %d\n%s", r.Status, r.Body)
	}
	after, _ := e.store.SessionByID(ctx, s.ID)
	if after.Sequence != before.Sequence+1 || (after.StartsAt.Equal(before.StartsAt) && after.FacilitatorID == before.FacilitatorID) {
		t.Errorf("session after send: seq %d→%d, %v/%d → %v/%d", before.Sequence, after.Sequence, before.StartsAt, before.FacilitatorID, after.StartsAt, after.FacilitatorID)
	}
	if again, _ := e.store.SessionConflicts(ctx, formInt64(base.Get("season_id")), e.clock.Now(), e.clock.Now().AddDate(1, 0, 0)); len(again) != len(conflicts)-1 {
		t.Errorf("after send, %d conflicts, want %d", len(again), len(conflicts)-1)
	}
	if r = admin.get(path); !strings.Contains(r.Body, "Déplacée") || strings.Contains(r.Body, `value="send"`) {
		t.Errorf("sent replan page:\n%s", r.Body)
	}
	// Sending twice moves nothing more.
	if r = admin.post(path, url.Values{"action": {"send"}}); r.Status != http.StatusConflict {
		t.Errorf("second send: %d", r.Status)
	}
	if again, _ := e.store.SessionByID(ctx, s.ID); again.Sequence != after.Sequence {
		t.Errorf("second send moved it again: %d", again.Sequence)
	}
}

// TestReplan_NoSolutionIsReported: every facilitator absent over the whole
// period leaves the affected sessions without a solution: each is listed
// with the reason and a link to its request, and nothing is sent.
func TestReplan_NoSolutionIsReported(t *testing.T) {
	e, admin := newPlanningEnv(t)
	ctx := context.Background()
	s := futureScheduled(t, e)
	base := chooserForm(t, admin)
	facs, err := e.store.Facilitators(ctx)
	if err != nil {
		t.Fatal(err)
	}
	from, _ := time.Parse(time.DateOnly, base.Get("from"))
	to, _ := time.Parse(time.DateOnly, base.Get("to"))
	// Day by day: the demo's calendars already hold a few exceptions,
	// which a new one may not overlap (those days are off already).
	for _, f := range facs {
		for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
			_, err := e.store.AddException(ctx, f.ID, models.ExceptionInput{Kind: models.ExceptionUnavailable, From: d, To: d, AllDay: true, Label: "Séminaire"})
			if err != nil && !strings.Contains(err.Error(), "exception") {
				t.Fatal(err)
			}
		}
	}
	form := url.Values{"action": {"replan"}}
	for k, v := range base {
		form[k] = v
	}
	r := admin.post("/admin/planification", form)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("replan: %d\n%s", r.Status, r.Body)
	}
	r = admin.get(r.Location)
	for _, want := range []string{"Aucune solution", "/demandes/" + formatID(s.RequestID), `value="send" disabled`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("replan page lacks %q:\n%s", want, r.Body)
		}
	}
}

func formInt64(s string) int64 { n, _ := strconv.ParseInt(s, 10, 64); return n }
