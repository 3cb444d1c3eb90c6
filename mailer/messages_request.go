package mailer

import (
	"fmt"
	"strings"

	"quartier/frtime"
	"quartier/models"
)

// RequestDecisionData tells a coordinator what became of their request.
// Decision is "accepted", "declined" or "changes_requested"; Windows are
// the preferred time windows, already written in French.
type RequestDecisionData struct {
	Key, Name, Email, CLSMName string
	RequestID                  int64
	Decision                   string
	Comment                    string
	RequestURL                 string
	Windows                    []string
}

type requestDecisionView struct {
	layout
	Name, CLSMName, Decision, Comment, RequestURL string
	RequestID                                     int64
	Windows                                       []string
}

// RequestDecision composes the message sent to a coordinator when an
// administrator accepts, declines or sends back their request.
func (c *Composer) RequestDecision(d RequestDecisionData) (models.Envelope, error) {
	if err := checkRecipient(d.Key, d.Email); err != nil {
		return models.Envelope{}, err
	}
	switch d.Decision {
	case "accepted", "declined", "changes_requested":
	default:
		return models.Envelope{}, fmt.Errorf("mailer: request decision: unknown decision %q", d.Decision)
	}
	v := &requestDecisionView{
		layout: layout{Why: "Vous recevez ce message parce que vous suivez cette demande de séance pour votre CLSM."},
		Name:   d.Name, CLSMName: d.CLSMName, Decision: d.Decision, Comment: frenchTypography(strings.TrimSpace(d.Comment)),
		RequestURL: c.link(d.RequestURL), RequestID: d.RequestID, Windows: d.Windows,
	}
	r, err := c.render(KindRequestDecision, v)
	if err != nil {
		return models.Envelope{}, err
	}
	return envelope(KindRequestDecision, d.Key, false, c.newMessage(d.Key, Address{Name: d.Name, Email: d.Email}, r))
}

// RequestReceivedData acknowledges a submitted request to its coordinator:
// what they sent and what happens next. Resubmitted says it came back after
// the admins asked for changes.
type RequestReceivedData struct {
	Key, Name, Email, CLSMName string
	Resubmitted                bool
	Request                    models.Request
	Windows                    []string
	RequestURL                 string
}

type requestReceivedView struct {
	layout
	Name, CLSMName, RequestURL                  string
	RequestID                                   int64
	Resubmitted                                 bool
	Venue, Format, StepFree, Audience, Expected string
	Windows, Partners                           []string
	Constraints, Notes                          string
}

// RequestReceived composes « Votre demande de séance est bien reçue ».
func (c *Composer) RequestReceived(d RequestReceivedData) (models.Envelope, error) {
	if err := checkRecipient(d.Key, d.Email); err != nil {
		return models.Envelope{}, err
	}
	r := d.Request
	v := &requestReceivedView{
		layout: layout{Why: "Vous recevez ce message parce que vous avez envoyé cette demande de séance pour votre CLSM."},
		Name:   d.Name, CLSMName: d.CLSMName, RequestURL: c.link(d.RequestURL), RequestID: r.ID, Resubmitted: d.Resubmitted,
		Venue: frenchTypography(joinNonEmpty(", ", r.VenueName, r.VenueAddress)), Format: formatLabel(r),
		StepFree: stepFreeLabel(r.StepFree), Audience: audienceLabel(r), Windows: d.Windows,
		Partners:    typographyAll(r.PartnerList()),
		Constraints: frenchTypography(strings.TrimSpace(r.Constraints)), Notes: frenchTypography(strings.TrimSpace(r.Notes)),
	}
	if r.ExpectedCount > 0 {
		v.Expected = fmt.Sprintf("%d personnes", r.ExpectedCount)
	}
	rd, err := c.render(KindRequestReceived, v)
	if err != nil {
		return models.Envelope{}, err
	}
	return envelope(KindRequestReceived, d.Key, false, c.newMessage(d.Key, Address{Name: d.Name, Email: d.Email}, rd))
}

// What happened to a request, as told to the admins.
const (
	ChangeSubmitted   = "submitted"
	ChangeResubmitted = "resubmitted"
	ChangeEdited      = "edited"
	ChangeWithdrawn   = "withdrawn"
)

// RequestToReviewData tells one admin that a request was submitted,
// resubmitted, edited while awaiting review, or withdrawn (Change), by whom
// (By), with the coordinator's comment if any.
type RequestToReviewData struct {
	Key, Name, Email, CLSMName string
	RequestID                  int64
	Change, By, Comment        string
	Windows                    []string
	ReviewURL                  string
}

type requestToReviewView struct {
	layout
	Name, CLSMName, Change, By, Comment, ReviewURL string
	RequestID                                      int64
	Windows                                        []string
}

// RequestToReview composes the message to an admin about a request to
// review (or no longer to review).
func (c *Composer) RequestToReview(d RequestToReviewData) (models.Envelope, error) {
	if err := checkRecipient(d.Key, d.Email); err != nil {
		return models.Envelope{}, err
	}
	switch d.Change {
	case ChangeSubmitted, ChangeResubmitted, ChangeEdited, ChangeWithdrawn:
	default:
		return models.Envelope{}, fmt.Errorf("mailer: request to review: unknown change %q", d.Change)
	}
	v := &requestToReviewView{
		layout: layout{Why: "Vous recevez ce message parce que vous administrez l’outil de réservation des séances."},
		Name:   d.Name, CLSMName: d.CLSMName, Change: d.Change, By: d.By,
		Comment: frenchTypography(strings.TrimSpace(d.Comment)), ReviewURL: c.link(d.ReviewURL), RequestID: d.RequestID, Windows: d.Windows,
	}
	if d.Change == ChangeEdited {
		v.Comment = "" // the history line « Demande modifiée. » says nothing more
	}
	rd, err := c.render(KindRequestToReview, v)
	if err != nil {
		return models.Envelope{}, err
	}
	return envelope(KindRequestToReview, d.Key, false, c.newMessage(d.Key, Address{Name: d.Name, Email: d.Email}, rd))
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

func typographyAll(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = frenchTypography(s)
	}
	return out
}

func formatLabel(r models.Request) string {
	if r.Format == models.FormatRemote {
		return "à distance"
	}
	return "en présentiel"
}

func stepFreeLabel(s models.StepFree) string {
	switch s {
	case models.StepFreeYes:
		return "oui"
	case models.StepFreeNo:
		return "non"
	}
	return "à vérifier"
}

func audienceLabel(r models.Request) string {
	var out []string
	for _, a := range []struct {
		on    bool
		label string
	}{
		{r.AudienceResidents, "habitant·e·s"}, {r.AudienceElected, "élu·e·s"},
		{r.AudienceProfessionals, "professionnel·le·s"}, {r.AudienceVolunteers, "bénévoles"},
	} {
		if a.on {
			out = append(out, a.label)
		}
	}
	return strings.Join(out, ", ")
}

// windowLabels writes each preferred window in French, in order:
// « lundi 11 janvier 2027, matin », « du lundi 18 au vendredi 29 janvier
// 2027, les mardis et jeudis, après-midi ».
func windowLabels(ws []models.RequestWindow) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		if w.Kind != models.WindowRange {
			out[i] = frtime.Date(w.DateFrom) + ", " + w.Part.Label()
			continue
		}
		out[i] = frtime.Span(w.DateFrom, w.DateTo) + ", " + frtime.Weekdays(w.WeekdayList()) + ", " + w.Part.Label()
	}
	return out
}
