package models

import (
	"errors"
	"strings"
	"testing"
)

// TestRequestStateMachine checks every pair of states against DESIGN §3.1,
// written out here independently of RequestState.Next.
func TestRequestStateMachine(t *testing.T) {
	allowed := map[string]bool{}
	for _, pair := range []string{
		"draft→submitted",
		"submitted→changes_requested", "changes_requested→submitted",
		"submitted→accepted", "submitted→declined",
		"accepted→proposed", "proposed→scheduled", "proposed→accepted",
		"scheduled→held", "held→closed",
		"draft→withdrawn", "submitted→withdrawn", "changes_requested→withdrawn", "accepted→withdrawn", "proposed→withdrawn",
		"accepted→cancelled", "proposed→cancelled", "scheduled→cancelled",
	} {
		allowed[pair] = true
	}
	states := RequestStates()
	if len(states) != 11 {
		t.Fatalf("%d states, want the 11 of §3.1", len(states))
	}
	for _, from := range states {
		for _, to := range states {
			want := allowed[string(from)+"→"+string(to)]
			if got := from.CanMoveTo(to); got != want {
				t.Errorf("%s → %s: allowed = %v, want %v", from, to, got, want)
			}
			err := checkTransition(from, to)
			if want != (err == nil) {
				t.Errorf("checkTransition(%s, %s) = %v", from, to, err)
			}
			if err == nil {
				continue
			}
			var ite *InvalidTransitionError
			if !errors.As(err, &ite) || ite.From != from || ite.To != to {
				t.Errorf("%s → %s: error %v is not an InvalidTransitionError{From, To}", from, to, err)
			}
			var ce *ConflictError
			if !errors.As(err, &ce) {
				t.Errorf("%s → %s: error does not unwrap to a ConflictError (no 409)", from, to)
			}
			var ue UserError = ite
			if msg := ue.UserMessage(); !strings.Contains(msg, from.Label()) || !strings.Contains(msg, to.Label()) || ce.UserMessage() != msg {
				t.Errorf("%s → %s: message %q", from, to, msg)
			}
		}
	}
	for _, s := range states {
		if s.Label() == string(s) {
			t.Errorf("state %s has no French label", s)
		}
		final := s == RequestDeclined || s == RequestWithdrawn || s == RequestCancelled || s == RequestClosed
		if s.Final() != final {
			t.Errorf("%s: Final = %v", s, s.Final())
		}
	}
	if RequestState("bogus").Valid() || RequestState("bogus").CanMoveTo(RequestSubmitted) {
		t.Error("an unknown state is valid or can move")
	}
}
