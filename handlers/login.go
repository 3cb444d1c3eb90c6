package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"quartier/mailer"
	"quartier/models"
)

// loginPage is the data of the sign-in page.
type loginPage struct {
	Email  string
	Next   string
	Sent   bool
	Errors map[string]string
}

// showLogin shows the sign-in form (or sends a signed-in user on).
func (h *Handler) showLogin(c echo.Context) error {
	if currentUser(c) != nil {
		return c.Redirect(http.StatusSeeOther, "/tableau-de-bord")
	}
	return h.render(c, http.StatusOK, pageLogin, "login", loginPage{Next: safeNext(c.QueryParam("suite"))})
}

// sendLoginLink always answers with the same neutral message, so nobody can
// learn which addresses have an account; only an active user's address gets
// a link. Both rate limits answer 429 whatever the address.
func (h *Handler) sendLoginLink(c echo.Context) error {
	ctx := c.Request().Context()
	a := h.cfg.Auth
	form := loginPage{Email: strings.TrimSpace(c.FormValue("email")), Next: safeNext(c.FormValue("suite"))}
	if ok, err := h.store.AllowRate(ctx, rateBucket("login-client", c.RealIP()), a.LoginPostsPerIP, a.RateWindow.Duration); err != nil {
		return err
	} else if !ok {
		return tooManyAttempts()
	}
	email, err := models.NormalizeEmail(form.Email)
	if err != nil {
		form.Errors = map[string]string{"email": "Saisissez une adresse électronique valide, par exemple prenom.nom@exemple.fr."}
		return h.render(c, http.StatusUnprocessableEntity, pageLogin, "login", form)
	}
	if ok, err := h.store.AllowRate(ctx, rateBucket("login-address", email), a.LoginMailsPerAddr, a.RateWindow.Duration); err != nil {
		return err
	} else if !ok {
		return tooManyAttempts()
	}
	u, err := h.store.UserByEmail(ctx, email)
	switch {
	case errors.Is(err, models.ErrNotFound):
		// Same answer as for a real account.
	case err != nil:
		return err
	case u.Active:
		if err := h.issueLoginLink(c, u, form.Next); err != nil {
			return err
		}
	}
	form.Sent = true
	return h.render(c, http.StatusOK, pageLogin, "login", form)
}

// issueLoginLink stores a new sign-in link for u and queues its email.
func (h *Handler) issueLoginLink(c echo.Context, u models.User, next string) error {
	token, hash, err := models.NewSecret()
	if err != nil {
		return err
	}
	expires := h.now().Add(h.cfg.Auth.LoginTokenTTL.Duration)
	env, err := h.mail.MagicLink(mailer.MagicLinkData{
		Key: "login:" + hash[:24], Name: u.Name, Email: u.Email,
		Link: h.loginLinkURL(token, next), Expires: expires,
	})
	if err != nil {
		return err
	}
	if err := h.store.IssueLoginToken(c.Request().Context(), u.ID, hash, expires, env); err != nil {
		return err
	}
	if h.outbox != nil {
		h.outbox.Wake()
	}
	return nil
}

// loginLinkURL is the absolute link mailed to a user.
func (h *Handler) loginLinkURL(token, next string) string {
	link := strings.TrimRight(h.cfg.Server.BaseURL, "/") + "/connexion/lien/" + token
	if next != "" && next != "/tableau-de-bord" {
		link += "?suite=" + url.QueryEscape(next)
	}
	return link
}

// linkPage is the data of the page behind a sign-in link.
type linkPage struct {
	Token string
	Next  string
}

// showLoginLink shows the « Se connecter » button. Opening the link does not
// use it: mail scanners that pre-open links do not burn it.
func (h *Handler) showLoginLink(c echo.Context) error {
	token := c.Param("token")
	if err := h.store.CheckLoginToken(c.Request().Context(), models.HashSecret(token)); err != nil {
		return linkFailure(err)
	}
	return h.render(c, http.StatusOK, pageLoginLink, "login", linkPage{Token: token, Next: safeNext(c.QueryParam("suite"))})
}

// useLoginLink signs in: the only place a session starts.
func (h *Handler) useLoginLink(c echo.Context) error {
	u, err := h.startSession(c.Request().Context(), c, models.HashSecret(c.Param("token")))
	if err != nil {
		return linkFailure(err)
	}
	h.log.Info("signed in", "user_id", u.ID, "role", u.Role)
	next := safeNext(c.FormValue("suite"))
	if next == "" {
		next = "/tableau-de-bord"
	}
	return h.redirect(c, next, "success", "Vous êtes connecté·e. Bienvenue, "+u.Name+"\u202f!")
}

// logout ends the session, wherever the user is.
func (h *Handler) logout(c echo.Context) error {
	if hash, ok := c.Get(ctxSessionHash).(string); ok {
		if err := h.store.DeleteSession(c.Request().Context(), hash); err != nil {
			return err
		}
	}
	h.setCookie(c, sessionCookie, "", -1)
	return h.redirect(c, "/", "info", "Vous êtes déconnecté·e. À bientôt\u202f!")
}

// linkFailure turns a refused link into its friendly French page.
func linkFailure(err error) error {
	var le *models.LinkError
	if !errors.As(err, &le) {
		return err
	}
	status := http.StatusGone
	if le.Problem == models.LinkUnknown {
		status = http.StatusNotFound
	}
	return newPageError(status, "Lien de connexion non valable", le.UserMessage(),
		"Demandez un nouveau lien depuis la page « Se connecter » : il arrive en quelques secondes.")
}

func tooManyAttempts() error {
	return newPageError(http.StatusTooManyRequests, "Trop de tentatives",
		"Vous avez demandé trop de liens de connexion en peu de temps.",
		"Patientez un quart d'heure, puis réessayez. Pensez à vérifier votre dossier de courriers indésirables.")
}

// safeNext keeps a post-login destination only if it is a path on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return ""
	}
	return next
}

// rateBucket names a rate-limit bucket without storing the address or
// email it counts (personal data): only a hash of it.
func rateBucket(kind, key string) string {
	return kind + ":" + models.HashSecret(kind + "|" + key)[:32]
}
