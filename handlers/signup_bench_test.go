package handlers_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"quartier/models"
)

// signupBenchTotal sign-ups per run, signupBenchWorkers at a time.
const (
	signupBenchTotal   = 1000
	signupBenchWorkers = 100
)

// hammer runs total calls of do, workers at a time, and returns the rate
// (calls per second) and the latencies, sorted.
func hammer(total, workers int, do func(i int) error) (float64, []time.Duration, error) {
	lat := make([]time.Duration, total)
	next := make(chan int, total)
	for i := range total {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				t0 := time.Now()
				err := do(i)
				lat[i] = time.Since(t0)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	rate := float64(total) / time.Since(start).Seconds()
	slices.Sort(lat)
	return rate, lat, firstErr
}

func pct(lat []time.Duration, p float64) float64 {
	return float64(lat[int(float64(len(lat)-1)*p)].Microseconds()) / 1000
}

// BenchmarkSignup_HTTPAgainstBaselines measures, in one run, sign-ups over
// HTTP on the real stack (router, middleware, CSRF, the store's group
// commit on a SQLite file with synchronous=FULL, the outbox rows of their
// emails), a bare Echo handler over the same kind of HTTP connection, and
// raw durable SQLite commits (one row per transaction), and reports the
// ratios. Each run is 1,000 sign-ups by 100 concurrent clients (25
// partner links of one session, 10 places and then a waiting list).
//
//	go test ./handlers -run '^$' -bench Signup_HTTP -benchtime 1x
func BenchmarkSignup_HTTPAgainstBaselines(b *testing.B) {
	for range b.N {
		b.StopTimer()
		e := newRequestEnv(b)
		_, _, paths := e.signupSession(25, 10, 100)
		clients := make([]*partnerClient, len(paths))
		for i, p := range paths {
			clients[i], _ = newPartnerClient(b, e.srv.URL, p)
		}
		tr := &http.Transport{MaxIdleConnsPerHost: signupBenchWorkers}
		b.StartTimer()

		signupRate, lat, err := hammer(signupBenchTotal, signupBenchWorkers, func(i int) error {
			c := clients[i%len(clients)]
			form := url.Values{}
			for k, v := range c.hidden {
				form[k] = v
			}
			for k, v := range personForm("P", fmt.Sprint("N", i), fmt.Sprintf("p%d@exemple.fr", i), "habitant") {
				form[k] = v
			}
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL+paths[i%len(paths)], strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for _, ck := range c.http.Jar.Cookies(req.URL) {
				req.AddCookie(ck)
			}
			res, err := tr.RoundTrip(req)
			if err != nil {
				return err
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther {
				return fmt.Errorf("sign-up %d: status %d", i, res.StatusCode)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}

		bare := echo.New()
		bare.POST("/", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
		bareSrv := httptest.NewServer(bare)
		bareRate, _, err := hammer(signupBenchTotal, signupBenchWorkers, func(int) error {
			res, err := tr.RoundTrip(mustRequest(bareSrv.URL))
			if err != nil {
				return err
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			return nil
		})
		bareSrv.Close()
		if err != nil {
			b.Fatal(err)
		}

		rawRate, err := rawCommitRate(filepath.Join(b.TempDir(), "raw.db"), signupBenchTotal)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(signupRate, "signups/s")
		b.ReportMetric(pct(lat, 0.5), "p50-ms")
		b.ReportMetric(pct(lat, 0.95), "p95-ms")
		b.ReportMetric(signupRate/bareRate, "x-bare-echo")
		b.ReportMetric(signupRate/rawRate, "x-raw-commits")
		b.ReportMetric(rawRate, "raw-commits/s")
		b.ReportMetric(bareRate, "bare-echo/s")
	}
}

func mustRequest(u string) *http.Request {
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader("a=1"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// rawCommitRate is the rate of durable SQLite commits (WAL,
// synchronous=FULL), one row per transaction, one writer.
func rawCommitRate(path string, n int) (float64, error) {
	db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_synchronous=FULL&_txlock=immediate")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
		return 0, err
	}
	start := time.Now()
	for i := range n {
		tx, err := db.Begin()
		if err != nil {
			return 0, err
		}
		if _, err := tx.Exec(`INSERT INTO t (v) VALUES (?)`, fmt.Sprint("row ", i)); err != nil {
			return 0, err
		}
		if err := tx.Commit(); err != nil {
			return 0, err
		}
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

// BenchmarkSignup_PromoteFromAThousandWaiting: with 1,000 people on the
// waiting list, the one confirmed participant cancels: the transaction
// cancels, finds the first waiting person, promotes them and queues both
// messages.
//
//	go test ./handlers -run '^$' -bench Signup_Promote -benchtime 1x
func BenchmarkSignup_PromoteFromAThousandWaiting(b *testing.B) {
	for range b.N {
		b.StopTimer()
		e := newRequestEnv(b)
		_, se, paths := e.signupSession(11, 1, 100)
		clients := make([]*partnerClient, len(paths))
		for i, p := range paths {
			clients[i], _ = newPartnerClient(b, e.srv.URL, p)
		}
		_, _, err := hammer(1001, 50, func(i int) error {
			status, _ := clients[i%len(clients)].register(paths[i%len(paths)], personForm("P", "Q", fmt.Sprintf("w%d@exemple.fr", i), "elu"))
			if status != http.StatusSeeOther {
				return fmt.Errorf("sign-up %d: %d", i, status)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		v, err := e.store.SessionSignups(context.Background(), se)
		if err != nil || v.Confirmed != 1 || len(v.Waiting) != 1000 {
			b.Fatalf("%d confirmed, %d waiting (%v)", v.Confirmed, len(v.Waiting), err)
		}
		var first int64
		for _, o := range v.Organisations {
			for _, p := range o.People {
				if p.State == models.RegistrationConfirmed {
					first = p.ID
				}
			}
		}
		b.StartTimer()
		t0 := time.Now()
		if _, err := e.store.CancelRegistration(context.Background(), first, models.Canceller{Role: models.CancelledByParticipant}); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(time.Since(t0).Microseconds())/1000, "promote-ms")
	}
}
