package planner

import (
	"fmt"
	"strings"
	"time"
)

// French typography: a narrow no-break space before ; and a no-break space
// before :, as the Imprimerie nationale lexicon asks.
const (
	nnbsp = "\u202f"
	nbsp  = "\u00a0"
)

// monthName is the French name of a month, lower case as in a date.
func monthName(m time.Month) string {
	return [...]string{"janvier", "février", "mars", "avril", "mai", "juin",
		"juillet", "août", "septembre", "octobre", "novembre", "décembre"}[m-1]
}

// explainer writes, for an unassigned request, why it could not be placed,
// in words a coordinator can act on (propose other windows, raise a limit,
// move a meeting).
type explainer struct{ s *state }

func newExplainer(s *state) explainer { return explainer{s: s} }

// frenchDate writes a civil day number as « 1er octobre », « 12 octobre ».
func frenchDate(day int32) string {
	t := time.Unix(int64(day)*86400, 0).UTC()
	d := fmt.Sprint(t.Day())
	if t.Day() == 1 {
		d = "1er"
	}
	return d + nbsp + monthName(t.Month())
}

// frenchList joins items as « a, b et c », keeping at most four.
func frenchList(items []string) string {
	if len(items) > 4 {
		more := len(items) - 3
		items = append(items[:3:3], fmt.Sprintf("%d autres", more))
	}
	if len(items) == 1 {
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " et " + items[len(items)-1]
}

// duration writes a session length as « 3 h », « 2 h 30 » or « 45 min ».
func duration(seconds int64) string {
	m := seconds / 60
	switch {
	case m < 60:
		return fmt.Sprintf("%d"+nbsp+"min", m)
	case m%60 == 0:
		return fmt.Sprintf("%d"+nbsp+"h", m/60)
	}
	return fmt.Sprintf("%d"+nbsp+"h"+nbsp+"%02d", m/60, m%60)
}

// reason explains why request r is unassigned.
func (e explainer) reason(r int32) string {
	p := e.s.p
	req := &p.reqs[r]
	if len(req.windows) == 0 {
		return "Aucune fenêtre proposée" + nbsp + ": demander au moins un créneau à la structure."
	}
	if len(req.cands) == 0 {
		return e.noCandidate(req)
	}
	return e.blocked(req)
}

// noCandidate explains a request that no allowed facilitator could take
// even with an empty calendar.
func (e explainer) noCandidate(req *reqModel) string {
	p := e.s.p
	long, meets := false, false
	for _, w := range req.windows {
		if w.end-w.start >= p.dur {
			long = true
		}
		for _, f := range req.allowed {
			for _, a := range p.facs[f].avail {
				if min(w.end, a.end)-max(w.start, a.start) >= p.dur {
					meets = true
				}
			}
		}
	}
	who, widen := "d’une chargée de mission", "ouvrir des disponibilités"
	if len(req.allowed) < len(p.facs) {
		who = "d’une chargée de mission autorisée pour cette demande"
		widen = "autoriser d’autres chargées de mission"
	}
	switch {
	case len(req.allowed) == 0:
		return "Aucune chargée de mission n’est prévue dans ce planning" + nbsp + ": en ajouter une."
	case !long:
		return "Aucune fenêtre ne dure les " + duration(p.dur) + " d’une séance" + nbsp + ": proposer des fenêtres plus longues."
	case !meets:
		return "Aucune fenêtre ne croise la disponibilité " + who + " sur " + duration(p.dur) +
			nbsp + ": proposer d’autres dates ou " + widen + "."
	}
	return "Les créneaux possibles sont tous pris par des indisponibilités (réunions, congés) " + who +
		nbsp + ": proposer d’autres dates ou déplacer une réunion."
}

// blocked explains a request whose every candidate is taken: a weekly or a
// daily limit reached, or the day's other sessions leaving no room.
func (e explainer) blocked(req *reqModel) string {
	s, p := e.s, e.s.p
	var weeks, fullDays, busyDays []int32
	add := func(list []int32, v int32) []int32 {
		for _, x := range list {
			if x == v {
				return list
			}
		}
		return append(list, v)
	}
	for _, ci := range req.cands {
		c := &p.cands[ci]
		fac := &p.facs[c.fac]
		switch {
		case fac.maxWeek >= 0 && int(s.weekCount(c.fac, c.week)) >= fac.maxWeek:
			weeks = add(weeks, c.week)
		case fac.maxDay >= 0 && len(s.day(c.fac, c.day)) >= fac.maxDay:
			fullDays = add(fullDays, c.day)
		default:
			busyDays = add(busyDays, c.day)
		}
	}
	var parts []string
	if len(weeks) > 0 {
		var names []string
		for _, w := range weeks {
			names = append(names, "du "+frenchDate(w*7-3))
		}
		if len(names) == 1 {
			parts = append(parts, "plafond hebdomadaire atteint la semaine "+names[0])
		} else {
			parts = append(parts, "plafond hebdomadaire atteint les semaines "+frenchList(names))
		}
	}
	if len(fullDays) > 0 {
		parts = append(parts, "plafond journalier atteint "+daysPhrase(fullDays))
	}
	if len(busyDays) > 0 {
		parts = append(parts, "créneaux pris par d’autres séances, ou trop proches d’une séance ailleurs, "+daysPhrase(busyDays))
	}
	text := strings.Join(parts, nnbsp+"; ")
	return strings.ToUpper(text[:1]) + text[1:] + nbsp + ": proposer d’autres fenêtres ou relever un plafond."
}

// daysPhrase writes « le 14 octobre » or « les 14 octobre et 3 novembre ».
func daysPhrase(days []int32) string {
	var names []string
	for _, d := range days {
		names = append(names, frenchDate(d))
	}
	if len(names) == 1 {
		return "le " + names[0]
	}
	return "les " + frenchList(names)
}
