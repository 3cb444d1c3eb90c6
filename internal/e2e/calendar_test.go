package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"quartier/internal/browsertest"
	"quartier/internal/demo"
	"quartier/models"
)

// ensureDemoCalendars gives the demo facilitators their calendars when the
// demo seed has not done it already.
func ensureDemoCalendars(t *testing.T, s *site) {
	t.Helper()
	ctx := context.Background()
	fs, err := s.App.Store.Facilitators(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := s.App.Store.WeeklyPattern(ctx, fs[0].ID); err != nil || len(p) > 0 {
		return
	}
	d := demo.Deps{Store: s.App.Store, Geo: s.App.Geo, Now: s.App.Store.Now()}
	if err := demo.SeedCalendars(ctx, d, fs); err != nil {
		t.Fatal(err)
	}
}

// journeyICS is the facilitator's own agenda: one meeting on a Thursday,
// 10:00–11:30 Paris time.
func journeyICS(thursday time.Time) string {
	day := thursday.Format("20060102")
	return strings.Join([]string{"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Journey//FR", "BEGIN:VEVENT",
		"UID:journey-1@test", "DTSTAMP:20260101T000000Z", "DTSTART;TZID=Europe/Paris:" + day + "T100000",
		"DTEND;TZID=Europe/Paris:" + day + "T113000", "SUMMARY:Réunion partenaires", "END:VEVENT", "END:VCALENDAR", ""}, "\r\n")
}

// TestCalendarJourney: a facilitator sets a weekly pattern (after a
// mistake the form explains), adds a day off, imports an .ics file and
// sees all of it in the week view, on a desktop and on a 360 px phone.
func TestCalendarJourney(t *testing.T) {
	s := startSite(t)
	ensureDemoCalendars(t, s)
	ctx := browsertest.New(t)
	s.signIn(t, ctx, s.Manifest.Accounts.Facilitator)

	paris := models.LocationOf("Europe/Paris")
	now := time.Now().In(paris)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	monday := today.AddDate(0, 0, 7-int(today.Weekday()+6)%7+7) // the week after next
	y, w := monday.ISOWeek()
	week := fmt.Sprintf("%d-W%02d", y, w)

	// 1. The weekly pattern: Monday 7:30–19:00, first typed backwards.
	browsertest.Visit(t, ctx, s.URL+"/calendrier/disponibilites")
	submit := func(form string) chromedp.Action[chromedp.Void] {
		return chromedp.Click(chromedp.CSS(`form[action="` + form + `"] button[type=submit]`))
	}
	check := func(sel string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](`document.querySelector("`+sel+`").checked = true`)(ctx, t)
			return err
		})
	}
	if err := chromedp.Do(ctx,
		check("input[name='pattern.1.works']"),
		chromedp.SetValue(chromedp.CSS("#f-pattern-1-start"), "19:00"),
		chromedp.SetValue(chromedp.CSS("#f-pattern-1-end"), "07:30"),
		submit("/calendrier/disponibilites"),
		chromedp.WaitVisible(chromedp.CSS(".error-summary")),
	); err != nil {
		t.Fatalf("pattern with end before start: %v", err)
	}
	browsertest.CheckA11y(t, ctx)
	if msg := browsertest.Text(t, ctx, "#f-pattern-1-end-erreur"); !strings.Contains(msg, "après l'heure de début") {
		t.Errorf("error next to the field = %q", msg)
	}
	kept, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#f-pattern-1-start")))
	if err != nil || kept != "19:00" {
		t.Errorf("typed value not kept: %q %v", kept, err)
	}
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("#f-pattern-1-start"), "07:30"),
		chromedp.SetValue(chromedp.CSS("#f-pattern-1-end"), "19:00"),
		submit("/calendrier/disponibilites"),
		chromedp.WaitVisible(chromedp.CSS(".flash-success")),
	); err != nil {
		t.Fatalf("save the pattern: %v", err)
	}
	browsertest.CheckA11y(t, ctx)

	// 2. A day off on the Tuesday of that week.
	browsertest.Visit(t, ctx, s.URL+"/calendrier/exceptions")
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("#f-from"), monday.AddDate(0, 0, 1).Format("2006-01-02")),
		chromedp.SetValue(chromedp.CSS("#f-label"), "Jour de congé"),
		submit("/calendrier/exceptions"),
		chromedp.WaitVisible(chromedp.CSS(".flash-success")),
	); err != nil {
		t.Fatalf("add a day off: %v", err)
	}
	browsertest.CheckA11y(t, ctx)

	// 3. Import the agenda file.
	file := filepath.Join(t.TempDir(), "mon-agenda.ics")
	if err := os.WriteFile(file, []byte(journeyICS(monday.AddDate(0, 0, 3))), 0o600); err != nil {
		t.Fatal(err)
	}
	browsertest.Visit(t, ctx, s.URL+"/calendrier/import")
	if err := chromedp.Do(ctx,
		chromedp.SetUploadFiles(chromedp.CSS("#f-ics"), []string{file}),
		submit("/calendrier/import"),
		chromedp.WaitVisible(chromedp.CSS(".flash-success")),
	); err != nil {
		t.Fatalf("import the file: %v", err)
	}
	browsertest.CheckA11y(t, ctx)

	// 4. The week view shows it all.
	browsertest.Visit(t, ctx, s.URL+"/calendrier?semaine="+week)
	day := func(d time.Time) string { return browsertest.Text(t, ctx, "#j-"+d.Format("2006-01-02")+" ~ *") }
	tuesday := browsertest.Text(t, ctx, "section[aria-labelledby='j-"+monday.AddDate(0, 0, 1).Format("2006-01-02")+"']")
	if !strings.Contains(tuesday, "Indisponible") || !strings.Contains(tuesday, "Jour de congé") || strings.Contains(tuesday, "Libre") {
		t.Errorf("Tuesday = %q", tuesday)
	}
	thursday := browsertest.Text(t, ctx, "section[aria-labelledby='j-"+monday.AddDate(0, 0, 3).Format("2006-01-02")+"']")
	if !strings.Contains(thursday, "10 h 00 – 11 h 30 Occupé (agenda importé)") || !strings.Contains(thursday, "Libre") {
		t.Errorf("Thursday = %q", thursday)
	}
	if mon := day(monday); !strings.Contains(mon, "7 h 30") {
		t.Errorf("Monday = %q", mon)
	}

	// 5. On a 360 px phone the days stack and nothing overflows.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 800), chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	browsertest.CheckA11y(t, ctx)
	overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	if err != nil || overflow {
		t.Errorf("week view overflows a 360 px screen (%v)", err)
	}
}
