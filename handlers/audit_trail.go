package handlers

import (
	"github.com/labstack/echo/v4"

	"quartier/models"
)

// auditPageSize is the number of changes the history below a form shows
// at once: an object's history grows with every change.
const auditPageSize = 20

// auditParam is the query parameter of the history's page: the page's own
// list, if any, keeps ?page=.
const auditParam = "historique"

// auditTrail is one page of an object's history of changes, for the
// "audit-trail" partial (templates/layout/audit.html), newest first.
type auditTrail struct {
	Events []models.AuditEvent
	Pages  *pager
}

// Start is the number of the page's first change in the whole history:
// the list's numbers go on from one page to the next.
func (a auditTrail) Start() int { return a.Pages.Offset() + 1 }

// auditTrail reads the page of the history of objectType objectID that
// the request asks for in ?historique= (the first one when it asks for
// none or for one that is not a page; the last one beyond the end).
func (h *Handler) auditTrail(c echo.Context, objectType string, objectID int64) (auditTrail, error) {
	ctx := c.Request().Context()
	p := newSectionPager(c, auditPageSize, auditParam, "#historique", "Pages de l’historique")
	total, err := h.store.AuditCount(ctx, objectType, objectID)
	if err != nil {
		return auditTrail{}, err
	}
	p.setTotal(total)
	events, err := h.store.AuditPage(ctx, objectType, objectID, p.Offset(), p.Limit())
	if err != nil {
		return auditTrail{}, err
	}
	return auditTrail{Events: events, Pages: p}, nil
}
