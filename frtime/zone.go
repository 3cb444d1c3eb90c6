package frtime

import (
	"sync"
	"time"
)

// zones caches LoadZone's answers: zone name → *time.Location. Only zones
// that loaded are kept; there are a few hundred names at most, and a
// *time.Location never changes.
var zones sync.Map

// LoadZone is time.LoadLocation, cached: time.LoadLocation reads the
// zone's file at every call, and pages and batches of emails ask for the
// same few zones again and again.
func LoadZone(name string) (*time.Location, error) {
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zones.Store(name, loc)
	return loc, nil
}
