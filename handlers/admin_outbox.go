package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"quartier/models"
)

// outboxPage is the « Courriels » page: the outbox, filtered by status,
// one page at a time.
type outboxPage struct {
	Messages []models.OutboxMessage
	Status   string
	Counts   map[string]int64
	Pager    *pager
}

// listOutbox lists the outbox, newest first, filtered by the query
// parameter statut.
func (h *Handler) listOutbox(c echo.Context) error {
	ctx := c.Request().Context()
	p := outboxPage{Status: c.QueryParam("statut"), Pager: newPager(c, listPageSize)}
	switch models.OutboxStatus(p.Status) {
	case "", models.OutboxPending, models.OutboxSending, models.OutboxSent, models.OutboxFailed:
	default:
		p.Status = ""
	}
	counts, err := h.store.OutboxCounts(ctx)
	if err != nil {
		return err
	}
	p.Counts = map[string]int64{}
	var all int64
	for k, v := range counts {
		p.Counts[string(k)] = v
		all += v
	}
	// The counts by status give the page's total before the page is read.
	if p.Status == "" {
		p.Pager.setTotal(all)
	} else {
		p.Pager.setTotal(p.Counts[p.Status])
	}
	p.Messages, _, err = h.store.ListOutbox(ctx, models.OutboxFilter{Status: models.OutboxStatus(p.Status), Limit: p.Pager.Limit(), Offset: p.Pager.Offset(), NoCount: true})
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, pageAdminOutbox, "outbox", p)
}

// outboxMessagePage shows one message as it will be received.
type outboxMessagePage struct {
	Message models.OutboxMessage
	Preview models.MessagePreview
	Audit   auditTrail
}

func (h *Handler) showOutboxMessage(c echo.Context, m models.OutboxMessage) error {
	p := outboxMessagePage{Message: m}
	var err error
	if p.Preview, err = h.mail.PreviewMessage(m); err != nil {
		return err
	}
	if p.Audit, err = h.auditTrail(c, "outbox", m.ID); err != nil {
		return err
	}
	return h.render(c, http.StatusOK, pageAdminOutboxMessage, "outbox", p)
}

// showOutboxHTML serves a message's own HTML for the sandboxed frame of the
// message page, under a CSP that lets its inline styles apply and nothing
// else (no script, no remote content).
func (h *Handler) showOutboxHTML(c echo.Context, m models.OutboxMessage) error {
	pv, err := h.mail.PreviewMessage(m)
	if err != nil {
		return err
	}
	if pv.HTML == "" {
		return echo.ErrNotFound
	}
	hd := c.Response().Header()
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox")
	hd.Set("X-Frame-Options", "SAMEORIGIN")
	hd.Set("Cache-Control", "no-store")
	return c.HTMLBlob(http.StatusOK, []byte(pv.HTML))
}

func (h *Handler) retryOutboxMessage(c echo.Context, id int64) error {
	if err := h.store.RetryOutbox(c.Request().Context(), currentUser(c).ID, id); err != nil {
		return err
	}
	return h.redirect(c, "/admin/courriels/"+strconv.FormatInt(id, 10), "success", "Le message repart : il sera envoyé dans quelques secondes.")
}
