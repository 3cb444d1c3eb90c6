package handlers

// coordinatorRoutes are the CLSM coordinators' pages.
func (h *Handler) coordinatorRoutes(g group) {}

// adminRequestRoutes are the admin's review of requests.
func (h *Handler) adminRequestRoutes(g group) {}
