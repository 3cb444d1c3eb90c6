package handlers

import (
	"crypto/hmac"
	"crypto/rand"
	"encoding/base64"
	"net/http"

	"github.com/labstack/echo/v4"
)

const csrfCookie = "quartier_csrf"

// The CSRF token is an HMAC, under the server secret, of a random per-browser
// cookie and (when signed in) of the session: a page's hidden csrf_token
// field must match it on every state-changing request. Binding to the
// session means the token changes at sign-in, with the session id.

// ensureCSRFCookie gives every browser its random CSRF cookie.
func (h *Handler) ensureCSRFCookie(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if ck, err := c.Cookie(csrfCookie); err != nil || len(ck.Value) < 20 {
			b := make([]byte, 24)
			if _, err := rand.Read(b); err != nil {
				return err
			}
			v := base64.RawURLEncoding.EncodeToString(b)
			h.setCookie(c, csrfCookie, v, 0)
			c.Request().AddCookie(&http.Cookie{Name: csrfCookie, Value: v})
		}
		return next(c)
	}
}

// csrfToken is the token for the hidden field of this browser's forms.
func (h *Handler) csrfToken(c echo.Context) string {
	ck, err := c.Cookie(csrfCookie)
	if err != nil {
		return ""
	}
	session, _ := c.Get(ctxSessionHash).(string)
	return h.sign("csrf", ck.Value+"|"+session)
}

// checkCSRF refuses a state-changing request without the right token, with
// the French 403 page.
func (h *Handler) checkCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		got := c.Request().Header.Get("X-CSRF-Token")
		if got == "" {
			got = c.FormValue("csrf_token")
		}
		want := h.csrfToken(c)
		if want == "" || !hmac.Equal([]byte(got), []byte(want)) {
			return newPageError(http.StatusForbidden, "Formulaire expiré",
				"Ce formulaire n'a pas pu être vérifié : il a peut-être été ouvert avant une reconnexion, ou dans un autre onglet.",
				"Revenez à la page, rechargez-la et envoyez le formulaire de nouveau.")
		}
		return next(c)
	}
}
