package handlers

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

const flashCookie = "quartier_flash"

// flash is a one-time message shown on the next page.
type flash struct {
	Kind    string `json:"k"` // success, info, error
	Message string `json:"m"`
}

// addFlash stores a message in a signed cookie, read by the next page.
func (h *Handler) addFlash(c echo.Context, kind, message string) {
	fl := append(h.readFlashes(c), flash{Kind: kind, Message: message})
	b, _ := json.Marshal(fl)
	v := base64.RawURLEncoding.EncodeToString(b)
	h.setCookie(c, flashCookie, v+"."+h.sign("flash", v), 300)
}

func (h *Handler) readFlashes(c echo.Context) []flash {
	ck, err := c.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	v, sig, ok := strings.Cut(ck.Value, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(h.sign("flash", v))) {
		return nil
	}
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return nil
	}
	var out []flash
	if json.Unmarshal(b, &out) != nil {
		return nil
	}
	return out
}

// takeFlashes returns the pending messages and clears them.
func (h *Handler) takeFlashes(c echo.Context) []flash {
	fl := h.readFlashes(c)
	if len(fl) > 0 {
		h.setCookie(c, flashCookie, "", -1)
	}
	return fl
}

// sign is an HMAC of value under the server secret, for one purpose.
func (h *Handler) sign(purpose, value string) string {
	m := hmac.New(sha256.New, h.secret)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// setCookie sets an HttpOnly, SameSite=Lax cookie on the whole site,
// Secure when base_url is https. maxAge < 0 deletes it; 0 is a browser
// session cookie.
func (h *Handler) setCookie(c echo.Context, name, value string, maxAge int) {
	c.SetCookie(&http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: h.cfg.SecureCookies(), SameSite: http.SameSiteLaxMode,
	})
}
