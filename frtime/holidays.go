package frtime

import (
	"sync"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/aa"
	"github.com/rickar/cal/v2/fr"
)

// Public holidays are not worked. National ones come from rickar/cal's fr
// package; Alsace-Moselle (57, 67, 68) adds Good Friday and 26 December
// (local law of 1892/1919), and each overseas département the day slavery
// was abolished there (law of 1983, decree of 23 November 1983; Mayotte:
// 27 April since 2020).
var (
	alsaceMoselle = []*cal.Holiday{
		aa.GoodFriday.Clone(&cal.Holiday{Name: "Vendredi saint", Type: cal.ObservancePublic}),
		aa.ChristmasDay2.Clone(&cal.Holiday{Name: "Saint-Étienne", Type: cal.ObservancePublic}),
	}
	abolition = map[string]*cal.Holiday{
		"971": abolitionDay(time.May, 27),      // Guadeloupe
		"972": abolitionDay(time.May, 22),      // Martinique
		"973": abolitionDay(time.June, 10),     // Guyane
		"974": abolitionDay(time.December, 20), // La Réunion
		"976": abolitionDay(time.April, 27),    // Mayotte
	}
)

func abolitionDay(m time.Month, d int) *cal.Holiday {
	return &cal.Holiday{Name: "Abolition de l’esclavage", Type: cal.ObservancePublic, Month: m, Day: d, Func: cal.CalcDayOfMonth}
}

// nationalNames gives the French names shown to users (the library's own
// names lack some accents and capitals French typography wants).
var nationalNames = map[*cal.Holiday]string{
	fr.NouvelAn: "Jour de l’an", fr.LundiDePâques: "Lundi de Pâques", fr.FêteDuTravail: "Fête du Travail",
	fr.FêteDeLaVictoire: "Victoire de 1945", fr.Ascension: "Ascension", fr.LundiDePentecôte: "Lundi de Pentecôte",
	fr.FêteNationale: "Fête nationale", fr.Assomption: "Assomption", fr.Toussaint: "Toussaint",
	fr.Armistice1918: "Armistice de 1918", fr.Noël: "Noël",
}

// holidayKey is one département's holidays of one year.
type holidayKey struct {
	year int
	dept string
}

// holidayCache memoises each (year, département) list: calendars and the
// planner ask about every day of a season. It only ever grows by a few
// entries per year and région, and its content never changes.
var holidayCache sync.Map // holidayKey → map[string]string (YYYY-MM-DD → name)

// DepartementOfCommune returns the département code of an INSEE commune
// code: three digits overseas (97x), else two ("2A", "59").
func DepartementOfCommune(insee string) string {
	if len(insee) >= 3 && insee[:2] == "97" {
		return insee[:3]
	}
	if len(insee) >= 2 {
		return insee[:2]
	}
	return ""
}

// Holiday returns the name of the public holiday on the civil date of day
// (its year, month and day as written, whatever its zone) in département
// dept, or "" when it is a working day. An empty dept means national
// holidays only.
func Holiday(day time.Time, dept string) string {
	y, m, d := day.Date()
	return holidaysOf(y, dept)[monthDay{m, d}]
}

// monthDay is a date within a year's table of holidays: a key that costs
// no allocation (Holiday runs for every day of every calendar shown).
type monthDay struct {
	m time.Month
	d int
}

// Holidays lists the public holidays of département dept between the civil
// dates from and to (both included), in order.
func Holidays(from, to time.Time, dept string) []NamedDay {
	var out []NamedDay
	y0, m0, d0 := from.Date()
	y1, m1, d1 := to.Date()
	last := time.Date(y1, m1, d1, 0, 0, 0, 0, time.UTC)
	for day := time.Date(y0, m0, d0, 0, 0, 0, 0, time.UTC); !day.After(last); day = day.AddDate(0, 0, 1) {
		if name := Holiday(day, dept); name != "" {
			out = append(out, NamedDay{Date: day, Name: name})
		}
	}
	return out
}

// NamedDay is a civil date (midnight UTC) and its holiday's name.
type NamedDay struct {
	Date time.Time
	Name string
}

func holidaysOf(year int, dept string) map[monthDay]string {
	k := holidayKey{year, dept}
	if v, ok := holidayCache.Load(k); ok {
		return v.(map[monthDay]string)
	}
	days := map[monthDay]string{}
	add := func(h *cal.Holiday, name string) {
		if actual, _ := h.Calc(year); !actual.IsZero() && actual.Year() == year {
			days[monthDay{actual.Month(), actual.Day()}] = name
		}
	}
	for _, h := range fr.Holidays {
		add(h, nationalNames[h])
	}
	switch dept {
	case "57", "67", "68":
		for _, h := range alsaceMoselle {
			add(h, h.Name)
		}
	}
	if h, ok := abolition[dept]; ok {
		add(h, h.Name)
	}
	v, _ := holidayCache.LoadOrStore(k, days)
	return v.(map[monthDay]string)
}
