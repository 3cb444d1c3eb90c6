// Command signupbench is the load client of `scripts/scaleout --bench`
// (docs/PERFORMANCE.md): -clients partners' browsers, spread over the
// demo's race links, each loading its sign-up form once (CSRF token and
// cookie) and then posting sign-ups, each with a new address, back to back
// for -duration (a closed loop on loopback). It prints one line:
//
//	signups=N seconds=S rate=R p50_ms=A p95_ms=B errors=E
//
// where a sign-up counts when answered 303 (registered). Any other answer
// or a transport error counts as an error; the exit status is 1 if there
// was any.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

var csrfRe = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "signupbench: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	base := flag.String("base", "http://127.0.0.1:8080", "the site's base URL (the proxy)")
	manifestPath := flag.String("manifest", "data/demo.json", "the demo's manifest")
	clients := flag.Int("clients", 16, "concurrent clients")
	duration := flag.Duration("duration", 10*time.Second, "how long to post")
	tag := flag.String("tag", "bench", "prefix of the sign-ups' addresses (unique per run)")
	flag.Parse()

	var m struct {
		SignupRace struct {
			Links []string `json:"links"`
		} `json:"signup_race"`
	}
	b, err := os.ReadFile(*manifestPath)
	if err != nil || json.Unmarshal(b, &m) != nil || len(m.SignupRace.Links) == 0 {
		fail("manifest %s: %v (no signup_race links?)", *manifestPath, err)
	}

	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		latencies []time.Duration
		errs      atomic.Int64
	)
	start := make(chan struct{})
	stop := make(chan struct{})
	for i := range *clients {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			Transport:     &http.Transport{MaxIdleConnsPerHost: 2}}
		link := *base + m.SignupRace.Links[i%len(m.SignupRace.Links)]
		r, err := c.Get(link)
		if err != nil {
			fail("GET %s: %v", link, err)
		}
		page, _ := io.ReadAll(r.Body)
		r.Body.Close()
		tok := csrfRe.FindSubmatch(page)
		if r.StatusCode != http.StatusOK || tok == nil {
			fail("GET %s: %d, CSRF token found: %v", link, r.StatusCode, tok != nil)
		}
		wg.Go(func() {
			var mine []time.Duration
			<-start
			for n := 0; ; n++ {
				select {
				case <-stop:
					mu.Lock()
					latencies = append(latencies, mine...)
					mu.Unlock()
					return
				default:
				}
				form := url.Values{"csrf_token": {string(tok[1])}, "first_name": {"Charge"},
					"last_name": {fmt.Sprintf("Client%dn%d", i, n)}, "category": {"habitant"},
					"email": {fmt.Sprintf("%s.%d.%d@participants.example.fr", *tag, i, n)}}
				t0 := time.Now()
				r, err := c.PostForm(link, form)
				if err != nil {
					errs.Add(1)
					continue
				}
				io.Copy(io.Discard, r.Body)
				r.Body.Close()
				if r.StatusCode != http.StatusSeeOther {
					if errs.Add(1) <= 3 {
						fmt.Fprintf(os.Stderr, "signupbench: POST %s: status %d\n", link, r.StatusCode)
					}
					continue
				}
				mine = append(mine, time.Since(t0))
			}
		})
	}
	t0 := time.Now()
	close(start)
	time.Sleep(*duration)
	close(stop)
	wg.Wait()
	secs := time.Since(t0).Seconds()
	slices.Sort(latencies)
	pct := func(p float64) float64 {
		if len(latencies) == 0 {
			return 0
		}
		return float64(latencies[int(p*float64(len(latencies)-1))].Microseconds()) / 1000
	}
	fmt.Printf("signups=%d seconds=%.1f rate=%.1f p50_ms=%.1f p95_ms=%.1f errors=%d\n",
		len(latencies), secs, float64(len(latencies))/secs, pct(0.50), pct(0.95), errs.Load())
	if errs.Load() > 0 {
		os.Exit(1)
	}
}
