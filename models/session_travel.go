package models

import (
	"fmt"
	"time"

	"gorm.io/gorm"

	"quartier/frtime"
)

// TravelFunc is the travel time between two communes (INSEE codes) by the
// planner's own model (great-circle distance at the officers' speed,
// rounded up to the minute); zero when either commune is unknown.
type TravelFunc func(fromINSEE, toINSEE string) time.Duration

// UseTravel gives the store the travel model with which checkSlot leaves
// the travel time between two in-person sessions of one facilitator on one
// day (RuleTravel). Call it once, at wiring: models knows no coordinates.
// A store without it checks no travel margin.
func (s *Store) UseTravel(f TravelFunc) { s.travel = f }

// sessionPlace is where a session is held and how it is named in a
// message: its request's commune and format, its CLSM and venue.
type sessionPlace struct {
	ID           int64
	StartsAt     time.Time
	EndsAt       time.Time
	TimeZone     string
	CommuneINSEE string `gorm:"column:commune_insee"`
	Format       SessionFormat
	CLSMName     string `gorm:"column:clsm_name"`
	VenueName    string
}

func (p sessionPlace) label() string {
	if p.VenueName == "" {
		return p.CLSMName
	}
	return p.CLSMName + " — " + p.VenueName
}

// checkTravel is RuleTravel inside the caller's transaction: when the
// session of requestID (held in person) and another live in-person
// session of the facilitator start on the same day in the facilitator's
// zone, the gap between the end of the first and the start of the second
// is at least the travel time between their communes (FORMAT.md rule 4).
// except is the session being moved or confirmed.
func (s *Store) checkTravel(tx *gorm.DB, sl SessionSlot, u User, except, requestID int64) error {
	if s.travel == nil {
		return nil
	}
	var here struct {
		CommuneINSEE string `gorm:"column:commune_insee"`
		Format       SessionFormat
	}
	if err := tx.Table("requests").Select("commune_insee, format").Where("id = ?", requestID).Take(&here).Error; err != nil {
		return notFound(err, "request")
	}
	if here.Format == FormatRemote || here.CommuneINSEE == "" {
		return nil
	}
	home := LocationOf(u.TimeZone)
	y, m, d := sl.Start.In(home).Date()
	dayStart := time.Date(y, m, d, 0, 0, 0, 0, home)
	var others []sessionPlace
	if err := tx.Table("sessions AS s").
		Select("s.id, s.starts_at, s.ends_at, s.time_zone, r.commune_insee, r.format, c.name AS clsm_name, s.venue_name").
		Joins("JOIN requests r ON r.id = s.request_id").Joins("JOIN clsms c ON c.id = r.clsm_id").
		Where("s.facilitator_id = ? AND s.state IN ? AND s.starts_at >= ? AND s.starts_at < ? AND s.id <> ?",
			u.ID, liveStates, dayStart.UTC(), dayStart.AddDate(0, 0, 1).UTC(), except).
		Order("s.starts_at, s.id").Scan(&others).Error; err != nil {
		return fmt.Errorf("sessions of %d that day: %w", u.ID, err)
	}
	for _, o := range others {
		if o.Format == FormatRemote || o.CommuneINSEE == "" {
			continue
		}
		var gap time.Duration
		switch {
		case !o.EndsAt.After(sl.Start):
			gap = sl.Start.Sub(o.EndsAt)
		case !o.StartsAt.Before(sl.End):
			gap = o.StartsAt.Sub(sl.End)
		default:
			continue // an overlap, which checkSlotShape reports
		}
		from, to := o.CommuneINSEE, here.CommuneINSEE
		if o.StartsAt.After(sl.Start) {
			from, to = to, from
		}
		need := s.travel(from, to)
		if gap < need {
			return &SlotRuleError{Rule: RuleTravel, Message: fmt.Sprintf(
				"%s anime « %s » le %s : il faut %s de trajet entre les deux lieux, il n’en reste que %s.",
				u.Name, o.label(), frtime.Range(o.StartsAt, o.EndsAt, LocationOf(o.TimeZone)), minutesText(need), minutesText(gap))}
		}
	}
	return nil
}

// liveStates are the session states that hold a slot in a facilitator's
// calendar.
var liveStates = []SessionState{SessionProposed, SessionScheduled, SessionHeld}

// minutesText writes a duration in whole minutes: « 85 min ».
func minutesText(d time.Duration) string {
	return fmt.Sprintf("%d\u00a0min", int(d.Round(time.Minute)/time.Minute))
}
