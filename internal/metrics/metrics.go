// Package metrics exposes quartier's counters in the Prometheus text format
// (DESIGN §4, docs/RELIABILITY.md): HTTP requests by route pattern and
// status with their latency, the outbox's depth (read from the database
// at scrape time) and delivery outcomes, and the scheduler's runs and lag
// per kind of job. serve answers them on their own listener
// ([metrics] listen), never on the public site.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"quartier/models"
)

// Source is what the scrape-time gauges read: *models.Store.
type Source interface {
	OutboxDepth(ctx context.Context) (map[models.OutboxStatus]int64, int64, error)
	JobsOverdue(ctx context.Context) (map[string]time.Duration, error)
}

// Metrics holds quartier's collectors, in a registry of its own.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	outbox   *prometheus.CounterVec
	jobRuns  *prometheus.CounterVec
	jobLag   *prometheus.HistogramVec
	jobTook  *prometheus.HistogramVec
}

// New builds the collectors; src is read at each scrape.
func New(src Source, log *slog.Logger) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "quartier_http_requests_total",
			Help: "HTTP requests answered, by route pattern (never the raw path: it may hold a secret link), method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "quartier_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route pattern and method.",
			Buckets: []float64{.005, .01, .025, .05, .1, .2, .3, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
		outbox: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "quartier_outbox_deliveries_total",
			Help: "Delivery attempts of outbox messages by this process, by outcome: sent, retry (failed, tried again later) or failed (given up).",
		}, []string{"outcome"}),
		jobRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "quartier_scheduler_runs_total",
			Help: "Runs of background jobs by this process, by kind and result (ok or error).",
		}, []string{"kind", "result"}),
		jobLag: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "quartier_scheduler_lag_seconds",
			Help:    "How long after its due time a job started, by kind.",
			Buckets: []float64{.1, .5, 1, 2, 5, 10, 30, 60, 300, 900, 3600},
		}, []string{"kind"}),
		jobTook: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "quartier_scheduler_run_duration_seconds",
			Help:    "How long a job's run took, by kind.",
			Buckets: []float64{.001, .01, .1, .5, 1, 5, 30, 120},
		}, []string{"kind"}),
	}
	for _, outcome := range []string{"sent", "retry", "failed"} {
		m.outbox.WithLabelValues(outcome)
	}
	m.reg.MustRegister(m.requests, m.latency, m.outbox, m.jobRuns, m.jobLag, m.jobTook,
		&dbCollector{src: src, log: log},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler answers the scrape.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, MaxRequestsInFlight: 4, Timeout: 10 * time.Second})
}

// Middleware counts each request under its route pattern once the router
// has matched it. It goes in Echo's Pre chain (outermost): after next, the
// error handler has written the answer, so the status is final.
func (m *Metrics) Middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		route := c.Path()
		if route == "" {
			route = "(no route)"
		}
		method := c.Request().Method
		switch method {
		case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		default:
			method = "other" // bounded labels, whatever a client sends
		}
		m.requests.WithLabelValues(route, method, strconv.Itoa(c.Response().Status)).Inc()
		m.latency.WithLabelValues(route, method).Observe(time.Since(start).Seconds())
		return nil
	}
}

// ObserveDelivery records one outbox delivery outcome (mailer.WorkerOptions.Observe).
func (m *Metrics) ObserveDelivery(outcome string) { m.outbox.WithLabelValues(outcome).Inc() }

// ObserveJob records one run of a job (scheduler.Options.Observe).
func (m *Metrics) ObserveJob(kind string, lag, took time.Duration, err error) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.jobRuns.WithLabelValues(kind, result).Inc()
	m.jobLag.WithLabelValues(kind).Observe(lag.Seconds())
	m.jobTook.WithLabelValues(kind).Observe(took.Seconds())
}

// dbCollector reads the outbox depth and the jobs' delay at scrape time:
// two indexed queries, so the numbers are those of the database, shared by
// every instance.
type dbCollector struct {
	src Source
	log *slog.Logger
}

var (
	outboxDesc   = prometheus.NewDesc("quartier_outbox_messages", "Outbox messages by status: pending (waiting, retries included), sending (claimed) or failed (given up).", []string{"status"}, nil)
	retryingDesc = prometheus.NewDesc("quartier_outbox_retrying_messages", "Pending outbox messages that already failed at least once.", nil, nil)
	overdueDesc  = prometheus.NewDesc("quartier_scheduler_overdue_seconds", "How long the oldest due, not yet done job of each kind has been waiting (absent when none is due).", []string{"kind"}, nil)
	upDesc       = prometheus.NewDesc("quartier_database_up", "1 when the scrape-time queries answered, 0 otherwise.", nil, nil)
)

func (d *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- outboxDesc
	ch <- retryingDesc
	ch <- overdueDesc
	ch <- upDesc
}

func (d *dbCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	up := 1.0
	depth, retrying, err := d.src.OutboxDepth(ctx)
	if err != nil {
		d.log.Warn("metrics: outbox depth", "error", err.Error())
		up = 0
	} else {
		for status, n := range depth {
			ch <- prometheus.MustNewConstMetric(outboxDesc, prometheus.GaugeValue, float64(n), string(status))
		}
		ch <- prometheus.MustNewConstMetric(retryingDesc, prometheus.GaugeValue, float64(retrying))
	}
	overdue, err := d.src.JobsOverdue(ctx)
	if err != nil {
		d.log.Warn("metrics: jobs overdue", "error", err.Error())
		up = 0
	} else {
		for kind, lag := range overdue {
			ch <- prometheus.MustNewConstMetric(overdueDesc, prometheus.GaugeValue, lag.Seconds(), kind)
		}
	}
	ch <- prometheus.MustNewConstMetric(upDesc, prometheus.GaugeValue, up)
}
