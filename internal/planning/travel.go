package planning

import (
	"time"

	"quartier/models"
	"quartier/planner"
)

// TravelTimes is the planner's travel model between two communes, for the
// store's travel margin (models.Store.UseTravel): the same speed and the
// same rounding as the instances Build makes, so that the rules the store
// checks and those the planner plans by agree. An unknown commune costs no
// time, as it costs no travel in an instance.
func TravelTimes(geo Places) models.TravelFunc {
	return func(fromINSEE, toINSEE string) time.Duration {
		a, ok1 := geo.Commune(fromINSEE)
		b, ok2 := geo.Commune(toINSEE)
		if !ok1 || !ok2 || fromINSEE == toINSEE {
			return 0
		}
		return planner.TravelTime(planner.Point{Lat: a.Lat, Lon: a.Lon}, planner.Point{Lat: b.Lat, Lon: b.Lon}, TravelSpeedKmh)
	}
}
