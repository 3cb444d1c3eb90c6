package handlers

import (
	"errors"
	"net/http"
	"regexp"

	"github.com/labstack/echo/v4"

	"quartier/models"
)

// errorPage is the data of the French error page.
type errorPage struct {
	Title, Message, Hint string
}

// statusPages are the French pages for the statuses a user may meet.
var statusPages = map[int]errorPage{
	http.StatusBadRequest:            {"Demande incorrecte", "La demande envoyée n'a pas pu être comprise.", "Revenez à la page précédente et réessayez."},
	http.StatusUnauthorized:          {"Connexion nécessaire", "Cette page est réservée aux personnes connectées.", "Connectez-vous avec votre adresse électronique pour continuer."},
	http.StatusForbidden:             {"Accès refusé", "Vous n'avez pas accès à cette page avec votre compte.", ""},
	http.StatusNotFound:              {"Page introuvable", "La page que vous cherchez n'existe pas ou n'existe plus.", "Vérifiez l'adresse, ou repartez de l'accueil."},
	http.StatusMethodNotAllowed:      {"Action impossible", "Cette action n'est pas possible sur cette page.", ""},
	http.StatusConflict:              {"Action impossible", "Cette action n'est plus possible dans l'état actuel.", ""},
	http.StatusRequestEntityTooLarge: {"Envoi trop volumineux", "Le contenu envoyé dépasse la taille autorisée.", ""},
	http.StatusTooManyRequests:       {"Trop de tentatives", "Vous avez fait trop de tentatives en peu de temps.", "Patientez quelques minutes avant de réessayer."},
	http.StatusInternalServerError:   {"Erreur du serveur", "Une erreur inattendue s'est produite de notre côté. Rien de ce que vous avez envoyé n'a été enregistré à moitié.", "Réessayez dans un instant ; si le problème persiste, signalez-le au centre de ressources en donnant la référence ci-dessous."},
	http.StatusServiceUnavailable:    {"Service momentanément indisponible", "Le service est en cours de redémarrage.", "Réessayez dans un instant."},
}

// storageUnavailable is the 503 page of a database that cannot take a
// write now (models.IsStorageUnavailable).
var storageUnavailable = errorPage{"Service indisponible pour le moment",
	"Le service ne peut pas enregistrer de données pour le moment. Rien de ce que vous avez envoyé n’a été enregistré, même en partie.",
	"Réessayez dans quelques minutes ; si le problème persiste, prévenez le centre de ressources."}

// pageError is an error that carries the French page to show.
type pageError struct {
	status int
	page   errorPage
}

func (e *pageError) Error() string { return e.page.Title }

// newPageError returns an error rendered as the given status with a custom
// French message.
func newPageError(status int, title, message, hint string) error {
	return &pageError{status: status, page: errorPage{title, message, hint}}
}

// handleError is the one place where errors become responses: domain errors
// map to their status and French message; anything else is logged with the
// request id and shown as a 500 without detail.
func (h *Handler) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status := http.StatusInternalServerError
	p := statusPages[status]
	var (
		he  *echo.HTTPError
		pe  *pageError
		ue  models.UserError
		nfe *models.NotFoundError
		fe  *models.ForbiddenError
		ce  *models.ConflictError
	)
	switch {
	case models.IsStorageUnavailable(err):
		// Locked past the busy timeout, disk full, or a failed write: the
		// transaction was rolled back; the next try may work.
		status, p = http.StatusServiceUnavailable, storageUnavailable
		c.Response().Header().Set("Retry-After", "30")
	case errors.As(err, &pe):
		status, p = pe.status, pe.page
	case errors.As(err, &nfe):
		status, p = http.StatusNotFound, statusPages[http.StatusNotFound]
	case errors.As(err, &fe):
		status, p = http.StatusForbidden, statusPages[http.StatusForbidden]
	case errors.As(err, &ce):
		status, p = http.StatusConflict, statusPages[http.StatusConflict]
		p.Message = ce.UserMessage()
	case errors.As(err, &ue):
		status, p = http.StatusBadRequest, statusPages[http.StatusBadRequest]
		p.Message = ue.UserMessage()
	case errors.As(err, &he):
		status = he.Code
		var ok bool
		if p, ok = statusPages[status]; !ok {
			status, p = http.StatusInternalServerError, statusPages[http.StatusInternalServerError]
		}
	}
	if status >= 500 {
		h.log.Error("request failed", "request_id", c.Response().Header().Get(echo.HeaderXRequestID),
			"method", c.Request().Method, "route", c.Path(), "error", redactAddresses(err.Error()))
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	if rerr := h.render(c, status, pageErrorPage, "", p); rerr != nil {
		h.log.Error("render error page", "error", rerr.Error())
		_ = c.String(status, p.Title+" — "+p.Message)
	}
}

// emailAddress matches an email address inside a message.
var emailAddress = regexp.MustCompile(`[^\s<>"'(),;:\[\]]+@[\p{L}0-9-]+(\.[\p{L}0-9-]+)+`)

// redactAddresses masks the email addresses of an error before it is
// logged: the logs hold internal ids, never personal data.
func redactAddresses(s string) string { return emailAddress.ReplaceAllString(s, "[adresse masquée]") }
