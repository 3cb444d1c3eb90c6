package handlers

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"quartier/links"
	"quartier/models"
)

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
	return h.render(c, http.StatusOK, pageCalendarFeed, "calendar", feedPage{Tabs: tabs("/calendrier/flux"),
		URL: h.links.FeedURL(u.ID, st.FeedVersion), WebcalURL: vettedWebcal(h.links.Webcal(u.ID, st.FeedVersion))})
}

// feedContentType is the media type of the bookings feed.
const feedContentType = "text/calendar; charset=utf-8"

// vettedWebcal lets html/template write the feed's webcal: link, a scheme
// it refuses otherwise (it writes #ZgotmplZ). The link comes from links,
// built from our own base URL and the HMAC token; it is parsed again here
// to be sure it holds nothing but a host and a path.
func vettedWebcal(link string) template.URL {
	u, err := url.Parse(link)
	if err != nil || u.Scheme != "webcal" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return ""
	}
	return template.URL(u.String()) // scheme and parts checked above
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
	id, err := h.links.Verify(links.Feed, c.Param("token"), func(id int64) (int, error) {
		st, err := h.store.CalendarSettingsOf(ctx, id)
		return st.FeedVersion, err
	})
	if errors.Is(err, links.ErrInvalid) {
		return unknown
	}
	if err != nil {
		return err
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
	body, err := h.mail.BookingsFeed(u.Name, sessions, h.communeName)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "private, no-cache")
	c.Response().Header().Set("Content-Disposition", `inline; filename="calendrier.ics"`)
	c.Response().Header().Set("X-Robots-Tag", "noindex")
	return c.Blob(http.StatusOK, feedContentType, body)
}
