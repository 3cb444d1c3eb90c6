package models

import (
	"context"
	"testing"
)

// An edit of a submitted request records the French names of the fields
// that changed, in the form's order; an edit that changes nothing is not
// recorded at all.
func TestUpdateRequest_HistoryNamesChangedFields(t *testing.T) {
	f := newReqFixture(t)
	ctx := context.Background()
	r, err := f.s.CreateRequest(ctx, f.coord.ID, f.clsm.ID, f.input(), true)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		change func(*RequestInput)
		want   string // the fields listed; empty: no event
	}{
		{"nothing", func(*RequestInput) {}, ""},
		{"only spaces around the venue", func(in *RequestInput) { in.VenueName = "  " + in.VenueName + " " }, ""},
		{"the venue", func(in *RequestInput) { in.VenueAddress = "3 rue de l’Alma, 59100 Roubaix" }, "lieu"},
		{"a window's part and the notes", func(in *RequestInput) {
			in.Windows[1].Part = Evening
			in.Notes = "Prévoir un micro."
		}, "créneaux, remarques"},
		{"the publics, the count and the partners", func(in *RequestInput) {
			in.AudienceElected, in.ExpectedCount, in.Partners = true, 20, []string{"Mission locale"}
		}, "publics, nombre de personnes, structures partenaires"},
		{"the format", func(in *RequestInput) { in.Format, in.RemoteURL = FormatRemote, "https://visio.exemple.fr/abc" }, "format"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := f.s.RequestEvents(ctx, r.ID)
			in := f.input()
			tc.change(&in)
			if _, err := f.s.UpdateRequest(ctx, f.coord.ID, r.ID, in, false); err != nil {
				t.Fatal(err)
			}
			after, _ := f.s.RequestEvents(ctx, r.ID)
			if tc.want == "" {
				if len(after) != len(before) {
					t.Errorf("an edit that changed nothing was recorded: %+v", after[len(after)-1])
				}
				return
			}
			if len(after) != len(before)+1 {
				t.Fatalf("%d events, want %d", len(after), len(before)+1)
			}
			got, ok := after[len(after)-1].EditedFields()
			if !ok || got != tc.want {
				t.Errorf("edited fields %q (%v), want %q", got, ok, tc.want)
			}
			// Back to the fixture's content for the next case.
			if _, err := f.s.UpdateRequest(ctx, f.coord.ID, r.ID, f.input(), false); err != nil {
				t.Fatal(err)
			}
		})
	}
}
