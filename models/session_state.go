package models

import "fmt"

// SessionState is where a session is in its life. A session's states are
// its own; its request moves with it (see sessionStateFor).
type SessionState string

// The states of a session.
const (
	SessionProposed  SessionState = "proposed"
	SessionScheduled SessionState = "scheduled"
	SessionHeld      SessionState = "held"
	SessionClosed    SessionState = "closed"
	SessionCancelled SessionState = "cancelled"
)

// SessionStates lists every state in the order of a session's life.
func SessionStates() []SessionState {
	return []SessionState{SessionProposed, SessionScheduled, SessionHeld, SessionClosed, SessionCancelled}
}

// Next is THE state machine of a session: the states it may move to.
//
//	proposed → scheduled (the coordinator confirms) | cancelled (another date asked, withdrawn, cancelled)
//	scheduled → held (attendance recorded) | cancelled (by an admin, with a reason)
//	held → closed (debrief and feedback over)
//
// closed and cancelled are final. Moving a session in time is not a
// transition: it stays proposed or scheduled, with a higher SEQUENCE.
func (s SessionState) Next() []SessionState {
	switch s {
	case SessionProposed:
		return []SessionState{SessionScheduled, SessionCancelled}
	case SessionScheduled:
		return []SessionState{SessionHeld, SessionCancelled}
	case SessionHeld:
		return []SessionState{SessionClosed}
	}
	return nil
}

// CanMoveTo reports whether the state machine allows s → to.
func (s SessionState) CanMoveTo(to SessionState) bool {
	for _, n := range s.Next() {
		if n == to {
			return true
		}
	}
	return false
}

// Final reports whether nothing can happen to a session in state s.
func (s SessionState) Final() bool { return s.Valid() && len(s.Next()) == 0 }

// Valid reports whether s is a known state.
func (s SessionState) Valid() bool {
	for _, k := range SessionStates() {
		if k == s {
			return true
		}
	}
	return false
}

// Live reports whether the session still stands (it may be moved, or is
// on calendars): proposed, scheduled or held.
func (s SessionState) Live() bool {
	return s == SessionProposed || s == SessionScheduled || s == SessionHeld
}

// Label is the state's French name, as shown in badges.
func (s SessionState) Label() string {
	switch s {
	case SessionProposed:
		return "Date proposée"
	case SessionScheduled:
		return "Programmée"
	case SessionHeld:
		return "Tenue"
	case SessionClosed:
		return "Clôturée"
	case SessionCancelled:
		return "Annulée"
	}
	return string(s)
}

// InvalidSessionTransitionError says the session state machine refuses
// From → To. It unwraps to a ConflictError (a 409 with its French message).
type InvalidSessionTransitionError struct {
	From, To SessionState
}

func (e *InvalidSessionTransitionError) Error() string {
	return fmt.Sprintf("invalid session transition %s → %s", e.From, e.To)
}

// UserMessage implements UserError.
func (e *InvalidSessionTransitionError) UserMessage() string {
	return fmt.Sprintf("Cette séance est à l’état « %s » : elle ne peut pas passer à l’état « %s ». La page a peut-être changé entre-temps ; rechargez-la pour voir son état actuel.",
		e.From.Label(), e.To.Label())
}

// Unwrap makes errors.As(err, **ConflictError) true, for the error mapper.
func (e *InvalidSessionTransitionError) Unwrap() error {
	return &ConflictError{Message: e.UserMessage()}
}

// checkSessionTransition returns an InvalidSessionTransitionError unless
// from → to is in the state machine.
func checkSessionTransition(from, to SessionState) error {
	if !from.CanMoveTo(to) {
		return &InvalidSessionTransitionError{From: from, To: to}
	}
	return nil
}

// sessionStateFor is the session state a request's state carries its live
// session to; ok is false when the request's move leaves the session alone
// (proposed: the session was just created) or ends it (handled apart).
func sessionStateFor(r RequestState) (SessionState, bool) {
	switch r {
	case RequestScheduled:
		return SessionScheduled, true
	case RequestHeld:
		return SessionHeld, true
	case RequestClosed:
		return SessionClosed, true
	case RequestWithdrawn, RequestCancelled, RequestAccepted:
		return SessionCancelled, true
	}
	return "", false
}
