package models

import (
	"errors"
	"strings"
	"testing"
)

// TestSessionStateMachine checks every pair of session states, written out
// here independently of SessionState.Next.
func TestSessionStateMachine(t *testing.T) {
	allowed := map[string]bool{
		"proposed→scheduled": true, "proposed→cancelled": true,
		"scheduled→held": true, "scheduled→cancelled": true,
		"held→closed": true,
	}
	states := SessionStates()
	if len(states) != 5 {
		t.Fatalf("%d states, want 5", len(states))
	}
	for _, from := range states {
		for _, to := range states {
			want := allowed[string(from)+"→"+string(to)]
			if got := from.CanMoveTo(to); got != want {
				t.Errorf("%s → %s: allowed = %v, want %v", from, to, got, want)
			}
			err := checkSessionTransition(from, to)
			if want != (err == nil) {
				t.Errorf("checkSessionTransition(%s, %s) = %v", from, to, err)
			}
			if err == nil {
				continue
			}
			var ite *InvalidSessionTransitionError
			if !errors.As(err, &ite) || ite.From != from || ite.To != to {
				t.Errorf("%s → %s: error %v is not an InvalidSessionTransitionError{From, To}", from, to, err)
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
		final := s == SessionClosed || s == SessionCancelled
		if s.Final() != final {
			t.Errorf("%s: Final = %v", s, s.Final())
		}
		if s.Live() != (s == SessionProposed || s == SessionScheduled || s == SessionHeld) {
			t.Errorf("%s: Live = %v", s, s.Live())
		}
	}
	if SessionState("bogus").Valid() || SessionState("bogus").CanMoveTo(SessionScheduled) {
		t.Error("an unknown state is valid or can move")
	}
}

// TestSessionStateFor checks that every request state that needs a
// session maps to a session state the session machine can reach.
func TestSessionStateFor(t *testing.T) {
	cases := map[RequestState]SessionState{
		RequestScheduled: SessionScheduled, RequestHeld: SessionHeld, RequestClosed: SessionClosed,
		RequestWithdrawn: SessionCancelled, RequestCancelled: SessionCancelled, RequestAccepted: SessionCancelled,
	}
	for _, r := range RequestStates() {
		got, ok := sessionStateFor(r)
		want, wantOK := cases[r]
		if ok != wantOK || got != want {
			t.Errorf("sessionStateFor(%s) = %q, %v; want %q, %v", r, got, ok, want, wantOK)
		}
	}
}
