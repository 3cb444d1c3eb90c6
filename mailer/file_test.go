package mailer

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"quartier/config"
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
