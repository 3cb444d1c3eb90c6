package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
)

// fakeInstance is a backend that names itself and whose /healthz can fail.
type fakeInstance struct {
	srv  *httptest.Server
	down atomic.Bool
	xff  atomic.Value
}

func newFakeInstance(t *testing.T, name string) *fakeInstance {
	f := &fakeInstance{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" && f.down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		f.xff.Store(r.Header.Get("X-Forwarded-For"))
		io.WriteString(w, name+" "+r.Host)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func get(t *testing.T, h http.Handler) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "http://quartier.example/connexion", nil)
	req.RemoteAddr = "192.0.2.7:5000"
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func TestBalancer_RoundRobinOverHealthyBackends(t *testing.T) {
	a, b := newFakeInstance(t, "a"), newFakeInstance(t, "b")
	ua, _ := url.Parse(a.srv.URL)
	ub, _ := url.Parse(b.srv.URL)
	bal := newBalancer([]*url.URL{ua, ub}, slog.New(slog.DiscardHandler))
	ctx := context.Background()

	bal.check(ctx)
	seen := map[string]int{}
	for range 10 {
		code, body := get(t, bal)
		if code != http.StatusOK {
			t.Fatalf("status %d: %s", code, body)
		}
		seen[body]++
	}
	if seen["a quartier.example"] != 5 || seen["b quartier.example"] != 5 {
		t.Errorf("10 requests over two healthy backends (host kept) = %v, want 5 each", seen)
	}
	if got := a.xff.Load(); got != "192.0.2.7" {
		t.Errorf("X-Forwarded-For = %v, want the client's address", got)
	}

	b.down.Store(true)
	bal.check(ctx)
	for range 4 {
		if _, body := get(t, bal); body != "a quartier.example" {
			t.Errorf("with b failing its health check, got %q", body)
		}
	}

	a.down.Store(true)
	bal.check(ctx)
	if code, body := get(t, bal); code != http.StatusServiceUnavailable || body == "" {
		t.Errorf("no healthy backend: %d %q, want 503 with a French message", code, body)
	}

	b.down.Store(false)
	bal.check(ctx)
	if _, body := get(t, bal); body != "b quartier.example" {
		t.Errorf("b back: got %q", body)
	}
}

func TestBalancer_DeadBackendIsLeftOutAtOnce(t *testing.T) {
	a, b := newFakeInstance(t, "a"), newFakeInstance(t, "b")
	ua, _ := url.Parse(a.srv.URL)
	ub, _ := url.Parse(b.srv.URL)
	bal := newBalancer([]*url.URL{ua, ub}, slog.New(slog.DiscardHandler))
	b.srv.Close() // killed between two health checks
	codes := map[int]int{}
	for range 6 {
		code, _ := get(t, bal)
		codes[code]++
	}
	// The one request that met the dead backend gets a 503; the rest go to a.
	if codes[http.StatusServiceUnavailable] != 1 || codes[http.StatusOK] != 5 {
		t.Errorf("statuses = %v, want one 503 then only 200s", codes)
	}
}

func TestBackendList_RejectsNonHTTP(t *testing.T) {
	var l backendList
	if err := l.Set("http://127.0.0.1:1,http://127.0.0.1:2"); err != nil || len(l) != 2 {
		t.Fatalf("Set = %v, %v", err, l)
	}
	for _, bad := range []string{"127.0.0.1:8081", "ftp://x", "http://"} {
		if err := l.Set(bad); err == nil {
			t.Errorf("Set(%q) accepted", bad)
		}
	}
}
