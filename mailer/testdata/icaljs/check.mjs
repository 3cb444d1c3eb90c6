// Parses an .ics file with Mozilla's ical.js (an independent parser) and
// prints what quartier's tests assert, as JSON: the calendar's METHOD, and
// for each event its properties and its start and end as UTC instants,
// computed from the VTIMEZONE carried by the file itself.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const text = readFileSync(process.argv[2], "utf8");
const cal = new ICAL.Component(ICAL.parse(text));

// Use only the file's own VTIMEZONEs, never a built-in database.
const zones = [];
for (const vtz of cal.getAllSubcomponents("vtimezone")) {
  const tz = new ICAL.Timezone(vtz);
  ICAL.TimezoneService.register(tz, tz.tzid);
  zones.push(tz.tzid);
}

const events = cal.getAllSubcomponents("vevent").map((comp) => {
  const ev = new ICAL.Event(comp);
  const attendee = comp.getFirstProperty("attendee");
  const organizer = comp.getFirstProperty("organizer");
  return {
    uid: ev.uid,
    sequence: ev.sequence,
    summary: ev.summary,
    location: ev.location,
    description: ev.description,
    status: comp.getFirstPropertyValue("status"),
    dtstamp: comp.getFirstPropertyValue("dtstamp").toJSDate().toISOString(),
    start: ev.startDate.toJSDate().toISOString(),
    end: ev.endDate.toJSDate().toISOString(),
    startZone: ev.startDate.zone ? ev.startDate.zone.tzid : null,
    startLocal: ev.startDate.toString(),
    organizer: organizer ? organizer.getFirstValue() : null,
    organizerCN: organizer ? organizer.getParameter("cn") : null,
    attendee: attendee ? attendee.getFirstValue() : null,
    attendeeCN: attendee ? attendee.getParameter("cn") : null,
    rsvp: attendee ? attendee.getParameter("rsvp") : null,
  };
});

process.stdout.write(JSON.stringify({
  method: cal.getFirstPropertyValue("method"),
  version: cal.getFirstPropertyValue("version"),
  prodid: cal.getFirstPropertyValue("prodid"),
  zones,
  events,
}));
