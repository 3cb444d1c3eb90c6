// Package frtime writes dates and times the French way, in a given zone:
// « mardi 12 mai 2026, 14 h 00 – 17 h 00 (heure de Paris) ».
package frtime

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

var weekdays = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}

var months = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
	"août", "septembre", "octobre", "novembre", "décembre"}

// Weekday is the French name of a weekday, in lower case.
func Weekday(d time.Weekday) string { return weekdays[d] }

// Month is the French name of a month, in lower case.
func Month(m time.Month) string { return months[m-1] }

// Date writes « mardi 12 mai 2026 » (« 1er » for the first of the month).
func Date(t time.Time) string {
	return fmt.Sprintf("%s %s %s %d", weekdays[t.Weekday()], day(t.Day()), months[t.Month()-1], t.Year())
}

// ShortDate writes « 12 mai 2026 ».
func ShortDate(t time.Time) string {
	var b [32]byte
	return string(AppendShortDate(b[:0], t))
}

// AppendShortDate appends ShortDate(t) to b: lists write two or three
// dates on each of their rows.
func AppendShortDate(b []byte, t time.Time) []byte {
	y, m, d := t.Date()
	b = appendDay(b, d)
	b = append(b, ' ')
	b = append(b, months[m-1]...)
	b = append(b, ' ')
	return strconv.AppendInt(b, int64(y), 10)
}

// Clock writes « 14 h 00 ».
func Clock(t time.Time) string {
	var b [8]byte
	return string(AppendClock(b[:0], t))
}

// AppendClock appends Clock(t) to b: for the calendars, which write a
// clock time for every item of every day.
func AppendClock(b []byte, t time.Time) []byte {
	h, m := t.Hour(), t.Minute()
	b = strconv.AppendInt(b, int64(h), 10)
	return append(b, ' ', 'h', ' ', byte('0'+m/10), byte('0'+m%10))
}

// DateTime writes « mardi 12 mai 2026 à 14 h 00 » in t's own zone.
func DateTime(t time.Time) string { return Date(t) + " à " + Clock(t) }

// Range writes a session's time in zone loc, with the zone's name:
// « mardi 12 mai 2026, 14 h 00 – 17 h 00 (heure de Paris) ».
func Range(start, end time.Time, loc *time.Location) string {
	s, e := start.In(loc), end.In(loc)
	if s.YearDay() == e.YearDay() && s.Year() == e.Year() {
		return fmt.Sprintf("%s, %s – %s (%s)", Date(s), Clock(s), Clock(e), ZoneLabel(loc.String()))
	}
	return fmt.Sprintf("%s, %s – %s, %s (%s)", Date(s), Clock(s), Date(e), Clock(e), ZoneLabel(loc.String()))
}

// ZoneLabel names an IANA zone for a French reader.
func ZoneLabel(zone string) string {
	switch zone {
	case "Europe/Paris":
		return "heure de Paris"
	case "America/Martinique":
		return "heure de la Martinique"
	case "America/Guadeloupe":
		return "heure de la Guadeloupe"
	case "America/Cayenne":
		return "heure de la Guyane"
	case "Indian/Reunion":
		return "heure de La Réunion"
	case "Indian/Mayotte":
		return "heure de Mayotte"
	case "America/Miquelon":
		return "heure de Saint-Pierre-et-Miquelon"
	case "Pacific/Noumea":
		return "heure de Nouméa"
	case "Pacific/Tahiti":
		return "heure de Tahiti"
	case "UTC", "":
		return "UTC"
	}
	return "heure locale, " + zone
}

// Span writes a range of days without repeating what both ends share:
// « du lundi 18 au vendredi 29 janvier 2027 », « du lundi 28 décembre 2026
// au vendredi 8 janvier 2027 ».
func Span(from, to time.Time) string {
	start := Date(from)
	switch {
	case from.Year() == to.Year() && from.Month() == to.Month():
		start = Weekday(from.Weekday()) + " " + day(from.Day())
	case from.Year() == to.Year():
		start = strings.TrimSuffix(start, fmt.Sprintf(" %d", from.Year()))
	}
	return "du " + start + " au " + Date(to)
}

// Weekdays writes ISO weekdays (1 = Monday) as « les mardis et jeudis », or
// « du lundi au vendredi » for the working week.
func Weekdays(days []int) string {
	if len(days) == 5 && days[0] == 1 && days[4] == 5 {
		return "du lundi au vendredi"
	}
	var names []string
	for _, d := range days {
		names = append(names, Weekday(time.Weekday(d%7))+"s")
	}
	if len(names) == 1 {
		return "les " + names[0]
	}
	return "les " + strings.Join(names[:len(names)-1], ", ") + " et " + names[len(names)-1]
}

func day(d int) string {
	var b [4]byte
	return string(appendDay(b[:0], d))
}

// appendDay appends day(d) to b.
func appendDay(b []byte, d int) []byte {
	if d == 1 {
		return append(b, "1er"...)
	}
	return strconv.AppendInt(b, int64(d), 10)
}
