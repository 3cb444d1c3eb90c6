package handlers

import (
	"context"
	"fmt"
	"time"

	"quartier/frtime"
	"quartier/models"
)

// requestView is a request as its pages show it: every field in French.
type requestView struct {
	models.Request
	CLSMName    string
	Commune     string
	QPVs        []string // « Alma-Gare (QN05901M) »
	Windows     []string
	Audience    []string
	StepFreeTxt string
	FormatTxt   string
	Events      []eventView
	Zone        string // « heure de Paris »
	// Message is what the reviewer said when the request reached its
	// current state (changes asked, reason for declining), "" if nothing.
	Message string
	// SessionWhen is the date of the request's session, in its own zone
	// (« mardi 12 mai 2026, 14 h 00 – 17 h 00 (heure de Paris) »), "" if
	// it has none.
	SessionWhen string
	// Signups counts the sign-ups of its session once scheduled (held,
	// closed), nil before.
	Signups *models.SignupTotals
}

// eventView is one line of a request's history.
type eventView struct {
	At      string
	Actor   string
	What    string
	Comment string
	Kind    string // the state reached, for the badge colour
}

// requestViewOf loads what a request's pages show beyond the request.
func (h *Handler) requestViewOf(ctx context.Context, r models.Request) (requestView, error) {
	v := requestView{Request: r, Zone: frtime.ZoneLabel(r.TimeZone)}
	clsm, err := h.store.CLSMByID(ctx, r.CLSMID)
	if err != nil {
		return v, err
	}
	v.CLSMName = clsm.Name
	if c, ok := h.geo.Commune(r.CommuneINSEE); ok {
		v.Commune = h.communeLabel(c)
	} else {
		v.Commune = r.CommuneINSEE
	}
	qpvs, err := h.store.QPVsByCode(ctx, r.QPVs)
	if err != nil {
		return v, err
	}
	for _, q := range qpvs {
		v.QPVs = append(v.QPVs, fmt.Sprintf("%s (%s)", q.Name, q.Code))
	}
	v.Windows = windowLabels(r.Windows)
	for i, m := range models.HolidayWarnings(r.Windows, r.CommuneINSEE) {
		v.Windows[i] += " — " + m
	}
	if se := r.Session; se != nil {
		v.SessionWhen = frtime.Range(se.StartsAt, se.EndsAt, se.Location())
		if se.State == models.SessionScheduled || se.State == models.SessionHeld || se.State == models.SessionClosed {
			t, err := h.store.SessionSignupTotals(ctx, se.ID)
			if err != nil {
				return v, err
			}
			v.Signups = &t
		}
	}
	for _, a := range audienceOptions() {
		if a.set(r) {
			v.Audience = append(v.Audience, a.Label)
		}
	}
	if r.StepFree != "" {
		v.StepFreeTxt = r.StepFree.Label()
	}
	if r.Format != "" {
		v.FormatTxt = r.Format.Label()
	}
	events, err := h.store.RequestEvents(ctx, r.ID)
	if err != nil {
		return v, err
	}
	loc, err := frtime.LoadZone(r.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	for _, e := range events {
		if e.ToState == r.State && e.FromState != e.ToState {
			v.Message = e.Comment
		}
		ev := eventView{
			At: frtime.DateTime(e.CreatedAt.In(loc)), Actor: e.ActorName, What: eventText(e),
			Comment: e.Comment, Kind: string(e.ToState),
		}
		if fields, ok := e.EditedFields(); ok {
			ev.What, ev.Comment = "a modifié : "+fields, ""
		}
		v.Events = append(v.Events, ev)
	}
	return v, nil
}

// eventText says what one history line did, in French.
func eventText(e models.RequestEvent) string {
	switch {
	case e.FromState == "" && e.ToState == models.RequestDraft:
		return "a créé la demande (brouillon)"
	case e.FromState == "":
		return "a créé et envoyé la demande"
	case e.FromState == e.ToState && (e.ToState == models.RequestProposed || e.ToState == models.RequestScheduled):
		return "a déplacé la séance"
	case e.FromState == e.ToState:
		return "a modifié la demande"
	case e.FromState == models.RequestProposed && e.ToState == models.RequestAccepted:
		return "a demandé une autre date"
	}
	switch e.ToState {
	case models.RequestSubmitted:
		if e.FromState == models.RequestChangesRequested {
			return "a renvoyé la demande modifiée"
		}
		return "a envoyé la demande"
	case models.RequestAccepted:
		return "a accepté la demande"
	case models.RequestDeclined:
		return "a refusé la demande"
	case models.RequestChangesRequested:
		return "a demandé des modifications"
	case models.RequestWithdrawn:
		return "a retiré la demande"
	case models.RequestCancelled:
		return "a annulé la séance"
	case models.RequestProposed:
		return "a proposé une date"
	case models.RequestScheduled:
		return "a confirmé la date"
	case models.RequestHeld:
		return "a indiqué que la séance s’est tenue"
	case models.RequestClosed:
		return "a clôturé la séance"
	}
	return fmt.Sprintf("« %s » → « %s »", e.FromState.Label(), e.ToState.Label())
}

// windowLabels writes each window in French, in order.
func windowLabels(ws []models.RequestWindow) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = windowLabel(w)
	}
	return out
}

// windowLabel writes « lundi 11 janvier 2027, matin » or « du lundi 18
// au vendredi 29 janvier 2027, les mardis et jeudis, après-midi ».
func windowLabel(w models.RequestWindow) string {
	if w.Kind != models.WindowRange {
		return frtime.Date(w.DateFrom) + ", " + w.Part.Label()
	}
	return frtime.Span(w.DateFrom, w.DateTo) + ", " + frtime.Weekdays(w.WeekdayList()) + ", " + w.Part.Label()
}
