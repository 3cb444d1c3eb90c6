package models

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"gorm.io/gorm"
)

// StepFree says whether the venue is accessible without steps.
type StepFree string

// Step-free access answers.
const (
	StepFreeYes     StepFree = "yes"
	StepFreeNo      StepFree = "no"
	StepFreeUnknown StepFree = "unknown"
)

// StepFrees lists the step-free access answers in the form's order.
func StepFrees() []StepFree { return []StepFree{StepFreeYes, StepFreeNo, StepFreeUnknown} }

// Label is the answer in French, as the request form offers it.
func (s StepFree) Label() string {
	switch s {
	case StepFreeYes:
		return "Oui, accessible de plain-pied"
	case StepFreeNo:
		return "Non"
	case StepFreeUnknown:
		return "Je ne sais pas encore"
	}
	return string(s)
}

// SessionFormat is in person or remote.
type SessionFormat string

// Session formats.
const (
	FormatInPerson SessionFormat = "in_person"
	FormatRemote   SessionFormat = "remote"
)

// SessionFormats lists the formats in the form's order.
func SessionFormats() []SessionFormat { return []SessionFormat{FormatInPerson, FormatRemote} }

// Label is the format in French, as the request form offers it.
func (f SessionFormat) Label() string {
	switch f {
	case FormatInPerson:
		return "En présentiel"
	case FormatRemote:
		return "À distance (visioconférence)"
	}
	return string(f)
}

// Request is a CLSM's request for a session, and its whole life: the state
// machine's state (see RequestState.Next) and its live session.
type Request struct {
	ID                    int64
	CLSMID                int64  `gorm:"column:clsm_id"`
	SeasonID              *int64 `gorm:"column:season_id"`
	CreatedBy             int64
	State                 RequestState
	CommuneINSEE          string `gorm:"column:commune_insee"`
	VenueName             string
	VenueAddress          string
	StepFree              StepFree
	Format                SessionFormat
	RemoteURL             string `gorm:"column:remote_url"`
	AudienceResidents     bool
	AudienceElected       bool
	AudienceProfessionals bool
	AudienceVolunteers    bool
	ExpectedCount         int
	Partners              string // one organisation per line
	Constraints           string `gorm:"column:constraints_text"`
	Notes                 string
	Priority              int
	TimeZone              string
	// SessionID is the request's live session (proposed, scheduled, held,
	// closed), or the cancelled one that ended it; nil before a date is
	// proposed and after the coordinator asked for another one.
	SessionID   *int64 `gorm:"column:session_id"`
	SubmittedAt *time.Time
	DecidedAt   *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time

	// QPVs are the codes of the quartiers concerned; Windows the preferred
	// windows in the coordinator's order. Both are loaded with the request.
	QPVs    []string        `gorm:"-"`
	Windows []RequestWindow `gorm:"-"`
	// Session is the session SessionID names, loaded with the request
	// (nil when there is none).
	Session *Session `gorm:"-"`
}

// TableName is the table of requests.
func (Request) TableName() string { return "requests" }

// PartnerList returns the partner organisations, one per entry.
func (r Request) PartnerList() []string { return splitRequestLines(r.Partners) }

// RequestEvent is one line of a request's history: who moved it from one
// state to another (or edited it: From == To), when, and what they said.
// From is "" for the creation.
type RequestEvent struct {
	ID        int64
	RequestID int64
	ActorID   *int64
	FromState RequestState
	ToState   RequestState
	Comment   string
	CreatedAt time.Time
	ActorName string `gorm:"->;-:migration"`
}

// TableName is the table of request events.
func (RequestEvent) TableName() string { return "request_events" }

// RequestInput is what a coordinator fills in. Today and Earliest bound
// the windows of a submitted request: no window before today (in the
// request's zone), none before Earliest (today plus the minimum lead time).
type RequestInput struct {
	CommuneINSEE          string
	QPVs                  []string
	VenueName             string
	VenueAddress          string
	StepFree              StepFree
	Format                SessionFormat
	RemoteURL             string
	AudienceResidents     bool
	AudienceElected       bool
	AudienceProfessionals bool
	AudienceVolunteers    bool
	ExpectedCount         int
	Partners              []string
	Constraints           string
	Notes                 string
	TimeZone              string
	Windows               []RequestWindow
	Today, Earliest       time.Time
}

// check returns the problems of in as a ValidationError, or nil.
func (in RequestInput) check(submit bool) *ValidationError {
	if f := in.Problems(submit); len(f) > 0 {
		return &ValidationError{Fields: f}
	}
	return nil
}

// Problems returns what is wrong with in, keyed by the request form's
// field names ("commune", "windows[2].date"…), in French. A draft only
// needs well-formed values; a submitted request needs everything the
// review and the planner rely on, windows included (see CheckWindows).
func (in RequestInput) Problems(submit bool) map[string]string {
	in = in.normalise()
	f := map[string]string{}
	if in.StepFree != StepFreeYes && in.StepFree != StepFreeNo && in.StepFree != StepFreeUnknown {
		f["step_free"] = "Choisissez une réponse pour l’accès de plain-pied."
	}
	if in.Format != FormatInPerson && in.Format != FormatRemote {
		f["format"] = "Choisissez le format de la séance."
	}
	if in.RemoteURL != "" {
		if u, err := url.Parse(in.RemoteURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			f["remote_url"] = "Saisissez l’adresse complète du lien de visioconférence, commençant par https://."
		}
	}
	checkLine(f, "venue_name", in.VenueName, MaxLine)
	checkText(f, "venue_address", in.VenueAddress, MaxAddress, true)
	checkLine(f, "remote_url", in.RemoteURL, MaxURL)
	checkText(f, "partners", strings.Join(in.Partners, "\n"), MaxPartnersText, true)
	checkText(f, "constraints", in.Constraints, MaxLongText, true)
	checkText(f, "notes", in.Notes, MaxLongText, true)
	if in.ExpectedCount < 0 {
		f["expected_count"] = "Le nombre de personnes attendues ne peut pas être négatif."
	}
	for i, w := range in.Windows {
		if !w.Part.Valid() {
			f[fmt.Sprintf("windows[%d].part", i)] = "Choisissez le moment de la journée."
		}
		if w.Kind != WindowDay && w.Kind != WindowRange {
			f[fmt.Sprintf("windows[%d].date", i)] = "Ce créneau est incomplet."
		}
	}
	if submit {
		if in.CommuneINSEE == "" {
			f["commune"] = "Indiquez la commune où se tiendra la séance."
		}
		if len(in.QPVs) == 0 {
			f["qpvs"] = "Cochez ou saisissez au moins un quartier prioritaire concerné."
		}
		if in.Format == FormatInPerson {
			if in.VenueName == "" {
				f["venue_name"] = "Indiquez le nom du lieu de la séance (salle, centre social…)."
			}
			if in.VenueAddress == "" {
				f["venue_address"] = "Indiquez l’adresse du lieu de la séance."
			}
		}
		if in.Format == FormatRemote && in.RemoteURL == "" {
			f["remote_url"] = "Pour une séance à distance, indiquez le lien de visioconférence : il figurera dans les invitations."
		}
		if !in.AudienceResidents && !in.AudienceElected && !in.AudienceProfessionals && !in.AudienceVolunteers {
			f["audience"] = "Cochez au moins un public attendu."
		}
		if in.ExpectedCount <= 0 {
			f["expected_count"] = "Indiquez le nombre de personnes attendues, par exemple 15."
		}
		problems, overall := CheckWindows(in.Windows, in.Today, in.Earliest)
		if overall != "" {
			f["windows"] = overall
		}
		for _, p := range problems {
			f[fmt.Sprintf("windows[%d].%s", p.Index, p.Field)] = p.Message
		}
	}
	return f
}

// columns are the editable columns of in, for an insert or an update.
func (in RequestInput) columns() map[string]any {
	return map[string]any{
		"commune_insee": in.CommuneINSEE, "venue_name": in.VenueName, "venue_address": in.VenueAddress,
		"step_free": in.StepFree, "format": in.Format, "remote_url": in.RemoteURL,
		"audience_residents": in.AudienceResidents, "audience_elected": in.AudienceElected,
		"audience_professionals": in.AudienceProfessionals, "audience_volunteers": in.AudienceVolunteers,
		"expected_count": in.ExpectedCount, "partners": strings.Join(in.Partners, "\n"),
		"constraints_text": in.Constraints, "notes": in.Notes, "time_zone": in.TimeZone,
	}
}

// CreateRequest records a new request of a CLSM the actor coordinates, as
// a draft or submitted at once, with its creation in the history. A
// submitted request is acknowledged to its coordinator and announced to the
// admins, in the same transaction.
func (s *Store) CreateRequest(ctx context.Context, actorID, clsmID int64, in RequestInput, submit bool) (Request, error) {
	in = in.normalise()
	if verr := in.check(submit); verr != nil {
		return Request{}, verr
	}
	var id int64
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := coordinates(tx, actorID, clsmID); err != nil {
			return err
		}
		now := s.Now()
		state := RequestDraft
		if submit {
			state = RequestSubmitted
		}
		r := Request{CLSMID: clsmID, CreatedBy: actorID, State: state, StepFree: in.StepFree, Format: in.Format,
			TimeZone: in.TimeZone, Priority: 1, CreatedAt: now, UpdatedAt: now}
		if submit {
			r.SubmittedAt = &now
		}
		if err := tx.Create(&r).Error; err != nil {
			return fmt.Errorf("create request: %w", err)
		}
		id = r.ID
		if err := writeContent(tx, id, in, now); err != nil {
			return err
		}
		ev := RequestEvent{RequestID: id, ActorID: &actorID, ToState: state, CreatedAt: now}
		if err := tx.Create(&ev).Error; err != nil {
			return err
		}
		return s.queueRequestNotice(tx, id, ev, now)
	})
	if err != nil {
		return Request{}, err
	}
	return s.RequestByID(ctx, id)
}

// UpdateRequest changes a request the actor's CLSM owns, while it is still
// editable (draft, submitted, changes requested). With submit, a draft or
// a request sent back for changes is (re)submitted; an edit of a request
// already submitted is recorded in its history with the names of the
// fields that changed, so the reviewer sees what to read again. A
// submission is acknowledged and announced as in CreateRequest; an edit of
// a request awaiting review is announced to the admins.
func (s *Store) UpdateRequest(ctx context.Context, actorID, id int64, in RequestInput, submit bool) (Request, error) {
	in = in.normalise()
	err := s.tx(ctx, func(tx *gorm.DB) error {
		r, err := coordinatorsRequest(tx, actorID, id)
		if err != nil {
			return err
		}
		if !r.State.Editable() {
			return &ConflictError{Message: fmt.Sprintf("Cette demande est à l’état « %s » : elle ne peut plus être modifiée.", r.State.Label())}
		}
		// A submitted request stays complete, whichever button was used.
		if verr := in.check(submit || r.State == RequestSubmitted); verr != nil {
			return verr
		}
		now := s.Now()
		changed, err := changedFields(tx, r, in)
		if err != nil {
			return err
		}
		if err := writeContent(tx, id, in, now); err != nil {
			return err
		}
		var ev RequestEvent
		switch {
		case submit && r.State != RequestSubmitted:
			if ev, err = moveRequest(tx, &r, &actorID, RequestSubmitted, "", now); err != nil {
				return err
			}
		case r.State != RequestDraft && len(changed) > 0:
			ev = RequestEvent{RequestID: id, ActorID: &actorID, FromState: r.State, ToState: r.State,
				Comment: editComment(changed), CreatedAt: now}
			if err := tx.Create(&ev).Error; err != nil {
				return err
			}
		default:
			return nil
		}
		return s.queueRequestNotice(tx, id, ev, now)
	})
	if err != nil {
		return Request{}, err
	}
	return s.RequestByID(ctx, id)
}

// normalise trims what was typed.
func (in RequestInput) normalise() RequestInput {
	in.VenueName = strings.TrimSpace(in.VenueName)
	in.VenueAddress = strings.TrimSpace(in.VenueAddress)
	in.RemoteURL = strings.TrimSpace(in.RemoteURL)
	in.Constraints = strings.TrimSpace(in.Constraints)
	in.Notes = strings.TrimSpace(in.Notes)
	in.Partners = splitRequestLines(strings.Join(in.Partners, "\n"))
	in.QPVs = uniqueSorted(in.QPVs)
	if in.StepFree == "" {
		in.StepFree = StepFreeUnknown
	}
	if in.Format == "" {
		in.Format = FormatInPerson
	}
	if in.TimeZone == "" {
		in.TimeZone = "Europe/Paris"
	}
	return in
}

// coordinates checks that actorID coordinates CLSM clsmID. Anything else is
// "not found", so that ids of other CLSMs do not leak.
func coordinates(tx *gorm.DB, actorID, clsmID int64) error {
	var n int64
	if err := tx.Model(&CLSM{}).Where("id = ? AND coordinator_id = ?", clsmID, actorID).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return &NotFoundError{What: "clsm"}
	}
	return nil
}

// coordinatorsRequest loads request id if the actor coordinates its CLSM,
// and "not found" otherwise.
func coordinatorsRequest(tx *gorm.DB, actorID, id int64) (Request, error) {
	var r Request
	err := tx.Table("requests").Select("requests.*").
		Joins("JOIN clsms c ON c.id = requests.clsm_id").
		Where("requests.id = ? AND c.coordinator_id = ?", id, actorID).Take(&r).Error
	return r, notFound(err, "request")
}

// moveRequest applies one transition of the state machine to r inside the
// operation's transaction and records it in the history. The request's
// live session moves with it (followSession): scheduled, held, closed
// together; cancelled when the request is withdrawn, cancelled or sent
// back to accepted.
func moveRequest(tx *gorm.DB, r *Request, actorID *int64, to RequestState, comment string, now time.Time) (RequestEvent, error) {
	if err := checkTransition(r.State, to); err != nil {
		return RequestEvent{}, err
	}
	cols := map[string]any{"state": to, "updated_at": now}
	switch to {
	case RequestSubmitted:
		cols["submitted_at"] = now
	case RequestAccepted, RequestDeclined, RequestChangesRequested:
		cols["decided_at"] = now
	}
	res := tx.Model(&Request{}).Where("id = ? AND state = ?", r.ID, r.State).Updates(cols)
	if res.Error != nil {
		return RequestEvent{}, fmt.Errorf("move request %d to %s: %w", r.ID, to, res.Error)
	}
	if res.RowsAffected != 1 {
		return RequestEvent{}, &InvalidTransitionError{From: r.State, To: to}
	}
	ev := RequestEvent{RequestID: r.ID, ActorID: actorID, FromState: r.State, ToState: to, Comment: comment, CreatedAt: now}
	if err := tx.Create(&ev).Error; err != nil {
		return RequestEvent{}, err
	}
	if err := followSession(tx, r, actorID, to, comment, now); err != nil {
		return RequestEvent{}, err
	}
	r.State, r.UpdatedAt = to, now
	return ev, nil
}
