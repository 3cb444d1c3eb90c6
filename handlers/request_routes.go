package handlers

// coordinatorRoutes are the CLSM coordinators' pages: their requests, and
// the suggestions behind the request form's search fields.
func (h *Handler) coordinatorRoutes(g group) {
	g.get("/demandes", h.listRequests)
	g.get("/demandes/nouvelle", h.showNewRequest)
	g.post("/demandes/nouvelle", h.createRequest)
	g.get("/demandes/:id", h.showRequest)
	g.get("/demandes/:id/modifier", h.showEditRequest)
	g.post("/demandes/:id/modifier", h.updateRequest)
	g.post("/demandes/:id/retirer", h.withdrawRequest)
	g.get("/recherche/communes", h.suggestCommunes)
	g.get("/recherche/qpv", h.suggestQPVs)
}

// adminRequestRoutes are the admin's review of requests.
func (h *Handler) adminRequestRoutes(g group) {
	g.get("/admin/demandes", h.listAdminRequests)
	g.get("/admin/demandes/:id", h.showAdminRequest)
	g.post("/admin/demandes/:id/accepter", h.acceptRequest)
	g.post("/admin/demandes/:id/refuser", h.declineRequest)
	g.post("/admin/demandes/:id/modifications", h.askForChanges)
	g.get("/admin/recherche/communes", h.suggestCommunes)
	g.get("/admin/recherche/qpv", h.suggestQPVs)
}
