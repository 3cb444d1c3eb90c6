package mailer

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"time"

	ical "github.com/emersion/go-ical"

	"quartier/models"
)

// FeedContentType is the media type of the bookings feed.
const FeedContentType = "text/calendar; charset=utf-8"

// FeedData is a facilitator's bookings feed: the sessions they lead.
type FeedData struct {
	// Name is the facilitator's name, for the calendar's title.
	Name     string
	Sessions []models.ScheduledSession
	// CommuneName names a commune from its INSEE code ("" if unknown).
	CommuneName func(insee string) string
}

// BookingsFeed builds the facilitator's subscription feed: a VCALENDAR
// without METHOD (a published calendar, not an invitation) that Google,
// Outlook and Apple Calendar read, with one VEVENT per session (UID stable
// per session, so a change of time or place updates the same entry), each
// in its session's own zone with that zone's VTIMEZONE.
func (c *Composer) BookingsFeed(d FeedData) ([]byte, error) {
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropProductID, productID)
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropCalendarScale, "GREGORIAN")
	setExtText(cal.Props, "X-WR-CALNAME", frenchTypography("Mes séances — "+strings.TrimSpace(d.Name)))
	setExtText(cal.Props, "X-WR-CALDESC", frenchTypography("Les séances « La santé mentale dans mon quartier » que vous animez."))
	refresh := ical.NewProp("REFRESH-INTERVAL")
	refresh.Params.Set(ical.ParamValue, "DURATION")
	refresh.Value = "PT1H"
	cal.Props.Set(refresh)
	ttl := ical.NewProp("X-PUBLISHED-TTL")
	ttl.Value = "PT1H"
	cal.Props.Set(ttl)

	// One VTIMEZONE per zone used, covering its sessions.
	spans := map[string][2]time.Time{}
	for _, s := range d.Sessions {
		sp, ok := spans[s.TimeZone]
		if !ok || s.StartsAt.Before(sp[0]) {
			sp[0] = s.StartsAt
		}
		if !ok || s.EndsAt.After(sp[1]) {
			sp[1] = s.EndsAt
		}
		spans[s.TimeZone] = sp
	}
	zones := make([]string, 0, len(spans))
	for z := range spans {
		zones = append(zones, z)
	}
	sort.Strings(zones)
	for _, z := range zones {
		if loc := models.LocationOf(z); loc != time.UTC {
			cal.Children = append(cal.Children, buildVTimezone(loc, spans[z][0], spans[z][1]))
		}
	}

	stamp := c.cfg.Now().UTC().Truncate(time.Second)
	for _, s := range d.Sessions {
		loc := models.LocationOf(s.TimeZone)
		ev := ical.NewEvent()
		ev.Props.SetText(ical.PropUID, fmt.Sprintf("seance-%d@%s", s.ID, c.host))
		ev.Props.SetDateTime(ical.PropDateTimeStamp, stamp)
		ev.Props.SetDateTime(ical.PropDateTimeStart, s.StartsAt.In(loc).Truncate(time.Second))
		ev.Props.SetDateTime(ical.PropDateTimeEnd, s.EndsAt.In(loc).Truncate(time.Second))
		place := ""
		if d.CommuneName != nil {
			place = d.CommuneName(s.CommuneINSEE)
		}
		summary := "Séance de sensibilisation"
		if place != "" {
			summary += " — " + place
		}
		ev.Props.SetText(ical.PropSummary, frenchTypography(summary))
		info := SessionInfo{VenueName: s.VenueName, Address: s.VenueAddress}
		if s.Remote() {
			info.RemoteURL = s.RemoteURL
		}
		if where := eventLocation(info); where != "" {
			ev.Props.SetText(ical.PropLocation, frenchTypography(where))
		}
		ev.Props.SetText(ical.PropDescription, feedDescription(s))
		ev.Props.SetText(ical.PropTransparency, "OPAQUE")
		ev.SetStatus(ical.EventConfirmed)
		cal.Children = append(cal.Children, ev.Component)
	}
	if len(d.Sessions) == 0 {
		// RFC 5545 wants at least one component; an empty feed is still a
		// valid subscription, so it carries its zone alone.
		cal.Children = append(cal.Children, buildVTimezone(models.LocationOf("Europe/Paris"), stamp, stamp))
	}
	var buf bytes.Buffer
	if err := ical.NewEncoder(&lineFolder{w: &buf}).Encode(cal); err != nil {
		return nil, fmt.Errorf("encode feed: %w", err)
	}
	return buf.Bytes(), nil
}

// setExtText sets a non-standard text property the way calendar apps
// expect it (without the VALUE=TEXT that go-ical adds to unknown names).
func setExtText(props ical.Props, name, text string) {
	p := ical.NewProp(name)
	p.Value = strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`).Replace(text)
	props.Set(p)
}

// feedDescription says who co-organises and where, for the officer.
func feedDescription(s models.ScheduledSession) string {
	lines := []string{"Séance « La santé mentale dans mon quartier »."}
	org := "Co-organisation : " + s.CLSMName
	if n := strings.TrimSpace(s.CoordinatorName); n != "" {
		org += " (coordination : " + n + ")"
	}
	lines = append(lines, org)
	if s.Remote() && s.RemoteURL != "" {
		lines = append(lines, "En ligne : "+s.RemoteURL)
	}
	return frenchTypography(strings.Join(lines, "\n"))
}
