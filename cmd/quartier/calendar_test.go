package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunCalendarBusy_PrintsMergedJSONLines(t *testing.T) {
	ics := filepath.Join(t.TempDir(), "agenda.ics")
	body := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\n" +
		"BEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Romance Standard Time:20260512T140000\r\nDTEND;TZID=Romance Standard Time:20260512T170000\r\nSUMMARY:Secret\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nUID:b\r\nDTSTART:20260512T150000Z\r\nDTEND:20260512T160000Z\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nUID:c\r\nDTSTART;VALUE=DATE:20260514\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nUID:d\r\nDTSTART:20260520T090000Z\r\nDTEND:20260520T100000Z\r\nEND:VEVENT\r\n" +
		"END:VCALENDAR\r\n"
	if err := os.WriteFile(ics, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := runCalendar(context.Background(), []string{"busy", "--ics", ics, "--from", "2026-05-11", "--to", "2026-05-14"}, &out, &errOut)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	want := []map[string]string{
		{"start": "2026-05-12T12:00:00Z", "end": "2026-05-12T16:00:00Z"},
		{"start": "2026-05-13T22:00:00Z", "end": "2026-05-14T22:00:00Z"},
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != len(want) {
		t.Fatalf("got %d lines:\n%s", len(lines), out.String())
	}
	for i, line := range lines {
		var got map[string]string
		if err := json.Unmarshal([]byte(line), &got); err != nil {
			t.Fatalf("line %d is not JSON: %q", i, line)
		}
		if got["start"] != want[i]["start"] || got["end"] != want[i]["end"] || len(got) != 2 {
			t.Errorf("line %d = %v, want %v", i, got, want[i])
		}
	}
	if strings.Contains(out.String(), "Secret") {
		t.Error("output leaks a title")
	}
}

func TestRunCalendarBusy_BadInput(t *testing.T) {
	dir := t.TempDir()
	notICS := filepath.Join(dir, "page.html")
	if err := os.WriteFile(notICS, []byte("<html></html>"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
	}{
		{"missing file", []string{"busy", "--ics", filepath.Join(dir, "nope.ics"), "--from", "2026-05-11", "--to", "2026-05-14"}},
		{"not iCalendar", []string{"busy", "--ics", notICS, "--from", "2026-05-11", "--to", "2026-05-14"}},
		{"bad date", []string{"busy", "--ics", notICS, "--from", "11/05/2026", "--to", "2026-05-14"}},
		{"to before from", []string{"busy", "--ics", notICS, "--from", "2026-05-14", "--to", "2026-05-11"}},
		{"bad zone", []string{"busy", "--ics", notICS, "--from", "2026-05-11", "--to", "2026-05-14", "--tz", "Mars/Olympus"}},
		{"missing flags", []string{"busy"}},
		{"unknown flag", []string{"busy", "--ical", notICS}},
		{"unknown subcommand", []string{"free"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := runCalendar(context.Background(), tt.args, &out, &errOut); code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if out.Len() != 0 || errOut.Len() == 0 {
				t.Errorf("stdout %q, stderr %q", out.String(), errOut.String())
			}
		})
	}
}
