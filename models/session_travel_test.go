package models

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestSlotRules_TravelMargin: with a travel model of 45 minutes between
// any two places, a second in-person session the same day must start 45
// minutes after the first ends (or end 45 minutes before it starts); a
// remote one, another day, or a store without travel model is not held to
// it. Propose, confirm and move all check it.
func TestSlotRules_TravelMargin(t *testing.T) {
	f := newSessFixture(t)
	ctx := context.Background()
	var asked [][2]string
	f.s.UseTravel(func(from, to string) time.Duration {
		asked = append(asked, [2]string{from, to})
		return 45 * time.Minute
	})
	paris := LocationOf("Europe/Paris")
	at := func(d, h, m int) SessionSlot {
		st := time.Date(2027, 1, d, h, m, 0, 0, paris)
		return SessionSlot{FacilitatorID: f.fac.ID, Start: st, End: st.Add(DefaultSessionLength), TimeZone: "Europe/Paris"}
	}
	// Monday 11 January 2027, 9:00 – 12:00, confirmed.
	if _, err := f.s.ProposeSession(ctx, f.admin.ID, f.req.ID, at(11, 9, 0)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.ConfirmSession(ctx, f.coord.ID, f.req.ID); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		slot   SessionSlot
		remote bool
		want   SlotRule
	}{
		{"30 minutes after", at(11, 12, 30), false, RuleTravel},
		{"44 minutes after", at(11, 12, 44), false, RuleTravel},
		{"30 minutes before (and before the working day: travel speaks first)", at(11, 5, 30), false, RuleTravel},
		{"45 minutes after", at(11, 12, 45), false, ""},
		{"remote, 30 minutes after", at(11, 12, 30), true, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := f.input()
			if c.remote {
				in.Format, in.RemoteURL = FormatRemote, "https://visio.exemple.fr/seance"
			}
			r, err := f.s.CreateRequest(ctx, f.coord.ID, f.clsm.ID, in, true)
			if err != nil {
				t.Fatal(err)
			}
			if r, err = f.s.DecideRequest(ctx, f.admin.ID, r.ID, RequestAccepted, ""); err != nil {
				t.Fatal(err)
			}
			se, err := f.s.ProposeSession(ctx, f.admin.ID, r.ID, c.slot)
			if got := ruleOf(err); got != c.want || (c.want == "" && err != nil) {
				t.Fatalf("propose: %v (rule %q), want rule %q", err, got, c.want)
			}
			if c.want != "" {
				var re *SlotRuleError
				errors.As(err, &re)
				for _, part := range []string{"Camille Lefebvre", "CLSM de Roubaix — Centre social de l’Alma", "lundi 11 janvier 2027", "45\u00a0min", "il n’en reste que"} {
					if !strings.Contains(re.Message, part) {
						t.Errorf("message %q lacks %q", re.Message, part)
					}
				}
				return
			}
			if _, err := f.s.CancelSession(ctx, f.admin.ID, se.ID, "Essai terminé"); err != nil {
				t.Fatal(err)
			}
		})
	}
	if len(asked) == 0 || asked[0] != [2]string{"59512", "59512"} {
		t.Errorf("travel asked between %v, want the communes of the requests", asked)
	}

	// A move into the margin is refused too; the other session is
	// scheduled, so the confirmation of a proposal there is as well.
	r2 := f.accepted(t)
	se2, err := f.s.ProposeSession(ctx, f.admin.ID, r2.ID, at(12, 9, 0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.MoveSession(ctx, f.admin.ID, se2.ID, at(11, 12, 15)); ruleOf(err) != RuleTravel {
		t.Errorf("move into the margin: %v", err)
	}
	if _, err := f.s.MoveSession(ctx, f.admin.ID, se2.ID, at(11, 13, 0)); err != nil {
		t.Fatalf("move out of the margin: %v", err)
	}
	// The travel model grows (say a road closes): confirming re-checks it.
	f.s.UseTravel(func(string, string) time.Duration { return 2 * time.Hour })
	if _, err := f.s.ConfirmSession(ctx, f.coord.ID, r2.ID); ruleOf(err) != RuleTravel {
		t.Errorf("confirm with a longer travel: %v", err)
	}
	// Without a travel model, no margin.
	f.s.UseTravel(nil)
	if _, err := f.s.ConfirmSession(ctx, f.coord.ID, r2.ID); err != nil {
		t.Errorf("confirm without travel model: %v", err)
	}
}
