package models

import (
	"strings"
	"testing"
)

// TestLabels: every value of every enumerated type reads in French, and no
// two values of one type read alike.
func TestLabels(t *testing.T) {
	type labelled struct {
		raw, label string
	}
	var (
		stepFree, formats, parts, hours, outbox, seasons, roles, states []labelled
	)
	for _, v := range StepFrees() {
		stepFree = append(stepFree, labelled{string(v), v.Label()})
	}
	for _, v := range SessionFormats() {
		formats = append(formats, labelled{string(v), v.Label()})
	}
	for _, v := range DayParts() {
		parts = append(parts, labelled{string(v), v.Label()})
		hours = append(hours, labelled{string(v), v.LabelWithHours()})
	}
	for _, v := range []OutboxStatus{OutboxPending, OutboxSending, OutboxSent, OutboxFailed} {
		outbox = append(outbox, labelled{string(v), v.Label()})
	}
	for _, v := range []SeasonStatus{SeasonOpen, SeasonClosed} {
		seasons = append(seasons, labelled{string(v), v.Label()})
	}
	for _, v := range Roles {
		roles = append(roles, labelled{string(v), v.Label()})
	}
	for _, v := range []RequestState{RequestDraft, RequestSubmitted, RequestChangesRequested, RequestAccepted, RequestDeclined,
		RequestProposed, RequestScheduled, RequestHeld, RequestClosed, RequestWithdrawn, RequestCancelled} {
		states = append(states, labelled{string(v), v.Label()})
	}
	tests := []struct {
		name   string
		values []labelled
		count  int
	}{
		{"StepFree", stepFree, 3}, {"SessionFormat", formats, 2}, {"DayPart", parts, 3}, {"DayPart hours", hours, 3},
		{"OutboxStatus", outbox, 4}, {"SeasonStatus", seasons, 2}, {"Role", roles, 3}, {"RequestState", states, 11},
	}
	for _, tt := range tests {
		if len(tt.values) != tt.count {
			t.Errorf("%s: %d values, want %d", tt.name, len(tt.values), tt.count)
		}
		seen := map[string]string{}
		for _, v := range tt.values {
			if v.label == "" || v.label == v.raw || strings.Contains(v.label, "_") {
				t.Errorf("%s %q: label %q is not French", tt.name, v.raw, v.label)
			}
			if other, dup := seen[v.label]; dup {
				t.Errorf("%s: %q and %q both read %q", tt.name, other, v.raw, v.label)
			}
			seen[v.label] = v.raw
		}
	}
	if got := SeasonStatus("unknown").Label(); got != "unknown" {
		t.Errorf("an unknown value reads %q, want itself", got)
	}
}
