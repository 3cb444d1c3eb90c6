package app

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// TestReleaseWhenIdle: memory is given back once after a burst of
// requests, when a whole period passes without any; never while requests
// keep coming, and not again while serve stays idle.
func TestReleaseWhenIdle(t *testing.T) {
	const every = 50 * time.Millisecond
	tc := &trafficCounter{next: http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})}
	var released atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { tc.releaseWhenIdle(ctx, every, func() { released.Add(1) }); close(done) }()
	hit := func() { tc.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil)) }

	time.Sleep(5 * every)
	if n := released.Load(); n != 0 {
		t.Fatalf("idle from the start: released %d times", n)
	}
	for range 10 { // a burst of more than a period
		hit()
		time.Sleep(every / 5)
	}
	if n := released.Load(); n != 0 {
		t.Fatalf("during the burst: released %d times", n)
	}
	time.Sleep(6 * every)
	if n := released.Load(); n != 1 {
		t.Fatalf("after the burst: released %d times, want 1", n)
	}
	cancel()
	<-done
	if tc.n.Load() != 10 {
		t.Errorf("counted %d requests, want 10", tc.n.Load())
	}
}
