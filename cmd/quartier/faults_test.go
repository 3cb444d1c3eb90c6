package main

// Fault scenarios run against the real binary, as an operator would meet
// them (docs/RELIABILITY.md): quartier is built, started as a subprocess
// on a fresh demo database, and killed, starved of disk or of its SMTP
// server. They run in `go test ./...` (and so in .ci/run); -short skips
// them. scripts/faults.sh runs them with the soak.

import (
	"bufio"
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	smtp "github.com/emersion/go-smtp"
	"golang.org/x/sys/unix"

	"quartier/internal/demo"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// quartierBinary builds cmd/quartier once per test run.
func quartierBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "quartier-faults-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "quartier")
		out, err := exec.Command("go", "build", "-o", builtBin, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// faultServer is one data directory served by quartier subprocesses, one
// at a time.
type faultServer struct {
	t    *testing.T
	bin  string
	dir  string
	base string
	env  []string
	cmd  *exec.Cmd
	logs *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// newFaultServer prepares a data directory and the environment of serve:
// short polls and leases, so that a restarted server takes over within
// seconds what the killed one held. extra overrides QUARTIER_* keys.
func newFaultServer(t *testing.T, extra ...string) *faultServer {
	if testing.Short() {
		t.Skip("fault scenario: builds and runs the binary")
	}
	dir := t.TempDir()
	addr := freeAddr(t)
	fs := &faultServer{t: t, bin: quartierBinary(t), dir: dir, base: "http://" + addr, logs: &lockedBuffer{}}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "QUARTIER_") {
			fs.env = append(fs.env, kv)
		}
	}
	fs.env = append(fs.env,
		"QUARTIER_SERVER_LISTEN="+addr, "QUARTIER_SERVER_BASE_URL="+fs.base,
		"QUARTIER_SERVER_SECRET="+strings.Repeat("f", 40),
		"QUARTIER_DATABASE_DSN="+filepath.Join(dir, "quartier.db"),
		"QUARTIER_MAIL_DIR="+filepath.Join(dir, "mail"),
		"QUARTIER_MAIL_POLL_INTERVAL=200ms", "QUARTIER_MAIL_SMTP_TIMEOUT=2s",
		"QUARTIER_CALENDAR_FETCH_TIMEOUT=2s", "QUARTIER_SERVER_JOB_LEASE=5s",
		"QUARTIER_SIGNUPS_POSTS_PER_LINK=10000")
	fs.env = append(fs.env, extra...)
	return fs
}

// start runs serve (with --demo the first time) and waits for /healthz.
func (fs *faultServer) start(args ...string) {
	fs.t.Helper()
	cmd := exec.Command(fs.bin, append([]string{"serve"}, args...)...)
	cmd.Env = fs.env
	cmd.Stdout, cmd.Stderr = fs.logs, fs.logs
	if err := cmd.Start(); err != nil {
		fs.t.Fatal(err)
	}
	fs.cmd = cmd
	fs.t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		r, err := http.Get(fs.base + "/healthz")
		if err == nil {
			r.Body.Close()
			if r.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			fs.t.Fatalf("serve did not answer /healthz within 60 s:\n%s", fs.logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// kill9 kills serve with SIGKILL: no shutdown, no last write.
func (fs *faultServer) kill9() {
	fs.t.Helper()
	if err := fs.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		fs.t.Fatal(err)
	}
	fs.cmd.Wait()
}

// stop ends serve gracefully.
func (fs *faultServer) stop() {
	fs.t.Helper()
	fs.cmd.Process.Signal(syscall.SIGTERM)
	fs.cmd.Wait()
}

func (fs *faultServer) manifest() demo.Manifest {
	fs.t.Helper()
	var m demo.Manifest
	b, err := os.ReadFile(filepath.Join(fs.dir, "demo.json"))
	if err != nil || json.Unmarshal(b, &m) != nil || m.SignupRace == nil || len(m.SignupRace.Links) == 0 {
		fs.t.Fatalf("demo.json without a signup_race: %v", err)
	}
	return m
}

// db opens the database for checks, beside the server (WAL lets both).
func (fs *faultServer) db() *sql.DB {
	fs.t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(fs.dir, "quartier.db")+"?_busy_timeout=10000")
	if err != nil {
		fs.t.Fatal(err)
	}
	fs.t.Cleanup(func() { db.Close() })
	return db
}

// waitOutboxEmpty waits until no message is pending or being sent.
func (fs *faultServer) waitOutboxEmpty(db *sql.DB, within time.Duration) {
	fs.t.Helper()
	deadline := time.Now().Add(within)
	for {
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM outbox_messages WHERE status IN ('pending', 'sending')").Scan(&n); err != nil {
			fs.t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			fs.t.Fatalf("%d messages still waiting after %s:\n%s", n, within, tail(fs.logs.String(), 3000))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// signupClient is one partner's browser on its sign-up link.
type signupClient struct {
	http *http.Client
	url  string
	csrf string
}

func newSignupClient(base, path string) (*signupClient, error) {
	jar, _ := cookiejar.New(nil)
	c := &signupClient{url: base + path, http: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	r, err := c.http.Get(c.url)
	if err != nil {
		return nil, err
	}
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	m := csrfInput.FindSubmatch(b)
	if r.StatusCode != http.StatusOK || m == nil {
		return nil, fmt.Errorf("GET %s: %d, CSRF token found: %v", path, r.StatusCode, m != nil)
	}
	c.csrf = string(m[1])
	return c, nil
}

// post signs one person up; it returns the status, or an error when no
// answer came (the server died).
func (c *signupClient) post(first, last, email string) (int, string, error) {
	form := url.Values{"csrf_token": {c.csrf}, "first_name": {first}, "last_name": {last}, "email": {email}, "category": {"habitant"}}
	r, err := c.http.PostForm(c.url, form)
	if err != nil {
		return 0, "", err
	}
	b, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return 0, "", err
	}
	return r.StatusCode, string(b), nil
}

// mailByRecipient reads the .eml files: recipient → distinct Message-IDs.
// The file driver names each file after its Message-ID, so a message
// delivered twice is one file: it counts once, as a mail client would.
func mailByRecipient(t *testing.T, dir string) map[string]map[string]bool {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	out := map[string]map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		to, id := headersOf(b)
		if out[to] == nil {
			out[to] = map[string]bool{}
		}
		out[to][id] = true
	}
	return out
}

func headersOf(b []byte) (to, messageID string) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		value = strings.TrimSpace(value)
		switch strings.ToLower(name) {
		case "to":
			if i := strings.LastIndexByte(value, '<'); i >= 0 {
				value = strings.Trim(value[i:], "<>")
			}
			to = strings.ToLower(value)
		case "message-id":
			messageID = value
		}
	}
	return to, messageID
}

// TestFaults_KillDuringSignupsLosesNothing posts sign-ups through the
// demo's 25 race links from 50 concurrent clients, kills serve with
// SIGKILL in the middle, and restarts it: every sign-up answered 303 is in
// the database, its email (invitation or waiting list) is delivered
// exactly once (one Message-ID per person), nothing is left in the outbox,
// and the race session is not overbooked.
func TestFaults_KillDuringSignupsLosesNothing(t *testing.T) {
	fs := newFaultServer(t)
	fs.start("--demo")
	race := fs.manifest().SignupRace
	db := fs.db()
	fs.waitOutboxEmpty(db, 30*time.Second) // the demo's own messages
	// Let each organisation sign up to 100 people (the demo allows 4), so
	// that sign-ups go on long enough to be cut by the kill: past the 5
	// places left they join the waiting list, acknowledged as well.
	if _, err := db.Exec("UPDATE sessions SET org_cap = 100"); err != nil {
		t.Fatal(err)
	}

	var (
		mu    sync.Mutex
		acked []string
		nAck  atomic.Int64
		dead  atomic.Bool
		posts atomic.Int64
		wg    sync.WaitGroup
	)
	for i := range 50 {
		c, err := newSignupClient(fs.base, race.Links[i%len(race.Links)])
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			for n := 0; !dead.Load(); n++ {
				email := fmt.Sprintf("crash.%d.%d@participants.example.fr", i, n)
				status, body, err := c.post("Crash", fmt.Sprintf("Client%dx%d", i, n), email)
				if err != nil {
					return // no answer: not acknowledged
				}
				posts.Add(1)
				switch status {
				case http.StatusSeeOther:
					mu.Lock()
					acked = append(acked, email)
					mu.Unlock()
					nAck.Add(1)
				case http.StatusConflict:
					// The organisation's cap is reached: refused, not acknowledged.
				default:
					t.Errorf("sign-up %s: %d\n%s", email, status, tail(body, 500))
					return
				}
			}
		})
	}
	deadline := time.Now().Add(20 * time.Second)
	for nAck.Load() < 300 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	fs.kill9()
	dead.Store(true)
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(acked) < 300 || len(acked) >= 2500 {
		t.Fatalf("only %d sign-ups acknowledged before the kill (%d answers): the kill did not land amid the sign-ups", len(acked), posts.Load())
	}
	t.Logf("%d answers, %d sign-ups acknowledged before kill -9", posts.Load(), len(acked))

	fs.start()
	fs.waitOutboxEmpty(db, 40*time.Second)

	inDB := map[string]string{}
	rows, err := db.Query("SELECT email, state FROM registrations WHERE email LIKE 'crash.%'")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var e, st string
		rows.Scan(&e, &st)
		inDB[e] = st
	}
	rows.Close()
	mail := mailByRecipient(t, filepath.Join(fs.dir, "mail"))
	for _, e := range acked {
		if inDB[e] == "" {
			t.Errorf("acknowledged sign-up %s is not in the database", e)
		}
		if n := len(mail[e]); n != 1 {
			t.Errorf("%s received %d distinct messages, want exactly 1", e, n)
		}
	}
	// A sign-up committed but not answered (killed in between) is
	// allowed; its email must go out once too.
	for e := range inDB {
		if n := len(mail[e]); n != 1 {
			t.Errorf("registered %s received %d distinct messages, want exactly 1", e, n)
		}
	}
	var failed int
	db.QueryRow("SELECT COUNT(*) FROM outbox_messages WHERE status = 'failed'").Scan(&failed)
	if failed != 0 {
		t.Errorf("%d outbox messages failed", failed)
	}
	var overbooked int
	if err := db.QueryRow(`SELECT COUNT(*) FROM sessions s WHERE (SELECT COUNT(*) FROM registrations r
		WHERE r.session_id = s.id AND r.state = 'confirmed') > s.capacity`).Scan(&overbooked); err != nil {
		t.Fatal(err)
	}
	if overbooked != 0 {
		t.Errorf("%d sessions have more confirmed people than places", overbooked)
	}
	fs.stop()
}

// TestFaults_DiskFullGives503ThenRecovers lowers the running server's
// file-size limit to one byte (prlimit RLIMIT_FSIZE: every write to a file
// fails, as on a full disk): a sign-up gets the French 503 page and
// writes nothing; the limit raised again, the same sign-up works, without
// a restart.
func TestFaults_DiskFullGives503ThenRecovers(t *testing.T) {
	fs := newFaultServer(t)
	fs.start("--demo")
	race := fs.manifest().SignupRace
	db := fs.db()
	fs.waitOutboxEmpty(db, 30*time.Second)
	c, err := newSignupClient(fs.base, race.Links[0])
	if err != nil {
		t.Fatal(err)
	}
	count := func() (regs, mails int) {
		t.Helper()
		if err := db.QueryRow("SELECT (SELECT COUNT(*) FROM registrations), (SELECT COUNT(*) FROM outbox_messages)").Scan(&regs, &mails); err != nil {
			t.Fatal(err)
		}
		return regs, mails
	}
	regs0, mails0 := count()
	pid := fs.cmd.Process.Pid
	var old unix.Rlimit
	if err := prlimitFsize(pid, &unix.Rlimit{Cur: 1, Max: ^uint64(0)}, &old); err != nil {
		t.Skipf("cannot lower the server's file-size limit: %v", err)
	}
	status, body, err := c.post("Disque", "Plein", "disque.plein@participants.example.fr")
	if err != nil {
		t.Fatal(err)
	}
	if status != http.StatusServiceUnavailable || !strings.Contains(body, "Service indisponible pour le moment") ||
		!strings.Contains(body, "Rien de ce que vous avez envoyé n’a été enregistré") {
		t.Errorf("sign-up on a full disk: %d\n%s", status, tail(body, 800))
	}
	for _, english := range []string{"disk", "I/O", "SQLITE", "too large"} {
		if strings.Contains(body, english) {
			t.Errorf("the 503 page shows %q", english)
		}
	}
	if regs, mails := count(); regs != regs0 || mails != mails0 {
		t.Errorf("partial write on a full disk: registrations %d→%d, outbox %d→%d", regs0, regs, mails0, mails)
	}
	if err := prlimitFsize(pid, &old, nil); err != nil {
		t.Fatal(err)
	}
	status, body, err = c.post("Disque", "Plein", "disque.plein@participants.example.fr")
	if err != nil || status != http.StatusSeeOther {
		t.Fatalf("sign-up once space is back: %d %v\n%s", status, err, tail(body, 800))
	}
	if regs, mails := count(); regs != regs0+1 || mails != mails0+1 {
		t.Errorf("after recovery: registrations %d→%d, outbox %d→%d, want one more each", regs0, regs, mails0, mails)
	}
	fs.waitOutboxEmpty(db, 20*time.Second)
	fs.stop()
}

func prlimitFsize(pid int, set, old *unix.Rlimit) error {
	return unix.Prlimit(pid, unix.RLIMIT_FSIZE, set, old)
}

// sinkSMTP is a real SMTP server (go-smtp) on a fixed loopback address:
// closed (nothing listens), refusing (451 to every MAIL FROM) or up
// (recording each message).
type sinkSMTP struct {
	t      *testing.T
	addr   string
	mu     sync.Mutex
	srv    *smtp.Server
	refuse bool
	msgs   [][]byte
}

func (s *sinkSMTP) listen(refuse bool) {
	s.t.Helper()
	s.mu.Lock()
	s.refuse = refuse
	running := s.srv != nil
	s.mu.Unlock()
	if running {
		return
	}
	l, err := net.Listen("tcp", s.addr)
	if err != nil {
		s.t.Fatal(err)
	}
	srv := smtp.NewServer(s)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 5*time.Second, 5*time.Second
	srv.EnableSMTPUTF8 = true
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
	go srv.Serve(l)
	s.t.Cleanup(func() { srv.Close() })
}

// deliveries counts what the sink received by Message-ID and by recipient:
// a message delivered twice counts 2 under its id.
func (s *sinkSMTP) deliveries() (byID, byTo map[string]int) {
	byID, byTo = map[string]int{}, map[string]int{}
	for _, m := range s.received() {
		to, id := headersOf(m)
		byID[id]++
		byTo[to]++
	}
	return byID, byTo
}

func (s *sinkSMTP) received() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.msgs...)
}

// NewSession implements smtp.Backend.
func (s *sinkSMTP) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s: s}, nil }

type sinkSession struct{ s *sinkSMTP }

func (ss *sinkSession) Reset()        {}
func (ss *sinkSession) Logout() error { return nil }
func (ss *sinkSession) Mail(string, *smtp.MailOptions) error {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if ss.s.refuse {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	return nil
}
func (ss *sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (ss *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	ss.s.msgs = append(ss.s.msgs, b)
	ss.s.mu.Unlock()
	return nil
}

// TestFaults_SMTPDownThenBackDeliversEachOnce runs serve in SMTP mode with
// a short retry schedule (retry_base 300ms) against a local SMTP server
// that is first closed (connection refused), then up but answering 451,
// then working. The demo's messages and sign-ups posted during the outage
// are retried several times, then each is delivered exactly once (one
// copy per Message-ID), none is given up, the outbox ends empty.
func TestFaults_SMTPDownThenBackDeliversEachOnce(t *testing.T) {
	sink := &sinkSMTP{t: t, addr: freeAddr(t)}
	host, port, _ := net.SplitHostPort(sink.addr)
	fs := newFaultServer(t, "QUARTIER_MAIL_MODE=smtp", "QUARTIER_MAIL_SMTP_HOST="+host, "QUARTIER_MAIL_SMTP_PORT="+port,
		"QUARTIER_MAIL_SMTP_TLS=none", "QUARTIER_MAIL_RETRY_BASE=300ms", "QUARTIER_MAIL_MAX_ATTEMPTS=30")
	fs.start("--demo")
	race := fs.manifest().SignupRace
	db := fs.db()
	var acked []string
	for i := range 5 {
		c, err := newSignupClient(fs.base, race.Links[i])
		if err != nil {
			t.Fatal(err)
		}
		email := fmt.Sprintf("panne.%d@participants.example.fr", i)
		if status, body, err := c.post("Panne", fmt.Sprintf("Smtp%d", i), email); err != nil || status != http.StatusSeeOther {
			t.Fatalf("sign-up during the outage: %d %v\n%s", status, err, tail(body, 500))
		}
		acked = append(acked, email)
	}
	waitAttempts := func(n int, what string) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			var minAttempts, sent int
			db.QueryRow("SELECT COALESCE(MIN(attempts), 0), (SELECT COUNT(*) FROM outbox_messages WHERE status = 'sent') FROM outbox_messages").Scan(&minAttempts, &sent)
			if sent != 0 {
				t.Fatalf("%d messages sent while the SMTP server was %s", sent, what)
			}
			if minAttempts >= n {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("messages were not tried %d times while the SMTP server was %s", n, what)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	waitAttempts(2, "closed")
	sink.listen(true)
	waitAttempts(3, "refusing")
	sink.listen(false)
	fs.waitOutboxEmpty(db, 40*time.Second)

	var total, sent, failed, maxAttempts int
	db.QueryRow(`SELECT COUNT(*), SUM(status = 'sent'), SUM(status = 'failed'), MAX(attempts) FROM outbox_messages`).Scan(&total, &sent, &failed, &maxAttempts)
	if failed != 0 || sent != total || maxAttempts < 3 {
		t.Errorf("outbox: %d messages, %d sent, %d failed, at most %d attempts", total, sent, failed, maxAttempts)
	}
	byID, byTo := sink.deliveries()
	if len(byID) != total {
		t.Errorf("%d distinct Message-IDs received, %d messages in the outbox", len(byID), total)
	}
	for id, n := range byID {
		if n != 1 || id == "" {
			t.Errorf("Message-ID %q received %d times", id, n)
		}
	}
	for _, e := range acked {
		if byTo[e] != 1 {
			t.Errorf("%s received %d messages, want 1", e, byTo[e])
		}
	}
	t.Logf("%d messages delivered once each after the outage, up to %d attempts", total, maxAttempts)
	fs.stop()
}
