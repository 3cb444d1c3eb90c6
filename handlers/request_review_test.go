package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"quartier/models"
)

func TestAdminDecisions_EachQueuesExactlyOneEmail(t *testing.T) {
	e := newRequestEnv(t)
	coord, admin := e.as(&e.coord), e.as(&e.admin)
	cases := []struct {
		action  string
		comment string
		state   models.RequestState
		subject string
	}{
		{"accepter", "", models.RequestAccepted, "acceptée"},
		{"refuser", "Le territoire a déjà eu sa séance.", models.RequestDeclined, "pas pu être retenue"},
		{"modifications", "Précisez l’adresse de la salle.", models.RequestChangesRequested, "précisions"},
	}
	for _, tc := range cases {
		t.Run(tc.action, func(t *testing.T) {
			id := e.createRequest(coord, validRequest(e))
			path := fmt.Sprintf("/admin/demandes/%d", id)
			if r := admin.get(path); r.Status != http.StatusOK || !strings.Contains(r.Body, "Salle Watremez") {
				t.Fatalf("detail: %d", r.Status)
			}
			before := e.countMail(e.coord.Email)
			r := admin.post(path+"/"+tc.action, url.Values{"comment": {tc.comment}, "confirm": {"1"}})
			if r.Status != http.StatusSeeOther || r.Location != path {
				t.Fatalf("decision: %d %s\n%s", r.Status, r.Location, r.Body)
			}
			if st := e.requestState(id); st != tc.state {
				t.Fatalf("state %s, want %s", st, tc.state)
			}
			if n := e.countMail(e.coord.Email) - before; n != 1 {
				t.Fatalf("%d emails queued, want 1", n)
			}
			msgs, _, err := e.store.ListOutbox(context.Background(), models.OutboxFilter{Limit: 1})
			if err != nil || len(msgs) != 1 || msgs[0].Kind != "request_decision" || !strings.Contains(msgs[0].Subject, tc.subject) {
				t.Fatalf("last message = %+v, %v", msgs, err)
			}
			full, err := e.store.OutboxMessageByID(context.Background(), msgs[0].ID)
			if err != nil || (tc.comment != "" && !strings.Contains(full.Payload, "territoire a déjà eu") && !strings.Contains(full.Payload, "adresse de la salle")) {
				t.Errorf("the message does not carry the comment: %v", err)
			}
			// Deciding again is an invalid transition: 409, no second email.
			r = admin.post(path+"/accepter", nil)
			if r.Status != http.StatusConflict || !strings.Contains(r.Body, tc.state.Label()) {
				t.Errorf("second decision: %d", r.Status)
			}
			if n := e.countMail(e.coord.Email) - before; n != 1 {
				t.Errorf("%d emails after a refused decision", n)
			}
			if r := coord.get(fmt.Sprintf("/demandes/%d", id)); tc.comment != "" && !strings.Contains(r.Body, tc.comment[:20]) {
				t.Error("the coordinator does not see the message in the history")
			}
		})
	}
}

func TestAdminDecision_CommentRequiredAndKept(t *testing.T) {
	e := newRequestEnv(t)
	id := e.createRequest(e.as(&e.coord), validRequest(e))
	admin := e.as(&e.admin)
	path := fmt.Sprintf("/admin/demandes/%d", id)
	for _, action := range []string{"refuser", "modifications"} {
		before := e.countMail(e.coord.Email)
		r := admin.post(path+"/"+action, url.Values{"comment": {"   "}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "-comment-erreur") {
			t.Errorf("%s without a message: %d", action, r.Status)
		}
		if e.countMail(e.coord.Email) != before || e.requestState(id) != models.RequestSubmitted {
			t.Errorf("%s without a message changed something", action)
		}
	}
	long := strings.Repeat("é", models.MaxCommentLength+1)
	if r := admin.post(path+"/refuser", url.Values{"comment": {long}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, long) {
		t.Errorf("too long a reason: %d, or the text typed was lost", r.Status)
	}
}

func TestAdminDecision_ChangesThenResubmit(t *testing.T) {
	e := newRequestEnv(t)
	coord, admin := e.as(&e.coord), e.as(&e.admin)
	id := e.createRequest(coord, validRequest(e))
	if r := admin.post(fmt.Sprintf("/admin/demandes/%d/modifications", id), url.Values{"comment": {"Ajoutez un partenaire."}}); r.Status != http.StatusSeeOther {
		t.Fatalf("changes: %d", r.Status)
	}
	if r := admin.post(fmt.Sprintf("/admin/demandes/%d/accepter", id), nil); r.Status != http.StatusConflict {
		t.Errorf("accepting a request waiting for changes: %d", r.Status)
	}
	edit := coord.get(fmt.Sprintf("/demandes/%d/modifier", id))
	if !strings.Contains(edit.Body, "Renvoyer la demande") {
		t.Error("the edit form does not offer to send the request again")
	}
	if r := coord.post(fmt.Sprintf("/demandes/%d/modifier", id), with(validRequest(e), "partners", "Vilogia")); r.Status != http.StatusSeeOther {
		t.Fatalf("resubmit: %d", r.Status)
	}
	if st := e.requestState(id); st != models.RequestSubmitted {
		t.Fatalf("state %s", st)
	}
	if r := admin.post(fmt.Sprintf("/admin/demandes/%d/accepter", id), nil); r.Status != http.StatusSeeOther {
		t.Errorf("accept after resubmission: %d", r.Status)
	}
	if r := coord.get(fmt.Sprintf("/demandes/%d/modifier", id)); r.Status != http.StatusSeeOther {
		t.Errorf("an accepted request's edit form: %d", r.Status)
	}
}

func TestAdminList_Filters(t *testing.T) {
	e := newRequestEnv(t)
	roubaix := e.createRequest(e.as(&e.coord), validRequest(e))
	draft := e.createRequest(e.as(&e.coord), url.Values{"clsm": {fmt.Sprint(e.clsm.ID)}, "action": {"draft"}})
	cholet := e.createRequest(e.as(&e.coord2), with(validRequest(e), "clsm", fmt.Sprint(e.clsm2.ID), "commune", "49099", "qpvs", "\x00", "other_qpvs", "Jean-Monnet"))
	seasons, err := e.store.Seasons(context.Background())
	if err != nil || len(seasons) != 1 {
		t.Fatal(seasons, err)
	}
	admin := e.as(&e.admin)
	link := func(id int64) string { return fmt.Sprintf(`href="/admin/demandes/%d"`, id) }
	cases := []struct {
		query string
		in    []int64
		out   []int64
	}{
		{"", []int64{roubaix, cholet}, []int64{draft}},
		{"?etat=draft", []int64{roubaix, cholet}, []int64{draft}},
		{"?saison=" + "hors", nil, []int64{roubaix, cholet, draft}},
		{"?etat=submitted&region=52", []int64{cholet}, []int64{roubaix, draft}},
		{"?departement=59", []int64{roubaix}, []int64{cholet, draft}},
		{fmt.Sprintf("?saison=%d", seasons[0].ID), []int64{roubaix, cholet}, nil},
		{"?etat=accepted", nil, []int64{roubaix, cholet, draft}},
		{"?etat=nonsense&region=zz", []int64{roubaix, cholet}, []int64{draft}},
	}
	for _, tc := range cases {
		r := admin.get("/admin/demandes" + tc.query)
		if r.Status != http.StatusOK {
			t.Fatalf("%s: %d", tc.query, r.Status)
		}
		for _, id := range tc.in {
			if !strings.Contains(r.Body, link(id)) {
				t.Errorf("%s: request %d missing", tc.query, id)
			}
		}
		for _, id := range tc.out {
			if strings.Contains(r.Body, link(id)) {
				t.Errorf("%s: request %d listed", tc.query, id)
			}
		}
	}
	if r := admin.get(fmt.Sprintf("/admin/demandes/%d", cholet)); !strings.Contains(r.Body, "Jean-Monnet (QN04901M)") || !strings.Contains(r.Body, "Cholet (49099, Maine-et-Loire)") {
		t.Error("the detail does not name the quartier and the commune")
	}
}

func TestSuggestions(t *testing.T) {
	e := newRequestEnv(t)
	c := e.as(&e.coord)
	var got []struct{ Value, Label string }
	r := c.get("/recherche/communes?q=roubaix")
	if err := json.Unmarshal([]byte(r.Body), &got); err != nil || len(got) == 0 || got[0].Value != "Roubaix — CP 59100" || got[0].Label != "Nord" {
		t.Errorf("communes: %s (%v)", r.Body, err)
	}
	// A postcode suggests its communes, each labelled with that postcode.
	r = c.get("/recherche/communes?q=59160")
	if err := json.Unmarshal([]byte(r.Body), &got); err != nil || len(got) < 2 || !strings.Contains(r.Body, `"Lille — CP 59160"`) || !strings.Contains(r.Body, `"Capinghem — CP 59160"`) {
		t.Errorf("communes by postcode: %s (%v)", r.Body, err)
	}
	r = c.get("/recherche/qpv?q=alma")
	if err := json.Unmarshal([]byte(r.Body), &got); err != nil || len(got) != 1 || got[0].Value != "Alma-Gare (QN05901M)" || got[0].Label != "Roubaix" {
		t.Errorf("quartiers: %s (%v)", r.Body, err)
	}
	if r := c.get("/recherche/communes?q=r"); strings.TrimSpace(r.Body) != "[]" {
		t.Errorf("a one-letter query answers %s", r.Body)
	}
	// What a suggestion writes in the field is what the form reads back.
	id := e.createRequest(c, with(validRequest(e), "commune", "Roubaix — CP 59100", "qpvs", "\x00", "other_qpvs", "Alma-Gare (QN05901M), Épeule"))
	req, err := e.store.RequestByID(context.Background(), id)
	if err != nil || req.CommuneINSEE != "59512" || strings.Join(req.QPVs, ",") != "QN05901M,QN05902M" {
		t.Errorf("stored %+v, %v", req, err)
	}
}

// newestPayload is the rendered body of the newest message of kind to addr.
func (e *env) newestPayload(addr, kind string) string {
	e.t.Helper()
	msgs, _, err := e.store.ListOutbox(context.Background(), models.OutboxFilter{Limit: 1000})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, m := range msgs {
		if m.Recipient == addr && m.Kind == kind {
			full, err := e.store.OutboxMessageByID(context.Background(), m.ID)
			if err != nil {
				e.t.Fatal(err)
			}
			return full.Payload
		}
	}
	e.t.Fatalf("no %s message to %s", kind, addr)
	return ""
}

func TestRequestMail_SubmitEditWithdrawTellTheRightPeople(t *testing.T) {
	e := newRequestEnv(t)
	coord := e.as(&e.coord)
	id := e.createRequest(coord, validRequest(e))
	review := fmt.Sprintf("/admin/demandes/%d", id)
	if n := e.countKind(e.coord.Email, "request_received"); n != 1 {
		t.Fatalf("%d acknowledgements to the coordinator, want 1", n)
	}
	if p := e.newestPayload(e.coord.Email, "request_received"); !strings.Contains(p, "Salle Watremez") || !strings.Contains(p, fmt.Sprintf("/demandes/%d", id)) {
		t.Errorf("the acknowledgement does not say what was sent")
	}
	steps := []struct {
		name string
		do   func() resp
		want int // request_to_review messages to the admin so far
		says string
	}{
		{"submitted", nil, 1, "a envoyé la demande"},
		{"edited", func() resp {
			f := validRequest(e)
			f.Set("action", "save")
			f.Set("venue_name", "Salle Watremez, 1er étage")
			return coord.post(fmt.Sprintf("/demandes/%d/modifier", id), f)
		}, 2, "a modifié la demande"},
		{"withdrawn", func() resp {
			return coord.post(fmt.Sprintf("/demandes/%d/retirer", id), url.Values{"comment": {"Plus de salle."}, "confirm": {"1"}})
		}, 3, "a retiré la demande"},
	}
	for _, st := range steps {
		if st.do != nil {
			if r := st.do(); r.Status != http.StatusSeeOther {
				t.Fatalf("%s: %d\n%s", st.name, r.Status, summaryOf(r.Body))
			}
		}
		if n := e.countKind(e.admin.Email, "request_to_review"); n != st.want {
			t.Fatalf("%s: %d messages to the admin, want %d", st.name, n, st.want)
		}
		p := e.newestPayload(e.admin.Email, "request_to_review")
		if !strings.Contains(p, st.says) || !strings.Contains(p, review) {
			t.Errorf("%s: the admin's message does not say it or link to %s", st.name, review)
		}
	}
	if n := e.countKind(e.coord.Email, "request_received"); n != 1 {
		t.Errorf("an edit was acknowledged again: %d", n)
	}
}

// The reviewer reads the request before deciding: the content comes before
// the three decision forms, and a refused decision is announced at the top.
func TestAdminReview_ContentBeforeDecision(t *testing.T) {
	e := newRequestEnv(t)
	id := e.createRequest(e.as(&e.coord), validRequest(e))
	admin := e.as(&e.admin)
	path := fmt.Sprintf("/admin/demandes/%d", id)
	r := admin.get(path)
	content, decision := strings.Index(r.Body, `id="contenu-demande"`), strings.Index(r.Body, `id="decision"`)
	if content < 0 || decision < 0 || content > decision {
		t.Errorf("content at %d, decision at %d: the content must come first", content, decision)
	}
	r = admin.post(path+"/refuser", url.Values{"comment": {""}})
	summary, content := strings.Index(r.Body, `class="error-summary"`), strings.Index(r.Body, `id="contenu-demande"`)
	if summary < 0 || summary > content || !strings.Contains(r.Body, `href="#f-decline-comment"`) {
		t.Errorf("a refused decision has no summary above the content linking to the field")
	}
}
