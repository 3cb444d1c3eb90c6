// Package e2e drives the whole application, started as `quartier serve
// --demo` starts it, in headless Chromium, checking every page with axe.
package e2e

import (
	"context"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"quartier/config"
	"quartier/internal/app"
	"quartier/internal/browsertest"
	"quartier/internal/demo"
)

// site is a running demo application.
type site struct {
	URL      string
	MailDir  string
	Manifest demo.Manifest
	App      *app.App
}

// startSite runs the app with the demo on a random port until the test ends.
func startSite(t *testing.T) *site {
	t.Helper()
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Server.Listen = ln.Addr().String()
	cfg.Server.BaseURL = "http://" + ln.Addr().String()
	cfg.Database.DSN = filepath.Join(dir, "quartier.db")
	cfg.Mail.Dir = filepath.Join(dir, "mail")
	cfg.Mail.PollInterval = config.Duration{Duration: 100 * time.Millisecond}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	m, ok, err := a.EnsureDemo(ctx, io.Discard)
	if err != nil || !ok {
		t.Fatalf("demo: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		a.Close()
	})
	return &site{URL: cfg.Server.BaseURL, MailDir: cfg.Mail.Dir, Manifest: m, App: a}
}

var signInLink = regexp.MustCompile(`https?://[^\s"<>]+/connexion/lien/[A-Za-z0-9_-]+(\?[^\s"<>]*)?`)

// waitForLink reads the newest sign-in link mailed to addr from the mail
// directory, as a newcomer would, waiting for the outbox worker.
func (s *site) waitForLink(t *testing.T, addr string, after time.Time) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		var best string
		var bestTime time.Time
		files, _ := filepath.Glob(filepath.Join(s.MailDir, "*.eml"))
		for _, f := range files {
			if strings.HasPrefix(filepath.Base(f), ".") {
				continue // a message the file driver is still writing (.writing-*.eml)
			}
			st, err := os.Stat(f)
			if err != nil || st.ModTime().Before(after) {
				continue
			}
			to, text := readMail(t, f)
			if !strings.EqualFold(to, addr) {
				continue
			}
			if l := signInLink.FindString(text); l != "" && st.ModTime().After(bestTime) {
				best, bestTime = l, st.ModTime()
			}
		}
		if best != "" {
			return best
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no sign-in link for %s in %s", addr, s.MailDir)
	return ""
}

// readMail returns the recipient and the decoded plain-text part of an .eml.
func readMail(t *testing.T, path string) (to, text string) {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	msg, err := mail.ReadMessage(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if a, err := mail.ParseAddress(msg.Header.Get("To")); err == nil {
		to = a.Address
	}
	mt, params, _ := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if !strings.HasPrefix(mt, "multipart/") {
		b, _ := io.ReadAll(quotedprintable.NewReader(msg.Body))
		return to, string(b)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			return to, text
		}
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain") {
			b, _ := io.ReadAll(p) // multipart decodes quoted-printable itself
			return to, string(b)
		}
	}
}

func TestHomeAnd404(t *testing.T) {
	s := startSite(t)
	ctx := browsertest.New(t)
	browsertest.Visit(t, ctx, s.URL+"/")
	if h1 := browsertest.Text(t, ctx, "h1"); !strings.Contains(h1, "La santé mentale dans mon quartier") {
		t.Errorf("home h1 = %q", h1)
	}
	browsertest.Visit(t, ctx, s.URL+"/nulle-part")
	if h1 := browsertest.Text(t, ctx, "h1"); h1 != "Page introuvable" {
		t.Errorf("404 h1 = %q", h1)
	}
	browsertest.Visit(t, ctx, s.URL+"/confidentialite")
	browsertest.Visit(t, ctx, s.URL+"/connexion")
}

// signIn signs in through the real form and the mailed link.
func (s *site) signIn(t *testing.T, ctx context.Context, email string) {
	t.Helper()
	sent := time.Now().Add(-time.Second)
	browsertest.Visit(t, ctx, s.URL+"/connexion")
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#f-email"), email),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".flash-success")),
	); err != nil {
		t.Fatalf("ask for a link: %v", err)
	}
	browsertest.CheckA11y(t, ctx)
	link := s.waitForLink(t, email, sent)
	browsertest.Visit(t, ctx, link)
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".signed-in")),
	); err != nil {
		t.Fatalf("use the link: %v", err)
	}
}

func TestSignInEachRole(t *testing.T) {
	s := startSite(t)
	accounts := map[string]struct{ email, mustSee string }{
		"admin":       {s.Manifest.Accounts.Admin, "Les personnes"},
		"coordinator": {s.Manifest.Accounts.Coordinator, "CLSM de Roubaix"},
		"facilitator": {s.Manifest.Accounts.Facilitator, "Mes prochaines dates"},
	}
	for _, role := range []string{"admin", "coordinator", "facilitator"} {
		t.Run(role, func(t *testing.T) {
			acc := accounts[role]
			ctx := browsertest.New(t)
			s.signIn(t, ctx, acc.email)
			browsertest.CheckA11y(t, ctx)
			if body := browsertest.Text(t, ctx, "main"); !strings.Contains(body, acc.mustSee) {
				t.Errorf("dashboard lacks %q", acc.mustSee)
			}
			if err := chromedp.Do(ctx,
				chromedp.Click(chromedp.CSS(`form[action="/deconnexion"] button`)),
				chromedp.WaitVisible(chromedp.CSS(`a[href="/connexion"]`)),
			); err != nil {
				t.Fatalf("sign out: %v", err)
			}
			if msg := browsertest.Text(t, ctx, ".flash"); !strings.Contains(msg, "déconnecté") {
				t.Errorf("after sign-out: %q", msg)
			}
		})
	}
}
