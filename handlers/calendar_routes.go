package handlers

// facilitatorRoutes are the mission officers' pages: their calendar (week
// and month), their weekly pattern and limits, exceptions, busy time, the
// import of their own calendar, and the link to subscribe to their bookings.
func (h *Handler) facilitatorRoutes(g group) {
	g.get("/calendrier", h.showWeek)
	g.get("/calendrier/mois", h.showMonth)
	g.get("/calendrier/disponibilites", h.showAvailability)
	g.post("/calendrier/disponibilites", h.saveAvailability)
	g.get("/calendrier/exceptions", h.showExceptions)
	g.post("/calendrier/exceptions", h.addException)
	g.post("/calendrier/exceptions/:id/supprimer", h.deleteException)
	g.get("/calendrier/occupations", h.showBusy)
	g.post("/calendrier/occupations", h.addBusy)
	g.post("/calendrier/occupations/:id/supprimer", h.deleteBusy)
	g.get("/calendrier/import", h.showImport)
	g.post("/calendrier/import", h.importFile)
	g.post("/calendrier/import/supprimer", h.clearImportedFile)
	g.post("/calendrier/abonnement", h.subscribe)
	g.post("/calendrier/abonnement/actualiser", h.refreshSubscription)
	g.post("/calendrier/abonnement/supprimer", h.unsubscribe)
	g.get("/calendrier/flux", h.showFeed)
	g.post("/calendrier/flux/regenerer", h.regenerateFeed)
}

// adminCalendarRoutes are the admin's views of every facilitator's calendar.
func (h *Handler) adminCalendarRoutes(g group) {
	g.get("/admin/calendriers", h.showAllCalendars)
}

// tokenCalendarRoutes are the secret links of calendars: the bookings feed
// a facilitator subscribes to from Google, Outlook or Apple Calendar.
func (h *Handler) tokenCalendarRoutes(g group) {
	g.get("/flux/:token/calendrier.ics", h.serveFeed)
}
