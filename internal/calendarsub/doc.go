// Package calendarsub keeps facilitators' subscribed calendars (.ics
// "secret addresses") fresh: it fetches them safely (http(s) only, a
// bounded body, every connection checked at dial time against non-public
// addresses), imports their busy time with package ical over the import
// window, and records the outcome in the store. The scheduler runs
// (*Refresher).RefreshDue as a job; the pages use FetchBusy and Import.
package calendarsub
