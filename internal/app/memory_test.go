package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime/debug"
	"testing"
	"time"
)

// TestReleaseWhenIdle: memory is given back once after a burst of
// requests, when a whole period passes without any; never while requests
// keep coming, and not again while serve stays idle.
func TestReleaseWhenIdle(t *testing.T) {
	tc := &trafficCounter{next: http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})}
	released := make(chan struct{}, 10)
	ticks := make(chan time.Time)
	decidedC := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		tc.releaseOnTicks(ctx, ticks, func() { released <- struct{}{} }, func() { decidedC <- struct{}{} })
		close(done)
	}()
	hit := func() { tc.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil)) }
	// tick hands the loop one period's tick and waits for its decision.
	tick := func() { ticks <- time.Time{}; <-decidedC }
	count := func() int { return len(released) }

	for range 5 {
		tick()
	}
	if n := count(); n != 0 {
		t.Fatalf("idle from the start: released %d times", n)
	}
	for range 10 { // a burst of more than a period: requests between every tick
		hit()
		tick()
	}
	if n := count(); n != 0 {
		t.Fatalf("during the burst: released %d times", n)
	}
	for range 6 {
		tick()
	}
	if n := count(); n != 1 {
		t.Fatalf("after the burst: released %d times, want 1", n)
	}
	cancel()
	<-done
	if tc.n.Load() != 10 {
		t.Errorf("counted %d requests, want 10", tc.n.Load())
	}
}

// A memory limit also raises the collector's target growth, unless GOGC
// is set; without a limit both stay Go's defaults.
func TestSetMemoryLimit_GCPercent(t *testing.T) {
	oldLimit := debug.SetMemoryLimit(-1)
	oldGC := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetMemoryLimit(oldLimit); debug.SetGCPercent(oldGC) })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	t.Setenv("GOMEMLIMIT", "")

	t.Setenv("GOGC", "")
	setMemoryLimit(0, log)
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("no limit: GC percent %d, want Go's 100", got)
	}
	setMemoryLimit(48<<20, log)
	if got := debug.SetMemoryLimit(-1); got != 48<<20 {
		t.Errorf("memory limit %d, want 48 MiB", got)
	}
	if got := debug.SetGCPercent(100); got != gcPercentUnderLimit {
		t.Errorf("under a limit: GC percent %d, want %d", got, gcPercentUnderLimit)
	}
	t.Setenv("GOGC", "150")
	setMemoryLimit(48<<20, log)
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC set: GC percent %d, want it left alone", got)
	}
}
