package app

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestTakeTurns_ServesTheRequest: the yield before each request changes
// who runs when, not what is answered (its effect on the tail latency is
// measured in the load run of docs/PERFORMANCE.md, not in a timed test).
func TestTakeTurns_ServesTheRequest(t *testing.T) {
	h := takeTurns{http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Path", r.URL.Path)
		w.WriteHeader(http.StatusTeapot)
		w.Write([]byte("servi"))
	})}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/admin/clsm/1", nil))
	if rec.Code != http.StatusTeapot || rec.Body.String() != "servi" || rec.Header().Get("X-Path") != "/admin/clsm/1" {
		t.Fatalf("%d %q %v", rec.Code, rec.Body.String(), rec.Header())
	}
}
