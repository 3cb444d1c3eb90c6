// Command quartier-mailsink is the local test SMTP server of the
// scale-out setup (scripts/scaleout): it accepts every message on a
// loopback address, without TLS or authentication, and writes each one to
// DIR as a numbered .eml file, so that sign-in links can be read and
// deliveries counted (one file per delivery: a message sent twice gives
// two files with the same Message-ID). Not for use beyond a test machine.
//
//	quartier-mailsink -listen 127.0.0.1:2525 -dir /tmp/mail
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"time"

	smtp "github.com/emersion/go-smtp"
)

// maxMessage bounds one message (quartier's largest, an invitation with
// its .ics, is far below).
const maxMessage = 10 << 20

// sink is the go-smtp backend: every message becomes a file in dir.
type sink struct {
	dir string
	n   atomic.Int64
	log *slog.Logger
}

// NewSession implements smtp.Backend.
func (s *sink) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }

type session struct {
	s  *sink
	to []string
}

func (ss *session) Reset()                               { ss.to = nil }
func (ss *session) Logout() error                        { return nil }
func (ss *session) Mail(string, *smtp.MailOptions) error { return nil }
func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

// Data writes the message to a new file (atomically: a reader never sees
// half a message).
func (ss *session) Data(r io.Reader) error {
	var b bytes.Buffer
	if _, err := io.Copy(&b, io.LimitReader(r, maxMessage)); err != nil {
		return err
	}
	n := ss.s.n.Add(1)
	name := filepath.Join(ss.s.dir, fmt.Sprintf("%06d.eml", n))
	tmp := name + ".part"
	if err := os.WriteFile(tmp, b.Bytes(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, name); err != nil {
		return err
	}
	ss.s.log.Info("message received", "to", ss.to, "file", filepath.Base(name))
	return nil
}

func main() {
	listen := flag.String("listen", "127.0.0.1:2525", "address to listen on (keep it on loopback)")
	dir := flag.String("dir", "mail", "directory the messages are written to (created)")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		fmt.Fprintf(os.Stderr, "quartier-mailsink: %v\n", err)
		os.Exit(1)
	}
	srv := smtp.NewServer(&sink{dir: *dir, log: log})
	srv.Addr = *listen
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.MaxMessageBytes = maxMessage
	srv.ReadTimeout = time.Minute
	srv.WriteTimeout = time.Minute
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() { <-sig; srv.Close() }()
	log.Info("quartier-mailsink listening", "listen", *listen, "dir", *dir)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
		log.Error("listen", "err", err)
		os.Exit(1)
	}
}
