package planner

import (
	"testing"
	"time"
)

// TestTravelTime_MatchesTheGapRule: the exported travel time is rule 4's
// gap as the planner computes it (rounded up to the minute).
func TestTravelTime_MatchesTheGapRule(t *testing.T) {
	lille, roubaix := Point{Lat: 50.6292, Lon: 3.0573}, Point{Lat: 50.6942, Lon: 3.1746}
	p := &problem{speedKmh: 70}
	p.points = []point{newPoint(lille.Lat, lille.Lon), newPoint(roubaix.Lat, roubaix.Lon)}
	want := time.Duration(p.computeGap(0, 1)) * time.Second
	if got := TravelTime(lille, roubaix, 70); got != want || got != 10*time.Minute {
		t.Errorf("TravelTime(Lille, Roubaix) = %v, want %v (10 min)", got, want)
	}
	if got := TravelTime(lille, lille, 70); got != 0 {
		t.Errorf("TravelTime(same place) = %v, want 0", got)
	}
}
