package ical

import (
	"strings"
	"time"

	goical "github.com/emersion/go-ical"
)

// zoneResolver turns TZID parameters into locations, for one import.
//
// Order: an IANA name Go knows ("Europe/Paris", also at the end of a
// Mozilla-style "/mozilla.org/20070129_1/Europe/Paris"); a Windows name as
// Outlook writes it ("Romance Standard Time"), mapped by the CLDR
// windowsZones table; the file's own VTIMEZONE, rebuilt from its current
// STANDARD/DAYLIGHT rules; and last the import's Location.
type zoneResolver struct {
	fallback   *time.Location
	vtimezones map[string]*goical.Component
	cache      map[string]*time.Location
}

func newZoneResolver(fallback *time.Location, cals []*goical.Calendar) *zoneResolver {
	z := &zoneResolver{
		fallback:   fallback,
		vtimezones: make(map[string]*goical.Component),
		cache:      make(map[string]*time.Location),
	}
	for _, cal := range cals {
		for _, child := range cal.Children {
			if child.Name != goical.CompTimezone {
				continue
			}
			if id := child.Props.Get(goical.PropTimezoneID); id != nil {
				z.vtimezones[normalizeTZID(id.Value)] = child
			}
		}
	}
	return z
}

func normalizeTZID(tzid string) string {
	return strings.Trim(strings.TrimSpace(tzid), `"`)
}

// location resolves a TZID; it never fails, falling back to the import's zone.
func (z *zoneResolver) location(tzid string) *time.Location {
	tzid = normalizeTZID(tzid)
	if loc, ok := z.cache[tzid]; ok {
		return loc
	}
	loc := z.resolve(tzid)
	z.cache[tzid] = loc
	return loc
}

func (z *zoneResolver) resolve(tzid string) *time.Location {
	switch strings.ToUpper(tzid) {
	case "UTC", "GMT", "Z", "ETC/UTC", "ETC/GMT":
		return time.UTC
	}
	if loc := loadIANA(tzid); loc != nil {
		return loc
	}
	if iana, ok := ianaForWindowsZone(tzid); ok {
		if loc := loadIANA(iana); loc != nil {
			return loc
		}
	}
	// "/mozilla.org/20070129_1/Europe/Paris", "/citadel.org/…/Europe/Paris".
	if strings.HasPrefix(tzid, "/") {
		parts := strings.Split(tzid, "/")
		for i := 1; i < len(parts)-1; i++ {
			if loc := loadIANA(strings.Join(parts[i:], "/")); loc != nil {
				return loc
			}
		}
	}
	if comp, ok := z.vtimezones[tzid]; ok {
		if loc := locationFromVTimezone(tzid, comp); loc != nil {
			return loc
		}
	}
	return z.fallback
}

// loadIANA loads an IANA zone, refusing names that are not zone names
// ("Local", paths, free text) before touching the zone database.
func loadIANA(name string) *time.Location {
	if name == "" || name == "Local" || len(name) > 64 {
		return nil
	}
	for _, c := range name {
		if !(c == '/' || c == '_' || c == '-' || c == '+' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return nil
		}
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil
	}
	return loc
}
