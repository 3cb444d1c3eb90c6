package models

import "fmt"

// RequestState is where a session request is in its life (DESIGN §3.1).
type RequestState string

// The states of a request. Every state of §3.1 is here, including those
// that later steps (planning, sign-ups, the day itself) move requests to.
const (
	RequestDraft            RequestState = "draft"
	RequestSubmitted        RequestState = "submitted"
	RequestChangesRequested RequestState = "changes_requested"
	RequestAccepted         RequestState = "accepted"
	RequestDeclined         RequestState = "declined"
	RequestProposed         RequestState = "proposed"
	RequestScheduled        RequestState = "scheduled"
	RequestHeld             RequestState = "held"
	RequestClosed           RequestState = "closed"
	RequestWithdrawn        RequestState = "withdrawn"
	RequestCancelled        RequestState = "cancelled"
)

// RequestStates lists every state in the order of a request's life, for
// filters and tests.
func RequestStates() []RequestState {
	return []RequestState{
		RequestDraft, RequestSubmitted, RequestChangesRequested, RequestAccepted, RequestDeclined,
		RequestProposed, RequestScheduled, RequestHeld, RequestClosed, RequestWithdrawn, RequestCancelled,
	}
}

// Next is THE state machine of a request: the states it may move to from
// this one. Who triggers each move (coordinator, admin, planner) is the
// business operation's concern; that the move exists at all is decided
// here and nowhere else.
//
//	draft → submitted (coordinator)
//	submitted → changes_requested | accepted | declined (admin)
//	changes_requested → submitted (coordinator sends it again)
//	accepted → proposed (the planner's date sent to the coordinator)
//	proposed → scheduled (confirmed) | accepted (another date asked, or expired)
//	scheduled → held (attendance recorded) → closed (debrief, feedback over)
//	draft, submitted, changes_requested, accepted, proposed → withdrawn (coordinator)
//	accepted, proposed, scheduled → cancelled (admin, with a reason)
//
// declined, withdrawn, cancelled and closed are final.
func (s RequestState) Next() []RequestState {
	switch s {
	case RequestDraft:
		return []RequestState{RequestSubmitted, RequestWithdrawn}
	case RequestSubmitted:
		return []RequestState{RequestChangesRequested, RequestAccepted, RequestDeclined, RequestWithdrawn}
	case RequestChangesRequested:
		return []RequestState{RequestSubmitted, RequestWithdrawn}
	case RequestAccepted:
		return []RequestState{RequestProposed, RequestWithdrawn, RequestCancelled}
	case RequestProposed:
		return []RequestState{RequestScheduled, RequestAccepted, RequestWithdrawn, RequestCancelled}
	case RequestScheduled:
		return []RequestState{RequestHeld, RequestCancelled}
	case RequestHeld:
		return []RequestState{RequestClosed}
	}
	return nil
}

// CanMoveTo reports whether the state machine allows s → to.
func (s RequestState) CanMoveTo(to RequestState) bool {
	for _, n := range s.Next() {
		if n == to {
			return true
		}
	}
	return false
}

// Final reports whether nothing can happen to a request in state s.
func (s RequestState) Final() bool { return s.Valid() && len(s.Next()) == 0 }

// Valid reports whether s is a known state.
func (s RequestState) Valid() bool {
	for _, k := range RequestStates() {
		if k == s {
			return true
		}
	}
	return false
}

// Editable reports whether the coordinator may still change the request's
// content: until an administrator has reviewed it.
func (s RequestState) Editable() bool {
	return s == RequestDraft || s == RequestSubmitted || s == RequestChangesRequested
}

// Label is the state's French name, as shown in badges and filters.
func (s RequestState) Label() string {
	switch s {
	case RequestDraft:
		return "Brouillon"
	case RequestSubmitted:
		return "Envoyée"
	case RequestChangesRequested:
		return "Modifications demandées"
	case RequestAccepted:
		return "Acceptée"
	case RequestDeclined:
		return "Refusée"
	case RequestProposed:
		return "Date proposée"
	case RequestScheduled:
		return "Programmée"
	case RequestHeld:
		return "Séance tenue"
	case RequestClosed:
		return "Clôturée"
	case RequestWithdrawn:
		return "Retirée"
	case RequestCancelled:
		return "Annulée"
	case "":
		return "Création"
	}
	return string(s)
}

// InvalidTransitionError says the state machine refuses From → To. It
// unwraps to a ConflictError, so it is shown as a 409 with its French
// message.
type InvalidTransitionError struct {
	From, To RequestState
}

func (e *InvalidTransitionError) Error() string {
	return fmt.Sprintf("invalid request transition %s → %s", e.From, e.To)
}

// UserMessage implements UserError.
func (e *InvalidTransitionError) UserMessage() string {
	return fmt.Sprintf("Cette demande est à l’état « %s » : elle ne peut pas passer à l’état « %s ». La page a peut-être changé entre-temps ; rechargez-la pour voir son état actuel.",
		e.From.Label(), e.To.Label())
}

// Unwrap makes errors.As(err, **ConflictError) true, for the error mapper.
func (e *InvalidTransitionError) Unwrap() error { return &ConflictError{Message: e.UserMessage()} }

// checkTransition returns an InvalidTransitionError unless from → to is in
// the state machine.
func checkTransition(from, to RequestState) error {
	if !from.CanMoveTo(to) {
		return &InvalidTransitionError{From: from, To: to}
	}
	return nil
}
