package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"quartier/models"
)

func TestOutboxPage_ListFilterShowRetry(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.as(&e.admin)
	// A sign-in link (hidden) and a failed message.
	e.client().post("/connexion", url.Values{"email": {"coord@exemple.fr"}})
	if err := e.store.Enqueue(ctx, models.Envelope{DedupKey: "test:1", Kind: "request_decision", To: "typo@exemple.fr", Subject: "Votre demande", MessageID: "<a@b>", Payload: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	claimed, err := e.store.ClaimOutbox(ctx, 10, time.Minute)
	if err != nil || len(claimed) < 2 {
		t.Fatalf("claim: %v %d", err, len(claimed))
	}
	var failed models.OutboxMessage
	for _, m := range claimed {
		if m.Recipient == "typo@exemple.fr" {
			failed = m
		}
	}
	if err := e.store.MarkOutboxFailed(ctx, failed.ID, "550 5.1.1 mailbox unknown", time.Time{}, true); err != nil {
		t.Fatal(err)
	}

	all := c.get("/admin/courriels")
	if all.Status != http.StatusOK || !strings.Contains(all.Body, "typo@exemple.fr") || !strings.Contains(all.Body, "coord@exemple.fr") {
		t.Fatalf("list: %d", all.Status)
	}
	onlyFailed := c.get("/admin/courriels?statut=failed")
	if !strings.Contains(onlyFailed.Body, "typo@exemple.fr") || strings.Contains(onlyFailed.Body, "coord@exemple.fr") {
		t.Errorf("failed filter does not filter")
	}
	page := c.get("/admin/courriels/" + itoa(failed.ID))
	if page.Status != http.StatusOK || !strings.Contains(page.Body, "550 5.1.1") || !strings.Contains(page.Body, "définitif") {
		t.Errorf("message page: %d", page.Status)
	}
	if r := c.post("/admin/courriels/"+itoa(failed.ID)+"/renvoyer", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("retry: %d", r.Status)
	}
	m, _ := e.store.OutboxMessageByID(ctx, failed.ID)
	if m.Status != models.OutboxPending {
		t.Errorf("after retry: %s", m.Status)
	}
	if r := c.post("/admin/courriels/"+itoa(failed.ID)+"/renvoyer", nil); r.Status != http.StatusConflict {
		t.Errorf("retrying a pending message: %d", r.Status)
	}
	// The sign-in link never shows on the admin page.
	for _, msg := range claimed {
		if msg.Kind == "magic_link" {
			p := c.get("/admin/courriels/" + itoa(msg.ID))
			if strings.Contains(p.Body, "/connexion/lien/") {
				t.Error("a sign-in link is shown on the admin page")
			}
		}
	}
}

// A message page always says who sends it, and speaks plain French.
func TestOutboxMessage_SenderShownNoJargon(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if err := e.store.Enqueue(ctx, models.Envelope{DedupKey: "test:2", Kind: "request_decision", To: "coord@exemple.fr", Subject: "Votre demande", MessageID: "<c@d>", Payload: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	msgs, _, err := e.store.ListOutbox(ctx, models.OutboxFilter{})
	if err != nil || len(msgs) == 0 {
		t.Fatalf("list: %v", err)
	}
	page := e.as(&e.admin).get("/admin/courriels/" + itoa(msgs[0].ID))
	from := e.cfg.Mail.FromName + " &lt;" + e.cfg.Mail.From + "&gt;"
	if page.Status != http.StatusOK || !strings.Contains(page.Body, "<dt>De</dt><dd>"+from+"</dd>") {
		t.Errorf("the sender is not shown (want %q)", from)
	}
	if strings.Contains(page.Body, "unicité") || strings.Contains(page.Body, "Message-ID") {
		t.Errorf("the page still shows jargon")
	}
}
