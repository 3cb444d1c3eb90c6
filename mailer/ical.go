package mailer

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"quartier/ical"
)

// eventUID is stable per (session, attendee): every update and the
// cancellation replace the same entry in the attendee's calendar. The
// address is hashed so the UID does not disclose it.
func (c *Composer) eventUID(sessionID int64, email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	return fmt.Sprintf("session-%d-%s@%s", sessionID, hex.EncodeToString(sum[:])[:16], c.host)
}

// calendar decides what the invitation of one attendee to one session says
// (UID, SEQUENCE, texts in French) and has package ical write it.
func (c *Composer) calendar(method ical.Method, d InvitationData, loc *time.Location) (string, error) {
	s := d.Session
	uid := d.UID
	if uid == "" {
		uid = c.eventUID(s.ID, d.AttendeeEmail)
	}
	ev := ical.Event{
		UID: uid, Sequence: d.Sequence, Stamp: c.cfg.Now(),
		Start: s.Start, End: s.End, Zone: loc,
		Summary: frenchTypography(s.Title), Location: frenchTypography(eventLocation(s)),
		Description: c.description(s), URL: s.RemoteURL,
		Organizer: ical.Address{Name: c.cfg.FromName, Email: c.cfg.From},
		Attendee:  ical.Address{Name: d.AttendeeName, Email: d.AttendeeEmail},
	}
	b, err := ical.Invitation(ev, method)
	if err != nil {
		return "", err
	}
	return string(b), nil
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
