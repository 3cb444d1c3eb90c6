package models

import (
	"fmt"
	"strings"

	"quartier/frtime"
)

// HolidayWarnings says, for each window (by index) that meets a public
// holiday of the request's commune, what the coordinator should know: a
// one-day window on a holiday cannot be used; a period loses those days.
// It is a warning, not a refusal: the request may still be sent.
func HolidayWarnings(ws []RequestWindow, communeINSEE string) map[int]string {
	dept := frtime.DepartementOfCommune(communeINSEE)
	out := map[int]string{}
	for i, w := range ws {
		var hit []string
		for _, d := range w.Days() {
			if name := frtime.Holiday(d, dept); name != "" {
				hit = append(hit, fmt.Sprintf("%s (%s)", frtime.Date(d), name))
			}
		}
		switch {
		case len(hit) == 0:
		case w.Kind != WindowRange:
			out[i] = fmt.Sprintf("Le %s est un jour férié : aucune séance ne peut avoir lieu ce jour-là. Choisissez de préférence une autre date.", hit[0])
		case len(hit) == len(w.Days()):
			out[i] = fmt.Sprintf("Tous les jours possibles de cette période sont fériés (%s) : aucune séance ne pourra y avoir lieu.", strings.Join(hit, ", "))
		default:
			out[i] = fmt.Sprintf("Cette période comprend un jour férié, qui ne sera pas proposé : %s.", strings.Join(hit, ", "))
		}
	}
	return out
}
