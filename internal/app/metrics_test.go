package app

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"quartier/config"
	"quartier/internal/dbtest"
)

// TestServe_MetricsOnTheirOwnListener: with [metrics] enabled, /metrics
// answers on metrics.listen only (404 on the public site); requests are
// counted under their route pattern, never the raw path (a secret link's
// token does not appear); the outbox depth is read at scrape time; the
// outbox's deliveries and the scheduler's runs and lag are counted.
func TestServe_MetricsOnTheirOwnListener(t *testing.T) {
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	metricsAddr := free.Addr().String()
	free.Close()
	cfg := config.Default()
	cfg.Server.Listen = ln.Addr().String()
	cfg.Server.BaseURL = "http://" + ln.Addr().String()
	cfg.Server.Secret = strings.Repeat("s", 40)
	cfg.Database.DSN = dbtest.DSN(t)
	cfg.Server.DataDir = dir
	cfg.Mail.Dir = filepath.Join(dir, "mail")
	cfg.Mail.PollInterval = config.Duration{Duration: 100 * time.Millisecond}
	cfg.Metrics = config.Metrics{Enabled: true, Listen: metricsAddr}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
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

	get := func(u string) (int, string) {
		t.Helper()
		r, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r.StatusCode, string(b)
	}
	waitFor(t, "the metrics listener", func() bool {
		r, err := http.Get("http://" + metricsAddr + "/metrics")
		if err == nil {
			r.Body.Close()
		}
		return err == nil && r.StatusCode == http.StatusOK
	})
	if code, _ := get(cfg.Server.BaseURL + "/metrics"); code != http.StatusNotFound {
		t.Errorf("/metrics on the public site: %d, want 404", code)
	}
	const secret = "ZZsecretTokenZZ"
	get(cfg.Server.BaseURL + "/inscription/" + secret)
	get(cfg.Server.BaseURL + "/healthz")
	// A sign-in link: one message queued and sent.
	r, err := http.Get(cfg.Server.BaseURL + "/connexion")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(r.Body)
	r.Body.Close()
	m := csrfField.FindStringSubmatch(string(body))
	if m == nil {
		t.Fatal("no CSRF token on /connexion")
	}
	req, _ := http.NewRequest(http.MethodPost, cfg.Server.BaseURL+"/connexion", strings.NewReader(url.Values{"csrf_token": {m[1]}, "email": {"admin@exemple.fr"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range r.Cookies() {
		req.AddCookie(c)
	}
	if r, err := http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	} else {
		r.Body.Close()
	}

	var text string
	waitFor(t, "the counters", func() bool {
		_, text = get("http://" + metricsAddr + "/metrics")
		return strings.Contains(text, `quartier_outbox_deliveries_total{outcome="sent"} 1`) &&
			strings.Contains(text, `quartier_scheduler_runs_total{kind="outbox",result="ok"}`)
	})
	for _, want := range []string{
		`quartier_http_requests_total{method="GET",route="/inscription/:token",status="404"} 1`,
		`quartier_http_requests_total{method="GET",route="/healthz",status="200"} 1`,
		`quartier_http_requests_total{method="POST",route="/connexion",status="200"} 1`,
		`quartier_http_request_duration_seconds_bucket{method="GET",route="/healthz",le="0.05"}`,
		`quartier_outbox_messages{status="pending"} 0`,
		`quartier_outbox_messages{status="failed"} 0`,
		`quartier_outbox_retrying_messages 0`,
		`quartier_scheduler_lag_seconds_count{kind="outbox"}`,
		`quartier_database_up 1`,
		`process_resident_memory_bytes`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(text, secret) {
		t.Error("/metrics holds a link's token: routes must be counted by pattern")
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	if _, err := http.Get("http://" + metricsAddr + "/metrics"); err == nil {
		t.Error("the metrics listener still answers after serve stopped")
	}
}
