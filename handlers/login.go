package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

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
// a link. Too many posts from one client get 429; an address that has had
// its share of links gets the same neutral page and no more mail, so that
// nobody can lock a person out by asking for their links.
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
	policy := models.SignInPolicy{TTL: a.LoginTokenTTL.Duration, PerAddress: a.LoginMailsPerAddr, Window: a.RateWindow.Duration}
	if err := h.store.RequestSignInLink(ctx, email, form.Next, policy); err != nil {
		return err
	}
	if h.outbox != nil {
		h.outbox.Wake() // the link goes out now, not at the next poll
	}
	form.Sent = true
	return h.render(c, http.StatusOK, pageLogin, "login", form)
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
	// Per link (its hash: the token itself is never stored): a link
	// signs in once, so this only stops a robot hammering one URL.
	bucket := "login-link:" + models.HashSecret(c.Param("token"))[:16]
	if ok, err := h.store.AllowRate(c.Request().Context(), bucket, h.cfg.Auth.LoginPostsPerIP, h.cfg.Auth.RateWindow.Duration); err != nil {
		return err
	} else if !ok {
		return tooManyLinkPosts()
	}
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

// safeNext keeps a post-login destination only if it is a path on this
// site: printable ASCII starting with one "/", no backslash, and nothing a
// URL parser could read as a scheme or a host, before or after
// percent-decoding (no "//", no control character or space).
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || !safePath(next) {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return ""
	}
	decoded, err := url.PathUnescape(next)
	if err != nil || !safePath(decoded) {
		return ""
	}
	return next
}

// safePath is false for text that starts with "//", or holds a backslash,
// a control character, a space or anything beyond printable ASCII.
func safePath(s string) bool {
	if strings.HasPrefix(s, "//") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if b := s[i]; b <= ' ' || b >= 0x7f || b == '\\' {
			return false
		}
	}
	return true
}

// rateBucket names a rate-limit bucket without storing the address or
// email it counts (personal data): only a hash of it.
func rateBucket(kind, key string) string {
	return kind + ":" + models.HashSecret(kind + "|" + key)[:32]
}
