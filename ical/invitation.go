package ical

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	goical "github.com/emersion/go-ical"
)

// ProductID is the PRODID of every calendar quartier writes.
const ProductID = "-//La santé mentale dans mon quartier//quartier//FR"

// Method is the iTIP method of an invitation (RFC 5546).
type Method string

// The methods quartier sends: an invitation or its update, and a
// cancellation.
const (
	MethodRequest Method = "REQUEST"
	MethodCancel  Method = "CANCEL"
)

// Address is a calendar user, written as a mailto: URI with a CN.
type Address struct {
	Name, Email string
}

// Event is one VEVENT to write. Text fields are written as they are
// (typography is the caller's), minus control characters: stored text may
// hold a CR, an LF or a stray quote, and a calendar must still come out.
type Event struct {
	// UID identifies the entry in the recipient's calendar: every update
	// and the cancellation of one entry carry the same UID.
	UID string
	// Sequence is the revision (SEQUENCE) of an invitation: 0 first,
	// higher for each update and for the cancellation. Feeds omit it.
	Sequence int
	// Stamp is the DTSTAMP of an invitation; a feed uses FeedInput.Stamp.
	Stamp time.Time
	// Start and End are instants, written in Zone (UTC when nil), whose
	// VTIMEZONE the calendar carries.
	Start, End time.Time
	Zone       *time.Location
	// Summary, Location and Description are SUMMARY, LOCATION (the place,
	// not the zone) and DESCRIPTION; Description may hold several lines.
	Summary, Location, Description string
	// URL, when set, is the link of a remote session.
	URL string
	// Organizer and Attendee are written when their Email is set; the
	// attendee is a confirmed individual who is asked no reply.
	Organizer, Attendee Address
}

// Invitation writes the iTIP object of one event for one attendee: a
// VCALENDAR with METHOD, the VTIMEZONE of the event's zone and the VEVENT
// (CONFIRMED, or CANCELLED for MethodCancel), encoded by go-ical and folded
// to 75 octets.
func Invitation(ev Event, method Method) ([]byte, error) {
	cal := newCalendar()
	cal.Props.SetText(goical.PropMethod, string(method))
	loc := zoneOf(ev)
	if loc != time.UTC {
		cal.Children = append(cal.Children, buildVTimezone(loc, ev.Start, ev.End))
	}
	vev := eventComponent(ev, ev.Stamp)
	seq := goical.NewProp(goical.PropSequence)
	seq.Value = strconv.Itoa(ev.Sequence)
	vev.Props.Set(seq)
	if method == MethodCancel {
		vev.SetStatus(goical.EventCancelled)
	}
	cal.Children = append(cal.Children, vev.Component)
	return encode(cal)
}

// newCalendar starts a VCALENDAR with the properties every calendar has.
func newCalendar() *goical.Calendar {
	cal := goical.NewCalendar()
	cal.Props.SetText(goical.PropProductID, ProductID)
	cal.Props.SetText(goical.PropVersion, "2.0")
	cal.Props.SetText(goical.PropCalendarScale, "GREGORIAN")
	return cal
}

func zoneOf(ev Event) *time.Location {
	if ev.Zone == nil {
		return time.UTC
	}
	return ev.Zone
}

// eventComponent builds the VEVENT shared by invitations and feeds:
// confirmed and opaque (a session is busy time).
func eventComponent(ev Event, stamp time.Time) *goical.Event {
	loc := zoneOf(ev)
	vev := goical.NewEvent()
	vev.Props.SetText(goical.PropUID, oneLine(ev.UID))
	vev.Props.SetDateTime(goical.PropDateTimeStamp, stamp.UTC().Truncate(time.Second))
	vev.Props.SetDateTime(goical.PropDateTimeStart, ev.Start.In(loc).Truncate(time.Second))
	vev.Props.SetDateTime(goical.PropDateTimeEnd, ev.End.In(loc).Truncate(time.Second))
	vev.Props.SetText(goical.PropSummary, oneLine(ev.Summary))
	if where := oneLine(ev.Location); where != "" {
		vev.Props.SetText(goical.PropLocation, where)
	}
	if ev.Description != "" {
		vev.Props.SetText(goical.PropDescription, multiLine(ev.Description))
	}
	if u := oneLine(ev.URL); u != "" {
		vev.Props.SetText(goical.PropURL, u)
	}
	if ev.Organizer.Email != "" {
		vev.Props.Set(calAddress(goical.PropOrganizer, ev.Organizer))
	}
	if ev.Attendee.Email != "" {
		att := calAddress(goical.PropAttendee, ev.Attendee)
		att.Params.Set(goical.ParamRSVP, "FALSE")
		att.Params.Set(goical.ParamRole, "REQ-PARTICIPANT")
		att.Params.Set(goical.ParamParticipationStatus, "ACCEPTED")
		att.Params.Set(goical.ParamCalendarUserType, "INDIVIDUAL")
		vev.Props.Add(att)
	}
	vev.Props.SetText(goical.PropTransparency, "OPAQUE")
	vev.SetStatus(goical.EventConfirmed)
	return vev
}

// encode writes a calendar with go-ical, folded.
func encode(cal *goical.Calendar) ([]byte, error) {
	var buf bytes.Buffer
	if err := goical.NewEncoder(&lineFolder{w: &buf}).Encode(cal); err != nil {
		return nil, fmt.Errorf("encode calendar: %w", err)
	}
	return buf.Bytes(), nil
}
