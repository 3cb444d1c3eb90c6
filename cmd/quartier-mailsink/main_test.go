package main

import (
	"log/slog"
	"net"
	"net/smtp"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gosmtp "github.com/emersion/go-smtp"
)

func TestSink_WritesEachDeliveryToItsOwnFile(t *testing.T) {
	dir := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := gosmtp.NewServer(&sink{dir: dir, log: slog.New(slog.DiscardHandler)})
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })

	msg := "Message-ID: <one@quartier>\r\nSubject: test\r\n\r\nbonjour\r\n"
	for range 2 { // the same message delivered twice: two files
		if err := smtp.SendMail(l.Addr().String(), nil, "from@example.org", []string{"to@example.org"}, []byte(msg)); err != nil {
			t.Fatal(err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != 2 {
		t.Fatalf("files = %v, want 2", files)
	}
	b, err := os.ReadFile(files[1])
	if err != nil || !strings.Contains(string(b), "Message-ID: <one@quartier>") || !strings.Contains(string(b), "bonjour") {
		t.Errorf("second file = %q, %v", b, err)
	}
}
