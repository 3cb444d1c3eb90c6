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

// TestRunPlan_Contract checks the command line contract of FORMAT.md:
// exit 0 with a plan written, 2 with the bad field named for an invalid
// instance, 2 on bad flags, 0 with help on -h.
func TestRunPlan_Contract(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	valid := write("valid.json", `{
		"session_minutes": 180, "travel": {"speed_kmh": 70},
		"facilitators": [{"id": "camille", "home": {"lat": 50.6292, "lon": 3.0573},
			"available": [{"start": "2026-03-10T08:00:00+01:00", "end": "2026-03-10T20:00:00+01:00"}],
			"max_per_day": 2}],
		"requests": [
			{"id": "lens", "location": {"lat": 50.4329, "lon": 2.8333},
			 "windows": [{"start": "2026-03-10T13:30:00+01:00", "end": "2026-03-10T17:30:00+01:00"}]},
			{"id": "cholet", "location": {"lat": 47.06, "lon": -0.879},
			 "windows": [{"start": "2026-03-11T13:30:00+01:00", "end": "2026-03-11T17:30:00+01:00"}]}
		]}`)
	invalid := write("invalid.json", `{
		"session_minutes": 180, "travel": {"speed_kmh": 70},
		"facilitators": [{"id": "camille", "home": {"lat": 50.6, "lon": 3.0}, "available": []}],
		"requests": [{"id": "a", "remote": true,
			"windows": [{"start": "2026-03-10T13:30:00+01:00", "end": "2026-03-10T12:30:00+01:00"}]}]}`)
	out := filepath.Join(dir, "plan.json")

	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string
		wantStdout string
	}{
		{"plan written", []string{"--in", valid, "--out", out}, exitOK, "1 demande placée sur 2", ""},
		{"invalid instance names the field", []string{"--in", invalid, "--out", out}, exitUsage, "requests[0].windows[0].end: before start", ""},
		{"unknown flag", []string{"--bogus"}, exitUsage, "flag provided but not defined", ""},
		{"missing --in", []string{"--out", out}, exitUsage, "--in is required", ""},
		{"help", []string{"-h"}, exitOK, "", "Usage: quartier plan --in instance.json --out plan.json"},
		{"missing file", []string{"--in", filepath.Join(dir, "nope.json"), "--out", out}, exitError, "no such file", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := runPlan(context.Background(), tt.args, &stdout, &stderr)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d (stderr: %s)", code, tt.wantCode, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr %q does not contain %q", stderr.String(), tt.wantStderr)
			}
			if !strings.Contains(stdout.String(), tt.wantStdout) {
				t.Errorf("stdout %q does not contain %q", stdout.String(), tt.wantStdout)
			}
		})
	}

	// The plan written by the first case: Lens placed, Cholet left out
	// with a French reason (its window is outside every availability).
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var plan struct {
		Assignments []struct{ Request, Facilitator, Start string }
		Unassigned  []struct{ Request, Reason string }
	}
	if err := json.Unmarshal(data, &plan); err != nil {
		t.Fatal(err)
	}
	if len(plan.Assignments) != 1 || plan.Assignments[0].Request != "lens" || plan.Assignments[0].Start != "2026-03-10T13:30:00+01:00" {
		t.Errorf("assignments = %+v, want lens at 13:30", plan.Assignments)
	}
	if len(plan.Unassigned) != 1 || !strings.Contains(plan.Unassigned[0].Reason, "ne croise la disponibilité") {
		t.Errorf("unassigned = %+v, want cholet with an availability reason", plan.Unassigned)
	}
}
