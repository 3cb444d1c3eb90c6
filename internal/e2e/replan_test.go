package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"quartier/frtime"
	"quartier/internal/browsertest"
	"quartier/models"
)

// TestReplan_IllFacilitatorMovedAndReinvited: at 1280 and at 360 px, an
// admin declares on the planning page that the facilitator of a scheduled
// session is ill that day, runs « Replanifier », sees that session before
// (its date, its facilitator) and after, and sends. The session moves as
// the page said; its facilitator and its coordinator each receive the
// updated invitation, read by Mozilla's ical.js: METHOD:REQUEST, the same
// UID as the invitation they already hold, a higher SEQUENCE, the new
// start. Every page passes axe and fits the width.
func TestReplan_IllFacilitatorMovedAndReinvited(t *testing.T) {
	for _, width := range []int{1280, 360} {
		t.Run(map[int]string{1280: "desktop", 360: "phone"}[width], func(t *testing.T) {
			s := startSite(t)
			ctx := context.Background()
			now := time.Now()
			target := firstScheduled(t, s, now)
			before, err := s.App.Store.SessionByID(ctx, target.ID)
			if err != nil {
				t.Fatal(err)
			}
			fac, err := s.App.Store.UserByID(ctx, before.FacilitatorID)
			if err != nil {
				t.Fatal(err)
			}
			loc := models.LocationOf(before.TimeZone)

			b := browsertest.New(t)
			if err := chromedp.Do(b, chromedp.EmulateViewport(int64(width), 900)); err != nil {
				t.Fatal(err)
			}
			s.signIn(t, b, s.Manifest.Accounts.Admin)
			browsertest.Visit(t, b, s.URL+s.Manifest.PlanningPath)
			fitsWidth(t, b, "chooser", width)

			// Ill on the session's day.
			day := before.StartsAt.In(loc).Format(time.DateOnly)
			if err := chromedp.Do(b,
				chromedp.SetValue(chromedp.CSS("#f-facilitator-id"), fmt.Sprint(fac.ID)),
				chromedp.SetValue(chromedp.CSS("#f-absence-from"), day),
				chromedp.SetValue(chromedp.CSS("#f-absence-to"), day),
				chromedp.SendKeys(chromedp.CSS("#f-label"), "Arrêt maladie"),
			); err != nil {
				t.Fatal(err)
			}
			submitAndWait(t, b, `button[name=action][value=absent]`, ".flash")
			if flash := browsertest.Text(t, b, ".flash"); !strings.Contains(flash, "Absence de "+fac.Name+" enregistrée") {
				t.Fatalf("after declaring the absence: %q", flash)
			}
			fitsWidth(t, b, "absence recorded", width)

			submitAndWait(t, b, `button[name=action][value=replan]`, `button[name=action][value=send]`)
			fitsWidth(t, b, "replan", width)
			card := changeCard(t, b, target.CLSMName)
			wantBefore := frtime.Range(before.StartsAt, before.EndsAt, loc)
			if !strings.Contains(card.Before, wantBefore) || !strings.Contains(card.Before, fac.Name) {
				t.Errorf("« Avant » = %q, want %q with %s", card.Before, wantBefore, fac.Name)
			}
			if card.After == "" || strings.Contains(card.After, "Aucune solution") {
				t.Fatalf("« Après » = %q: the demo's session found no other slot", card.After)
			}

			sent := time.Now().Add(-time.Second)
			submitAndWait(t, b, `button[name=action][value=send]`, ".badge-sent")
			if flash := browsertest.Text(t, b, ".flash-success"); !strings.Contains(flash, "1 séance déplacée") {
				t.Errorf("after sending: %q", flash)
			}
			if c := changeCard(t, b, target.CLSMName); !strings.Contains(c.Text, "Déplacée") {
				t.Errorf("the sent replan does not say the session moved: %q", c.Text)
			}
			fitsWidth(t, b, "sent", width)

			// The session is where the page said, one SEQUENCE further.
			after, err := s.App.Store.SessionByID(ctx, target.ID)
			if err != nil {
				t.Fatal(err)
			}
			newFac, err := s.App.Store.UserByID(ctx, after.FacilitatorID)
			if err != nil {
				t.Fatal(err)
			}
			if after.Sequence != before.Sequence+1 {
				t.Errorf("SEQUENCE %d → %d, want one more", before.Sequence, after.Sequence)
			}
			if wantAfter := frtime.Range(after.StartsAt, after.EndsAt, loc); !strings.Contains(card.After, wantAfter) || !strings.Contains(card.After, newFac.Name) {
				t.Errorf("« Après » said %q; the session went to %s with %s", card.After, wantAfter, newFac.Name)
			}

			cl, err := s.App.Store.CLSMByID(ctx, target.CLSMID)
			if err != nil || cl.CoordinatorID == nil {
				t.Fatalf("the session's CLSM has no coordinator (%v)", err)
			}
			coord, err := s.App.Store.UserByID(ctx, *cl.CoordinatorID)
			if err != nil {
				t.Fatal(err)
			}
			for _, who := range []models.User{newFac, coord} {
				ics := s.waitForUpdate(t, who.Email, sent, after.ID, after.Sequence)
				res := icalJS(t, ics)
				if res.Method != "REQUEST" || len(res.Events) != 1 {
					t.Fatalf("%s: ical.js reads method %q, %d events", who.Email, res.Method, len(res.Events))
				}
				ev := res.Events[0]
				if ev.Sequence != after.Sequence || ev.Sequence <= before.Sequence {
					t.Errorf("%s: SEQUENCE %d, want %d", who.Email, ev.Sequence, after.Sequence)
				}
				if want := after.StartsAt.UTC().Format("2006-01-02T15:04:05.000Z"); ev.Start != want {
					t.Errorf("%s: ical.js reads the start %s, want %s", who.Email, ev.Start, want)
				}
				if !strings.HasPrefix(ev.UID, fmt.Sprintf("session-%d-", after.ID)) {
					t.Errorf("%s: UID %q is not the session's", who.Email, ev.UID)
				}
				// The same UID as the invitation already in their calendar.
				if old := s.invitationBefore(t, who.Email, sent, after.ID); old != "" {
					if res := icalJS(t, old); len(res.Events) != 1 || res.Events[0].UID != ev.UID {
						t.Errorf("%s: the update's UID %q does not replace the invitation they hold (%+v)", who.Email, ev.UID, res.Events)
					}
				} else if who.ID == before.FacilitatorID {
					t.Errorf("%s: the demo left no earlier invitation to compare UIDs with", who.Email)
				}
			}
		})
	}
}

// firstScheduled is the demo's first scheduled session to come.
func firstScheduled(t *testing.T, s *site, now time.Time) models.ScheduledSession {
	t.Helper()
	ss, err := s.App.Store.ScheduledSessions(context.Background(), nil, now, now.AddDate(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range ss {
		if x.State == string(models.SessionScheduled) && x.StartsAt.After(now.Add(24*time.Hour)) {
			return x
		}
	}
	t.Fatal("the demo holds no scheduled session to come")
	return models.ScheduledSession{}
}

// replanCard is one affected session as the replan page shows it.
type replanCard struct{ Text, Before, After string }

// changeCard reads the replan page's card of the session of clsm.
func changeCard(t *testing.T, ctx context.Context, clsm string) replanCard {
	t.Helper()
	js, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const li = [...document.querySelectorAll('.replan-change')].find(li => li.querySelector('h3').textContent.includes(`+fmt.Sprintf("%q", clsm)+`));
		if (!li) return "";
		const text = sel => { const e = li.querySelector(sel); return e ? e.innerText : ""; };
		return JSON.stringify({Text: li.innerText, Before: text('.replan-before dd'), After: text('.replan-after dd') || text('.replan-none dd')});
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	var c replanCard
	if js == "" || json.Unmarshal([]byte(js), &c) != nil {
		t.Fatalf("the replan page has no card for %s:\n%s", clsm, browsertest.Text(t, ctx, "main"))
	}
	return c
}

// waitForUpdate waits for an email to addr, written after `after`,
// whose calendar part is session's with that SEQUENCE, and returns the part.
func (s *site) waitForUpdate(t *testing.T, addr string, after time.Time, session int64, seq int) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		for _, ics := range s.calendarsTo(t, addr, after, time.Now().Add(time.Hour)) {
			if strings.Contains(ics, fmt.Sprintf("UID:session-%d-", session)) && strings.Contains(ics, fmt.Sprintf("SEQUENCE:%d\r\n", seq)) {
				return ics
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no invitation to session %d with SEQUENCE %d mailed to %s", session, seq, addr)
	return ""
}

// invitationBefore is the calendar part of the last invitation to session
// mailed to addr before `before`, or "".
func (s *site) invitationBefore(t *testing.T, addr string, before time.Time, session int64) string {
	t.Helper()
	last := ""
	for _, ics := range s.calendarsTo(t, addr, time.Time{}, before) {
		if strings.Contains(ics, fmt.Sprintf("UID:session-%d-", session)) && strings.Contains(ics, "METHOD:REQUEST") {
			last = ics
		}
	}
	return last
}

// calendarsTo returns the text/calendar parts of the emails to addr
// written in [from, to), oldest first.
func (s *site) calendarsTo(t *testing.T, addr string, from, to time.Time) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(s.MailDir, "*.eml"))
	type found struct {
		at  time.Time
		ics string
	}
	var all []found
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil || st.ModTime().Before(from) || !st.ModTime().Before(to) {
			continue
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		msg, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if a, err := mail.ParseAddress(msg.Header.Get("To")); err != nil || !strings.EqualFold(a.Address, addr) {
			continue
		}
		if ics := calendarPart(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body); ics != "" {
			all = append(all, found{st.ModTime(), ics})
		}
	}
	out := make([]string, 0, len(all))
	for len(all) > 0 {
		i := 0
		for j := range all {
			if all[j].at.Before(all[i].at) {
				i = j
			}
		}
		out = append(out, all[i].ics)
		all = append(all[:i], all[i+1:]...)
	}
	return out
}

// calendarPart finds the text/calendar part of a MIME body, decoded.
func calendarPart(contentType, encoding string, body io.Reader) string {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				return ""
			}
			// multipart decodes quoted-printable itself and drops the header.
			if ics := calendarPart(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); ics != "" {
				return ics
			}
		}
	}
	if mt != "text/calendar" {
		return ""
	}
	if strings.EqualFold(encoding, "base64") {
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, _ := io.ReadAll(body)
	return string(b)
}

// icalJSResult is what mailer/testdata/icaljs/check.mjs prints.
type icalJSResult struct {
	Method string
	Events []struct {
		UID, Start string
		Sequence   int
	}
}

var (
	icalJSOnce sync.Once
	icalJSDir  string
	icalJSErr  error
)

// icalJS parses an .ics with Mozilla's ical.js through Node, with the
// mailer tests' script, installed once (npm ci) into the user's cache
// beside, not inside, the repository, so that the mailer tests' own
// install in mailer/testdata never races with this one.
func icalJS(t *testing.T, ics string) icalJSResult {
	t.Helper()
	icalJSOnce.Do(func() { icalJSDir, icalJSErr = installICalJS() })
	if icalJSErr != nil {
		t.Fatalf("install ical.js: %v", icalJSErr)
	}
	path := filepath.Join(t.TempDir(), "invitation.ics")
	if err := os.WriteFile(path, []byte(ics), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", filepath.Join(icalJSDir, "check.mjs"), path)
	cmd.Dir = icalJSDir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node check.mjs: %v\n%s", err, stderr.String())
	}
	var res icalJSResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("check.mjs output %q: %v", out, err)
	}
	return res
}

// installICalJS copies mailer/testdata/icaljs into a directory named
// after its lock file and runs npm ci there, once per lock file: a
// finished install is renamed into place, so a concurrent run sees either
// none or a whole one.
func installICalJS() (string, error) {
	src, err := filepath.Abs(filepath.Join("..", "..", "mailer", "testdata", "icaljs"))
	if err != nil {
		return "", err
	}
	lock, err := os.ReadFile(filepath.Join(src, "package-lock.json"))
	if err != nil {
		return "", err
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "quartier-icaljs", fmt.Sprintf("%x", lockHash(lock)))
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "ical.js", "package.json")); err == nil {
		return dir, nil
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "install-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	for _, f := range []string{"package.json", "package-lock.json", "check.mjs"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			return "", err
		}
		if err := os.WriteFile(filepath.Join(tmp, f), b, 0o644); err != nil {
			return "", err
		}
	}
	cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline")
	cmd.Dir = tmp
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("npm ci: %v\n%s", err, out)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, serr := os.Stat(filepath.Join(dir, "node_modules", "ical.js", "package.json")); serr == nil {
			return dir, nil // another run finished first
		}
		return "", err
	}
	return dir, nil
}

// lockHash names an install after its lock file.
func lockHash(b []byte) uint64 {
	h := fnv.New64a()
	h.Write(b)
	return h.Sum64()
}
