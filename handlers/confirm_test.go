package handlers_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"quartier/models"
)

// TestIrreversibleActions_AskFirst: withdrawing, declining, deactivating and
// deleting a draft each show a confirmation page on the first POST (with
// what was typed carried over and a way back), change nothing then, and act
// only on the POST that carries confirm=1.
func TestIrreversibleActions_AskFirst(t *testing.T) {
	cases := []struct {
		name    string
		as      func(e *env) *models.User
		path    func(e *env, id int64) string
		draft   bool
		form    url.Values
		says    []string
		done    func(e *env, id int64) bool
		landsOn func(id int64) string
	}{
		{
			name: "withdraw", as: func(e *env) *models.User { return &e.coord },
			path:    func(_ *env, id int64) string { return fmt.Sprintf("/demandes/%d/retirer", id) },
			form:    url.Values{"comment": {"Plus de salle disponible."}},
			says:    []string{"ne pourra plus être modifiée ni reprise", `value="Plus de salle disponible."`, "Confirmer le retrait"},
			done:    func(e *env, id int64) bool { return e.requestState(id) == models.RequestWithdrawn },
			landsOn: func(id int64) string { return fmt.Sprintf("/demandes/%d", id) },
		},
		{
			name: "decline", as: func(e *env) *models.User { return &e.admin },
			path:    func(_ *env, id int64) string { return fmt.Sprintf("/admin/demandes/%d/refuser", id) },
			form:    url.Values{"comment": {"Le territoire a déjà eu sa séance."}},
			says:    []string{"Refuser la demande", "recevra un courriel", "Le territoire a déjà eu sa séance.", "Confirmer le refus"},
			done:    func(e *env, id int64) bool { return e.requestState(id) == models.RequestDeclined },
			landsOn: func(id int64) string { return fmt.Sprintf("/admin/demandes/%d", id) },
		},
		{
			name: "deactivate", as: func(e *env) *models.User { return &e.admin },
			path: func(e *env, _ int64) string { return fmt.Sprintf("/admin/personnes/%d/desactiver", e.coord2.ID) },
			says: []string{"Désactiver le compte de Sophie Coord", "ne pourra plus se connecter", "Confirmer la désactivation"},
			done: func(e *env, _ int64) bool {
				u, err := e.store.UserByID(context.Background(), e.coord2.ID)
				return err == nil && !u.Active
			},
			landsOn: func(int64) string { return "" },
		},
		{
			name: "delete draft", as: func(e *env) *models.User { return &e.coord }, draft: true,
			path: func(_ *env, id int64) string { return fmt.Sprintf("/demandes/%d/supprimer", id) },
			says: []string{"Supprimer le brouillon", "effacés définitivement"},
			done: func(e *env, id int64) bool {
				_, err := e.store.RequestByID(context.Background(), id)
				return errors.Is(err, models.ErrNotFound)
			},
			landsOn: func(int64) string { return "/demandes" },
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newRequestEnv(t)
			form := validRequest(e)
			if tc.draft {
				form = with(form, "action", "draft")
			}
			id := e.createRequest(e.as(&e.coord), form)
			c := e.as(tc.as(e))
			path := tc.path(e, id)
			before := e.countMail(e.coord.Email)
			r := c.post(path, tc.form)
			if r.Status != http.StatusOK || !strings.Contains(r.Body, `<form method="post" action="`+path+`"`) || !strings.Contains(r.Body, `name="confirm" value="1"`) || !strings.Contains(r.Body, "Annuler") {
				t.Fatalf("first step: %d\n%s", r.Status, r.Body)
			}
			for _, want := range tc.says {
				if !strings.Contains(r.Body, want) {
					t.Errorf("confirmation page lacks %q", want)
				}
			}
			if tc.done(e, id) || e.countMail(e.coord.Email) != before {
				t.Fatal("the first step acted")
			}
			confirm := url.Values{"confirm": {"1"}}
			for k, v := range tc.form {
				confirm[k] = v
			}
			r = c.post(path, confirm)
			if r.Status != http.StatusSeeOther || !tc.done(e, id) {
				t.Fatalf("confirmed: %d %s", r.Status, r.Location)
			}
			if want := tc.landsOn(id); want != "" && r.Location != want {
				t.Errorf("redirected to %s, want %s", r.Location, want)
			}
		})
	}
}

// TestDrafts_NeverInAdminLists: a draft, even one asked for by state, and a
// draft withdrawn before it was sent are neither listed nor counted for an
// admin; a deleted draft is gone for its coordinator too.
func TestDrafts_NeverInAdminLists(t *testing.T) {
	e := newRequestEnv(t)
	coord, admin := e.as(&e.coord), e.as(&e.admin)
	draft := e.createRequest(coord, url.Values{"clsm": {fmt.Sprint(e.clsm.ID)}, "action": {"draft"}})
	gone := e.createRequest(coord, url.Values{"clsm": {fmt.Sprint(e.clsm.ID)}, "action": {"draft"}})
	if err := e.store.WithdrawRequest(context.Background(), e.coord.ID, gone, ""); err != nil {
		t.Fatal(err)
	}
	sent := e.createRequest(coord, validRequest(e))
	for _, q := range []string{"", "?etat=draft", "?etat=withdrawn"} {
		r := admin.get("/admin/demandes" + q)
		for _, id := range []int64{draft, gone} {
			if strings.Contains(r.Body, fmt.Sprintf(`href="/admin/demandes/%d"`, id)) {
				t.Errorf("%s: never-sent request %d listed", q, id)
			}
		}
	}
	if r := admin.get(fmt.Sprintf("/admin/demandes/%d", sent)); strings.Contains(r.Body, fmt.Sprintf(`href="/admin/demandes/%d"`, draft)) {
		t.Error("the CLSM's other requests list a draft")
	}
	if r := coord.get(fmt.Sprintf("/demandes/%d", draft)); !strings.Contains(r.Body, "Supprimer le brouillon") {
		t.Error("the draft's page offers no deletion")
	}
	if r := coord.get(fmt.Sprintf("/demandes/%d", sent)); strings.Contains(r.Body, "Supprimer le brouillon") {
		t.Error("a sent request offers deletion")
	}
	if r := coord.post(fmt.Sprintf("/demandes/%d/supprimer", sent), url.Values{"confirm": {"1"}}); r.Status != http.StatusConflict || e.requestState(sent) != models.RequestSubmitted {
		t.Errorf("delete a sent request: %d", r.Status)
	}
	if r := e.as(&e.coord2).post(fmt.Sprintf("/demandes/%d/supprimer", draft), url.Values{"confirm": {"1"}}); r.Status != http.StatusNotFound {
		t.Errorf("another CLSM's coordinator deletes the draft: %d", r.Status)
	}
}
