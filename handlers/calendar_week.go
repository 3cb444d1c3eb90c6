package handlers

import (
	"fmt"
	"net/http"
	"time"
	"unicode"

	"github.com/labstack/echo/v4"

	"quartier/frtime"
	"quartier/models"
)

// weekPage is the data of a facilitator's week view.
type weekPage struct {
	Tabs             []calTab
	Title            string // « Semaine du 7 au 13 décembre 2026 »
	Zone             string // « heure de Paris »
	Prev, Next, This string // week query values
	Month            string // « 2026-12 », for the month view
	Days             []calDay
	Empty            bool // no pattern yet
}

// showWeek shows one ISO week (?semaine=2026-W49, this week by default).
func (h *Handler) showWeek(c echo.Context) error {
	u := currentUser(c)
	loc := models.LocationOf(u.TimeZone)
	monday, err := h.weekParam(c, loc)
	if err != nil {
		return err
	}
	cal, err := h.oneCalendar(c, u.ID, monday, 7, loc)
	if err != nil {
		return err
	}
	sunday := monday.AddDate(0, 0, 6)
	p := weekPage{
		Tabs: tabs("/calendrier"), Title: weekTitle(monday, sunday), Zone: frtime.ZoneLabel(loc.String()),
		Prev: isoWeek(monday.AddDate(0, 0, -7)), Next: isoWeek(monday.AddDate(0, 0, 7)), This: isoWeek(mondayOf(h.now(), loc)),
		Month: monday.Format("2006-01"), Days: calDays(cal, monday, 7, h.now(), h.communeName), Empty: len(cal.Pattern) == 0,
	}
	return h.render(c, http.StatusOK, pageCalendarWeek, "calendar", p)
}

// weekParam reads ?semaine=, this week when absent.
func (h *Handler) weekParam(c echo.Context, loc *time.Location) (time.Time, error) {
	q := c.QueryParam("semaine")
	if q == "" {
		return mondayOf(h.now(), loc), nil
	}
	monday, ok := parseISOWeek(q)
	if !ok {
		return monday, newPageError(http.StatusBadRequest, "Semaine inconnue",
			"Cette semaine n'existe pas : l'adresse attend une semaine comme « 2026-W49 ».", "Revenez à la semaine en cours depuis le menu « Mon calendrier ».")
	}
	return monday, nil
}

// oneCalendar loads a facilitator's calendar for n days from first (a date) in loc.
func (h *Handler) oneCalendar(c echo.Context, userID int64, first time.Time, n int, loc *time.Location) (models.FacilitatorCalendar, error) {
	from := time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, loc)
	to := time.Date(first.Year(), first.Month(), first.Day()+n, 0, 0, 0, 0, loc)
	cals, err := h.store.FacilitatorCalendars(c.Request().Context(), []int64{userID}, from, to)
	if err != nil {
		return models.FacilitatorCalendar{}, err
	}
	if len(cals) == 0 {
		return models.FacilitatorCalendar{}, &models.NotFoundError{What: "facilitator"}
	}
	return cals[0], nil
}

// communeName names a commune, "" when unknown.
func (h *Handler) communeName(insee string) string {
	if cm, ok := h.geo.Commune(insee); ok {
		return cm.Name
	}
	return ""
}

// weekTitle writes « Semaine du 7 au 13 décembre 2026 ».
func weekTitle(monday, sunday time.Time) string {
	switch {
	case monday.Year() != sunday.Year():
		return fmt.Sprintf("Semaine du %s %d au %s %d", dayMonth(monday), monday.Year(), dayMonth(sunday), sunday.Year())
	case monday.Month() != sunday.Month():
		return fmt.Sprintf("Semaine du %s au %s %d", dayMonth(monday), dayMonth(sunday), sunday.Year())
	}
	return fmt.Sprintf("Semaine du %s au %s %d", dayMonthDay(monday), dayMonth(sunday), sunday.Year())
}

// dayMonthDay is the day number alone (« 1er », « 7 »).
func dayMonthDay(t time.Time) string {
	if t.Day() == 1 {
		return "1er"
	}
	return fmt.Sprint(t.Day())
}

// monthPage is the data of the month view.
type monthPage struct {
	Tabs             []calTab
	Title            string // « Décembre 2026 »
	Zone             string
	Prev, Next, This string
	Blanks           []struct{} // empty cells before the 1st (Monday first)
	Days             []monthDay
}

// monthDay is one day of the month view, summarised.
type monthDay struct {
	calDay
	Week string // the ISO week, to open the week view
	Free []string
	Busy int
}

// showMonth shows one month (?mois=2026-12, this month by default).
func (h *Handler) showMonth(c echo.Context) error {
	u := currentUser(c)
	loc := models.LocationOf(u.TimeZone)
	now := h.now().In(loc)
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	if q := c.QueryParam("mois"); q != "" {
		t, err := time.Parse("2006-01", q)
		if err != nil {
			return newPageError(http.StatusBadRequest, "Mois inconnu",
				"Ce mois n'existe pas : l'adresse attend un mois comme « 2026-12 ».", "Revenez au mois en cours depuis le calendrier.")
		}
		first = t
	}
	n := first.AddDate(0, 1, 0).Sub(first).Hours() / 24
	cal, err := h.oneCalendar(c, u.ID, first, int(n), loc)
	if err != nil {
		return err
	}
	p := monthPage{
		Tabs: tabs("/calendrier/mois"), Zone: frtime.ZoneLabel(loc.String()),
		Title: capitalize(frtime.Month(first.Month())) + fmt.Sprintf(" %d", first.Year()),
		Prev:  first.AddDate(0, -1, 0).Format("2006-01"), Next: first.AddDate(0, 1, 0).Format("2006-01"),
		This: now.Format("2006-01"), Blanks: make([]struct{}, int(first.Weekday()+6)%7),
	}
	for _, d := range calDays(cal, first, int(n), h.now(), h.communeName) {
		md := monthDay{calDay: d, Week: isoWeek(d.Date)}
		for _, it := range d.Items {
			switch it.Class {
			case "slot-available":
				md.Free = append(md.Free, it.Time)
			case "slot-busy-imported", "slot-busy-manual":
				md.Busy++
			}
		}
		p.Days = append(p.Days, md)
	}
	return h.render(c, http.StatusOK, pageCalendarMonth, "calendar", p)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return string(unicode.ToUpper(r[0])) + string(r[1:])
}

// adminWeekPage is every facilitator's week side by side.
type adminWeekPage struct {
	Title            string
	Prev, Next, This string
	Dates            []string      // column heads: « lundi 7 décembre »
	People           []adminRow    // one row per facilitator of this page
	Pages            calendarPager // the pages of facilitators
}

// calendarsPerPage bounds the facilitators on one page of the admin's
// calendars: each row costs its week's slots, busy times and sessions.
const calendarsPerPage = 15

// adminRow is one facilitator's week.
type adminRow struct {
	Name, Zone string
	Days       []calDay
}

// showAllCalendars shows every active facilitator's week, side by side.
func (h *Handler) showAllCalendars(c echo.Context) error {
	paris := models.LocationOf("Europe/Paris")
	monday, err := h.weekParam(c, paris)
	if err != nil {
		return err
	}
	// A day wider each side: overseas zones see the same dates at other instants.
	from := time.Date(monday.Year(), monday.Month(), monday.Day()-1, 0, 0, 0, 0, time.UTC)
	ctx := c.Request().Context()
	page := calendarPage(c)
	cals, total, err := h.store.FacilitatorCalendarPage(ctx, (page-1)*calendarsPerPage, calendarsPerPage, from, from.AddDate(0, 0, 9))
	if err != nil {
		return err
	}
	sunday := monday.AddDate(0, 0, 6)
	p := adminWeekPage{
		Title: weekTitle(monday, sunday), Prev: isoWeek(monday.AddDate(0, 0, -7)),
		Next: isoWeek(monday.AddDate(0, 0, 7)), This: isoWeek(mondayOf(h.now(), paris)),
		Pages: newCalendarPager(page, total, calendarsPerPage, "/admin/calendriers?semaine="+isoWeek(monday)),
	}
	for i := range 7 {
		d := monday.AddDate(0, 0, i)
		p.Dates = append(p.Dates, dayTitle(d))
	}
	for _, cal := range cals {
		p.People = append(p.People, adminRow{Name: cal.User.Name, Zone: frtime.ZoneLabel(models.LocationOf(cal.User.TimeZone).String()),
			Days: calDays(cal, monday, 7, h.now(), h.communeName)})
	}
	return h.render(c, http.StatusOK, pageCalendarAdmin, "calendars", p)
}
