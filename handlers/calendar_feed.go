package handlers

import (
	"crypto/hmac"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"quartier/mailer"
	"quartier/models"
)

// feedPurpose separates the feed's HMAC from the other signed links.
const feedPurpose = "feed"

// feedToken is the secret part of a facilitator's feed link: their id and
// an HMAC of (purpose "feed", id, version) under the server secret.
// Nothing secret is stored; bumping the version revokes the link.
func (h *Handler) feedToken(userID int64, version int) string {
	return strconv.FormatInt(userID, 10) + "-" + h.sign(feedPurpose, fmt.Sprintf("%d:%d", userID, version))
}

// feedURL is the absolute address of the feed.
func (h *Handler) feedURL(userID int64, version int) string {
	return strings.TrimRight(h.cfg.Server.BaseURL, "/") + "/flux/" + h.feedToken(userID, version) + "/calendrier.ics"
}

// feedPage shows the feed link.
type feedPage struct {
	Tabs      []calTab
	URL       string
	WebcalURL template.URL
}

// showFeed shows the facilitator's feed link and how to use it.
func (h *Handler) showFeed(c echo.Context) error {
	u := currentUser(c)
	st, err := h.store.CalendarSettingsOf(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	link := h.feedURL(u.ID, st.FeedVersion)
	return h.render(c, http.StatusOK, pageCalendarFeed, "calendar", feedPage{Tabs: tabs("/calendrier/flux"), URL: link, WebcalURL: webcalURL(link)})
}

// webcalURL is the feed link with the webcal: scheme, which opens the
// subscription dialog of the person's calendar application. html/template
// refuses that scheme (it writes #ZgotmplZ), so the link is vetted here: it
// is built only from our own http(s) base URL and the HMAC token, and it is
// parsed again to be sure it holds nothing but a host and a path.
func webcalURL(link string) template.URL {
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return ""
	}
	u.Scheme = "webcal"
	return template.URL(u.String()) // #nosec: scheme and parts checked above
}

// regenerateFeed revokes the current link and makes a new one.
func (h *Handler) regenerateFeed(c echo.Context) error {
	if _, err := h.store.RegenerateFeed(c.Request().Context(), currentUser(c).ID); err != nil {
		return err
	}
	return h.redirect(c, "/calendrier/flux", "success",
		"Un nouveau lien d'abonnement est créé ; l'ancien ne fonctionne plus. Remplacez-le dans votre agenda.")
}

// serveFeed answers the feed link with the facilitator's sessions, from a
// year ago on. An unknown or revoked link gets the same 404 page.
func (h *Handler) serveFeed(c echo.Context) error {
	ctx := c.Request().Context()
	unknown := newPageError(http.StatusNotFound, "Lien d'abonnement non valable",
		"Ce lien d'abonnement au calendrier n'existe pas ou a été remplacé.",
		"Copiez le lien actuel depuis la page « S'abonner à mes séances » de votre calendrier.")
	idPart, mac, ok := strings.Cut(c.Param("token"), "-")
	id, err := strconv.ParseInt(idPart, 10, 64)
	if !ok || err != nil || id <= 0 {
		return unknown
	}
	st, err := h.store.CalendarSettingsOf(ctx, id)
	if err != nil {
		return err
	}
	want := h.sign(feedPurpose, fmt.Sprintf("%d:%d", id, st.FeedVersion))
	if !hmac.Equal([]byte(mac), []byte(want)) {
		return unknown
	}
	u, err := h.store.UserByID(ctx, id)
	if err != nil || !u.Active || u.Role != models.RoleFacilitator {
		return unknown
	}
	now := h.now()
	sessions, err := h.store.ScheduledSessions(ctx, []int64{id}, now.AddDate(-1, 0, 0), now.AddDate(5, 0, 0))
	if err != nil {
		return err
	}
	body, err := h.mail.BookingsFeed(mailer.FeedData{Name: u.Name, Sessions: sessions, CommuneName: h.communeName})
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "private, no-cache")
	c.Response().Header().Set("Content-Disposition", `inline; filename="calendrier.ics"`)
	c.Response().Header().Set("X-Robots-Tag", "noindex")
	return c.Blob(http.StatusOK, mailer.FeedContentType, body)
}
