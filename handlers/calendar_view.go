package handlers

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"quartier/frtime"
	"quartier/models"
)

// calItem is one line of a calendar day: free time, busy time (imported or
// typed), unavailability or a session. Label says in words what the
// colour shows, so nothing is told by colour alone.
type calItem struct {
	Class  string // CSS class: slot-available, slot-busy-imported, …
	Label  string // « Libre », « Occupé », « Séance »…
	Time   string // « 8 h 00 – 19 h 00 »
	Detail string
	start  time.Time
}

// calDay is one day of a calendar view.
type calDay struct {
	Date     time.Time // local midnight
	Title    string    // « lundi 7 décembre »
	Today    bool
	Off      bool   // unavailable all day
	OffLabel string // « Congé », or the holiday: « Noël »
	Holiday  bool   // a public holiday: not worked
	Items    []calItem
	Sessions int
}

// calDays builds the days [first, first+n) of a facilitator's calendar in
// their zone. communeName names a commune for the sessions.
func calDays(c models.FacilitatorCalendar, first time.Time, n int, now time.Time, communeName func(string) string) []calDay {
	loc := models.LocationOf(c.User.TimeZone)
	dept := frtime.DepartementOfCommune(c.User.HomeINSEE)
	ty, tm, td := now.In(loc).Date()
	days := make([]calDay, 0, n)
	// Free time as the officer reads it: sessions are not free either.
	booked := make([]models.TimeRange, 0, len(c.Sessions))
	for _, x := range c.Sessions {
		booked = append(booked, models.TimeRange{Start: x.StartsAt, End: x.EndsAt})
	}
	booked = models.MergeRanges(booked)
	// The free time of the whole period at once, then cut at each midnight:
	// working time and busy time are sets of instants, so a day's share of
	// the period's is the day's own.
	free := models.SubtractRanges(c.Available(time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, loc),
		time.Date(first.Year(), first.Month(), first.Day()+n, 0, 0, 0, 0, loc)), booked)
	for i := range n {
		start := time.Date(first.Year(), first.Month(), first.Day()+i, 0, 0, 0, 0, loc)
		end := time.Date(first.Year(), first.Month(), first.Day()+i+1, 0, 0, 0, 0, loc)
		d := calDay{Date: start, Title: dayTitle(start)}
		if y, m, dd := start.Date(); y == ty && m == tm && dd == td {
			d.Today = true
		}
		span := func(s, e time.Time) string { return clockRange(s, e, start, end, loc) }
		if name := frtime.Holiday(start, dept); name != "" {
			d.Off, d.OffLabel, d.Holiday = true, name, true
		}
		for _, r := range free { // merged and sorted: the day's share, cut at its midnights
			if !r.End.After(start) {
				continue
			}
			if !r.Start.Before(end) {
				break
			}
			r.Start, r.End = later(r.Start, start), earlier(r.End, end)
			d.Items = append(d.Items, calItem{Class: "slot-available", Label: "Libre", Time: span(r.Start, r.End), start: r.Start})
		}
		for _, b := range c.Busy {
			if !b.StartsAt.Before(end) || !b.EndsAt.After(start) {
				continue
			}
			it := calItem{Class: "slot-busy-imported", Label: "Occupé (agenda importé)", Time: span(b.StartsAt, b.EndsAt), start: b.StartsAt}
			if b.Source == models.BusyManual {
				it.Class, it.Label = "slot-busy-manual", "Occupé"
				if b.Label != "" {
					it.Label += " : " + b.Label
				}
			}
			d.Items = append(d.Items, it)
		}
		for _, e := range c.Exceptions {
			day := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC)
			if e.Kind != models.ExceptionUnavailable || day.Before(e.StartsOn.UTC()) || day.After(e.EndsOn.UTC()) {
				continue
			}
			label := e.Label
			if label == "" {
				label = "Indisponible"
			}
			if e.AllDay() {
				if !d.Holiday {
					d.Off, d.OffLabel = true, label
				}
				continue
			}
			s := time.Date(start.Year(), start.Month(), start.Day(), 0, e.StartMinute, 0, 0, loc)
			t := time.Date(start.Year(), start.Month(), start.Day(), 0, e.EndMinute, 0, 0, loc)
			d.Items = append(d.Items, calItem{Class: "slot-off", Label: "Indisponible : " + label, Time: span(s, t), start: s})
		}
		for _, x := range c.Sessions {
			if !x.StartsAt.Before(end) || !x.EndsAt.After(start) {
				continue
			}
			d.Sessions++
			d.Items = append(d.Items, calItem{Class: "slot-session", Label: sessionLabel(x, communeName),
				Time: span(x.StartsAt, x.EndsAt), Detail: sessionDetail(x), start: x.StartsAt})
		}
		slices.SortStableFunc(d.Items, func(a, b calItem) int { return a.start.Compare(b.start) })
		days = append(days, d)
	}
	return days
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// sessionLabel is « Séance à Roubaix » (or « Séance en ligne »), and
// « Séance proposée à Roubaix (en attente de réponse) » while the
// coordinator has not confirmed the date.
func sessionLabel(x models.ScheduledSession, communeName func(string) string) string {
	head, tail := "Séance", ""
	if x.State == string(models.SessionProposed) {
		head, tail = "Séance proposée", " (en attente de réponse)"
	}
	if x.Remote() {
		return head + " en ligne" + tail
	}
	if n := communeName(x.CommuneINSEE); n != "" {
		return head + " à " + n + tail
	}
	return head + tail
}

// sessionDetail gives the place and the co-organiser.
func sessionDetail(x models.ScheduledSession) string {
	var parts []string
	if where := strings.Trim(strings.TrimSpace(x.VenueName)+", "+strings.TrimSpace(x.VenueAddress), ", "); where != "" && !x.Remote() {
		parts = append(parts, where)
	}
	org := x.CLSMName
	if x.CoordinatorName != "" {
		org = x.CoordinatorName + " (" + x.CLSMName + ")"
	}
	parts = append(parts, "avec "+org)
	return strings.Join(parts, " — ")
}

// clockRange writes « 8 h 00 – 19 h 00 » for [s, e) seen on the day
// [dayStart, dayEnd): a span that began the day before or ends the day
// after says so.
func clockRange(s, e, dayStart, dayEnd time.Time, loc *time.Location) string {
	var buf [48]byte
	b := buf[:0]
	if s.Before(dayStart) {
		b = append(b, "la veille"...)
	} else {
		b = frtime.AppendClock(b, s.In(loc))
	}
	b = append(b, " – "...)
	switch {
	case e.After(dayEnd):
		b = append(b, "le lendemain"...)
	case e.Equal(dayEnd):
		b = append(b, "24 h 00"...)
	default:
		b = frtime.AppendClock(b, e.In(loc))
	}
	return string(b)
}

// dayTitle writes « lundi 7 décembre » (in one allocation: every day of
// every calendar has one).
func dayTitle(t time.Time) string {
	return frtime.Weekday(t.Weekday()) + " " + dayNumber(t.Day()) + " " + frtime.Month(t.Month())
}

func dayNumber(d int) string {
	if d == 1 {
		return "1er"
	}
	return strconv.Itoa(d)
}

// dayMonth writes « 7 décembre ».
func dayMonth(t time.Time) string { return dayNumber(t.Day()) + " " + frtime.Month(t.Month()) }

var isoWeekPattern = regexp.MustCompile(`^(\d{4})-W(\d{2})$`)

// parseISOWeek reads « 2026-W49 » into the Monday of that week (UTC date).
func parseISOWeek(s string) (time.Time, bool) {
	m := isoWeekPattern.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, false
	}
	y, _ := strconv.Atoi(m[1])
	w, _ := strconv.Atoi(m[2])
	jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, time.UTC)
	wd := int(jan4.Weekday()+6) % 7 // Monday = 0
	monday := jan4.AddDate(0, 0, -wd+(w-1)*7)
	if gy, gw := monday.ISOWeek(); gy != y || gw != w {
		return time.Time{}, false
	}
	return monday, true
}

// isoWeek writes the week of t as « 2026-W49 ».
func isoWeek(t time.Time) string {
	y, w := t.ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

// mondayOf is the Monday (a UTC date) of t's week in loc.
func mondayOf(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	d := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
	return d.AddDate(0, 0, -int(d.Weekday()+6)%7)
}

// parseClock reads « 08:30 », « 8:30 », « 8h30 », « 8 h » or « 24:00 »
// into minutes after midnight.
func parseClock(s string) (int, bool) {
	s = strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), " ", "")
	s = strings.Replace(s, "h", ":", 1)
	hh, mm, _ := strings.Cut(s, ":")
	h, err := strconv.Atoi(hh)
	if err != nil || len(hh) > 2 {
		return 0, false
	}
	m := 0
	if mm != "" {
		if m, err = strconv.Atoi(mm); err != nil || len(mm) != 2 {
			return 0, false
		}
	}
	total := h*60 + m
	if h < 0 || m < 0 || m > 59 || total > 24*60 {
		return 0, false
	}
	return total, true
}

// zoneOptions are the zones a facilitator may work in: metropolitan France
// and the overseas départements and collectivités.
var zoneOptions = []string{
	"Europe/Paris", "America/Guadeloupe", "America/Martinique", "America/Cayenne", "Indian/Reunion",
	"Indian/Mayotte", "America/Miquelon", "Pacific/Noumea", "Pacific/Tahiti",
}

// zoneOption is one choice of the zone select.
type zoneOption struct{ Value, Label string }

func zoneChoices() []zoneOption {
	out := make([]zoneOption, len(zoneOptions))
	for i, z := range zoneOptions {
		out[i] = zoneOption{z, frtime.ZoneLabel(z)}
	}
	return out
}

// calendarTabs are the calendar's pages, for the sub-navigation.
var calendarTabs = [][2]string{
	{"/calendrier", "Semaine"}, {"/calendrier/mois", "Mois"}, {"/calendrier/disponibilites", "Disponibilités"},
	{"/calendrier/exceptions", "Exceptions"}, {"/calendrier/occupations", "Occupations"},
	{"/calendrier/import", "Importer mon agenda"}, {"/calendrier/flux", "S'abonner à mes séances"},
}

// calTab is one link of the calendar sub-navigation.
type calTab struct {
	Href, Label string
	Current     bool
}

func tabs(current string) []calTab {
	out := make([]calTab, len(calendarTabs))
	for i, t := range calendarTabs {
		out[i] = calTab{t[0], t[1], t[0] == current}
	}
	return out
}
