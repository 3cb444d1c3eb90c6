package browsertest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestViolationsCatchesBrokenPage proves the accessibility check can fail:
// a page with an unlabelled field, an image without alternative text and
// no lang attribute must be reported.
func TestViolationsCatchesBrokenPage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html><head><title>x</title></head><body><main><img src="a.png"><input type="text"></main></body></html>`))
	}))
	defer srv.Close()
	ctx := New(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	vs, err := Violations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(vs, "\n")
	for _, rule := range []string{"html-has-lang", "image-alt", "label"} {
		if !strings.Contains(all, "axe "+rule+" ") {
			t.Errorf("axe did not report %s; got:\n%s", rule, all)
		}
	}
}
