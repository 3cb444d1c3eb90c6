package metrics

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"quartier/models"
)

type fakeSource struct {
	err error
}

func (f fakeSource) OutboxDepth(context.Context) (map[models.OutboxStatus]int64, int64, error) {
	if f.err != nil {
		return nil, 0, f.err
	}
	return map[models.OutboxStatus]int64{models.OutboxPending: 7, models.OutboxSending: 1, models.OutboxFailed: 2}, 3, nil
}

func (f fakeSource) JobsOverdue(context.Context) (map[string]time.Duration, error) {
	if f.err != nil {
		return nil, f.err
	}
	return map[string]time.Duration{"outbox": 90 * time.Second}, nil
}

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("scrape: %d", rec.Code)
	}
	return rec.Body.String()
}

// TestMetrics_RoutesByPatternAndGaugesAtScrape: the middleware labels a
// request with its route pattern (the token of /inscription/:token never
// shows), its method and final status (an error returned by the handler
// counts with the status the error handler wrote), and an unknown method is
// "other"; the gauges are read from the source at each scrape, and a
// failing source gives quartier_database_up 0 instead of failing the scrape.
func TestMetrics_RoutesByPatternAndGaugesAtScrape(t *testing.T) {
	m := New(fakeSource{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	e := echo.New()
	e.Pre(m.Middleware)
	e.GET("/inscription/:token", func(c echo.Context) error { return echo.ErrNotFound })
	e.GET("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	for _, r := range []*http.Request{
		httptest.NewRequest(http.MethodGet, "/inscription/SECRETXYZ", nil),
		httptest.NewRequest(http.MethodGet, "/healthz", nil),
		httptest.NewRequest(http.MethodGet, "/healthz", nil),
		httptest.NewRequest("BREW", "/healthz", nil),
	} {
		e.ServeHTTP(httptest.NewRecorder(), r)
	}
	m.ObserveDelivery("retry")
	m.ObserveJob("outbox", 2*time.Second, time.Millisecond, nil)
	m.ObserveJob("outbox", 0, time.Millisecond, errors.New("boom"))
	text := scrape(t, m)
	for _, want := range []string{
		`quartier_http_requests_total{method="GET",route="/inscription/:token",status="404"} 1`,
		`quartier_http_requests_total{method="GET",route="/healthz",status="200"} 2`,
		`quartier_http_requests_total{method="other",route="/healthz",status="405"} 1`,
		`quartier_outbox_messages{status="pending"} 7`,
		`quartier_outbox_messages{status="failed"} 2`,
		`quartier_outbox_retrying_messages 3`,
		`quartier_outbox_deliveries_total{outcome="retry"} 1`,
		`quartier_outbox_deliveries_total{outcome="sent"} 0`,
		`quartier_scheduler_runs_total{kind="outbox",result="ok"} 1`,
		`quartier_scheduler_runs_total{kind="outbox",result="error"} 1`,
		`quartier_scheduler_lag_seconds_sum{kind="outbox"} 2`,
		`quartier_scheduler_overdue_seconds{kind="outbox"} 90`,
		`quartier_database_up 1`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("scrape lacks %s", want)
		}
	}
	if strings.Contains(text, "SECRETXYZ") {
		t.Error("the raw path is in the metrics")
	}

	down := New(fakeSource{err: errors.New("database is locked")}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	text = scrape(t, down)
	if !strings.Contains(text, "quartier_database_up 0") || strings.Contains(text, "quartier_outbox_messages{") {
		t.Errorf("a failing source: want quartier_database_up 0 and no outbox gauge\n%s", text)
	}
}
