package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"quartier/internal/dbtest"
	"quartier/links"
	"quartier/models"
)

// feedbackEnv is a day env whose session took place: the three confirmed
// people and four more were ticked present, the feedback links were sent,
// and the clock is an hour after the end.
type feedbackEnv struct {
	*dayEnv
	links *links.Links
}

func newFeedbackEnv(t *testing.T, before ...func(*dayEnv)) *feedbackEnv {
	t.Helper()
	d := newDayEnv(t)
	for _, f := range before {
		f(d)
	}
	ctx := context.Background()
	db := dbtest.SQL(t, d.cfg.Database.DSN)
	var partner int64
	if err := db.QueryRow(`SELECT partner_id FROM registrations WHERE id = ?`, d.regs[0]).Scan(&partner); err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		id, err := db.Insert(`INSERT INTO registrations (session_id, partner_id, first_name, last_name, email, category, state, created_at, updated_at)
			VALUES (?, ?, 'Prénom', 'Nom', ?, 'habitant', 'confirmed', ?, ?)`, d.session.ID, partner, fmt.Sprintf("avis%d@exemple.fr", i), d.clock.Now(), d.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		d.regs = append(d.regs, id)
	}
	d.startSession()
	if err := d.store.SaveAttendance(ctx, d.facil.ID, d.session.ID, d.regs); err != nil {
		t.Fatal(err)
	}
	d.clock.Add(d.session.EndsAt.Add(time.Hour).Sub(d.clock.Now()))
	if n, err := d.store.SendDueFeedback(ctx); err != nil || n != len(d.regs) {
		t.Fatalf("feedback links: %d, %v", n, err)
	}
	l, err := links.New([]byte(d.cfg.Server.Secret), d.cfg.Server.BaseURL)
	if err != nil {
		t.Fatal(err)
	}
	return &feedbackEnv{dayEnv: d, links: l}
}

// path is the feedback link of the i-th attendee, relative to the site.
func (f *feedbackEnv) path(i int) string {
	return strings.TrimPrefix(f.links.FeedbackURL(f.regs[i], 0), f.cfg.Server.BaseURL)
}

func answerForm(c *client, path string) url.Values {
	r := c.get(path)
	m := csrfField.FindStringSubmatch(r.Body)
	form := url.Values{"satisfaction": {"5"}, "knowledge_before": {"2"}, "knowledge_after": {"4"}, "knows_where": {"oui"},
		"recommend": {"oui"}, "most_useful": {"Les adresses des lieux d’écoute."}, "improve": {""}}
	if m != nil {
		form.Set("csrf_token", m[1])
	}
	return form
}

// TestFeedback_AnswerOnceFromTheLink: the link's page is the
// questionnaire (radio groups in fieldsets) and opening it twice uses
// nothing; bad input comes back with what was chosen and French messages
// (422); an accepted answer goes to the thanks, which a later GET shows
// too, without a form; a second POST is 410 with the thanks; a forged
// link is a friendly 404, an expired one a friendly 410.
func TestFeedback_AnswerOnceFromTheLink(t *testing.T) {
	f := newFeedbackEnv(t)
	c := f.client()
	path := f.path(0)
	for range 2 {
		r := c.get(path)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "<legend>1. Dans l’ensemble") || !strings.Contains(r.Body, `name="knows_where" value="ne_sait_pas"`) {
			t.Fatalf("GET: %d\n%.500s", r.Status, r.Body)
		}
	}
	form := answerForm(c, path)
	form.Del("satisfaction")
	form.Set("knows_where", "peut-être")
	form.Set("improve", strings.Repeat("é", models.MaxFeedbackText+1))
	r := c.post(path, form)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Choisissez une note de 1 à 5 pour la séance") ||
		!strings.Contains(r.Body, "trop long") || !strings.Contains(r.Body, `name="knowledge_after" value="4" checked`) {
		t.Fatalf("bad answer: %d\n%s", r.Status, r.Body)
	}
	r = c.post(path, answerForm(c, path))
	if r.Status != http.StatusSeeOther || r.Location != path {
		t.Fatalf("answer: %d → %q\n%.400s", r.Status, r.Location, r.Body)
	}
	r = c.get(path)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "Merci, votre réponse a bien été enregistrée") || strings.Contains(r.Body, "<form method=\"post\" action=\"\" novalidate class=\"feedback-form\"") {
		t.Fatalf("after the answer: %d\n%.500s", r.Status, r.Body)
	}
	r = c.post(path, answerForm(c, path))
	if r.Status != http.StatusGone || !strings.Contains(r.Body, "Merci, votre réponse a bien été enregistrée") {
		t.Fatalf("second answer: %d\n%.400s", r.Status, r.Body)
	}
	// Another browser, the same link: refused too.
	if r := f.client().post(path, answerForm(f.client(), path)); r.Status != http.StatusGone {
		t.Fatalf("second answer from another browser: %d", r.Status)
	}
	sum, err := f.store.FeedbackSummaryOf(context.Background(), f.session.ID)
	if err != nil || sum.Answers != 1 {
		t.Fatalf("answers stored: %+v %v", sum, err)
	}
	forged := path[:len(path)-3] + "abc"
	if r := c.get(forged); r.Status != http.StatusNotFound || !strings.Contains(r.Body, "Lien de questionnaire non valable") {
		t.Errorf("forged link: %d\n%.300s", r.Status, r.Body)
	}
	f.clock.Add(31 * 24 * time.Hour)
	if r := c.get(f.path(1)); r.Status != http.StatusGone || !strings.Contains(r.Body, "Questionnaire fermé") {
		t.Errorf("expired link: %d\n%.300s", r.Status, r.Body)
	}
	if r := c.post(f.path(1), answerForm(c, f.path(0))); r.Status != http.StatusGone {
		t.Errorf("answer on an expired link: %d", r.Status)
	}
}

// TestFeedback_RateLimitedPerLink: a robot posting to one link is stopped
// after posts_per_link posts in the window, with a French 429.
func TestFeedback_RateLimitedPerLink(t *testing.T) {
	f := newFeedbackEnv(t)
	c := f.client()
	path := f.path(0)
	form := answerForm(c, path)
	form.Del("satisfaction")
	for i := range f.cfg.Feedback.PostsPerLink {
		if r := c.post(path, form); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("post %d: %d", i, r.Status)
		}
	}
	if r := c.post(path, answerForm(c, path)); r.Status != http.StatusTooManyRequests || !strings.Contains(r.Body, "Trop d’envois") {
		t.Fatalf("post over the limit: %d", r.Status)
	}
	// Another link is not slowed down.
	if r := c.post(f.path(1), answerForm(c, f.path(1))); r.Status != http.StatusSeeOther {
		t.Fatalf("another link: %d", r.Status)
	}
}

// TestFeedback_AggregateFromFiveAnswersForTheSessionOnly: the facilitator
// and the coordinator see only counts under five answers, with why; from
// five, the distributions and the free texts; another facilitator and
// another CLSM's coordinator are refused.
func TestFeedback_AggregateFromFiveAnswersForTheSessionOnly(t *testing.T) {
	f := newFeedbackEnv(t)
	ctx := context.Background()
	fac, coord := f.as(&f.facil), f.as(&f.coord)
	facPath := fmt.Sprintf("/seances/%d/avis", f.session.ID)
	coordPath := fmt.Sprintf("/demandes/%d/avis", f.requestID)
	adminPath := "/admin" + coordPath
	participant := f.client()
	for i := range 5 {
		for _, p := range []struct {
			c    *client
			path string
		}{{fac, facPath}, {coord, coordPath}, {f.as(&f.admin), adminPath}} {
			r := p.c.get(p.path)
			if r.Status != http.StatusOK {
				t.Fatalf("%s with %d answers: %d\n%.300s", p.path, i, r.Status, r.Body)
			}
			shown := strings.Contains(r.Body, "Satisfaction générale")
			if shown != (i >= 5) || (i < 5 && !strings.Contains(r.Body, "à partir de 5 réponses")) {
				t.Fatalf("%s with %d answers: aggregate shown %v\n%s", p.path, i, shown, r.Body)
			}
			if strings.Contains(r.Body, "lieux d’écoute") {
				t.Fatalf("%s with %d answers: a free text is shown", p.path, i)
			}
		}
		if r := participant.post(f.path(i), answerForm(participant, f.path(i))); r.Status != http.StatusSeeOther {
			t.Fatalf("answer %d: %d", i, r.Status)
		}
	}
	for _, p := range []struct {
		c    *client
		path string
	}{{fac, facPath}, {coord, coordPath}} {
		r := p.c.get(p.path)
		for _, want := range []string{"Satisfaction générale", "Moyenne\u00a0: <strong>5,0 sur 5</strong>", "2,0 → 4,0", "Les adresses des lieux d’écoute.", "taux de réponse\u00a0: 71\u00a0%", "<strong>100\u00a0%</strong> (5 sur 5)"} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("%s: lacks %q\n%s", p.path, want, r.Body)
			}
		}
	}
	// The session's pages link to the answers.
	if r := coord.get(fmt.Sprintf("/demandes/%d", f.requestID)); !strings.Contains(r.Body, `href="`+coordPath+`"`) {
		t.Errorf("the request page does not link to %s", coordPath)
	}
	if r := fac.get(fmt.Sprintf("/seances/%d/presences", f.session.ID)); !strings.Contains(r.Body, `href="`+facPath+`"`) {
		t.Errorf("the attendance page does not link to %s", facPath)
	}
	other, err := f.store.CreateUser(ctx, f.admin.ID, models.NewUser{Email: "autre@exemple.fr", Name: "Autre Animatrice", Role: models.RoleFacilitator, HomeINSEE: "59350"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r := f.as(&other).get(facPath); r.Status != http.StatusNotFound && r.Status != http.StatusForbidden {
		t.Errorf("another facilitator: %d", r.Status)
	}
	if r := f.as(&f.coord2).get(coordPath); r.Status != http.StatusNotFound && r.Status != http.StatusForbidden {
		t.Errorf("another CLSM's coordinator: %d", r.Status)
	}
}

// TestQuestionnaires_AdminAddsAVersionForTheSeason: the admin creates
// version 2 with a choice question (a choice with one answer is refused
// next to its row, the rows kept) and picks it for the season; the
// season's links then ask it, and its answer is stored with the answer.
func TestQuestionnaires_AdminAddsAVersionForTheSeason(t *testing.T) {
	f := newFeedbackEnv(t, func(d *dayEnv) {
		admin := d.as(&d.admin)
		r := admin.get("/admin/questionnaires")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "Version 1") {
			t.Fatalf("list: %d\n%.300s", r.Status, r.Body)
		}
		form := url.Values{"title": {"Questionnaire 2027"}, "label_1": {"Comment avez-vous connu la séance ?"}, "kind_1": {"choice"},
			"options_1": {"Par ma structure"}}
		r = admin.post("/admin/questionnaires", form)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "de 2 à 8 réponses") || !strings.Contains(r.Body, "Comment avez-vous connu") {
			t.Fatalf("one option: %d\n%s", r.Status, r.Body)
		}
		form.Set("options_1", "Par ma structure\nPar une affiche\nAutrement")
		if r = admin.post("/admin/questionnaires", form); r.Status != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", r.Status, r.Body)
		}
		var season int64
		db := dbtest.SQL(t, d.cfg.Database.DSN)
		if err := db.QueryRow(`SELECT season_id FROM requests WHERE id = ?`, d.requestID).Scan(&season); err != nil {
			t.Fatal(err)
		}
		if r = admin.post(fmt.Sprintf("/admin/questionnaires/saisons/%d", season), url.Values{"version": {"2"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("choose: %d", r.Status)
		}
		if r = admin.get("/admin/questionnaires"); !strings.Contains(r.Body, `<option value="2" selected>`) {
			t.Errorf("the season does not show version 2:\n%s", r.Body)
		}
	})
	c := f.client()
	path := f.path(0)
	r := c.get(path)
	if !strings.Contains(r.Body, "Comment avez-vous connu la séance") || !strings.Contains(r.Body, `name="q_q2_1" value="Par une affiche"`) {
		t.Fatalf("the link does not ask the added question:\n%s", r.Body)
	}
	form := answerForm(c, path)
	form.Set("q_q2_1", "Par la radio")
	if r = c.post(path, form); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Choisissez une des réponses proposées") {
		t.Fatalf("answer outside the options: %d", r.Status)
	}
	form.Set("q_q2_1", "Par une affiche")
	if r = c.post(path, form); r.Status != http.StatusSeeOther {
		t.Fatalf("answer: %d\n%s", r.Status, r.Body)
	}
	db := dbtest.SQL(t, f.cfg.Database.DSN)
	var version int
	var extra string
	if err := db.QueryRow(`SELECT questionnaire_version, extra FROM feedback_answers WHERE session_id = ?`, f.session.ID).Scan(&version, &extra); err != nil ||
		version != 2 || extra != `{"q2_1":"Par une affiche"}` {
		t.Errorf("stored version %d extra %s (%v)", version, extra, err)
	}
}
