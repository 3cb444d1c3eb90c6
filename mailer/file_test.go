package mailer

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"quartier/config"
	"quartier/models"
)

func TestFileDriver_WritesEMLOnceAndLogsNoLink(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mail")
	var logs bytes.Buffer
	d, err := NewFileDriver(dir, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	c := testComposer(t)
	link, _ := goldenCases()[0].build(c)
	inv, _ := goldenCases()[5].build(c)
	msgs := []*Message{decodeEnvelope(t, link), decodeEnvelope(t, inv)}
	for range 2 { // delivered twice, as after a crash between send and mark
		for i, err := range d.Send(context.Background(), msgs) {
			if err != nil {
				t.Fatalf("message %d: %v", i, err)
			}
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Fatalf("%d files in %s, want 2 (a second delivery overwrites)", len(entries), dir)
	}
	raw, err := os.ReadFile(d.Path(msgs[1].MessageID))
	if err != nil {
		t.Fatal(err)
	}
	checkInvitationMIME(t, raw, msgs[1])
	raw, _ = os.ReadFile(d.Path(msgs[0].MessageID))
	_, _, parts := parseMessage(t, raw)
	if !strings.Contains(parts[0].body, "https://quartier.example.org/connexion/lien/Zx81-secret") {
		t.Errorf("the sign-in link is not readable from the file:\n%s", parts[0].body)
	}
	out := logs.String()
	if strings.Count(out, "mail written to file") != 4 || strings.Contains(out, "camille.durand@example.fr") ||
		!strings.Contains(out, d.Path(msgs[0].MessageID)) {
		t.Errorf("log lines:\n%s", out)
	}
	if strings.Contains(out, "Zx81") || strings.Contains(out, "tok3n") || strings.Contains(out, "connexion/lien") {
		t.Errorf("the log shows a link or token:\n%s", out)
	}
}

func TestFileName_Sanitised(t *testing.T) {
	for in, want := range map[string]string{
		"6085f0358d85@quartier.example.org": "6085f0358d85@quartier.example.org.eml",
		"<../../etc/passwd>":                "_._.._etc_passwd.eml",
		".hidden@x":                         "_hidden@x.eml",
		"a/b\\c d":                          "a_b_c_d.eml",
		"":                                  "message.eml",
	} {
		if got := fileName(in); got != want {
			t.Errorf("fileName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNewDriver_FromConfig(t *testing.T) {
	cfg := config.Default()
	cfg.Mail.Dir = filepath.Join(t.TempDir(), "mail")
	if d, err := NewDriver(cfg, quietLog()); err != nil {
		t.Fatal(err)
	} else if _, ok := d.(*FileDriver); !ok {
		t.Errorf("mode file gave %T", d)
	}
	cfg.Mail.Mode, cfg.Mail.SMTPHost = "smtp", "smtp.example.org"
	if d, err := NewDriver(cfg, quietLog()); err != nil {
		t.Fatal(err)
	} else if _, ok := d.(*SMTPDriver); !ok {
		t.Errorf("mode smtp gave %T", d)
	}
	cfg.Mail.Mode = "carrier-pigeon"
	if _, err := NewDriver(cfg, quietLog()); err == nil {
		t.Error("unknown mode accepted")
	}
}

// TestFileDriver_SyncsDirectoryAfterRename checks that every message is
// followed by a sync of the mail directory, made once the final file
// exists (after the rename), and that the real sync works on a directory.
func TestFileDriver_SyncsDirectoryAfterRename(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mail")
	d, err := NewFileDriver(dir, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	if err := d.syncDir(dir); err != nil {
		t.Fatalf("the driver's directory sync fails on a real directory: %v", err)
	}
	c := testComposer(t)
	link, _ := goldenCases()[0].build(c)
	inv, _ := goldenCases()[5].build(c)
	msgs := []*Message{decodeEnvelope(t, link), decodeEnvelope(t, inv)}
	var synced []string // the final files present at each sync
	d.syncDir = func(got string) error {
		if got != dir {
			t.Errorf("synced %q, want the mail directory %q", got, dir)
		}
		entries, err := os.ReadDir(got)
		if err != nil {
			return err
		}
		var names []string
		for _, e := range entries {
			if !strings.HasPrefix(e.Name(), ".") {
				names = append(names, e.Name())
			}
		}
		synced = append(synced, strings.Join(names, ","))
		return nil
	}
	for i, err := range d.Send(context.Background(), msgs) {
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	first := filepath.Base(d.Path(msgs[0].MessageID))
	second := filepath.Base(d.Path(msgs[1].MessageID))
	if len(synced) != 2 || synced[0] != first || !strings.Contains(synced[1], first) || !strings.Contains(synced[1], second) {
		t.Errorf("final files at each directory sync: %q; want one sync per message, after its rename (%s, then both)", synced, first)
	}
}

// TestFileDriver_FailedDirectorySyncIsNotSent checks that a message whose
// directory sync fails is reported failed by the driver, so the outbox
// keeps it for a retry instead of marking it sent.
func TestFileDriver_FailedDirectorySyncIsNotSent(t *testing.T) {
	s, _ := newTestStore(t, nil)
	c := testComposer(t)
	keys := queueLinks(t, s, c, 2)
	d, err := NewFileDriver(filepath.Join(t.TempDir(), "mail"), quietLog())
	if err != nil {
		t.Fatal(err)
	}
	failing := errors.New("disk on fire")
	calls := 0
	d.syncDir = func(string) error {
		calls++
		if calls == 2 {
			return failing
		}
		return nil
	}
	w := NewWorker(s, d, WorkerOptions{BatchSize: 10, Log: quietLog()})
	ctx := context.Background()
	if n, err := w.RunOnce(ctx); n != 1 || err != nil {
		t.Fatalf("RunOnce = %d, %v; want 1 sent (the failure is recorded on its row)", n, err)
	}
	rows, _, err := s.ListOutbox(ctx, models.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]models.OutboxMessage{}
	for _, r := range rows {
		full, err := s.OutboxMessageByID(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		got[r.DedupKey] = full
	}
	if len(got) != 2 || got[keys[0]].Status != models.OutboxSent {
		t.Fatalf("outbox %v; want %s sent", got, keys[0])
	}
	if m := got[keys[1]]; m.Status != models.OutboxPending || !strings.Contains(m.LastError, "sync mail directory: disk on fire") {
		t.Errorf("%s: status %s, last error %q; want pending for a retry, with the sync error", keys[1], m.Status, m.LastError)
	}
}
