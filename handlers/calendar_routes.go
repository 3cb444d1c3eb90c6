package handlers

// facilitatorRoutes are the mission officers' pages.
func (h *Handler) facilitatorRoutes(g group) {}

// adminCalendarRoutes are the admin's views of every facilitator's calendar.
func (h *Handler) adminCalendarRoutes(g group) {}
