package handlers

import (
	"context"
	"fmt"
	"html/template"

	"quartier/frtime"
	"quartier/internal/planning"
	"quartier/models"
	"quartier/territory/francemap"
)

// planMap draws a draft's trips on the map of France: one series per
// facilitator, from their home to each trip's sessions and back (homes as
// squares, sessions as the series' markers). Remote sessions have no place
// and are not drawn; the page lists every trip in a table as well, so the
// map is never the only carrier of a fact.
func (h *Handler) planMap(ctx context.Context, run planning.Run, names map[int64]string,
	byReq, bySess map[int64]models.PlanLabel) (template.HTML, error) {
	var userIDs []int64
	for _, id := range run.Index.Facilitators {
		userIDs = append(userIDs, id)
	}
	homes, err := h.store.UserHomes(ctx, userIDs)
	if err != nil {
		return "", err
	}
	place := func(insee, label string, marker francemap.Marker) (francemap.Place, bool) {
		c, ok := h.geo.Commune(insee)
		if !ok {
			return francemap.Place{}, false
		}
		return francemap.Place{Dept: frtime.DepartementOfCommune(insee), Lat: c.Lat, Lon: c.Lon, Label: label, Marker: marker}, true
	}
	m := francemap.Map{ID: "carte-planification", Title: "Déplacements proposés, par chargée de mission",
		Desc: "Chaque ligne relie le domicile d’une chargée de mission aux séances de ses déplacements ; le détail de chaque déplacement est dans le tableau de la page."}
	seen := map[string]bool{}
	for _, tl := range planning.Trips(run.Instance, run.Plan) {
		uid := run.Index.Facilitators[tl.Facilitator]
		name := names[uid]
		home, hasHome := place(homes[uid], "Domicile de "+name, francemap.MarkerSquare)
		if hasHome && !seen[homes[uid]] {
			seen[homes[uid]] = true
			home.ShowLabel = false
			m.Places = append(m.Places, home)
		}
		trip := francemap.Trip{Label: name}
		for _, tr := range tl.Trips {
			if tr.Remote {
				continue
			}
			if hasHome {
				trip.Stops = append(trip.Stops, home)
			}
			for _, st := range tr.Stops {
				var l models.PlanLabel
				if st.Fixed {
					if id, ok := planning.SessionOfFixed(st.ID); ok {
						l = bySess[id]
					}
				} else {
					l = byReq[run.Index.Requests[st.ID].ID]
				}
				label := l.CLSMName
				if c, ok := h.geo.Commune(l.CommuneINSEE); ok {
					label = fmt.Sprintf("%s, %s", c.Name, frtime.ShortDate(st.Start))
				}
				if p, ok := place(l.CommuneINSEE, label, francemap.MarkerCircle); ok {
					trip.Stops = append(trip.Stops, p)
				}
			}
		}
		if hasHome && len(trip.Stops) > 0 {
			trip.Stops = append(trip.Stops, home)
		}
		if len(trip.Stops) > 0 {
			m.Trips = append(m.Trips, trip)
		}
	}
	if len(m.Trips) == 0 {
		return "", nil
	}
	return francemap.Render(m)
}
