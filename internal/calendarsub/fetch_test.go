package calendarsub

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// testICS is a one-event calendar: Wednesday 9 December 2026, 9:00–10:00 Paris.
const testICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:a@test\r\n" +
	"DTSTAMP:20261101T000000Z\r\nDTSTART:20261209T080000Z\r\nDTEND:20261209T090000Z\r\nSUMMARY:Réunion\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"

func TestParseURL(t *testing.T) {
	for _, raw := range []string{"ftp://example.org/a.ics", "file:///etc/passwd", "javascript:alert(1)", "example.org/a.ics", "https://", "  "} {
		if _, err := ParseURL(raw); !errors.Is(err, ErrFetchScheme) {
			t.Errorf("%q: err = %v, want ErrFetchScheme", raw, err)
		}
	}
	u, err := ParseURL(" webcal://outlook.office365.com/owa/calendar/x/reachcalendar.ics ")
	if err != nil || u.Scheme != "https" || u.Host != "outlook.office365.com" {
		t.Errorf("webcal: %v %v", u, err)
	}
}

// TestFetch_SSRFRefusedAtDial: loopback by name or address, and a redirect
// to a private or link-local address, are refused when connecting.
func TestFetch_SSRFRefusedAtDial(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/to-metadata":
			http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
		case "/to-private":
			http.Redirect(w, r, "http://10.0.0.7:8080/admin", http.StatusFound)
		case "/to-file":
			http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
		default:
			w.Write([]byte(testICS))
		}
	}))
	defer srv.Close()
	strict := NewFetcher(FetchOptions{Timeout: 2 * time.Second, MaxBytes: 1 << 20})
	port := srv.URL[strings.LastIndexByte(srv.URL, ':'):]
	for _, u := range []string{srv.URL + "/a.ics", "http://localhost" + port + "/a.ics", "http://[::ffff:127.0.0.1]" + port + "/", "http://[::127.0.0.1]" + port + "/", "http://[::ffff:0:127.0.0.1]" + port + "/"} {
		if _, err := strict.Fetch(context.Background(), u, Conditional{}); !errors.Is(err, ErrFetchForbiddenAddress) {
			t.Errorf("%s: err = %v, want ErrFetchForbiddenAddress", u, err)
		}
	}
	// Loopback allowed (tests only): the redirects are still checked.
	loose := NewFetcher(FetchOptions{Timeout: 2 * time.Second, MaxBytes: 1 << 20, AllowLoopback: true})
	if _, err := loose.Fetch(context.Background(), srv.URL+"/a.ics", Conditional{}); err != nil {
		t.Fatalf("loopback allowed: %v", err)
	}
	for path, want := range map[string]error{"/to-metadata": ErrFetchForbiddenAddress, "/to-private": ErrFetchForbiddenAddress, "/to-file": ErrFetchScheme} {
		_, err := loose.Fetch(context.Background(), srv.URL+path, Conditional{})
		if !errors.Is(err, want) {
			t.Errorf("%s: err = %v, want %v", path, err, want)
		}
		var fe *FetchError
		if errors.As(err, &fe) && strings.Contains(fe.Error(), srv.URL) {
			t.Errorf("%s: the error quotes the secret URL: %v", path, fe)
		}
	}
}

func TestFetch_ConditionalSizeStatusTimeout(t *testing.T) {
	var conditional atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/cal.ics":
			if r.Header.Get("If-None-Match") == `"v1"` && r.Header.Get("If-Modified-Since") != "" {
				conditional.Add(1)
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", `"v1"`)
			w.Header().Set("Last-Modified", "Tue, 24 Nov 2026 10:00:00 GMT")
			w.Write([]byte(testICS))
		case "/big.ics":
			w.Write([]byte(strings.Repeat("X", 5000)))
		case "/big-chunked.ics":
			for range 10 {
				w.Write([]byte(strings.Repeat("X", 1000)))
				w.(http.Flusher).Flush()
			}
		case "/slow.ics":
			time.Sleep(1500 * time.Millisecond)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	f := NewFetcher(FetchOptions{Timeout: time.Second, MaxBytes: 4096, AllowLoopback: true})
	ctx := context.Background()
	got, err := f.Fetch(ctx, srv.URL+"/cal.ics", Conditional{})
	if err != nil || got.ETag != `"v1"` || got.LastModified == "" || len(got.Body) != len(testICS) {
		t.Fatalf("first fetch: %+v %v", got, err)
	}
	again, err := f.Fetch(ctx, srv.URL+"/cal.ics", Conditional{ETag: got.ETag, LastModified: got.LastModified})
	if err != nil || !again.NotModified || conditional.Load() != 1 {
		t.Errorf("conditional fetch: %+v %v", again, err)
	}
	for path, want := range map[string]error{"/big.ics": ErrFetchTooLarge, "/big-chunked.ics": ErrFetchTooLarge, "/gone.ics": ErrFetchStatus, "/slow.ics": ErrFetchTimeout} {
		if _, err := f.Fetch(ctx, srv.URL+path, Conditional{}); !errors.Is(err, want) {
			t.Errorf("%s: err = %v, want %v", path, err, want)
		} else if msg := UserMessageOf(err); msg == "" || strings.Contains(msg, "http") {
			t.Errorf("%s: user message %q", path, msg)
		}
	}
}
