package handlers_test

import (
	"context"
	"database/sql"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"
)

// TestFaults_DatabaseLockedGives503ThenRecovers holds SQLite's write lock
// from another connection (BEGIN IMMEDIATE, as a stuck writer or a
// backup tool would): a sign-up posted meanwhile waits the busy timeout
// (10 s), then gets the French 503 page with Retry-After, and nothing of
// it is written (no registration, no queued email). Pages that only read
// still answer. Once the lock is released, the same form posted again
// works, without a restart.
func TestFaults_DatabaseLockedGives503ThenRecovers(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the 10 s busy timeout")
	}
	e := newRequestEnv(t, onSQLiteFile)
	_, _, paths := e.signupSession(1, 10, 4)
	c, _ := newPartnerClient(t, e.srv.URL, paths[0])

	ctx := context.Background()
	db, err := sql.Open("sqlite3", "file:"+e.cfg.Database.DSN+"?_busy_timeout=0")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	count := func() (regs, mails int) {
		t.Helper()
		if err := db.QueryRowContext(ctx, "SELECT (SELECT COUNT(*) FROM registrations), (SELECT COUNT(*) FROM outbox_messages)").Scan(&regs, &mails); err != nil {
			t.Fatal(err)
		}
		return regs, mails
	}
	regs0, mails0 := count()
	lock, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lock.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	locked := true
	defer func() {
		if locked {
			lock.ExecContext(ctx, "ROLLBACK")
		}
		lock.Close()
	}()

	person := personForm("Amina", "Benali", "amina@exemple.fr", "habitant")
	form := url.Values{}
	for k, v := range c.hidden {
		form[k] = v
	}
	for k, v := range person {
		form[k] = v
	}
	res, err := c.http.PostForm(e.srv.URL+paths[0], form)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	body := string(b)
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("sign-up while the database is locked: %d, want 503\n%s", res.StatusCode, body)
	}
	if res.Header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	for _, want := range []string{`lang="fr"`, "Service indisponible pour le moment", "Rien de ce que vous avez envoyé n’a été enregistré"} {
		if !strings.Contains(body, want) {
			t.Errorf("503 page lacks %q", want)
		}
	}
	for _, english := range []string{"database is locked", "SQLITE", "busy", "Internal Server Error", "goroutine"} {
		if strings.Contains(body, english) {
			t.Errorf("503 page shows %q", english)
		}
	}
	if r := e.client().get(paths[0]); r.Status != http.StatusOK {
		t.Errorf("a page that only reads, while locked: %d", r.Status)
	}
	if regs, mails := count(); regs != regs0 || mails != mails0 {
		t.Errorf("partial write while locked: registrations %d→%d, outbox %d→%d", regs0, regs, mails0, mails)
	}

	if _, err := lock.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	locked = false
	status, body := c.register(paths[0], person)
	if status != http.StatusSeeOther || !strings.Contains(body, "Amina B. est inscrit·e") {
		t.Fatalf("sign-up once the lock is released: %d\n%s", status, body)
	}
	if regs, mails := count(); regs != regs0+1 || mails != mails0+1 {
		t.Errorf("after recovery: registrations %d→%d, outbox %d→%d, want one each", regs0, regs, mails0, mails)
	}
}
