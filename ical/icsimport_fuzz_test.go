package ical

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzBusyIntervals feeds arbitrary bytes to the parser and the expansion:
// no panic, and whatever is returned is sorted, merged and inside the
// window. Bounds are small so each input finishes quickly. The seed corpus
// is the fixtures; `go test` runs the seeds only.
func FuzzBusyIntervals(f *testing.F) {
	files, _ := filepath.Glob("testdata/ics/*.ics")
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;TZID=\"a\"b:1\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"))
	f.Add([]byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:19980101T000000Z\r\nDURATION:PT1M\r\nRRULE:FREQ=DAILY;BYSETPOS=-1;BYHOUR=1,2,3;BYMINUTE=0,30\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"))
	f.Add([]byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20260105T090000Z\r\nDT\r\n END;TZ\r\n\tID=Europe/Paris:20260105T110000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"))
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		ivs, err := BusyIntervals(bytes.NewReader(data), ImportOptions{
			From: from, To: to, Location: time.UTC, MaxBytes: 1 << 20, MaxInstances: 5000,
		})
		if err != nil {
			return
		}
		for i, iv := range ivs {
			if !iv.End.After(iv.Start) || iv.Start.Before(from) || iv.End.After(to) {
				t.Fatalf("interval %d out of window or empty: %v", i, iv)
			}
			if i > 0 && !iv.Start.After(ivs[i-1].End) {
				t.Fatalf("intervals %d and %d not merged: %v %v", i-1, i, ivs[i-1], iv)
			}
		}
	})
}
