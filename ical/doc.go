// Package ical is quartier's iCalendar, pure (no store, no configuration,
// no network): it reads the busy time of imported calendars (parsing,
// expansion of RRULE, RDATE, EXDATE and RECURRENCE-ID, VTIMEZONE and
// Windows zone names mapped by the CLDR table), and writes invitations and
// subscription feeds with go-ical, each with the VTIMEZONE of its zones.
//
// Callers decide what a calendar says (UID, SEQUENCE, French texts) and
// convert Interval to their own types.
package ical
