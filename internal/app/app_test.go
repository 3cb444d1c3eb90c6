package app

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"quartier/config"
	"quartier/internal/dbtest"
)

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// TestServe_SchedulerRunsTheJobsAndSignInMailGoesAtOnce starts serve with
// an outbox poll of an hour: the sign-in link can only arrive within
// seconds if the page wakes the scheduler's outbox job.
func TestServe_SchedulerRunsTheJobsAndSignInMailGoesAtOnce(t *testing.T) {
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Server.Listen = ln.Addr().String()
	cfg.Server.BaseURL = "http://" + ln.Addr().String()
	cfg.Server.Secret = strings.Repeat("s", 40)
	cfg.Database.DSN = dbtest.DSN(t)
	cfg.Server.DataDir = dir
	cfg.Mail.Dir = filepath.Join(dir, "mail")
	cfg.Mail.PollInterval = config.Duration{Duration: time.Hour}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.Store.CreateFirstAdmin(ctx, "admin@exemple.fr", "Alice Admin"); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()

	// The first pass creates the periodic rows.
	waitFor(t, "the periodic jobs", func() bool {
		for _, kind := range []string{JobOutbox, JobCalendarRefresh, JobAuthPurge} {
			j, err := a.Store.JobByDedupKey(ctx, kind)
			if err != nil || j.Attempts != 0 || j.ClaimedBy != "" || !j.DueAt.After(time.Now()) {
				return false // not yet run
			}
		}
		return true
	})

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	r, err := client.Get(cfg.Server.BaseURL + "/connexion")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(r.Body)
	r.Body.Close()
	m := csrfField.FindStringSubmatch(string(body))
	if m == nil {
		t.Fatal("no CSRF token on /connexion")
	}
	r, err = client.PostForm(cfg.Server.BaseURL+"/connexion", url.Values{"csrf_token": {m[1]}, "email": {"admin@exemple.fr"}})
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusOK {
		t.Fatalf("POST /connexion: %d", r.StatusCode)
	}
	waitFor(t, "the sign-in mail", func() bool {
		files, _ := filepath.Glob(filepath.Join(cfg.Mail.Dir, "*.eml"))
		return len(files) == 1
	})

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not come within 5 s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
