package mailer

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	smtp "github.com/emersion/go-smtp"

	"quartier/models"
)

// smtpServer is a real SMTP server (go-smtp) on 127.0.0.1, recording what
// it accepts. It can be stopped and restarted on the same port, and refuse
// chosen recipients with a given code.
type smtpServer struct {
	t      testing.TB
	addr   string
	mu     sync.Mutex
	srv    *smtp.Server
	msgs   [][]byte
	refuse map[string]int // recipient → SMTP code
	// tlsConfig offers STARTTLS, or with implicit, TLS from the first byte.
	tlsConfig *tls.Config
	implicit  bool
}

func startSMTP(t testing.TB) *smtpServer {
	t.Helper()
	s := &smtpServer{t: t, addr: "127.0.0.1:0", refuse: map[string]int{}}
	s.start()
	t.Cleanup(s.stop)
	return s
}

func (s *smtpServer) start() {
	s.t.Helper()
	l, err := net.Listen("tcp", s.addr)
	if err != nil {
		s.t.Fatal(err)
	}
	s.mu.Lock()
	s.addr = l.Addr().String()
	srv := smtp.NewServer(s)
	srv.TLSConfig = s.tlsConfig
	if s.implicit {
		l = tls.NewListener(l, s.tlsConfig)
	}
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.EnableSMTPUTF8 = true
	s.srv = srv
	s.mu.Unlock()
	go srv.Serve(l)
}

func (s *smtpServer) stop() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		srv.Close()
	}
}

func (s *smtpServer) port() int {
	_, p, _ := net.SplitHostPort(s.addr)
	n, _ := strconv.Atoi(p)
	return n
}

func (s *smtpServer) driver(t testing.TB) *SMTPDriver {
	d, err := NewSMTPDriver(SMTPConfig{Host: "127.0.0.1", Port: s.port(), TLS: "none", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (s *smtpServer) received() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.msgs...)
}

// NewSession implements smtp.Backend.
func (s *smtpServer) NewSession(*smtp.Conn) (smtp.Session, error) { return &smtpSession{srv: s}, nil }

type smtpSession struct {
	srv *smtpServer
	to  []string
}

func (ss *smtpSession) Reset()        { ss.to = nil }
func (ss *smtpSession) Logout() error { return nil }
func (ss *smtpSession) Mail(string, *smtp.MailOptions) error {
	return nil
}
func (ss *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.srv.mu.Lock()
	code := ss.srv.refuse[to]
	ss.srv.mu.Unlock()
	if code != 0 {
		return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 1, 1}, Message: "mailbox refused: " + to}
	}
	ss.to = append(ss.to, to)
	return nil
}
func (ss *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.srv.mu.Lock()
	ss.srv.msgs = append(ss.srv.msgs, b)
	ss.srv.mu.Unlock()
	return nil
}

// mimePart is one leaf of a parsed message, decoded.
type mimePart struct {
	contentType string
	params      map[string]string
	disposition string
	body        string
}

// parseMessage reads an RFC 5322 message and flattens its MIME tree.
func parseMessage(t testing.TB, raw []byte) (mail.Header, string, []mimePart) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("not an RFC 5322 message: %v\n%s", err, raw)
	}
	top, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	var parts []mimePart
	var walk func(r io.Reader, boundary string)
	walk = func(r io.Reader, boundary string) {
		mr := multipart.NewReader(r, boundary)
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			ct, ps, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
			if strings.HasPrefix(ct, "multipart/") {
				walk(p, ps["boundary"])
				continue
			}
			var body io.Reader = p // quoted-printable is decoded by multipart
			if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "base64") {
				body = base64.NewDecoder(base64.StdEncoding, p)
			}
			b, err := io.ReadAll(body)
			if err != nil {
				t.Fatal(err)
			}
			disp, _, _ := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
			parts = append(parts, mimePart{contentType: ct, params: ps, disposition: disp, body: string(b)})
		}
	}
	walk(msg.Body, params["boundary"])
	return msg.Header, top, parts
}

// checkInvitationMIME asserts the structure every invitation must have.
func checkInvitationMIME(t *testing.T, raw []byte, want *Message) {
	t.Helper()
	h, top, parts := parseMessage(t, raw)
	subject, _ := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	from, _ := mail.ParseAddress(h.Get("From"))
	to, _ := mail.ParseAddress(h.Get("To"))
	date, err := h.Date()
	if err != nil || !date.Equal(want.Date) {
		t.Errorf("Date = %v (%v), want %v", date, err, want.Date)
	}
	if subject != want.Subject || from == nil || from.Address != want.From.Address() || from.Name != want.From.Name ||
		to == nil || to.Address != want.To.Email || to.Name != want.To.Name ||
		h.Get("Message-Id") != "<"+want.MessageID+">" || h.Get("Auto-Submitted") != "auto-generated" ||
		h.Get("List-Unsubscribe") != "<https://quartier.example.org/inscription/annuler/tok3n>" ||
		!strings.Contains(h.Get("Reply-To"), "clsm@cholet.example.fr") {
		t.Errorf("headers wrong: %v (subject %q)", h, subject)
	}
	if top != "multipart/mixed" {
		t.Errorf("top-level type %s, want multipart/mixed", top)
	}
	got := map[string]mimePart{}
	for _, p := range parts {
		key := p.contentType
		if p.disposition == "attachment" {
			key = "attachment"
		}
		got[key] = p
	}
	cal := got["text/calendar"]
	att := got["attachment"]
	// On the wire, lines end in CRLF.
	lf := strings.NewReplacer("\r\n", "\n")
	if lf.Replace(got["text/plain"].body) != want.Text {
		t.Errorf("text part differs from the composed message:\n%q\n%q", got["text/plain"].body, want.Text)
	}
	if lf.Replace(got["text/html"].body) != want.HTML {
		t.Errorf("HTML part differs from the composed message")
	}
	if cal.params["method"] != "REQUEST" || cal.params["charset"] != "UTF-8" || cal.body != want.Calendar.Content {
		t.Errorf("calendar alternative: %+v", cal.params)
	}
	if att.params["name"] != "invitation.ics" || att.body != want.Calendar.Content {
		t.Errorf("invitation.ics attachment: %+v %q", att.params, att.contentType)
	}
}

// Address returns the bare address (for comparisons in tests).
func (a Address) Address() string { return a.Email }

func TestSMTP_DeliversInvitationWithCalendar(t *testing.T) {
	srv := startSMTP(t)
	s, _ := newTestStore(t, nil)
	c := testComposer(t)
	env, err := goldenCases()[5].build(c) // the first invitation
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Enqueue(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	w := NewWorker(s, srv.driver(t), WorkerOptions{Log: quietLog()})
	if n, err := w.RunOnce(context.Background()); n != 1 || err != nil {
		t.Fatalf("RunOnce = %d, %v", n, err)
	}
	got := srv.received()
	if len(got) != 1 {
		t.Fatalf("server received %d messages", len(got))
	}
	checkInvitationMIME(t, got[0], decodeEnvelope(t, env))
}

func TestSMTP_DownThenBack_EveryMessageOnce(t *testing.T) {
	srv := startSMTP(t)
	clock := &mailClock{t: time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)}
	s, _ := newTestStore(t, clock)
	queueLinks(t, s, testComposer(t), 5)
	w := NewWorker(s, srv.driver(t), WorkerOptions{MaxAttempts: 8, RetryBase: time.Minute, Log: quietLog(), Now: clock.Now})
	ctx := context.Background()
	srv.stop()
	const outage = 3
	for i := range outage {
		if n, err := w.RunOnce(ctx); n != 0 || err != nil {
			t.Fatalf("attempt %d with the server down: %d sent, %v", i+1, n, err)
		}
		clock.Add(w.Backoff(i+1) * 2) // past any jitter
	}
	rows, _, _ := s.ListOutbox(ctx, models.OutboxFilter{Status: models.OutboxPending})
	if len(rows) != 5 || rows[0].Attempts != outage || !strings.Contains(rows[0].LastError, "connect") {
		t.Fatalf("after the outage: %d pending, first %+v", len(rows), rows[0])
	}
	srv.start()
	sent := 0
	for range 3 {
		n, err := w.RunOnce(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sent += n
		clock.Add(time.Hour)
	}
	if sent != 5 {
		t.Fatalf("sent %d after the server came back, want 5", sent)
	}
	seen := map[string]int{}
	for _, raw := range srv.received() {
		h, _, _ := parseMessage(t, raw)
		seen[h.Get("Message-Id")]++
	}
	if len(seen) != 5 {
		t.Errorf("server got %d distinct messages, want 5", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s delivered %d times", id, n)
		}
	}
	rows, _, _ = s.ListOutbox(ctx, models.OutboxFilter{Status: models.OutboxSent})
	for _, r := range rows {
		if r.Attempts != outage+1 {
			t.Errorf("%s: %d attempts recorded, want %d", r.DedupKey, r.Attempts, outage+1)
		}
	}
}

func TestSMTP_RecipientRefusals(t *testing.T) {
	srv := startSMTP(t)
	srv.refuse["p1@example.org"] = 550 // permanent: mistyped address
	srv.refuse["p2@example.org"] = 451 // temporary: try again later
	s, _ := newTestStore(t, nil)
	queueLinks(t, s, testComposer(t), 4)
	w := NewWorker(s, srv.driver(t), WorkerOptions{Log: quietLog()})
	n, err := w.RunOnce(context.Background())
	if n != 2 || err != nil {
		t.Fatalf("RunOnce = %d, %v; want the two others delivered on the same connection", n, err)
	}
	byTo := map[string]models.OutboxMessage{}
	rows, _, _ := s.ListOutbox(context.Background(), models.OutboxFilter{})
	for _, r := range rows {
		byTo[r.Recipient] = r
	}
	if r := byTo["p1@example.org"]; r.Status != models.OutboxFailed || !r.Permanent || !strings.Contains(r.LastError, "550") {
		t.Errorf("550 recipient: %+v; want failed, permanent", r)
	}
	if r := byTo["p2@example.org"]; r.Status != models.OutboxPending || r.Permanent || !strings.Contains(r.LastError, "451") {
		t.Errorf("451 recipient: %+v; want pending for a retry", r)
	}
	if len(srv.received()) != 2 {
		t.Errorf("server received %d messages, want 2", len(srv.received()))
	}
}

func TestWorkers_TwoProcessesOneDatabase_NoDuplicate(t *testing.T) {
	srv := startSMTP(t)
	s1, path := newTestStore(t, nil)
	s2, err := models.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	const total = 60
	queueLinks(t, s1, testComposer(t), total)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, s := range []*models.Store{s1, s2} {
		w := NewWorker(s, srv.driver(t), WorkerOptions{BatchSize: 7, PollInterval: 5 * time.Millisecond, Log: quietLog()})
		wg.Add(1)
		go func() { defer wg.Done(); w.Run(ctx) }()
	}
	deadline := time.Now().Add(20 * time.Second)
	for len(srv.received()) < total && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // let a duplicate, if any, arrive
	cancel()
	wg.Wait()
	seen := map[string]int{}
	for _, raw := range srv.received() {
		h, _, _ := parseMessage(t, raw)
		seen[h.Get("Message-Id")]++
	}
	if len(seen) != total {
		t.Errorf("%d distinct messages delivered, want %d", len(seen), total)
	}
	for id, n := range seen {
		if n > 1 {
			t.Errorf("%s delivered %d times", id, n)
		}
	}
	counts, _ := s1.OutboxCounts(context.Background())
	if counts[models.OutboxSent] != total {
		t.Errorf("counts = %v", counts)
	}
}

func TestSMTPDriver_ConfigAndClassify(t *testing.T) {
	if _, err := NewSMTPDriver(SMTPConfig{Host: "smtp.example.org", TLS: "ssl"}); err == nil {
		t.Error("unknown TLS policy accepted")
	}
	if _, err := NewSMTPDriver(SMTPConfig{TLS: "none"}); err == nil {
		t.Error("empty host accepted")
	}
	if IsPermanent(classify(errors.New("dial tcp: connection refused"))) {
		t.Error("a connection error is not permanent")
	}
	if !IsPermanent(Permanent(fmt.Errorf("wrapped: %w", io.EOF))) {
		t.Error("Permanent not recognised")
	}
}
