package handlers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"quartier/frtime"
	"quartier/models"
)

// sessionForms is what the request pages show of the live session and the
// forms that act on it: the coordinator's answer to a proposed date, the
// admin's confirmation on their behalf, move and cancellation.
type sessionForms struct {
	SessionID                           int64
	State                               models.SessionState
	When, Place, Facilitator, Deadline  string
	Sequence                            int
	Facilitators                        []formChoice
	Date, Start, FacilitatorID, Comment string // what was typed
}

// sessionFormsOf loads the live session of r for its page; nil when it has
// none or it is neither proposed nor scheduled.
func (h *Handler) sessionFormsOf(ctx context.Context, r models.Request, admin bool) (*sessionForms, error) {
	se := r.Session
	if se == nil || (se.State != models.SessionProposed && se.State != models.SessionScheduled) {
		return nil, nil
	}
	loc := se.Location()
	fac, err := h.store.UserByID(ctx, se.FacilitatorID)
	if err != nil {
		return nil, err
	}
	v := &sessionForms{
		SessionID: se.ID, State: se.State, Sequence: se.Sequence, Facilitator: fac.Name,
		When:  frtime.Range(se.StartsAt, se.EndsAt, loc),
		Place: strings.Join(nonEmpty(se.VenueName, se.VenueAddress), ", "),
		Date:  se.StartsAt.In(loc).Format("2006-01-02"), Start: se.StartsAt.In(loc).Format("15:04"),
		FacilitatorID: strconv.FormatInt(se.FacilitatorID, 10),
	}
	if v.Place == "" && se.RemoteURL != "" {
		v.Place = "À distance : " + se.RemoteURL
	}
	if se.State == models.SessionProposed {
		v.Deadline = frtime.DateTime(h.store.ProposalDeadline(*se).In(loc)) + " (" + frtime.ZoneLabel(se.TimeZone) + ")"
	}
	if admin && se.State == models.SessionScheduled {
		facs, err := h.store.Facilitators(ctx)
		if err != nil {
			return nil, err
		}
		for _, f := range facs {
			v.Facilitators = append(v.Facilitators, formChoice{strconv.FormatInt(f.ID, 10), f.Name})
		}
	}
	return v, nil
}

func nonEmpty(parts ...string) []string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// renderRequestWithSession renders the coordinator's page of r (status,
// errors by field) with what was typed in the session forms.
func (h *Handler) renderRequestWithSession(c echo.Context, r models.Request, status int, errs map[string]string, typed sessionForms) error {
	ctx := c.Request().Context()
	v, err := h.requestViewOf(ctx, r)
	if err != nil {
		return err
	}
	sf, err := h.sessionFormsOf(ctx, r, false)
	if err != nil {
		return err
	}
	if sf != nil {
		sf.Comment = typed.Comment
	}
	return h.render(c, status, pageRequest, "requests", requestPage{R: v, Errors: errs, SessionForms: sf})
}

// answerProposal is the coordinator's answer to a proposed date:
// action=confirm schedules the session (the invitations go to the
// facilitator and the coordinator); action=other asks for another date,
// with a comment for the team, and the request waits for a new proposal.
func (h *Handler) answerProposal(c echo.Context, r models.Request) error {
	ctx := c.Request().Context()
	comment := c.FormValue("comment")
	switch c.FormValue("action") {
	case "confirm":
		if _, err := h.store.ConfirmSession(ctx, currentUser(c).ID, r.ID); err != nil {
			return err
		}
		return h.redirect(c, fmt.Sprintf("/demandes/%d", r.ID), "success",
			"Date confirmée. La séance est programmée : l’invitation vous est envoyée par courriel, ainsi qu’à la chargée de mission.")
	case "other":
		var err error
		if errs := formProblems(c); len(errs) > 0 {
			err = &models.ValidationError{Fields: errs}
		} else {
			err = h.store.DeclineProposal(ctx, currentUser(c).ID, r.ID, comment)
		}
		var ve *models.ValidationError
		if errors.As(err, &ve) {
			errs := map[string]string{}
			for _, m := range ve.Fields {
				errs["other_comment"] = m
			}
			return h.renderRequestWithSession(c, r, invalidForm, errs, sessionForms{Comment: comment})
		}
		if err != nil {
			return err
		}
		return h.redirect(c, fmt.Sprintf("/demandes/%d", r.ID), "success",
			"Votre demande d’une autre date est envoyée à l’équipe du centre ressource : elle vous proposera une nouvelle date.")
	}
	return &models.ValidationError{Fields: map[string]string{"": "Choisissez de confirmer la date ou d’en demander une autre."}}
}

// renderAdminWithSession renders the admin's page of r with the session
// forms' errors and typed values.
func (h *Handler) renderAdminWithSession(c echo.Context, r models.Request, errs map[string]string, typed sessionForms) error {
	return h.renderAdminRequestWith(c, r, invalidForm, errs, nil, &typed)
}

// confirmForCoordinator is an admin confirming a proposed date on the
// coordinator's behalf (the audit trail records it).
func (h *Handler) confirmForCoordinator(c echo.Context, r models.Request) error {
	if _, err := h.store.ConfirmSession(c.Request().Context(), currentUser(c).ID, r.ID); err != nil {
		return err
	}
	return h.redirect(c, fmt.Sprintf("/admin/demandes/%d", r.ID), "success",
		"Date confirmée pour la coordination du CLSM. Les invitations partent par courriel à la chargée de mission et à la coordination.")
}

// moveSession is the admin's move of a scheduled session: a day, a
// start time (the length is kept) and a facilitator.
func (h *Handler) moveSession(c echo.Context, r models.Request) error {
	typed := sessionForms{Date: c.FormValue("date"), Start: c.FormValue("start"), FacilitatorID: c.FormValue("facilitator")}
	if r.Session == nil {
		return &models.ConflictError{Message: "Cette demande n’a pas de séance à déplacer : rechargez la page."}
	}
	se := *r.Session
	errs := formProblems(c)
	loc := se.Location()
	day, derr := time.ParseInLocation("2006-01-02", typed.Date, loc)
	clock, terr := time.Parse("15:04", typed.Start)
	fid, ferr := strconv.ParseInt(typed.FacilitatorID, 10, 64)
	if derr != nil {
		errs["date"] = "Indiquez le jour de la séance (jj/mm/aaaa)."
	}
	if terr != nil {
		errs["start"] = "Indiquez l’heure de début (hh:mm)."
	}
	if ferr != nil {
		errs["facilitator"] = "Choisissez la chargée de mission qui animera la séance."
	}
	var err error
	if len(errs) > 0 {
		err = &models.ValidationError{Fields: errs}
	} else {
		start := time.Date(day.Year(), day.Month(), day.Day(), clock.Hour(), clock.Minute(), 0, 0, loc)
		_, err = h.store.MoveSession(c.Request().Context(), currentUser(c).ID, se.ID, models.SessionSlot{
			FacilitatorID: fid, Start: start, End: start.Add(se.EndsAt.Sub(se.StartsAt)), TimeZone: se.TimeZone})
	}
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		out := map[string]string{}
		for k, m := range ve.Fields {
			if k != "facilitator" && k != "date" {
				k = "start" // the end and the zone follow from the start
			}
			out["move_"+k] = m
		}
		return h.renderAdminWithSession(c, r, out, typed)
	}
	if err != nil {
		return err
	}
	return h.redirect(c, fmt.Sprintf("/admin/demandes/%d", r.ID), "success",
		"Séance déplacée. L’invitation mise à jour part par courriel à la chargée de mission et à la coordination.")
}

// cancelScheduledSession cancels a scheduled session with a reason, once
// confirmed: the first POST shows what cancelling means.
func (h *Handler) cancelScheduledSession(c echo.Context, r models.Request) error {
	comment := c.FormValue("comment")
	if r.Session == nil {
		return &models.ConflictError{Message: "Cette demande n’a pas de séance à annuler : rechargez la page."}
	}
	errs := formProblems(c)
	if len(errs) == 0 && strings.TrimSpace(comment) == "" {
		errs["comment"] = "Indiquez la raison de l’annulation : elle est communiquée aux personnes concernées."
	}
	if len(errs) > 0 {
		return h.renderAdminWithSession(c, r, map[string]string{"cancel_comment": errs["comment"]}, sessionForms{Comment: comment})
	}
	path := fmt.Sprintf("/admin/demandes/%d", r.ID)
	if !confirmed(c) {
		return h.askConfirmation(c, "requests", confirmPage{
			Title: fmt.Sprintf("Annuler la séance de la demande n°\u00a0%d ?", r.ID),
			Points: []string{
				"La séance et la demande passeront à l’état « Annulée » : ni l’une ni l’autre ne pourra être reprise.",
				"La chargée de mission et la coordination du CLSM recevront une annulation qui retire la séance de leur agenda, avec la raison indiquée.",
			},
			QuoteLabel: "Raison envoyée", Quote: strings.TrimSpace(comment),
			Action: path + "/seance/annuler", Hidden: []hiddenField{{"comment", comment}},
			Confirm: "Confirmer l’annulation", Cancel: path,
		})
	}
	_, err := h.store.CancelSession(c.Request().Context(), currentUser(c).ID, r.Session.ID, comment)
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		msg := ve.UserMessage()
		if m, ok := ve.Fields["reason"]; ok {
			msg = m
		}
		return h.renderAdminWithSession(c, r, map[string]string{"cancel_comment": msg}, sessionForms{Comment: comment})
	}
	if err != nil {
		return err
	}
	return h.redirect(c, path, "success", "Séance annulée. L’annulation part par courriel à la chargée de mission et à la coordination.")
}

// proposalRow is one date to confirm on the coordinator's dashboard.
type proposalRow struct {
	RequestID                          int64
	CLSMName, When, Facilitator, Until string
}

// proposalsToConfirm lists the dates waiting for coordinator coordID.
func (h *Handler) proposalsToConfirm(ctx context.Context, coordID int64) ([]proposalRow, error) {
	ps, err := h.store.ProposalsOfCoordinator(ctx, coordID)
	if err != nil {
		return nil, err
	}
	out := make([]proposalRow, len(ps))
	for i, p := range ps {
		loc := models.LocationOf(p.TimeZone)
		out[i] = proposalRow{RequestID: p.RequestID, CLSMName: p.CLSMName, When: frtime.Range(p.StartsAt, p.EndsAt, loc),
			Facilitator: p.FacilitatorName,
			Until:       frtime.DateTime(h.store.ProposalDeadline(models.Session{CreatedAt: p.CreatedAt}).In(loc))}
	}
	return out, nil
}
