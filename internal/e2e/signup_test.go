package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"quartier/internal/browsertest"
)

// cancelLink is a participant's one-click cancel link in their email.
var cancelLink = regexp.MustCompile(`http://127\.0\.0\.1:\d+/annulation/[A-Za-z0-9_-]+`)

// icsUID is an iCalendar UID line.
var icsUID = regexp.MustCompile(`(?m)^UID:(\S+)\r?$`)

// person is someone a partner signs up.
type person struct{ first, last, email, category string }

func (p person) short() string { return p.first + " " + p.last[:1] + "." }

// signUpPerson fills the sign-up form of the page open in ctx with p and
// sends it, then waits for what the next page shows (waitFor).
func signUpPerson(t *testing.T, ctx context.Context, p person, waitFor string) {
	t.Helper()
	fill(t, ctx, map[string]string{"#f-first-name": p.first, "#f-last-name": p.last, "#f-email": p.email})
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#f-category-"+p.category))); err != nil {
		t.Fatalf("category %s: %v", p.category, err)
	}
	submitAndWaitFor(t, ctx, `section[aria-labelledby="inscrire"] form button[type=submit]`, waitFor)
}

// submitAndWaitFor clicks a button and waits for the next page to show
// waitFor: the page it leaves is marked, so that what it showed (a flash
// of the same kind) is not taken for the answer.
func submitAndWaitFor(t *testing.T, ctx context.Context, button, waitFor string) {
	t.Helper()
	eval[bool](t, ctx, `window.__left = true`)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(button))); err != nil {
		t.Fatalf("click %s: %v", button, err)
	}
	cond := `!window.__left && document.readyState === "complete" && !!document.querySelector(` + "`" + waitFor + "`" + `)`
	deadline := time.Now().Add(10 * time.Second)
	for {
		// The page navigates meanwhile: an evaluation may fail, try again.
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond)); err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s, no %s on the next page", button, waitFor)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// listed is the partner page's list of its people, one line each.
func listed(t *testing.T, ctx context.Context) []string {
	t.Helper()
	return eval[[]string](t, ctx, `[...document.querySelectorAll("ul.signup-people li")].map(li => li.textContent.replace(/\s+/g, " ").trim())`)
}

// line is the list's line of name, or "".
func line(lines []string, name string) string {
	for _, l := range lines {
		if strings.HasPrefix(l, name+" ") {
			return l
		}
	}
	return ""
}

// checkSignupContract checks the sign-up page's contract (issue 15): one
// <form method="post"> holding first_name, last_name, email and the four
// categories.
func checkSignupContract(t *testing.T, ctx context.Context) {
	t.Helper()
	got := eval[string](t, ctx, `(() => {
		const forms = [...document.querySelectorAll("form")].filter(f => f.getAttribute("method") === "post" && f.querySelector("[name=first_name]"));
		if (forms.length !== 1) return "sign-up forms: " + forms.length;
		const f = forms[0];
		const missing = ["first_name", "last_name", "email"].filter(n => !f.querySelector("input[name=" + n + "]"));
		const cats = [...f.querySelectorAll("input[name=category]")].map(i => i.value).sort().join(",");
		if (missing.length) return "missing " + missing.join(",");
		if (!f.querySelector("input[type=hidden]")) return "no hidden field";
		return cats;
	})()`)
	if got != "benevole,elu,habitant,professionnel" {
		t.Fatalf("sign-up form contract: %s", got)
	}
}

// waitForCalendar waits for an email to addr written after `after` whose
// calendar part has that METHOD and holds want, and returns the part.
func (s *site) waitForCalendar(t *testing.T, addr string, after time.Time, method, want string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		for _, ics := range s.calendarsTo(t, addr, after, time.Now().Add(time.Hour)) {
			if strings.Contains(ics, "METHOD:"+method+"\r\n") && strings.Contains(ics, want) {
				return ics
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no METHOD:%s holding %q mailed to %s", method, want, addr)
	return ""
}

// TestSignup_PartnerRegistersThenAParticipantCancels is issue 15's partner
// and participant story on the demo's sign-up race session (5 places left,
// 4 per organisation). A partner contact on a phone (360 px) opens its
// link (axe passes), registers people up to its cap (each confirmed and
// listed by first name and initial), and one more is refused in French with
// what was typed kept. A second partner at 1280 px takes the last place,
// then is told its next person goes on the waiting list, and cancels a
// third through the confirmation step. Then a participant of the first
// partner opens the cancel link of their invitation on a phone (axe
// passes), confirms, and reads that it is done: the first waiting person is
// promoted (an invitation, METHOD:REQUEST) and the participant gets a
// METHOD:CANCEL of their invitation's UID.
func TestSignup_PartnerRegistersThenAParticipantCancels(t *testing.T) {
	s := startSite(t)
	race := s.Manifest.SignupRace
	if race == nil || len(race.Links) < 2 || race.PlacesLeft != 5 || race.PerLink < 4 || race.PerLink >= race.PlacesLeft {
		t.Fatalf("the demo's sign-up race does not fit this test: %+v", race)
	}
	linkA, linkB := s.URL+race.Links[0], s.URL+race.Links[1]
	start := time.Now().Add(-time.Second)

	// Partner A, on a phone.
	ctx := browsertest.New(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 800)); err != nil {
		t.Fatal(err)
	}
	browsertest.Visit(t, ctx, linkA)
	checkSignupContract(t, ctx)
	fitsWidth(t, ctx, "sign-up page", 360)
	if l := listed(t, ctx); len(l) != 0 {
		t.Fatalf("a race organisation starts with people listed: %q", l)
	}
	var people []person
	for i := range race.PerLink {
		p := person{first: []string{"Amina", "Bruno", "Chloé", "Driss", "Élodie", "Farid"}[i%6], last: fmt.Sprintf("Zéphir%d", i),
			email: fmt.Sprintf("personne.a%d@participants.example.fr", i), category: []string{"habitant", "elu", "professionnel", "benevole"}[i%4]}
		people = append(people, p)
		signUpPerson(t, ctx, p, ".flash-success")
		if msg := browsertest.Text(t, ctx, ".flash-success"); !strings.Contains(msg, p.short()+" est inscrit·e") {
			t.Errorf("after signing up %s, the page says %q", p.short(), msg)
		}
		if l := line(listed(t, ctx), p.short()); !strings.Contains(l, "inscrit·e") {
			t.Errorf("%s listed as %q", p.short(), l)
		}
	}
	if l := listed(t, ctx); len(l) != race.PerLink {
		t.Errorf("listed after %d sign-ups: %q", race.PerLink, l)
	}
	for _, l := range listed(t, ctx) {
		if strings.Contains(l, "Zéphir") || strings.Contains(l, "@") {
			t.Errorf("the list shows more than a first name and an initial: %q", l)
		}
	}
	fitsWidth(t, ctx, "sign-up page with people", 360)

	// Beyond the organisation's cap: refused in French, what was typed kept.
	extra := person{first: "Gaspard", last: "Yvon", email: "gaspard.yvon@participants.example.fr", category: "habitant"}
	signUpPerson(t, ctx, extra, ".error-summary")
	if msg := browsertest.Text(t, ctx, ".error-summary"); !strings.Contains(msg, "le maximum par structure") {
		t.Errorf("beyond the cap, the page says %q", msg)
	}
	if v := value(t, ctx, "#f-first-name"); v != extra.first {
		t.Errorf("first name not kept after the refusal: %q", v)
	}
	if v := value(t, ctx, "#f-email"); v != extra.email {
		t.Errorf("email not kept after the refusal: %q", v)
	}
	if l := listed(t, ctx); len(l) != race.PerLink || line(l, extra.short()) != "" {
		t.Errorf("after the refusal, listed: %q", l)
	}
	fitsWidth(t, ctx, "sign-up page (refused)", 360)

	// Partner B, on a wide screen: the last place, then the waiting list.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	browsertest.Visit(t, ctx, linkB)
	fitsWidth(t, ctx, "second partner's sign-up page", 1280)
	last := person{first: "Hélène", last: "Xavier", email: "helene.xavier@participants.example.fr", category: "benevole"}
	signUpPerson(t, ctx, last, ".flash-success")
	if page := browsertest.Text(t, ctx, "main"); !strings.Contains(page, "La séance est complète") {
		t.Errorf("with every place taken, the page does not say the session is full")
	}
	waiting := person{first: "Inès", last: "Wagner", email: "ines.wagner@participants.example.fr", category: "professionnel"}
	signUpPerson(t, ctx, waiting, ".flash-info")
	if msg := browsertest.Text(t, ctx, ".flash-info"); !strings.Contains(msg, waiting.short()+" est sur liste d’attente (rang 1)") ||
		!strings.Contains(msg, "la séance est complète") {
		t.Errorf("on a full session, the page says %q", msg)
	}
	if l := line(listed(t, ctx), waiting.short()); !strings.Contains(l, "liste d’attente, rang 1") {
		t.Errorf("%s listed as %q", waiting.short(), l)
	}
	second := person{first: "Jules", last: "Vidal", email: "jules.vidal@participants.example.fr", category: "elu"}
	signUpPerson(t, ctx, second, ".flash-info")
	if l := line(listed(t, ctx), second.short()); !strings.Contains(l, "rang 2") {
		t.Errorf("%s listed as %q", second.short(), l)
	}
	fitsWidth(t, ctx, "second partner's page with a waiting list", 1280)
	if subject := s.waitForSubject(t, waiting.email, "liste d’attente", start); !strings.Contains(subject, "liste d’attente") {
		t.Errorf("waiting-list subject = %q", subject)
	}

	// Partner B cancels its second waiting person, through the confirmation.
	submitAndWaitFor(t, ctx, `button[aria-label="Annuler l’inscription de `+second.short()+`"]`, "section.confirm")
	if h1 := browsertest.Text(t, ctx, "h1"); !strings.Contains(h1, second.short()) {
		t.Errorf("confirmation heading = %q", h1)
	}
	fitsWidth(t, ctx, "partner's cancel confirmation", 1280)
	submitAndWaitFor(t, ctx, `main form button.contrast`, ".flash-success")
	if msg := browsertest.Text(t, ctx, ".flash-success"); !strings.Contains(msg, "L’inscription de "+second.short()+" est annulée") {
		t.Errorf("after cancelling, the page says %q", msg)
	}
	if l := line(listed(t, ctx), second.short()); l != "" {
		t.Errorf("%s still listed after cancelling: %q", second.short(), l)
	}
	if l := line(listed(t, ctx), waiting.short()); !strings.Contains(l, "rang 1") {
		t.Errorf("after the cancellation, %s is %q", waiting.short(), l)
	}

	// A participant of partner A cancels from their email, on a phone.
	leaver := people[0]
	invitation := s.waitForCalendar(t, leaver.email, start, "REQUEST", "SUMMARY")
	uid := icsUID.FindStringSubmatch(invitation)
	if uid == nil {
		t.Fatalf("the invitation has no UID:\n%s", invitation)
	}
	link := s.waitForCancelLink(t, leaver.email, start)
	pctx := browsertest.New(t)
	if err := chromedp.Do(pctx, chromedp.EmulateViewport(360, 800)); err != nil {
		t.Fatal(err)
	}
	browsertest.Visit(t, pctx, link)
	if h1 := browsertest.Text(t, pctx, "h1"); h1 != "Annuler votre inscription" {
		t.Errorf("cancel page heading = %q", h1)
	}
	fitsWidth(t, pctx, "participant's cancel page", 360)
	cancelled := time.Now().Add(-time.Second)
	submitAndWaitFor(t, pctx, `main form button.contrast`, ".flash-success")
	if msg := browsertest.Text(t, pctx, ".flash-success"); !strings.Contains(msg, "Votre inscription est annulée") {
		t.Errorf("after cancelling, the participant reads %q", msg)
	}
	if h1 := browsertest.Text(t, pctx, "h1"); h1 != "Votre inscription est annulée" {
		t.Errorf("after cancelling, the heading is %q", h1)
	}
	if n := eval[int](t, pctx, `document.querySelectorAll("main form").length`); n != 0 {
		t.Errorf("the cancelled registration's page still offers %d form(s)", n)
	}
	fitsWidth(t, pctx, "participant's cancel page (done)", 360)

	s.waitForCalendar(t, leaver.email, cancelled, "CANCEL", "UID:"+uid[1])
	promoted := s.waitForCalendar(t, waiting.email, cancelled, "REQUEST", "SUMMARY")
	if strings.Contains(promoted, "UID:"+uid[1]) {
		t.Errorf("the promoted person got the leaver's calendar entry")
	}
	browsertest.Visit(t, ctx, linkB)
	if l := line(listed(t, ctx), waiting.short()); !strings.Contains(l, "inscrit·e") || strings.Contains(l, "attente") {
		t.Errorf("after the participant's cancellation, %s is listed as %q", waiting.short(), l)
	}
	browsertest.Visit(t, ctx, linkA)
	if l := line(listed(t, ctx), leaver.short()); l != "" {
		t.Errorf("the participant who cancelled is still listed: %q", l)
	}
}

// mailFiles are the finished .eml files written after `after`, with the
// recipient, subject and decoded plain-text parts of each.
func (s *site) mailFiles(t *testing.T, after time.Time) []sentMail {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(s.MailDir, "*.eml"))
	var out []sentMail
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), ".") {
			continue // still being written
		}
		st, err := os.Stat(f)
		if err != nil || st.ModTime().Before(after) {
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
		m := sentMail{}
		if a, err := mail.ParseAddress(msg.Header.Get("To")); err == nil {
			m.to = a.Address
		}
		m.subject, _ = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		m.text = textParts(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
		out = append(out, m)
	}
	return out
}

// sentMail is one message of the mail directory.
type sentMail struct{ to, subject, text string }

// textParts is the decoded text/plain parts of a MIME body, nested
// multiparts included.
func textParts(contentType, encoding string, body io.Reader) string {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	if strings.HasPrefix(mt, "multipart/") {
		var all strings.Builder
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				return all.String()
			}
			all.WriteString(textParts(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p))
		}
	}
	if mt != "text/plain" {
		return ""
	}
	switch strings.ToLower(encoding) {
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	}
	b, _ := io.ReadAll(body)
	return string(b)
}

// waitForCancelLink waits for a message to addr written after `after`
// whose text holds a cancel link, and returns the link.
func (s *site) waitForCancelLink(t *testing.T, addr string, after time.Time) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		for _, m := range s.mailFiles(t, after) {
			if l := cancelLink.FindString(m.text); l != "" && strings.EqualFold(m.to, addr) {
				return l
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no cancel link mailed to %s", addr)
	return ""
}

// waitForSubject waits for a message to addr written after `after` whose
// subject holds want, and returns the subject.
func (s *site) waitForSubject(t *testing.T, addr, want string, after time.Time) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		for _, m := range s.mailFiles(t, after) {
			if strings.EqualFold(m.to, addr) && strings.Contains(m.subject, want) {
				return m.subject
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no message to %s whose subject says %q", addr, want)
	return ""
}
