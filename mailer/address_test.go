package mailer

import (
	"bytes"
	"context"
	"log/slog"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestDisplayNames_AreEncodedNotConcatenated sends, through the real SMTP
// test server and the file driver, messages whose display names hold what
// people's names hold (quotes, commas, accents, parentheses) and what a
// stored name must never be able to do (a line break that would start a
// header): each is delivered, and each name reads back exactly.
func TestDisplayNames_AreEncodedNotConcatenated(t *testing.T) {
	names := []string{
		`Léa "Lulu" Picard`,
		`"`,
		`Dupont, Jean (CLSM)`,
		`Nadia O'Brien <chef>`,
		`José Ñúñez-Saint-Éloi`,
		"Pirate\r\nBcc: victime@exemple.fr",
		`back\slash`,
		`Élodie back\slash`,
	}
	// What a name reads back as: one line; a backslash among accents
	// is shown as its look-alike (see displayName).
	readBack := map[string]string{
		"Pirate\r\nBcc: victime@exemple.fr": "Pirate  Bcc: victime@exemple.fr",
		`Élodie back\slash`:                 "Élodie back\u29f5slash",
	}
	srv := startSMTP(t)
	dir := filepath.Join(t.TempDir(), "mail")
	file, err := NewFileDriver(dir, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range names {
		m := &Message{
			From:    Address{Name: "Centre de ressources, " + name, Email: "noreply@quartier.example.org"},
			To:      Address{Name: name, Email: "lea.picard@exemple.fr"},
			ReplyTo: &Address{Name: name, Email: "clsm@exemple.fr"},
			Subject: "Bonjour " + name, MessageID: "m" + string(rune('a'+i)) + "@quartier.example.org",
			Date: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC), Text: "Bonjour.",
		}
		if errs := srv.driver(t).Send(context.Background(), []*Message{m}); errs[0] != nil {
			t.Errorf("%q: SMTP refused: %v", name, errs[0])
			continue
		}
		if errs := file.Send(context.Background(), []*Message{m}); errs[0] != nil {
			t.Errorf("%q: file driver refused: %v", name, errs[0])
			continue
		}
		got := srv.received()
		fromFile, err := os.ReadFile(file.Path(m.MessageID))
		if err != nil {
			t.Fatal(err)
		}
		for via, raw := range map[string][]byte{"smtp": got[len(got)-1], "file": fromFile} {
			head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
			for _, line := range strings.Split(string(head), "\r\n") {
				if strings.HasPrefix(strings.ToLower(line), "bcc:") {
					t.Errorf("%q via %s: a name started a header: %q", name, via, line)
				}
			}
			msg, err := mail.ReadMessage(bytes.NewReader(raw))
			if err != nil {
				t.Fatalf("%q via %s: %v", name, via, err)
			}
			shown, shownFrom := name, m.From.Name
			if s, ok := readBack[name]; ok {
				shown = s
			}
			if name == names[5] {
				shownFrom = "Centre de ressources, " + readBack[name]
			}
			for header, want := range map[string]Address{"To": {shown, m.To.Email}, "From": {shownFrom, m.From.Email},
				"Reply-To": {shown, m.ReplyTo.Email}} {
				a, err := mail.ParseAddress(msg.Header.Get(header))
				if err != nil || a.Name != want.Name || a.Address != want.Email {
					t.Errorf("%q via %s: %s reads back as %+v (%v)", name, via, header, a, err)
				}
			}
		}
	}
}

// TestDisplayNames_BadAddressIsPermanent: an address that is not one is
// refused before any connection, for good.
func TestDisplayNames_BadAddressIsPermanent(t *testing.T) {
	m := &Message{From: Address{Email: "noreply@quartier.example.org"}, To: Address{Name: "X", Email: "pas une adresse"},
		Subject: "x", MessageID: "bad@quartier.example.org", Date: time.Now(), Text: "x"}
	_, err := m.goMail()
	if err == nil || !IsPermanent(err) {
		t.Fatalf("goMail = %v, want a permanent error", err)
	}
}

// TestLogs_NameNoRecipient delivers through the file driver and through an
// SMTP server that refuses some recipients (its refusals quote the
// address): the logs name messages by their outbox id and Message-ID,
// never by an address.
func TestLogs_NameNoRecipient(t *testing.T) {
	srv := startSMTP(t)
	srv.refuse["p1@example.org"] = 550
	srv.refuse["p2@example.org"] = 451
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	s, _ := newTestStore(t, nil)
	queueLinks(t, s, testComposer(t), 4)
	w := NewWorker(s, srv.driver(t), WorkerOptions{Log: log})
	if _, err := w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	file, err := NewFileDriver(filepath.Join(t.TempDir(), "mail"), log)
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := newTestStore(t, nil)
	queueLinks(t, s2, testComposer(t), 4)
	if _, err := NewWorker(s2, file, WorkerOptions{Log: log}).RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	out := logs.String()
	if !strings.Contains(out, "mail not delivered") || !strings.Contains(out, "mail written to file") {
		t.Fatalf("the logs miss the failures or the files:\n%s", out)
	}
	if regexp.MustCompile(`[A-Za-z0-9._%+-]+@example\.org`).MatchString(out) {
		t.Errorf("an address appears in the logs:\n%s", out)
	}
	if !strings.Contains(out, "outbox_id=") || !strings.Contains(out, "message_id=") {
		t.Errorf("the logs do not name the messages by id:\n%s", out)
	}
}
