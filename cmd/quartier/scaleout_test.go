package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"quartier/internal/dbtest"
)

// TestScaleOut_TwoInstancesBehindTheProxy is the scale-out setup of
// scripts/scaleout in a test: `quartier demo` into a fresh database (on
// the server of QUARTIER_TEST_POSTGRES in CI's PostgreSQL pass, a SQLite
// file otherwise), two `quartier serve` processes on it with one secret
// and their schedulers on, quartier-proxy in front, SMTP to a local
// server. Through the proxy, 100 people are signed up at once on the
// demo's race session (5 places left): exactly 5 are confirmed, the others
// wait; every message of the outbox, the demo's reminders included, is
// received once (no Message-ID twice) and nothing is left unsent.
func TestScaleOut_TwoInstancesBehindTheProxy(t *testing.T) {
	if testing.Short() {
		t.Skip("scale-out scenario: builds and runs the binaries")
	}
	bin := quartierBinary(t)
	proxyBin := filepath.Join(t.TempDir(), "quartier-proxy")
	if out, err := exec.Command("go", "build", "-o", proxyBin, "../quartier-proxy").CombinedOutput(); err != nil {
		t.Fatalf("go build quartier-proxy: %v\n%s", err, out)
	}
	sink := &sinkSMTP{t: t, addr: freeAddr(t)}
	sink.listen(false)
	smtpHost, smtpPort, _ := net.SplitHostPort(sink.addr)

	dsn := dbtest.DSN(t)
	proxyAddr := freeAddr(t)
	base := "http://" + proxyAddr
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "QUARTIER_") {
			env = append(env, kv)
		}
	}
	env = append(env,
		"QUARTIER_SERVER_BASE_URL="+base, "QUARTIER_SERVER_SECRET="+strings.Repeat("s", 40),
		"QUARTIER_SERVER_TRUSTED_PROXIES=127.0.0.1", "QUARTIER_SERVER_JOB_LEASE=10s",
		"QUARTIER_DATABASE_DSN="+dsn,
		"QUARTIER_MAIL_MODE=smtp", "QUARTIER_MAIL_SMTP_HOST="+smtpHost, "QUARTIER_MAIL_SMTP_PORT="+smtpPort,
		"QUARTIER_MAIL_SMTP_TLS=none", "QUARTIER_MAIL_SMTP_TIMEOUT=3s", "QUARTIER_MAIL_POLL_INTERVAL=100ms",
		"QUARTIER_CALENDAR_FETCH_TIMEOUT=2s", "QUARTIER_SIGNUPS_POSTS_PER_LINK=10000")
	// The manifest is written to the data directory: beside a SQLite file,
	// server.data_dir with PostgreSQL.
	manifestDir := filepath.Dir(strings.TrimPrefix(dsn, "file:"))
	if strings.HasPrefix(dsn, "postgres") {
		manifestDir = t.TempDir()
	}
	demoCmd := exec.Command(bin, "demo")
	demoCmd.Env = append(append([]string(nil), env...), "QUARTIER_SERVER_DATA_DIR="+manifestDir)
	if out, err := demoCmd.CombinedOutput(); err != nil {
		t.Fatalf("quartier demo: %v\n%s", err, out)
	}
	race := (&faultServer{t: t, dir: manifestDir}).manifest().SignupRace
	db := dbtest.SQL(t, dsn)
	moved := remindTomorrow(t, db)

	var instances []*faultServer
	var backends []string
	for range 2 {
		addr := freeAddr(t)
		fs := &faultServer{t: t, bin: bin, dir: t.TempDir(), base: "http://" + addr, logs: &lockedBuffer{}}
		fs.env = append(append([]string(nil), env...), "QUARTIER_SERVER_LISTEN="+addr,
			"QUARTIER_SERVER_DATA_DIR="+fs.dir)
		instances = append(instances, fs)
		backends = append(backends, "-backend", fs.base)
	}
	// Both start at once, so that their outbox workers and schedulers
	// claim the demo's queued messages and due jobs side by side.
	for _, fs := range instances {
		fs.cmd = exec.Command(fs.bin, "serve")
		fs.cmd.Env = fs.env
		fs.cmd.Stdout, fs.cmd.Stderr = fs.logs, fs.logs
		if err := fs.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmd := fs.cmd
		t.Cleanup(func() {
			if cmd.ProcessState == nil {
				cmd.Process.Kill()
				cmd.Wait()
			}
		})
	}
	for _, fs := range instances {
		waitHealthy(t, fs.base)
	}
	proxyLogs := &lockedBuffer{}
	proxy := exec.Command(proxyBin, append([]string{"-listen", proxyAddr, "-health-interval", "200ms"}, backends...)...)
	proxy.Stdout, proxy.Stderr = proxyLogs, proxyLogs
	if err := proxy.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Process.Kill(); proxy.Wait() })
	waitHealthy(t, base)

	waitOutboxSent(t, db, instances, 60*time.Second) // the demo's messages

	// 100 partners' browsers, 4 on each of the 25 links (each organisation
	// may register 4): all load the form, then all post at once.
	const people = 100
	clients := make([]*signupClient, people)
	for i := range clients {
		c, err := newSignupClient(base, race.Links[i%len(race.Links)])
		if err != nil {
			t.Fatal(err)
		}
		clients[i] = c
	}
	var (
		wg       sync.WaitGroup
		start    = make(chan struct{})
		statuses = make([]int, people)
	)
	email := func(i int) string { return fmt.Sprintf("ruee.%03d@participants.example.fr", i) }
	for i, c := range clients {
		wg.Go(func() {
			<-start
			status, body, err := c.post("Ruée", fmt.Sprintf("Personne%03d", i), email(i))
			if err != nil || status != http.StatusSeeOther {
				t.Errorf("sign-up %d: %d %v\n%s", i, status, err, tail(body, 300))
			}
			statuses[i] = status
		})
	}
	close(start)
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	var sessionID int64
	var sessions int
	if err := db.QueryRow("SELECT MIN(session_id), COUNT(DISTINCT session_id) FROM registrations WHERE email LIKE 'ruee.%'").Scan(&sessionID, &sessions); err != nil || sessions != 1 {
		t.Fatalf("the sign-ups are on %d sessions: %v", sessions, err)
	}
	counts := map[string]int{}
	rows, err := db.Query("SELECT state, COUNT(*) FROM registrations WHERE email LIKE 'ruee.%' GROUP BY state")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var st string
		var n int
		rows.Scan(&st, &n)
		counts[st] = n
	}
	rows.Close()
	if counts["confirmed"] != race.PlacesLeft || counts["confirmed"]+counts["waiting"] != people {
		t.Errorf("100 sign-ups for %d places through two instances: %v, want exactly %d confirmed and the rest waiting",
			race.PlacesLeft, counts, race.PlacesLeft)
	}
	var confirmed, capacity int
	db.QueryRow("SELECT COUNT(*) FROM registrations WHERE session_id = ? AND state = 'confirmed'", sessionID).Scan(&confirmed)
	db.QueryRow("SELECT capacity FROM sessions WHERE id = ?", sessionID).Scan(&capacity)
	if confirmed > capacity {
		t.Errorf("session %d: %d confirmed for %d places", sessionID, confirmed, capacity)
	}

	waitOutboxSent(t, db, instances, 60*time.Second)
	var total, reminders, failed int
	db.QueryRow("SELECT COUNT(*) FROM outbox_messages").Scan(&total)
	db.QueryRow("SELECT COUNT(*) FROM outbox_messages WHERE kind = 'session_reminder'").Scan(&reminders)
	db.QueryRow("SELECT COUNT(*) FROM outbox_messages WHERE status = 'failed'").Scan(&failed)
	var batches int
	db.QueryRow("SELECT COUNT(*) FROM session_reminders WHERE kind = '1d'").Scan(&batches)
	if batches < moved || reminders == 0 {
		t.Errorf("%d sessions moved to tomorrow, %d reminder batches of the day before, %d reminders queued",
			moved, batches, reminders)
	}
	if failed != 0 {
		t.Errorf("%d outbox messages failed", failed)
	}
	byID, byTo := sink.deliveries()
	for id, n := range byID {
		if n != 1 || id == "" {
			t.Errorf("Message-ID %q received %d times", id, n)
		}
	}
	if len(byID) != total {
		t.Errorf("%d distinct messages received, %d in the outbox", len(byID), total)
	}
	for i := range people {
		if byTo[email(i)] != 1 {
			t.Errorf("%s received %d messages, want 1 (invitation or waiting list)", email(i), byTo[email(i)])
		}
	}
	t.Logf("%d messages (%d reminders of %d sessions) each received once", total, reminders, batches)
	for _, fs := range instances {
		fs.stop()
		if strings.Contains(fs.logs.String(), "level=ERROR") {
			t.Errorf("an instance logged errors:\n%s", tail(fs.logs.String(), 3000))
		}
	}
}

// remindTomorrow moves every scheduled session of the demo but the race's
// (the one with the most invited partners) to tomorrow, inside the
// window of the day-before reminder, so that both instances' schedulers
// find reminders due as they start. It returns how many it moved.
func remindTomorrow(t *testing.T, db *dbtest.DB) int {
	t.Helper()
	var raceSession int64
	if err := db.QueryRow(`SELECT session_id FROM session_partners GROUP BY session_id
		ORDER BY COUNT(*) DESC, session_id LIMIT 1`).Scan(&raceSession); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query("SELECT id FROM sessions WHERE state = 'scheduled' AND id <> ? ORDER BY id", raceSession)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	tomorrow := time.Now().UTC().Add(20 * time.Hour).Truncate(time.Second)
	for i, id := range ids {
		at := tomorrow.Add(time.Duration(i) * time.Minute)
		if _, err := db.Exec("UPDATE sessions SET starts_at = ?, ends_at = ? WHERE id = ?", at, at.Add(3*time.Hour), id); err != nil {
			t.Fatal(err)
		}
	}
	if len(ids) == 0 {
		t.Fatal("the demo has no scheduled session besides the race's")
	}
	return len(ids)
}

// waitHealthy waits until base answers /healthz with 200.
func waitHealthy(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if r, err := http.Get(base + "/healthz"); err == nil {
			r.Body.Close()
			if r.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s/healthz did not answer 200 within 30 s", base)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitOutboxSent waits until no message is pending or being sent.
func waitOutboxSent(t *testing.T, db *dbtest.DB, instances []*faultServer, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM outbox_messages WHERE status IN ('pending', 'sending')").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d messages still waiting after %s:\n%s\n%s", n, within,
				tail(instances[0].logs.String(), 2000), tail(instances[1].logs.String(), 2000))
		}
		time.Sleep(200 * time.Millisecond)
	}
}
