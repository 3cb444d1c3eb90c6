package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"quartier/frtime"
	"quartier/links"
	"quartier/models"
)

// signupPage is the data of a partner's sign-up page.
type signupPage struct {
	View       models.SignupView
	Action     string // the page's own path
	When       string
	Form       signupForm
	Errors     formErrors
	Categories []models.Category
	Needs      []models.Accommodation
}

// signupForm is what the partner typed about one person.
type signupForm struct {
	FirstName, LastName, Email, Category, Role string
	Accommodations                             []string
}

// input is the form as the store's operation takes it.
func (f signupForm) input() models.RegistrationInput {
	return models.RegistrationInput{FirstName: f.FirstName, LastName: f.LastName, Email: f.Email,
		Category: models.Category(f.Category), Role: f.Role, Accommodations: f.Accommodations}
}

// withSignupLink verifies the partner's sign-up token (:token) and hands
// the partner's id to fn. A forged, revoked or unknown link is the same
// friendly 404.
func (h *Handler) withSignupLink(fn func(echo.Context, int64) error) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		id, err := h.links.Verify(links.Signup, c.Param("token"), func(id int64) (int, error) {
			v, err := h.store.SignupLinkVersion(ctx, id)
			if errors.Is(err, models.ErrLinkRevoked) {
				return 0, links.ErrInvalid
			}
			return v, err
		})
		if errors.Is(err, links.ErrInvalid) {
			return unknownSignupLink()
		}
		if err != nil {
			return err
		}
		return fn(c, id)
	}
}

// tooManyLinkPosts is the French 429 of a secret link posted too often.
func tooManyLinkPosts() error {
	return newPageError(http.StatusTooManyRequests, "Trop d’envois en peu de temps",
		"Ce lien a servi de très nombreuses fois en quelques minutes\u00a0: les envois suivants sont suspendus un moment.",
		"Patientez un quart d’heure, puis réessayez.")
}

func unknownSignupLink() error {
	return newPageError(http.StatusNotFound, "Lien d’inscription non valable",
		"Ce lien d’inscription n’existe pas ou n’est plus actif : la coordination du CLSM l’a peut-être remplacé par un nouveau.",
		"Demandez le lien à jour à la coordination du CLSM qui vous a invité·e.")
}

// showSignup shows the sign-up page of a partner's link.
func (h *Handler) showSignup(c echo.Context, partnerID int64) error {
	return h.renderSignup(c, http.StatusOK, partnerID, signupForm{}, nil)
}

func (h *Handler) renderSignup(c echo.Context, status int, partnerID int64, form signupForm, errs formErrors) error {
	v, err := h.store.SignupPageOf(c.Request().Context(), partnerID)
	if errors.Is(err, models.ErrLinkRevoked) {
		return unknownSignupLink()
	}
	if err != nil {
		return err
	}
	return h.render(c, status, pageSignup, "", signupPage{
		View: v, Action: c.Request().URL.Path, Form: form, Errors: errs,
		When:       frtime.Range(v.Session.StartsAt, v.Session.EndsAt, sessionZone(v.Session.TimeZone)),
		Categories: models.Categories, Needs: models.Accommodations,
	})
}

// signUp registers one person from the partner's page: confirmed or on
// the waiting list, told in the status message of the page it goes back
// to (POST/redirect/GET). Bad input shows the page again with what was
// typed and the messages next to the fields.
func (h *Handler) signUp(c echo.Context, partnerID int64) error {
	form := signupForm{FirstName: c.FormValue("first_name"), LastName: c.FormValue("last_name"), Email: c.FormValue("email"),
		Category: c.FormValue("category"), Role: c.FormValue("role")}
	if f, err := c.FormParams(); err == nil {
		form.Accommodations = f["accommodations"]
	}
	if errs := formProblems(c); len(errs) > 0 {
		return h.refuseSignup(c, http.StatusUnprocessableEntity, partnerID, form, errs)
	}
	su, err := h.store.Register(c.Request().Context(), partnerID, form.input())
	var ce *models.ConflictError
	switch {
	case errors.Is(err, models.ErrLinkRevoked):
		return unknownSignupLink()
	case errors.Is(err, models.ErrSignupRateLimited):
		return newPageError(http.StatusTooManyRequests, "Trop d’inscriptions en peu de temps",
			"Ce lien d’inscription a servi à beaucoup d’inscriptions en quelques minutes : les suivantes sont suspendues un moment.",
			"Patientez un quart d’heure, puis reprenez. Si vous n’êtes pas à l’origine de ces inscriptions, prévenez la coordination du CLSM.")
	case errors.As(err, &ce):
		return h.refuseSignup(c, http.StatusConflict, partnerID, form, formErrors{"": ce.UserMessage()})
	}
	if errs, err := fieldErrors(err); err != nil {
		return err
	} else if errs != nil {
		return h.refuseSignup(c, http.StatusUnprocessableEntity, partnerID, form, errs)
	}
	name := su.Registration.ShortName()
	if su.Registration.State == models.RegistrationWaiting {
		return h.redirect(c, c.Request().URL.Path, "info",
			fmt.Sprintf("%s est sur liste d’attente (rang %d) : la séance est complète. Si une place se libère, elle lui est attribuée automatiquement et son invitation lui est envoyée.", name, su.Rank))
	}
	return h.redirect(c, c.Request().URL.Path, "success",
		name+" est inscrit·e : son invitation part par courriel, avec l’invitation d’agenda.")
}

// refuseSignup shows a refused sign-up again. The store counts the
// accepted sign-ups of a link; the refused posts are counted here, in their
// own bucket, so that a robot posting bad forms through one link is
// stopped too (the French 429), at no cost to the accepted ones.
func (h *Handler) refuseSignup(c echo.Context, status int, partnerID int64, form signupForm, errs formErrors) error {
	ok, err := h.store.AllowRate(c.Request().Context(), fmt.Sprintf("signup-refused:%d", partnerID), h.cfg.Signups.PostsPerLink, h.cfg.Signups.RateWindow.Duration)
	if err != nil {
		return err
	}
	if !ok {
		return tooManyLinkPosts()
	}
	return h.renderSignup(c, status, partnerID, form, errs)
}

// cancelSignupByPartner cancels one of the partner's people, after a
// confirmation step (the first POST shows it, the second, with confirm=1,
// cancels).
func (h *Handler) cancelSignupByPartner(c echo.Context, partnerID int64) error {
	back := "/inscription/" + c.Param("token")
	rid, err := strconv.ParseInt(c.Param("rid"), 10, 64)
	if err != nil || rid <= 0 {
		return echo.ErrNotFound
	}
	if ok, err := h.store.AllowRate(c.Request().Context(), fmt.Sprintf("signup-cancel:%d", partnerID), h.cfg.Signups.PostsPerLink, h.cfg.Signups.RateWindow.Duration); err != nil {
		return err
	} else if !ok {
		return tooManyLinkPosts()
	}
	v, err := h.store.SignupPageOf(c.Request().Context(), partnerID)
	if errors.Is(err, models.ErrLinkRevoked) {
		return unknownSignupLink()
	} else if err != nil {
		return err
	}
	var who *models.RankedRegistration
	for i := range v.People {
		if v.People[i].ID == rid {
			who = &v.People[i]
		}
	}
	if who == nil {
		// Not live: one of this partner's people already cancelled, or
		// someone else's registration, which this link must not reveal.
		reg, err := h.store.RegistrationOfSession(c.Request().Context(), v.Session.ID, rid)
		var nf *models.NotFoundError
		if errors.As(err, &nf) || (err == nil && reg.PartnerID != partnerID) {
			return echo.ErrNotFound
		} else if err != nil {
			return err
		}
		return h.redirect(c, back, "info", "Cette inscription est déjà annulée.")
	}
	if !confirmed(c) {
		points := []string{who.ShortName() + " ne fait plus partie des inscrit·es ; un message le lui dit."}
		if who.State == models.RegistrationConfirmed {
			points = append(points, "Sa place est libérée : la première personne de la liste d’attente la reçoit, s’il y en a une.")
		}
		return h.askConfirmation(c, "", confirmPage{
			Title: "Annuler l’inscription de " + who.ShortName(), Points: points, Action: c.Request().URL.Path,
			Confirm: "Annuler l’inscription", Cancel: back,
		})
	}
	if _, err := h.store.CancelRegistration(c.Request().Context(), rid, models.Canceller{Role: models.CancelledByPartner, PartnerID: partnerID}); err != nil {
		return err
	}
	return h.redirect(c, back, "success", "L’inscription de "+who.ShortName()+" est annulée.")
}

// cancelPage is the data of the page behind a participant's cancel link.
type cancelPage struct {
	View models.CancelView
	When string
	Done bool
}

// withCancelLink verifies a participant's cancel token (:token).
func (h *Handler) withCancelLink(fn func(echo.Context, int64) error) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		id, err := h.links.Verify(links.Cancel, c.Param("token"), func(id int64) (int, error) {
			v, err := h.store.CancelLinkVersion(ctx, id)
			if errors.Is(err, models.ErrLinkRevoked) {
				return 0, links.ErrInvalid
			}
			return v, err
		})
		if errors.Is(err, links.ErrInvalid) {
			return newPageError(http.StatusNotFound, "Lien d’annulation non valable",
				"Ce lien d’annulation n’existe pas ou n’est plus valable.",
				"Utilisez le lien du dernier message reçu pour cette séance, ou adressez-vous à la structure qui vous a inscrit·e.")
		}
		if err != nil {
			return err
		}
		return fn(c, id)
	}
}

// showCancelLink shows what cancelling does, with the button that does it
// (opening the link changes nothing: mail scanners open links).
func (h *Handler) showCancelLink(c echo.Context, registrationID int64) error {
	v, err := h.store.CancelPageOf(c.Request().Context(), registrationID)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, pageSignupCancel, "", cancelPage{View: v,
		When: frtime.Range(v.Session.StartsAt, v.Session.EndsAt, sessionZone(v.Session.TimeZone)),
		Done: v.Registration.State == models.RegistrationCancelled})
}

// cancelByLink cancels the participant's registration (METHOD:CANCEL; the
// first waiting person is promoted) and shows that it is done.
func (h *Handler) cancelByLink(c echo.Context, registrationID int64) error {
	ok, err := h.store.AllowRate(c.Request().Context(), fmt.Sprintf("cancel-link:%d", registrationID), h.cfg.Signups.CancelPostsPerLink, h.cfg.Signups.RateWindow.Duration)
	if err != nil {
		return err
	}
	if !ok {
		return tooManyLinkPosts()
	}
	if _, err := h.store.CancelRegistration(c.Request().Context(), registrationID, models.Canceller{Role: models.CancelledByParticipant}); err != nil {
		return err
	}
	h.addFlash(c, "success", "Votre inscription est annulée. Merci d’avoir libéré votre place.")
	return c.Redirect(http.StatusSeeOther, c.Request().URL.Path)
}
