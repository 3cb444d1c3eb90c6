package models

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestSingleLineFields_RefuseControlCharacters: every single-line field a
// model stores refuses line breaks and other control characters (they
// broke every email to the person, and calendar feeds), while quotes,
// apostrophes and accents are ordinary text. Multi-line fields keep their
// line breaks.
func TestSingleLineFields_RefuseControlCharacters(t *testing.T) {
	f := newReqFixture(t)
	ctx := context.Background()
	day := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	facil, err := f.s.CreateUser(ctx, f.admin.ID, NewUser{Email: "facil@exemple.fr", Name: "Camille Facil", Role: RoleFacilitator, HomeINSEE: "59350"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	saves := map[string]func(text string) error{
		"name": func(s string) error {
			_, err := NewUser{Email: "lea@exemple.fr", Name: s, Role: RoleCoordinator}.Validate()
			return err
		},
		"clsm name": func(s string) error {
			_, err := f.s.CreateCLSM(ctx, f.admin.ID, CLSMInput{Name: s, RegionCode: "32", DepartementCode: "59"})
			return err
		},
		"season name": func(s string) error {
			// Years ahead, clear of the fixture's season (overlaps are refused).
			start := day.AddDate(10, 0, 0)
			_, err := f.s.CreateSeason(ctx, f.admin.ID, s, start, start.AddDate(0, 6, 0))
			return err
		},
		"qpv name": func(s string) error {
			return f.s.SaveQPV(ctx, f.admin.ID, QPVInput{Code: "QN05999M", Name: s, Communes: []string{"59512"}})
		},
		"exception label": func(s string) error {
			_, err := f.s.AddException(ctx, facil.ID, ExceptionInput{Kind: ExceptionUnavailable, From: day, AllDay: true, Label: s})
			return err
		},
		"busy label": func(s string) error {
			_, err := f.s.AddBusyTime(ctx, facil.ID, BusyInput{Start: day.Add(9 * time.Hour), End: day.Add(10 * time.Hour), Label: s})
			return err
		},
		"organisation name": func(s string) error {
			_, err := f.s.CreateOrganisation(ctx, f.admin.ID, f.clsm.ID, OrganisationInput{Name: s, Kind: OrgAssociation})
			return err
		},
		"venue name": func(s string) error {
			in := f.input()
			in.VenueName = s
			_, err := f.s.CreateRequest(ctx, f.coord.ID, f.clsm.ID, in, false)
			return err
		},
	}
	bad := []string{"Léa\r\nBcc: x@exemple.fr", "Léa\nPicard", "Léa\tPicard", "Léa\x1bPicard", "Léa\u2028Picard", "Léa\x00", "L\xe9a"}
	for field, save := range saves {
		for _, text := range bad {
			t.Run(field+" "+strings.ReplaceAll(text, "\x00", "NUL"), func(t *testing.T) {
				err := save(text)
				if err == nil {
					t.Fatalf("%q was accepted", text)
				}
				for _, m := range fieldsOf(t, err) {
					if m == "" {
						t.Error("empty message")
					}
				}
			})
		}
		t.Run(field+" quotes and accents", func(t *testing.T) {
			if err := save(`Léa "Lulu" O’Brien-d'Été`); err != nil {
				t.Fatalf("an ordinary name was refused: %v", err)
			}
		})
	}
	for _, tc := range []struct {
		text      string
		multiline bool
		ok        bool
	}{
		{"Première ligne\r\nDeuxième ligne\tavec tabulation", true, true},
		{"Première ligne\r\nDeuxième", false, false},
		{strings.Repeat("é", 10), false, true},
		{strings.Repeat("é", 11), false, false},
		{"\x7f", true, false},
	} {
		if got := TextProblem(tc.text, 10+100*boolInt(tc.multiline), tc.multiline) == ""; got != tc.ok {
			t.Errorf("TextProblem(%q, multiline=%v) ok=%v, want %v", tc.text, tc.multiline, got, tc.ok)
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
