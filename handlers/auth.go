package handlers

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"quartier/models"
)

const sessionCookie = "quartier_session"

// ctxKey keys values the middleware puts on the echo context.
const (
	ctxUser        = "quartier.user"
	ctxSessionHash = "quartier.session"
)

// loadSession puts the signed-in user, if any, on the context.
func (h *Handler) loadSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		// Stylesheets, images and the health check need no user: spare
		// them the session lookup.
		if p := c.Request().URL.Path; strings.HasPrefix(p, "/static/") || p == "/healthz" {
			return next(c)
		}
		ck, err := c.Cookie(sessionCookie)
		if err != nil || ck.Value == "" {
			return next(c)
		}
		hash := models.HashSecret(ck.Value)
		u, err := h.store.SessionUser(c.Request().Context(), hash, h.cfg.Auth.SessionIdle.Duration)
		switch {
		case errors.Is(err, models.ErrNoSession):
			h.setCookie(c, sessionCookie, "", -1)
		case err != nil:
			return err
		default:
			c.Set(ctxUser, &u)
			c.Set(ctxSessionHash, hash)
		}
		return next(c)
	}
}

// currentUser is the signed-in user, or nil.
func currentUser(c echo.Context) *models.User {
	u, _ := c.Get(ctxUser).(*models.User)
	return u
}

// requireRole lets in signed-in users with one of roles. An anonymous
// visitor is sent to the sign-in page (with a 303 for GET, a 401 page
// otherwise); a user with another role gets the 403 page.
func requireRole(roles ...models.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u := currentUser(c)
			if u == nil {
				if c.Request().Method == http.MethodGet {
					return c.Redirect(http.StatusSeeOther, "/connexion?suite="+c.Request().URL.EscapedPath())
				}
				return echo.ErrUnauthorized
			}
			for _, r := range roles {
				if u.Role == r {
					return next(c)
				}
			}
			return echo.ErrForbidden
		}
	}
}

// startSession rotates the session id at sign-in: a fresh random cookie,
// whatever the browser had before.
func (h *Handler) startSession(ctx context.Context, c echo.Context, tokenHash string) (models.User, error) {
	if ck, err := c.Cookie(sessionCookie); err == nil && ck.Value != "" {
		_ = h.store.DeleteSession(ctx, models.HashSecret(ck.Value))
	}
	sid, shash, err := models.NewSecret()
	if err != nil {
		return models.User{}, err
	}
	u, err := h.store.RedeemLoginToken(ctx, tokenHash, shash, h.cfg.Auth.SessionAbsolute.Duration)
	if err != nil {
		return u, err
	}
	h.setCookie(c, sessionCookie, sid, int(h.cfg.Auth.SessionAbsolute.Seconds()))
	c.Set(ctxUser, &u)
	c.Set(ctxSessionHash, shash)
	return u, nil
}
