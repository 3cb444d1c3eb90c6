package mailer

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	ical "github.com/emersion/go-ical"
)

// iTIP methods and the matching event status.
const (
	methodRequest = "REQUEST"
	methodCancel  = "CANCEL"
)

const productID = "-//La santé mentale dans mon quartier//quartier//FR"

// eventUID is stable per (session, attendee): every update and the
// cancellation replace the same entry in the attendee's calendar. The
// address is hashed so the UID does not disclose it.
func (c *Composer) eventUID(sessionID int64, email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	return fmt.Sprintf("session-%d-%s@%s", sessionID, hex.EncodeToString(sum[:])[:16], c.host)
}

// calendar builds the iTIP object for one attendee of one session: a
// VCALENDAR with METHOD, the VTIMEZONE of the session's zone and one
// VEVENT, encoded by go-ical and folded to 75 octets.
func (c *Composer) calendar(method string, d InvitationData, loc *time.Location) (string, error) {
	s := d.Session
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropProductID, productID)
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropCalendarScale, "GREGORIAN")
	cal.Props.SetText(ical.PropMethod, method)
	if loc != time.UTC {
		cal.Children = append(cal.Children, buildVTimezone(loc, s.Start, s.End))
	}

	ev := ical.NewEvent()
	ev.Props.SetText(ical.PropUID, c.eventUID(s.ID, d.AttendeeEmail))
	seq := ical.NewProp(ical.PropSequence)
	seq.Value = strconv.Itoa(d.Sequence)
	ev.Props.Set(seq)
	ev.Props.SetDateTime(ical.PropDateTimeStamp, c.cfg.Now().UTC().Truncate(time.Second))
	ev.Props.SetDateTime(ical.PropDateTimeStart, s.Start.In(loc).Truncate(time.Second))
	ev.Props.SetDateTime(ical.PropDateTimeEnd, s.End.In(loc).Truncate(time.Second))
	ev.Props.SetText(ical.PropSummary, frenchTypography(s.Title))
	if where := eventLocation(s); where != "" {
		ev.Props.SetText(ical.PropLocation, frenchTypography(where))
	}
	ev.Props.SetText(ical.PropDescription, c.description(s))
	if s.RemoteURL != "" {
		ev.Props.SetText(ical.PropURL, s.RemoteURL)
	}
	ev.Props.Set(calAddress(ical.PropOrganizer, c.cfg.FromName, c.cfg.From))
	att := calAddress(ical.PropAttendee, d.AttendeeName, d.AttendeeEmail)
	att.Params.Set(ical.ParamRSVP, "FALSE")
	att.Params.Set(ical.ParamRole, "REQ-PARTICIPANT")
	att.Params.Set(ical.ParamParticipationStatus, "ACCEPTED")
	att.Params.Set(ical.ParamCalendarUserType, "INDIVIDUAL")
	ev.Props.Add(att)
	ev.Props.SetText(ical.PropTransparency, "OPAQUE")
	if method == methodCancel {
		ev.SetStatus(ical.EventCancelled)
	} else {
		ev.SetStatus(ical.EventConfirmed)
	}
	cal.Children = append(cal.Children, ev.Component)

	var buf bytes.Buffer
	if err := ical.NewEncoder(&lineFolder{w: &buf}).Encode(cal); err != nil {
		return "", fmt.Errorf("encode calendar: %w", err)
	}
	return buf.String(), nil
}

// location is the LOCATION text: venue and address, or the remote link.
func eventLocation(s SessionInfo) string {
	parts := make([]string, 0, 2)
	for _, p := range []string{s.VenueName, s.Address} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 && s.RemoteURL != "" {
		return "En ligne : " + s.RemoteURL
	}
	return strings.Join(parts, ", ")
}

// description is the DESCRIPTION text: what calendar apps show under the
// title. It holds no personal link (the cancellation link stays in the
// email): calendars get shared.
func (c *Composer) description(s SessionInfo) string {
	lines := []string{"Séance gratuite de sensibilisation « La santé mentale dans mon quartier : on a toutes et tous une santé mentale ! »."}
	add := func(label, v string) {
		if v = strings.TrimSpace(v); v != "" {
			lines = append(lines, label+" : "+v)
		}
	}
	add("Accès", s.AccessNote)
	add("En ligne", s.RemoteURL)
	add("À prévoir", s.WhatToBring)
	contact := strings.TrimSpace(s.ContactName)
	if s.ContactEmail != "" {
		contact = strings.TrimSpace(contact + " (" + s.ContactEmail + ")")
	}
	add("Contact", contact)
	return frenchTypography(strings.Join(lines, "\n"))
}

// calAddress is an ORGANIZER or ATTENDEE: a mailto: URI with a CN. A
// double quote cannot be written in a parameter, so it is dropped.
func calAddress(name, cn, email string) *ical.Prop {
	p := ical.NewProp(name)
	p.Value = "mailto:" + email
	cn = strings.Map(func(r rune) rune {
		if r == '"' || r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, cn)
	if cn = strings.TrimSpace(cn); cn != "" {
		p.Params.Set(ical.ParamCommonName, cn)
	}
	return p
}

// lineFolder folds content lines longer than 75 octets (RFC 5545 §3.1), which
// go-ical's encoder does not do, never inside a UTF-8 sequence. The encoder
// writes one whole line per Write call.
type lineFolder struct{ w io.Writer }

func (f *lineFolder) Write(p []byte) (int, error) {
	line := bytes.TrimSuffix(p, []byte("\r\n"))
	if len(line) == len(p) || len(line) <= 75 {
		return f.w.Write(p)
	}
	var out bytes.Buffer
	limit := 75
	for len(line) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		out.Write(line[:cut])
		out.WriteString("\r\n ")
		line = line[cut:]
		limit = 74 // the leading space counts
	}
	out.Write(line)
	out.WriteString("\r\n")
	if _, err := f.w.Write(out.Bytes()); err != nil {
		return 0, err
	}
	return len(p), nil
}
