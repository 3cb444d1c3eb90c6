package app

import (
	"context"
	"net/http"
	"net/http/httptest"
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
