// Command soak is the load client of the soak scenario (scripts/faults.sh,
// docs/RELIABILITY.md): -users concurrent users, each looping over the
// demo's busiest pages (home, sign-in form, partner sign-up pages, the
// signed-in admin's dashboard, requests, people, planning and report) and
// posting sign-ups through the demo's race links, for -duration, with a
// think time between two requests of one user (a bounded, closed loop on
// loopback). Meanwhile it samples the server's resident memory (VmRSS of
// /proc/<pid>/status) every -sample. It prints per-page latency
// percentiles and the memory curve, and exits 1 on any error (transport
// error, 5xx, an unexpected status), a page whose p95 exceeds -p95, or
// memory that keeps growing (the last third of the samples above the
// middle third by more than -growth).
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type manifest struct {
	Accounts struct {
		Admin string `json:"admin"`
	} `json:"accounts"`
	PlanningPath string `json:"planning_path"`
	ReportPath   string `json:"report_path"`
	SignupRace   struct {
		Links []string `json:"links"`
	} `json:"signup_race"`
}

var (
	csrfRe = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
	linkRe = regexp.MustCompile(`https?://[^"\s<>]*/connexion/lien/[^"\s<>]+`)
)

type sample struct {
	at  time.Duration
	rss int64 // kB
}

func main() {
	base := flag.String("base", "http://127.0.0.1:18090", "the server's base URL")
	manifestPath := flag.String("manifest", "data/demo.json", "the demo's manifest")
	mailDir := flag.String("mail", "data/mail", "the server's mail directory (file mode), to sign in")
	users := flag.Int("users", 100, "concurrent users")
	duration := flag.Duration("duration", 30*time.Second, "how long to run (10m for the documented soak)")
	think := flag.Duration("think", 200*time.Millisecond, "mean pause between two requests of one user")
	pid := flag.Int("pid", 0, "the server's process id, to sample its memory")
	every := flag.Duration("sample", 5*time.Second, "memory sampling interval")
	p95 := flag.Duration("p95", 200*time.Millisecond, "the page target: every page's p95 must be under it")
	growth := flag.Float64("growth", 0.25, "largest accepted growth of memory from the middle third of the run to the last")
	flag.Parse()

	var m manifest
	b, err := os.ReadFile(*manifestPath)
	if err == nil {
		err = json.Unmarshal(b, &m)
	}
	if err != nil || len(m.SignupRace.Links) == 0 {
		fail("manifest %s: %v (no signup_race links?)", *manifestPath, err)
	}
	session, err := signIn(*base, m.Accounts.Admin, *mailDir)
	if err != nil {
		fail("sign in as the demo admin: %v", err)
	}

	type page struct {
		name, path string
		auth       bool
		weight     int
	}
	pages := []page{
		{"home", "/", false, 10}, {"sign-in form", "/connexion", false, 5},
		{"sign-up page", "", false, 25},
		{"admin dashboard", "/tableau-de-bord", true, 15}, {"admin requests", "/admin/demandes", true, 10},
		{"admin people", "/admin/personnes", true, 5},
	}
	if m.PlanningPath != "" {
		pages = append(pages, page{"planning", m.PlanningPath, true, 5})
	}
	if m.ReportPath != "" {
		pages = append(pages, page{"report", m.ReportPath, true, 5})
	}
	const signupName = "sign-up post"
	var totalWeight int
	for _, p := range pages {
		totalWeight += p.weight
	}
	signupWeight := 20
	totalWeight += signupWeight

	var (
		mu        sync.Mutex
		latencies = map[string][]time.Duration{}
		errs      []string
		requests  atomic.Int64
		acked     atomic.Int64
		refused   atomic.Int64
	)
	record := func(name string, d time.Duration) {
		mu.Lock()
		latencies[name] = append(latencies[name], d)
		mu.Unlock()
	}
	bad := func(format string, args ...any) {
		mu.Lock()
		if len(errs) < 50 {
			errs = append(errs, fmt.Sprintf(format, args...))
		} else if len(errs) == 50 {
			errs = append(errs, "…")
		}
		mu.Unlock()
	}

	start := time.Now()
	stopAt := start.Add(*duration)
	var samples []sample
	var sampler sync.WaitGroup
	done := make(chan struct{})
	if *pid > 0 {
		sampler.Go(func() {
			t := time.NewTicker(*every)
			defer t.Stop()
			for {
				if rss, err := vmRSS(*pid); err == nil {
					samples = append(samples, sample{time.Since(start), rss})
				}
				select {
				case <-done:
					if rss, err := vmRSS(*pid); err == nil {
						samples = append(samples, sample{time.Since(start), rss})
					}
					return
				case <-t.C:
				}
			}
		})
	}

	var wg sync.WaitGroup
	for u := range *users {
		wg.Go(func() {
			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar, Timeout: 30 * time.Second,
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			link := m.SignupRace.Links[u%len(m.SignupRace.Links)]
			csrf := ""
			for n := 0; time.Now().Before(stopAt); n++ {
				time.Sleep(time.Duration(rand.Int64N(int64(2**think) + 1)))
				r := rand.IntN(totalWeight)
				var p page
				post := r < signupWeight
				if !post {
					r -= signupWeight
					for _, q := range pages {
						if r < q.weight {
							p = q
							break
						}
						r -= q.weight
					}
				}
				if post && csrf == "" {
					p = page{name: "sign-up page", path: link}
					post = false
				}
				if p.name == "sign-up page" {
					p.path = link
				}
				t0 := time.Now()
				var res *http.Response
				var err error
				if post {
					form := url.Values{"csrf_token": {csrf}, "first_name": {"Soak"}, "last_name": {fmt.Sprintf("U%dn%d", u, n)},
						"email": {fmt.Sprintf("soak.%d.%d.%d@participants.example.fr", start.Unix(), u, n)}, "category": {"habitant"}}
					res, err = c.PostForm(*base+link, form)
					p.name = signupName
				} else {
					req, _ := http.NewRequest(http.MethodGet, *base+p.path, nil)
					if p.auth {
						req.AddCookie(session)
					}
					res, err = c.Do(req)
				}
				if err != nil {
					bad("%s %s: %v", p.name, p.path, err)
					continue
				}
				body, err := io.ReadAll(res.Body)
				res.Body.Close()
				d := time.Since(t0)
				requests.Add(1)
				if err != nil {
					bad("%s: read: %v", p.name, err)
					continue
				}
				record(p.name, d)
				switch {
				case post && res.StatusCode == http.StatusSeeOther:
					acked.Add(1)
				case post && res.StatusCode == http.StatusConflict:
					refused.Add(1) // the organisation's cap: a business answer
				case !post && res.StatusCode == http.StatusOK:
					if p.name == "sign-up page" {
						if mm := csrfRe.FindSubmatch(body); mm != nil {
							csrf = string(mm[1])
						}
					}
				default:
					bad("%s %s: status %d", p.name, p.path, res.StatusCode)
				}
			}
		})
	}
	wg.Wait()
	close(done)
	sampler.Wait()
	elapsed := time.Since(start)

	failed := false
	fmt.Printf("soak: %d users, %s, think %s: %d requests (%.0f/s), %d sign-ups acknowledged, %d refused at the organisation cap\n",
		*users, elapsed.Round(time.Second), *think, requests.Load(), float64(requests.Load())/elapsed.Seconds(), acked.Load(), refused.Load())
	fmt.Printf("%-18s %8s %9s %9s %9s %9s\n", "page", "requests", "p50", "p95", "p99", "max")
	names := make([]string, 0, len(latencies))
	for n := range latencies {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		l := latencies[n]
		slices.Sort(l)
		q := func(f float64) time.Duration { return l[min(len(l)-1, int(f*float64(len(l))))] }
		mark := ""
		if q(0.95) > *p95 {
			mark = "  over the target"
			failed = true
		}
		fmt.Printf("%-18s %8d %9s %9s %9s %9s%s\n", n, len(l), ms(q(0.5)), ms(q(0.95)), ms(q(0.99)), ms(l[len(l)-1]), mark)
	}
	if len(samples) > 0 {
		fmt.Println("memory (VmRSS of the server):")
		for _, s := range samples {
			fmt.Printf("  t=%5.0fs  %7.1f MiB\n", s.at.Seconds(), float64(s.rss)/1024)
		}
		if len(samples) >= 6 {
			third := len(samples) / 3
			mid, last := mean(samples[third:2*third]), mean(samples[2*third:])
			fmt.Printf("memory: middle third %.1f MiB, last third %.1f MiB (%+.0f %%)\n", mid/1024, last/1024, 100*(last-mid)/mid)
			if last > mid*(1+*growth) {
				fmt.Println("memory keeps growing")
				failed = true
			}
		}
	}
	if len(errs) > 0 {
		fmt.Printf("%d errors:\n  %s\n", len(errs), strings.Join(errs, "\n  "))
		failed = true
	}
	if failed {
		os.Exit(1)
	}
	fmt.Println("soak: ok (no error, every p95 under", *p95, "and memory flat)")
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }

func mean(s []sample) float64 {
	var t float64
	for _, x := range s {
		t += float64(x.rss)
	}
	return t / float64(len(s))
}

func vmRSS(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	return 0, errors.New("no VmRSS")
}

// signIn asks for a sign-in link for email, reads it from the newest
// message of mailDir, follows it and returns the session cookie.
func signIn(base, email, mailDir string) (*http.Cookie, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	token := func(u string) (string, error) {
		r, err := c.Get(u)
		if err != nil {
			return "", err
		}
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		m := csrfRe.FindSubmatch(b)
		if m == nil {
			return "", fmt.Errorf("no CSRF token on %s (%d)", u, r.StatusCode)
		}
		return string(m[1]), nil
	}
	tok, err := token(base + "/connexion")
	if err != nil {
		return nil, err
	}
	asked := time.Now()
	r, err := c.PostForm(base+"/connexion", url.Values{"csrf_token": {tok}, "email": {email}})
	if err != nil {
		return nil, err
	}
	r.Body.Close()
	var link string
	for deadline := time.Now().Add(20 * time.Second); link == "" && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		files, _ := filepath.Glob(filepath.Join(mailDir, "*.eml"))
		for _, f := range files {
			fi, err := os.Stat(f)
			if err != nil || fi.ModTime().Before(asked.Add(-time.Second)) {
				continue
			}
			b, _ := os.ReadFile(f)
			if l := linkRe.Find(b); l != nil && strings.Contains(string(b), email) {
				link = string(l)
			}
		}
	}
	if link == "" {
		return nil, errors.New("no sign-in link arrived")
	}
	link = strings.ReplaceAll(link, "=\r\n", "")
	tok, err = token(link)
	if err != nil {
		return nil, err
	}
	r, err = c.PostForm(link, url.Values{"csrf_token": {tok}})
	if err != nil {
		return nil, err
	}
	r.Body.Close()
	u, _ := url.Parse(base)
	for _, ck := range jar.Cookies(u) {
		if ck.Name == "quartier_session" {
			return ck, nil
		}
	}
	return nil, fmt.Errorf("no session cookie after following the link (%d)", r.StatusCode)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "soak: "+format+"\n", args...)
	os.Exit(2)
}
