package ical

//go:generate go run ./internal/genwinzones -out windowszones_gen.go

// ianaForWindowsZone returns the IANA zone name for a Windows time zone name
// such as "Romance Standard Time", as Outlook and Exchange write in TZID.
func ianaForWindowsZone(name string) (string, bool) {
	iana, ok := windowsZoneNames[name]
	return iana, ok
}
