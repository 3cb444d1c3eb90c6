package mailer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"
)

// zoneCase is a session at local wall-clock 14:00–17:00 on a date in a zone.
type zoneCase struct {
	zone       string
	y          int
	m          time.Month
	d          int
	wantOffset time.Duration // the zone's UTC offset that day, from an outside source
}

// zoneCases straddle DST changes (Paris: 29 March and 25 October 2026;
// Sydney: 5 April and 4 October 2026) and cover the overseas zones.
// The expected offsets are written out, not computed with Go's tzdata, so
// the test does not only compare Go with itself.
func zoneCases() []zoneCase {
	return []zoneCase{
		{"Europe/Paris", 2026, 3, 27, 1 * time.Hour},
		{"Europe/Paris", 2026, 3, 30, 2 * time.Hour},
		{"Europe/Paris", 2026, 10, 23, 2 * time.Hour},
		{"Europe/Paris", 2026, 10, 26, 1 * time.Hour},
		{"Europe/Paris", 2027, 1, 12, 1 * time.Hour},
		{"America/Martinique", 2026, 3, 30, -4 * time.Hour},
		{"America/Guadeloupe", 2026, 7, 1, -4 * time.Hour},
		{"America/Cayenne", 2026, 11, 2, -3 * time.Hour},
		{"Indian/Reunion", 2026, 3, 30, 4 * time.Hour},
		{"Indian/Mayotte", 2026, 10, 26, 3 * time.Hour},
		{"Australia/Sydney", 2026, 4, 3, 11 * time.Hour},
		{"Australia/Sydney", 2026, 4, 6, 10 * time.Hour},
		{"UTC", 2026, 5, 12, 0},
	}
}

func (zc zoneCase) session(t testing.TB) SessionInfo {
	loc, err := time.LoadLocation(zc.zone)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(zc.y, zc.m, zc.d, 14, 0, 0, 0, loc)
	return SessionInfo{ID: 9, Title: "Séance ; avec, des « caractères » spéciaux\\", Start: start, End: start.Add(3 * time.Hour),
		Zone: zc.zone, VenueName: "Salle polyvalente", Address: "1 rue de la Paix, 97200 Fort-de-France",
		AccessNote: "Ascenseur à gauche, puis 2e étage — accès PMR par la rampe nord, à côté du parking vélos, très long texte pour plier la ligne."}
}

// wantUTC is the session's start and end as UTC instants, from the
// hand-written offset.
func (zc zoneCase) wantUTC() (time.Time, time.Time) {
	start := time.Date(zc.y, zc.m, zc.d, 14, 0, 0, 0, time.UTC).Add(-zc.wantOffset)
	return start, start.Add(3 * time.Hour)
}

func composeICS(t testing.TB, c *Composer, s SessionInfo, cancel bool) string {
	t.Helper()
	d := InvitationData{Key: "k", Session: s, AttendeeName: `Zoé "Zozo" N’Diaye`, AttendeeEmail: "Zoe@example.org", Sequence: 0}
	build := c.Invitation
	if cancel {
		d.Sequence, build = 3, c.Cancellation
	}
	env, err := build(d)
	if err != nil {
		t.Fatal(err)
	}
	return decodeEnvelope(t, env).Calendar.Content
}

func TestICS_GoICalRoundTrip(t *testing.T) {
	c := testComposer(t)
	for _, zc := range zoneCases() {
		for _, cancel := range []bool{false, true} {
			ics := composeICS(t, c, zc.session(t), cancel)
			for i, line := range strings.Split(strings.TrimSuffix(ics, "\r\n"), "\r\n") {
				if len(line) > 75 {
					t.Errorf("%s: line %d is %d octets: %q", zc.zone, i+1, len(line), line)
				}
			}
			cal, err := goical.NewDecoder(strings.NewReader(ics)).Decode()
			if err != nil {
				t.Fatalf("%s: go-ical cannot read its own output: %v\n%s", zc.zone, err, ics)
			}
			method, _ := cal.Props.Text(goical.PropMethod)
			wantMethod, wantStatus, wantSeq := "REQUEST", "CONFIRMED", "0"
			if cancel {
				wantMethod, wantStatus, wantSeq = "CANCEL", "CANCELLED", "3"
			}
			evs := cal.Events()
			if method != wantMethod || len(evs) != 1 {
				t.Fatalf("%s: METHOD %q, %d events", zc.zone, method, len(evs))
			}
			ev := evs[0]
			start, err := ev.DateTimeStart(nil)
			if err != nil {
				t.Fatal(err)
			}
			end, _ := ev.DateTimeEnd(nil)
			ws, we := zc.wantUTC()
			if !start.Equal(ws) || !end.Equal(we) {
				t.Errorf("%s %d-%02d-%02d: %v – %v, want %v – %v", zc.zone, zc.y, zc.m, zc.d, start.UTC(), end.UTC(), ws, we)
			}
			if tzid := ev.Props.Get(goical.PropDateTimeStart).Params.Get(goical.PropTimezoneID); zc.zone != "UTC" && tzid != zc.zone {
				t.Errorf("%s: DTSTART TZID = %q", zc.zone, tzid)
			}
			summary, _ := ev.Props.Text(goical.PropSummary)
			status, _ := ev.Props.Text(goical.PropStatus)
			seq := ev.Props.Get(goical.PropSequence).Value
			uid, _ := ev.Props.Text(goical.PropUID)
			att := ev.Props.Get(goical.PropAttendee)
			org := ev.Props.Get(goical.PropOrganizer)
			if !strings.Contains(summary, "«\u00a0caractères\u00a0»") || status != wantStatus || seq != wantSeq ||
				!strings.HasPrefix(uid, "session-9-") || att == nil || att.Params.Get("RSVP") != "FALSE" ||
				att.Params.Get("CN") != "Zoé Zozo N’Diaye" || att.Value != "mailto:Zoe@example.org" ||
				org == nil || org.Value != "mailto:ne-pas-repondre@quartier.example.org" {
				t.Errorf("%s: properties wrong:\n%s", zc.zone, ics)
			}
			for _, p := range []string{goical.PropDateTimeStamp, goical.PropLocation, goical.PropDescription} {
				if ev.Props.Get(p) == nil {
					t.Errorf("%s: no %s", zc.zone, p)
				}
			}
			if zc.zone != "UTC" && len(cal.Children) != 2 {
				t.Errorf("%s: want a VTIMEZONE and a VEVENT, got %d components", zc.zone, len(cal.Children))
			}
		}
	}
}

// TestICS_StoredTextWithControls: an attendee's name or a session's texts
// stored with CR/LF or a double quote still give an invitation.
func TestICS_StoredTextWithControls(t *testing.T) {
	c := testComposer(t)
	s := choletSession()
	s.Title = "Séance\r\nde sensibilisation"
	s.VenueName = "Centre social \"Le Verger\"\r\n"
	for _, name := range []string{"Zoé\r\nN’Diaye", `Zoé "Zozo" N’Diaye`, "Zoé\rN’Diaye\x00"} {
		env, err := c.Invitation(InvitationData{Key: "k", Session: s, AttendeeName: name, AttendeeEmail: "zoe@example.org"})
		if err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		ics := decodeEnvelope(t, env).Calendar.Content
		cal, err := goical.NewDecoder(strings.NewReader(ics)).Decode()
		if err != nil {
			t.Fatalf("%q: decode: %v\n%s", name, err, ics)
		}
		ev := cal.Events()[0]
		cn := ev.Props.Get(goical.PropAttendee).Params.Get(goical.ParamCommonName)
		summary, _ := ev.Props.Text(goical.PropSummary)
		if strings.ContainsAny(cn, "\"\r\n\x00") || !strings.HasPrefix(cn, "Zoé") || summary != "Séance de sensibilisation" {
			t.Errorf("%q: CN %q, SUMMARY %q", name, cn, summary)
		}
	}
}

func TestICS_UIDStablePerSessionAndAttendee(t *testing.T) {
	c := testComposer(t)
	if a, b := c.eventUID(1, "Zoe@Example.org "), c.eventUID(1, "zoe@example.org"); a != b {
		t.Errorf("UID depends on address case: %s / %s", a, b)
	}
	if c.eventUID(1, "a@example.org") == c.eventUID(2, "a@example.org") || c.eventUID(1, "a@example.org") == c.eventUID(1, "b@example.org") {
		t.Error("UIDs collide")
	}
	if strings.Contains(c.eventUID(1, "a@example.org"), "example.org") && !strings.HasSuffix(c.eventUID(1, "a@example.org"), "@quartier.example.org") {
		t.Error("UID discloses the address")
	}
}

var (
	npmOnce sync.Once
	npmErr  error
)

// icalJS parses an .ics file with Mozilla's ical.js through Node.
func icalJS(t *testing.T, ics string) icalJSResult {
	t.Helper()
	if testing.Short() {
		t.Skip("ical.js check needs Node; skipped with -short")
	}
	dir, err := filepath.Abs(filepath.Join("testdata", "icaljs"))
	if err != nil {
		t.Fatal(err)
	}
	npmOnce.Do(func() { npmErr = installICalJS(dir) })
	if npmErr != nil {
		t.Fatal(npmErr)
	}
	path := filepath.Join(t.TempDir(), "invitation.ics")
	if err := os.WriteFile(path, []byte(ics), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", filepath.Join(dir, "check.mjs"), path)
	cmd.Dir = dir
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

// installICalJS installs the pinned ical.js into dir/node_modules. npm ci
// empties node_modules before filling it, and scripts/test.sh runs two test
// processes at once, so one of them could read a half-written package: the
// install runs in a scratch directory beside it and is renamed into place,
// and a process sees either no node_modules or a complete one.
func installICalJS(dir string) error {
	final := filepath.Join(dir, "node_modules")
	installed := func() bool {
		_, err := os.Stat(filepath.Join(final, "ical.js", "package.json"))
		return err == nil
	}
	if installed() {
		return nil
	}
	scratch, err := os.MkdirTemp(dir, "node_modules-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(scratch)
	for _, name := range []string{"package.json", "package-lock.json"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(scratch, name), b, 0o644); err != nil {
			return err
		}
	}
	cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = scratch
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("npm ci in %s: %v\n%s", scratch, err, out)
	}
	if err := os.Rename(filepath.Join(scratch, "node_modules"), final); err != nil && !installed() {
		return fmt.Errorf("installing ical.js (remove %s if a run was interrupted): %w", final, err)
	}
	return nil
}

type icalJSResult struct {
	Method, Version, Prodid string
	Zones                   []string
	Events                  []struct {
		UID, Summary, Location, Description, Status  string
		Sequence                                     int
		Dtstamp, Start, End, StartZone, StartLocal   string
		Organizer, OrganizerCN, Attendee, AttendeeCN string
		RSVP                                         string `json:"rsvp"`
	}
}

func TestICS_IndependentParser(t *testing.T) {
	c := testComposer(t)
	for _, zc := range zoneCases() {
		for _, cancel := range []bool{false, true} {
			s := zc.session(t)
			ics := composeICS(t, c, s, cancel)
			res := icalJS(t, ics)
			if len(res.Events) != 1 {
				t.Fatalf("%s: ical.js sees %d events", zc.zone, len(res.Events))
			}
			ev := res.Events[0]
			ws, we := zc.wantUTC()
			const iso = "2006-01-02T15:04:05.000Z"
			if ev.Start != ws.Format(iso) || ev.End != we.Format(iso) {
				t.Errorf("%s %d-%02d-%02d: ical.js reads %s – %s, want %s – %s", zc.zone, zc.y, zc.m, zc.d,
					ev.Start, ev.End, ws.Format(iso), we.Format(iso))
			}
			wantMethod, wantStatus, wantSeq := "REQUEST", "CONFIRMED", 0
			if cancel {
				wantMethod, wantStatus, wantSeq = "CANCEL", "CANCELLED", 3
			}
			wantZone, wantLocal := zc.zone, time.Date(zc.y, zc.m, zc.d, 14, 0, 0, 0, time.UTC).Format("2006-01-02T15:04:05")
			if zc.zone == "UTC" {
				wantLocal += "Z"
			}
			if res.Method != wantMethod || res.Version != "2.0" || ev.Status != wantStatus || ev.Sequence != wantSeq ||
				ev.StartZone != wantZone || ev.StartLocal != wantLocal ||
				ev.UID != c.eventUID(9, "zoe@example.org") || ev.Summary != frenchTypography(s.Title) ||
				ev.Location != "Salle polyvalente, 1 rue de la Paix, 97200 Fort-de-France" ||
				!strings.Contains(ev.Description, "accès PMR par la rampe nord, à côté du parking vélos") ||
				ev.Organizer != "mailto:ne-pas-repondre@quartier.example.org" || ev.OrganizerCN != "La santé mentale dans mon quartier" ||
				ev.Attendee != "mailto:Zoe@example.org" || ev.AttendeeCN != "Zoé Zozo N’Diaye" || ev.RSVP != "FALSE" ||
				ev.Dtstamp != "2026-04-02T09:30:00.000Z" {
				t.Errorf("%s (cancel %v): ical.js reads %+v (method %s, zones %v)", zc.zone, cancel, ev, res.Method, res.Zones)
			}
		}
	}
}
