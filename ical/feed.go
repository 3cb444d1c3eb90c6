package ical

import (
	"sort"
	"time"

	goical "github.com/emersion/go-ical"
)

// FeedInput is a published calendar: a title, a description and events.
type FeedInput struct {
	// Name and Description are the calendar's title and subtitle
	// (X-WR-CALNAME, X-WR-CALDESC), as calendar apps show them.
	Name, Description string
	// Stamp is the DTSTAMP of every event: a feed is one snapshot.
	Stamp time.Time
	// Zone is the VTIMEZONE an empty feed carries (RFC 5545 wants at
	// least one component); UTC when nil.
	Zone *time.Location
	// Events are written in order, each in its own zone; their Sequence,
	// Stamp, Organizer and Attendee are not used.
	Events []Event
}

// feedRefresh is how often subscribers are asked to read the feed again.
const feedRefresh = "PT1H"

// Feed writes a subscription feed: a VCALENDAR without METHOD (a
// published calendar, not an invitation) that Google, Outlook and Apple
// Calendar read, with one VTIMEZONE per zone used, covering its events, and
// one VEVENT per event.
func Feed(in FeedInput) ([]byte, error) {
	cal := newCalendar()
	setExtText(cal.Props, "X-WR-CALNAME", oneLine(in.Name))
	setExtText(cal.Props, "X-WR-CALDESC", oneLine(in.Description))
	refresh := goical.NewProp("REFRESH-INTERVAL")
	refresh.Params.Set(goical.ParamValue, "DURATION")
	refresh.Value = feedRefresh
	cal.Props.Set(refresh)
	ttl := goical.NewProp("X-PUBLISHED-TTL")
	ttl.Value = feedRefresh
	cal.Props.Set(ttl)

	// One VTIMEZONE per zone used, covering its events, by zone name.
	type span struct {
		loc        *time.Location
		start, end time.Time
	}
	spans := map[string]*span{}
	for _, ev := range in.Events {
		loc := zoneOf(ev)
		sp, ok := spans[loc.String()]
		if !ok {
			spans[loc.String()] = &span{loc: loc, start: ev.Start, end: ev.End}
			continue
		}
		if ev.Start.Before(sp.start) {
			sp.start = ev.Start
		}
		if ev.End.After(sp.end) {
			sp.end = ev.End
		}
	}
	zones := make([]string, 0, len(spans))
	for z := range spans {
		zones = append(zones, z)
	}
	sort.Strings(zones)
	for _, z := range zones {
		if sp := spans[z]; sp.loc != time.UTC {
			cal.Children = append(cal.Children, buildVTimezone(sp.loc, sp.start, sp.end))
		}
	}

	for _, ev := range in.Events {
		cal.Children = append(cal.Children, eventComponent(Event{
			UID: ev.UID, Start: ev.Start, End: ev.End, Zone: ev.Zone,
			Summary: ev.Summary, Location: ev.Location, Description: ev.Description, URL: ev.URL,
		}, in.Stamp).Component)
	}
	if len(in.Events) == 0 {
		zone := in.Zone
		if zone == nil {
			zone = time.UTC
		}
		cal.Children = append(cal.Children, buildVTimezone(zone, in.Stamp, in.Stamp))
	}
	return encode(cal)
}
