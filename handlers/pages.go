package handlers

import (
	"net"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// showHome presents the programme to everyone.
func (h *Handler) showHome(c echo.Context) error {
	return h.render(c, http.StatusOK, pageHome, "home", nil)
}

// showPrivacy is the privacy notice (RGPD).
func (h *Handler) showPrivacy(c echo.Context) error {
	return h.render(c, http.StatusOK, pagePrivacy, "", nil)
}

// showAccessibility is the accessibility statement (RGAA).
func (h *Handler) showAccessibility(c echo.Context) error {
	return h.render(c, http.StatusOK, pageAccessibility, "", nil)
}

// showLegal is the legal notice (mentions légales).
func (h *Handler) showLegal(c echo.Context) error {
	return h.render(c, http.StatusOK, pageLegal, "", nil)
}

// showContact tells how to reach the programme team.
func (h *Handler) showContact(c echo.Context) error {
	return h.render(c, http.StatusOK, pageContact, "", nil)
}

// healthz answers 200 when the database answers.
func (h *Handler) healthz(c echo.Context) error {
	if err := h.store.Ping(c.Request().Context()); err != nil {
		h.log.Error("health check failed", "error", err.Error())
		return c.String(http.StatusServiceUnavailable, "database unavailable\n")
	}
	return c.String(http.StatusOK, "ok\n")
}

func parseCIDROrIP(s string) (net.IP, *net.IPNet, error) {
	if !strings.Contains(s, "/") {
		if ip := net.ParseIP(s); ip != nil {
			bits := 32
			if ip.To4() == nil {
				bits = 128
			}
			return ip, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)}, nil
		}
	}
	return net.ParseCIDR(s)
}
