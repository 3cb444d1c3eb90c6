package mailer

import (
	"fmt"
	"strings"

	"quartier/ical"
	"quartier/models"
)

// FeedData is a facilitator's bookings feed: the sessions they lead.
// BookingsFeed builds the facilitator's subscription feed (see ical.Feed):
// one event per session, its UID stable per session so that a change of
// time or place updates the same entry, each in its session's own zone.
//
// name is the facilitator's, for the calendar's title; communeName names a
// commune from its INSEE code ("" if unknown; nil: no names).
func (c *Composer) BookingsFeed(name string, sessions []models.ScheduledSession, communeName func(insee string) string) ([]byte, error) {
	in := ical.FeedInput{
		Name:        frenchTypography("Mes séances — " + strings.TrimSpace(name)),
		Description: frenchTypography("Les séances « La santé mentale dans mon quartier » que vous animez."),
		Stamp:       c.cfg.Now(),
		Zone:        models.LocationOf("Europe/Paris"),
		Events:      make([]ical.Event, 0, len(sessions)),
	}
	for _, s := range sessions {
		place := ""
		if communeName != nil {
			place = communeName(s.CommuneINSEE)
		}
		summary := "Séance de sensibilisation"
		if place != "" {
			summary += " — " + place
		}
		info := SessionInfo{VenueName: s.VenueName, Address: s.VenueAddress}
		if s.Remote() {
			info.RemoteURL = s.RemoteURL
		}
		in.Events = append(in.Events, ical.Event{
			UID:   fmt.Sprintf("seance-%d@%s", s.ID, c.host),
			Start: s.StartsAt, End: s.EndsAt, Zone: models.LocationOf(s.TimeZone),
			Summary: frenchTypography(summary), Location: frenchTypography(eventLocation(info)),
			Description: feedDescription(s),
		})
	}
	b, err := ical.Feed(in)
	if err != nil {
		return nil, fmt.Errorf("bookings feed: %w", err)
	}
	return b, nil
}

// feedDescription says who co-organises and where, for the officer.
func feedDescription(s models.ScheduledSession) string {
	lines := []string{"Séance « La santé mentale dans mon quartier »."}
	org := "Co-organisation : " + oneLine(s.CLSMName)
	if n := strings.TrimSpace(oneLine(s.CoordinatorName)); n != "" {
		org += " (coordination : " + n + ")"
	}
	lines = append(lines, org)
	if s.Remote() && s.RemoteURL != "" {
		lines = append(lines, "En ligne : "+s.RemoteURL)
	}
	return frenchTypography(strings.Join(lines, "\n"))
}

// oneLine joins the lines of stored text with spaces, for a name written
// inside a sentence.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\r' || r == '\n' }), " ")
}
