package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"quartier/frtime"
	"quartier/models"
)

// partnersPage is the coordinator's page of the partner organisations
// invited to a request's session: their links and live counts, and the
// forms to invite more (a new organisation, or picked from the address
// book).
type partnersPage struct {
	R        models.Request
	CLSMName string
	// Closed says why no organisation can be invited (no scheduled
	// session yet, or it has begun), "" when the forms are open.
	Closed string
	// HasSession says the page lists a session's partners (scheduled,
	// held or closed); false shows only Closed.
	HasSession bool
	When       string
	Place      string
	Totals     models.SignupTotals
	Rows       []partnerView
	Book       []models.Organisation
	Form       organisationForm
	Picked     []string
	Errors     formErrors
	Kinds      []formChoice
}

// partnerView is one invited partner as the page shows it.
type partnerView struct {
	models.PartnerRow
	Link      string
	KindLabel string
	SentAt    string
	AtCap     bool
}

// organisationForm is the organisation form as typed (invite a new one,
// edit one of the address book).
type organisationForm struct {
	Name, Kind, ContactName, ContactEmail string
}

func bindOrganisation(c echo.Context) organisationForm {
	return organisationForm{Name: c.FormValue("name"), Kind: c.FormValue("kind"),
		ContactName: c.FormValue("contact_name"), ContactEmail: c.FormValue("contact_email")}
}

func (f organisationForm) input() models.OrganisationInput {
	return models.OrganisationInput{Name: f.Name, Kind: models.OrgKind(f.Kind), ContactName: f.ContactName, ContactEmail: f.ContactEmail}
}

// orgKindChoices are the kinds of organisation, for a select.
func orgKindChoices() []formChoice {
	out := make([]formChoice, len(models.OrgKinds))
	for i, k := range models.OrgKinds {
		out[i] = formChoice{string(k), k.Label()}
	}
	return out
}

// partnersPath is the partners page of request id.
func partnersPath(id int64) string { return fmt.Sprintf("/demandes/%d/structures", id) }

// closedReason says why no partner can be invited to r's live session,
// "" when it is scheduled and to come.
func (h *Handler) closedReason(r models.Request) string {
	se := r.Session
	switch {
	case se == nil || se.State != models.SessionScheduled:
		return "Les structures partenaires s’invitent une fois la date de la séance confirmée : cette demande n’a pas de séance programmée."
	case !se.StartsAt.After(h.now()):
		return "La séance a commencé : on ne peut plus y inviter de structure ni envoyer de lien d’inscription."
	}
	return ""
}

// openSession is r's live session when partners may be invited to it.
func (h *Handler) openSession(r models.Request) (models.Session, error) {
	if why := h.closedReason(r); why != "" {
		return models.Session{}, &models.ConflictError{Message: why}
	}
	return *r.Session, nil
}

// showPartners shows the partners page of r.
func (h *Handler) showPartners(c echo.Context, r models.Request) error {
	return h.renderPartners(c, r, http.StatusOK, partnersPage{})
}

// renderPartners renders the partners page of r with what p already holds
// (a form as typed, its errors).
func (h *Handler) renderPartners(c echo.Context, r models.Request, status int, p partnersPage) error {
	ctx := c.Request().Context()
	p.R, p.Kinds = r, orgKindChoices()
	if p.Form.Kind == "" {
		p.Form.Kind = string(models.OrgAssociation)
	}
	clsm, err := h.store.CLSMByID(ctx, r.CLSMID)
	if err != nil {
		return err
	}
	p.CLSMName = clsm.Name
	se := r.Session
	p.Closed = h.closedReason(r)
	if se == nil || (se.State != models.SessionScheduled && se.State != models.SessionHeld && se.State != models.SessionClosed) {
		return h.render(c, status, pagePartners, "requests", p)
	}
	p.HasSession = true
	p.When = frtime.Range(se.StartsAt, se.EndsAt, se.Location())
	p.Place = strings.Join(nonEmpty(se.VenueName, se.VenueAddress), ", ")
	if p.Place == "" && se.RemoteURL != "" {
		p.Place = "À distance"
	}
	rows, err := h.store.SessionPartners(ctx, se.ID)
	if err != nil {
		return err
	}
	p.Totals = models.SignupTotals{SessionID: se.ID, Capacity: se.Capacity, OrgCap: se.OrgCap, Partners: len(rows)}
	loc := se.Location()
	for _, row := range rows {
		v := partnerView{PartnerRow: row, KindLabel: row.OrgKind.Label(), AtCap: row.Confirmed+row.Waiting >= se.OrgCap}
		if !row.Revoked() {
			v.Link = h.links.SignupURL(row.ID, row.LinkVersion)
		}
		if row.LinkSentAt != nil {
			v.SentAt = frtime.DateTime(row.LinkSentAt.In(loc))
		}
		p.Totals.Confirmed += row.Confirmed
		p.Totals.Waiting += row.Waiting
		p.Rows = append(p.Rows, v)
	}
	if p.Closed == "" {
		if p.Book, err = h.store.AddressBook(ctx, r.CLSMID, se.ID); err != nil {
			return err
		}
	}
	return h.render(c, status, pagePartners, "requests", p)
}

// invitePartner invites a new organisation, typed in the form, to r's
// session; its contact receives the sign-up link.
func (h *Handler) invitePartner(c echo.Context, r models.Request) error {
	se, err := h.openSession(r)
	if err != nil {
		return err
	}
	f := bindOrganisation(c)
	errs := formProblems(c)
	if len(errs) == 0 {
		var p models.SessionPartner
		p, err = h.store.InvitePartner(c.Request().Context(), currentUser(c).ID, se.ID, 0, f.input())
		if err == nil {
			in, _ := f.input().Problems(true)
			msg := fmt.Sprintf("« %s » est invitée : son lien d’inscription part par courriel à %s. Vous pouvez aussi le copier ci-dessous.", in.Name, in.ContactEmail)
			return h.redirect(c, partnersPath(r.ID)+fmt.Sprintf("#structure-%d", p.ID), "success", msg)
		}
		if errs, err = fieldErrors(err); err != nil {
			return err
		}
	}
	return h.renderPartners(c, r, invalidForm, partnersPage{Form: f, Errors: errs})
}

// pickPartners invites the organisations ticked in the address book.
func (h *Handler) pickPartners(c echo.Context, r models.Request) error {
	se, err := h.openSession(r)
	if err != nil {
		return err
	}
	picked := c.Request().PostForm["orgs"]
	errs := formProblems(c)
	var ids []int64
	for _, v := range picked {
		id, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil || id <= 0 {
			return echo.ErrNotFound
		}
		ids = append(ids, id)
	}
	if len(errs) == 0 {
		var ps []models.SessionPartner
		ps, err = h.store.InvitePartners(c.Request().Context(), currentUser(c).ID, se.ID, ids)
		if err == nil {
			msg := "La structure cochée est invitée : son lien d’inscription part par courriel à son contact."
			if len(ps) > 1 {
				msg = fmt.Sprintf("Les %d structures cochées sont invitées : chacune reçoit son lien d’inscription par courriel.", len(ps))
			}
			return h.redirect(c, partnersPath(r.ID), "success", msg)
		}
		if errs, err = fieldErrors(err); err != nil {
			return err
		}
	}
	return h.renderPartners(c, r, invalidForm, partnersPage{Picked: picked, Errors: errs})
}

// partnerAction is one of the buttons of an invited partner.
// The partner named by :partner must be one of the request's session:
// any other is a 404.
func (h *Handler) partnerAction(act func(echo.Context, models.Request, models.Session, invitedPartner) error) func(echo.Context, models.Request) error {
	return func(c echo.Context, r models.Request) error {
		id, err := strconv.ParseInt(c.Param("partner"), 10, 64)
		if err != nil || id <= 0 || r.Session == nil {
			return echo.ErrNotFound
		}
		p, org, err := h.store.SessionPartnerOf(c.Request().Context(), r.Session.ID, id)
		if err != nil {
			return err
		}
		se, err := h.openSession(r)
		if err != nil {
			return err
		}
		return act(c, r, se, invitedPartner{p, org})
	}
}

// invitedPartner is the partner a button acts on, with its organisation.
type invitedPartner struct {
	models.SessionPartner
	Org models.Organisation
}

// resendPartnerLink mails the same link again to the partner's contact.
func (h *Handler) resendPartnerLink(c echo.Context, r models.Request, se models.Session, p invitedPartner) error {
	if _, err := h.store.ResendPartnerLink(c.Request().Context(), currentUser(c).ID, se.ID, p.ID); err != nil {
		return err
	}
	return h.redirect(c, partnersPath(r.ID)+fmt.Sprintf("#structure-%d", p.ID), "success",
		fmt.Sprintf("Le lien d’inscription de « %s » est renvoyé par courriel à %s.", p.Org.Name, p.Org.ContactEmail))
}

// revokePartnerLink stops a partner's link, once confirmed.
func (h *Handler) revokePartnerLink(c echo.Context, r models.Request, se models.Session, p invitedPartner) error {
	id := p.ID
	if !confirmed(c) {
		return h.askConfirmation(c, "requests", confirmPage{
			Title: fmt.Sprintf("Révoquer le lien d’inscription de « %s » ?", p.Org.Name),
			Points: []string{
				"Le lien cessera de fonctionner immédiatement : plus personne ne pourra s’inscrire ni voir les inscrits avec lui.",
				"Les personnes déjà inscrites restent inscrites.",
				"Vous pourrez ensuite créer un nouveau lien et l’envoyer à la structure.",
			},
			Action: partnersPath(r.ID) + fmt.Sprintf("/%d/revoquer", id), Confirm: "Révoquer le lien", Cancel: partnersPath(r.ID),
		})
	}
	if _, err := h.store.RevokePartnerLink(c.Request().Context(), currentUser(c).ID, se.ID, id); err != nil {
		return err
	}
	return h.redirect(c, partnersPath(r.ID)+fmt.Sprintf("#structure-%d", id), "success",
		"Le lien est révoqué : il ne fonctionne plus. Les personnes déjà inscrites le restent.")
}

// reissuePartnerLink gives a partner a new link and mails it; while the
// former one still works, replacing it is confirmed first.
func (h *Handler) reissuePartnerLink(c echo.Context, r models.Request, se models.Session, p invitedPartner) error {
	ctx := c.Request().Context()
	id := p.ID
	if !confirmed(c) && !p.Revoked() {
		return h.askConfirmation(c, "requests", confirmPage{
			Title: fmt.Sprintf("Remplacer le lien d’inscription de « %s » ?", p.Org.Name),
			Points: []string{
				"Un nouveau lien est créé et envoyé par courriel à " + p.Org.ContactEmail + ".",
				"L’ancien lien cessera de fonctionner immédiatement.",
				"Les personnes déjà inscrites restent inscrites.",
			},
			Action: partnersPath(r.ID) + fmt.Sprintf("/%d/nouveau-lien", id), Confirm: "Créer et envoyer le nouveau lien", Cancel: partnersPath(r.ID),
		})
	}
	if _, err := h.store.ReissuePartnerLink(ctx, currentUser(c).ID, se.ID, id); err != nil {
		return err
	}
	return h.redirect(c, partnersPath(r.ID)+fmt.Sprintf("#structure-%d", id), "success",
		"Nouveau lien créé : il part par courriel au contact de la structure, et l’ancien ne fonctionne plus.")
}

// upcomingRow is one scheduled session to come on the coordinator's
// dashboard, with its sign-ups.
type upcomingRow struct {
	models.UpcomingSignups
	When string
}

// upcomingSignups lists coordinator coordID's sessions to come with their
// sign-ups, the soonest first.
func (h *Handler) upcomingSignups(ctx context.Context, coordID int64) ([]upcomingRow, error) {
	ups, err := h.store.UpcomingSignupsOf(ctx, coordID, dashboardListSize)
	if err != nil {
		return nil, err
	}
	out := make([]upcomingRow, len(ups))
	for i, u := range ups {
		out[i] = upcomingRow{UpcomingSignups: u, When: frtime.Range(u.StartsAt, u.EndsAt, models.LocationOf(u.TimeZone))}
	}
	return out, nil
}
