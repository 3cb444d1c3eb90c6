// Package planning turns quartier's data into the planner's instance
// (shared/planning/FORMAT.md): the accepted requests of a season, each
// facilitator's available intervals minus busy intervals, and their
// sessions already scheduled as fixed sessions; and it saves a plan's
// assignments back as proposed sessions. The planner itself stays pure;
// this package is the one place where the database's view becomes the
// planner's, and back.
package planning

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"quartier/models"
	"quartier/planner"
	"quartier/territory"
)

// Places resolves a commune's INSEE code to its coordinates;
// *territory.Directory is one.
type Places interface {
	Commune(insee string) (territory.Commune, bool)
}

// Calendars is the facilitators' part of an instance.
type Calendars struct {
	Facilitators []planner.Facilitator
	Fixed        []planner.FixedSession
	// Skipped lists facilitators the planner cannot use, with the reason
	// in French for the admin (no home commune: no travel can be counted).
	Skipped []Skipped
}

// Skipped is a facilitator left out of the instance.
type Skipped struct {
	UserID int64
	Name   string
	Reason string
}

// fixedMargin widens the period for fixed sessions: a session just before
// or after the period still counts for the week's limit and for trips.
const fixedMargin = 7 * 24 * time.Hour

// FacilitatorID is the planner's id for a user.
func FacilitatorID(userID int64) string { return "f" + strconv.FormatInt(userID, 10) }

// userOf is the user id behind a planner facilitator id (see
// FacilitatorID).
func userOf(facilitatorID string) (int64, error) {
	if len(facilitatorID) < 2 || facilitatorID[0] != 'f' {
		return 0, fmt.Errorf("facilitator id %q: not one of FacilitatorID's", facilitatorID)
	}
	return strconv.ParseInt(facilitatorID[1:], 10, 64)
}

// FixedID is the planner's id for a scheduled session (the session's id,
// models.ScheduledSession.ID).
func FixedID(sessionID int64) string { return "s" + strconv.FormatInt(sessionID, 10) }

// Availability is the one function that gives the planner, for [from, to),
// every active facilitator's available intervals minus busy intervals,
// with their live and past sessions (from a week before to a week after)
// as fixed sessions: proposed ones too, which hold their slot until the
// coordinator answers, as the store's overlap rule says when the plan is
// sent.
func Availability(ctx context.Context, store *models.Store, geo Places, from, to time.Time) (Calendars, error) {
	cals, err := store.FacilitatorCalendars(ctx, nil, from.Add(-fixedMargin), to.Add(fixedMargin))
	if err != nil {
		return Calendars{}, err
	}
	return Convert(cals, geo, from, to), nil
}

// Convert builds the facilitators and fixed sessions from loaded calendars:
// available = working time (pattern and exceptions) minus busy time, both
// clipped to [from, to); busy = the busy time in [from, to); every loaded
// session becomes a fixed session. Times are written in each facilitator's
// own zone.
func Convert(cals []models.FacilitatorCalendar, geo Places, from, to time.Time) Calendars {
	out := Calendars{Facilitators: []planner.Facilitator{}, Fixed: []planner.FixedSession{}}
	for _, c := range cals {
		u := c.User
		home, ok := geo.Commune(u.HomeINSEE)
		if u.HomeINSEE == "" || !ok {
			out.Skipped = append(out.Skipped, Skipped{UserID: u.ID, Name: u.Name,
				Reason: "pas de commune de rattachement connue : les trajets ne peuvent pas être calculés"})
			continue
		}
		loc := models.LocationOf(u.TimeZone)
		f := planner.Facilitator{
			ID:        FacilitatorID(u.ID),
			Home:      &planner.Point{Lat: home.Lat, Lon: home.Lon},
			Timezone:  loc.String(),
			Available: intervals(c.Available(from, to), loc),
			Busy:      intervals(c.BusyRanges(from, to), loc),
		}
		if u.MaxPerDay > 0 {
			f.MaxPerDay = &u.MaxPerDay
		}
		if u.MaxPerWeek > 0 {
			f.MaxPerWeek = &u.MaxPerWeek
		}
		out.Facilitators = append(out.Facilitators, f)
		for _, s := range c.Sessions {
			x := planner.FixedSession{ID: FixedID(s.ID), Facilitator: f.ID, Start: s.StartsAt.In(loc).Format(time.RFC3339)}
			// A session whose commune is unknown still counts for overlaps
			// and limits; it is read as costing no travel.
			if p, ok := geo.Commune(s.CommuneINSEE); ok && !s.Remote() {
				x.Location = &planner.Point{Lat: p.Lat, Lon: p.Lon}
			} else {
				x.Remote = true
			}
			out.Fixed = append(out.Fixed, x)
		}
	}
	return out
}

// intervals writes ranges as RFC 3339 with loc's offset on each instant.
func intervals(rs []models.TimeRange, loc *time.Location) []planner.Interval {
	out := make([]planner.Interval, 0, len(rs))
	for _, r := range rs {
		out = append(out, planner.Interval{Start: r.Start.In(loc).Format(time.RFC3339), End: r.End.In(loc).Format(time.RFC3339)})
	}
	return out
}
