package handlers_test

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Pages are written into pooled buffers: every page must come out whole,
// with its own length, whatever was written into its buffer before, also
// with many pages of different lengths rendered at once.
func TestRender_PooledBuffersGiveWholePages(t *testing.T) {
	e := newEnv(t)
	admin := e.as(&e.admin)
	// Two pages of different lengths; the first page after signing in
	// carries its flash, so each is read once before.
	long, short := "/admin/calendriers", "/admin/personnes/nouvelle"
	admin.get(long)
	want := map[string]string{long: admin.get(long).Body, short: admin.get(short).Body}
	if len(want[long]) == len(want[short]) {
		t.Fatalf("the fixture's pages have the same length (%d bytes): the test needs two lengths", len(want[long]))
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			path := long
			if i%2 == 1 {
				path = short
			}
			r := admin.get(path)
			if r.Status != http.StatusOK || !strings.HasSuffix(strings.TrimSpace(r.Body), "</html>") {
				errs <- path + ": status " + strconv.Itoa(r.Status) + " or a cut page"
				return
			}
			if n := r.Header.Get("Content-Length"); n != strconv.Itoa(len(r.Body)) {
				errs <- path + ": Content-Length " + n + " for " + strconv.Itoa(len(r.Body)) + " bytes"
			}
			// The CSRF cookie differs by request; the rest of the layout not.
			if len(r.Body) != len(want[path]) {
				errs <- path + ": " + strconv.Itoa(len(r.Body)) + " bytes, want " + strconv.Itoa(len(want[path]))
			}
		}()
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
}
