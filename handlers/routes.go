package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"quartier/models"
)

// Access says who may enter a route.
type Access string

// Who may enter: the route table groups every route under one of these.
const (
	AccessPublic      Access = "public"      // anyone
	AccessToken       Access = "token"       // anyone holding a secret link
	AccessSignedIn    Access = "signed-in"   // any signed-in user
	AccessCoordinator Access = "coordinator" // CLSM coordinators
	AccessFacilitator Access = "facilitator" // mission officers
	AccessAdmin       Access = "admin"       // resource-centre staff
)

// Route is one entry of the route table, for the access test.
type Route struct {
	Method, Path string
	Access       Access
}

// group registers routes under one access rule and records them.
type group struct {
	g      *echo.Group
	access Access
	table  *[]Route
}

func (gr group) add(method, path string, fn echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
	gr.g.Add(method, path, fn, mw...)
	*gr.table = append(*gr.table, Route{Method: method, Path: path, Access: gr.access})
}
func (gr group) get(path string, fn echo.HandlerFunc) { gr.add(http.MethodGet, path, fn) }

// post registers an action; a field over its bound (limitFor) is refused
// with a French page before the handler runs.
func (gr group) post(path string, fn echo.HandlerFunc) {
	gr.add(http.MethodPost, path, fn, refuseFormProblems)
}

// form registers the post of a form page, whose handler shows the fields
// over their bounds next to each field (formProblems) with what was typed.
func (gr group) form(path string, fn echo.HandlerFunc) { gr.add(http.MethodPost, path, fn) }

// Router builds the Echo instance with every route and its access rule. It
// returns the table as well, so a test can walk every route with every role.
func (h *Handler) Router() (*echo.Echo, []Route) {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = h.handleError
	e.IPExtractor = h.ipExtractor()
	e.Pre(requestID, headAsGet)
	e.Use(h.logRequests, h.recoverPanics, h.securityHeaders, h.readForm, h.ensureCSRFCookie, h.loadSession, h.checkCSRF)

	var table []Route
	in := func(access Access, mw ...echo.MiddlewareFunc) group {
		return group{g: e.Group("", mw...), access: access, table: &table}
	}

	// The site's table of contents.
	public := in(AccessPublic)
	public.get("/", h.showHome)
	public.get("/healthz", h.healthz)
	public.get("/confidentialite", h.showPrivacy)
	public.get("/accessibilite", h.showAccessibility)
	public.get("/mentions-legales", h.showLegal)
	public.get("/contact", h.showContact)
	public.get("/static/:version/*", h.serveStatic)
	public.get("/connexion", h.showLogin)
	public.post("/connexion", h.sendLoginLink)

	// Secret links: the token in the URL is the authorisation.
	token := in(AccessToken, noReferrer)
	token.get("/connexion/lien/:token", h.showLoginLink)
	token.post("/connexion/lien/:token", h.useLoginLink)
	token.get("/flux/:token/calendrier.ics", h.serveFeed)
	// A partner's sign-up link: its page, a sign-up (rate-limited per link
	// in the store's operation, never per client address), a cancellation
	// after a confirmation step. A participant's one-click cancel link.
	token.get("/inscription/:token", h.withSignupLink(h.showSignup))
	token.form("/inscription/:token", h.withSignupLink(h.signUp))
	token.post("/inscription/:token/annuler/:rid", h.withSignupLink(h.cancelSignupByPartner))
	token.get("/annulation/:token", h.withCancelLink(h.showCancelLink))
	token.post("/annulation/:token", h.withCancelLink(h.cancelByLink))
	// An attendee's single-use feedback link: opening it changes nothing;
	// one accepted answer uses it (rate-limited per link, never per
	// client address).
	token.get("/avis/:token", h.withFeedbackLink(h.showFeedback))
	token.form("/avis/:token", h.withFeedbackLink(h.answerFeedback))

	signedIn := in(AccessSignedIn, requireRole(models.RoleAdmin, models.RoleCoordinator, models.RoleFacilitator))
	signedIn.get("/tableau-de-bord", h.showDashboard)
	signedIn.post("/deconnexion", h.logout)

	// CLSM coordinators: their requests, the partner organisations of
	// their sessions and their address book, and the suggestions behind
	// the request form's search fields.
	coordinator := in(AccessCoordinator, requireRole(models.RoleCoordinator))
	coordinator.get("/demandes", h.listRequests)
	coordinator.get("/demandes/nouvelle", h.showNewRequest)
	coordinator.form("/demandes/nouvelle", h.createRequest)
	coordinator.get("/demandes/:id", h.withOwnRequest(h.showRequest))
	coordinator.get("/demandes/:id/modifier", h.withOwnRequest(h.showEditRequest))
	coordinator.form("/demandes/:id/modifier", h.withOwnRequest(h.updateRequest))
	coordinator.form("/demandes/:id/retirer", h.withOwnRequest(h.withdrawRequest))
	coordinator.post("/demandes/:id/supprimer", h.withOwnRequest(h.deleteDraft))
	coordinator.form("/demandes/:id/date", h.withOwnRequest(h.answerProposal))
	coordinator.get("/demandes/:id/inscrits", h.withOwnRequest(h.showParticipants))
	coordinator.post("/demandes/:id/inscrits/:rid/annuler", h.withOwnRequest(h.cancelParticipant))
	coordinator.form("/demandes/:id/places", h.withOwnRequest(h.setPlaces))
	coordinator.get("/demandes/:id/structures", h.withOwnRequest(h.showPartners))
	coordinator.form("/demandes/:id/structures", h.withOwnRequest(h.invitePartner))
	coordinator.form("/demandes/:id/structures/carnet", h.withOwnRequest(h.pickPartners))
	coordinator.post("/demandes/:id/structures/:partner/renvoyer", h.withOwnRequest(h.partnerAction(h.resendPartnerLink)))
	coordinator.post("/demandes/:id/structures/:partner/revoquer", h.withOwnRequest(h.partnerAction(h.revokePartnerLink)))
	coordinator.post("/demandes/:id/structures/:partner/nouveau-lien", h.withOwnRequest(h.partnerAction(h.reissuePartnerLink)))
	coordinator.get("/structures", h.showAddressBook)
	coordinator.get("/structures/:id", h.withOwnOrganisation(h.showOrganisation))
	coordinator.form("/structures/:id", h.withOwnOrganisation(h.updateOrganisation))
	// The day of the session: the attendance sheet to print, the list
	// of participants, the count from the signed sheet, the day's phones.
	coordinator.get("/demandes/:id/emargement", h.withOwnRequest(h.showSheet))
	coordinator.get("/demandes/:id/inscrits.csv", h.withOwnRequest(h.downloadParticipants))
	coordinator.get("/demandes/:id/presences", h.withOwnRequest(h.showCount))
	coordinator.form("/demandes/:id/presences", h.withOwnRequest(h.saveCount))
	coordinator.get("/demandes/:id/telephones", h.withOwnRequest(h.showPhones))
	coordinator.form("/demandes/:id/telephones", h.withOwnRequest(h.savePhones))
	coordinator.get("/demandes/:id/avis", h.withOwnRequest(h.showRequestFeedback))
	// The season report of the coordinator's CLSMs, and its exports.
	coordinator.get("/bilan", h.showCoordinatorReport)
	coordinator.get("/bilan.csv", h.downloadCoordinatorReport("csv"))
	coordinator.get("/bilan.xlsx", h.downloadCoordinatorReport("xlsx"))
	coordinator.get("/recherche/communes", h.suggestCommunes)
	coordinator.get("/recherche/qpv", h.suggestQPVs)

	// Mission officers: their calendar (week, month), weekly pattern and
	// limits, exceptions, busy time, imports, and their bookings feed.
	facilitator := in(AccessFacilitator, requireRole(models.RoleFacilitator))
	facilitator.get("/calendrier", h.showWeek)
	facilitator.get("/calendrier/mois", h.showMonth)
	facilitator.get("/calendrier/disponibilites", h.showAvailability)
	facilitator.form("/calendrier/disponibilites", h.saveAvailability)
	facilitator.get("/calendrier/exceptions", h.showExceptions)
	facilitator.form("/calendrier/exceptions", h.addException)
	facilitator.post("/calendrier/exceptions/:id/supprimer", withID(h.deleteException))
	facilitator.get("/calendrier/occupations", h.showBusy)
	facilitator.form("/calendrier/occupations", h.addBusy)
	facilitator.post("/calendrier/occupations/:id/supprimer", withID(h.deleteBusy))
	facilitator.get("/calendrier/import", h.showImport)
	facilitator.post("/calendrier/import", h.importFile)
	facilitator.post("/calendrier/import/supprimer", h.clearImportedFile)
	facilitator.form("/calendrier/abonnement", h.subscribe)
	facilitator.post("/calendrier/abonnement/actualiser", h.refreshSubscription)
	facilitator.post("/calendrier/abonnement/supprimer", h.unsubscribe)
	facilitator.get("/calendrier/flux", h.showFeed)
	facilitator.post("/calendrier/flux/regenerer", h.regenerateFeed)

	// Mission officers on the day of a session they lead: attendance
	// (the whole list, one tick at a time, walk-ins) and the debrief.
	facilitator.get("/seances/:id/presences", h.withLedSession(h.showAttendance))
	facilitator.form("/seances/:id/presences", h.withLedSession(h.saveAttendance))
	facilitator.post("/seances/:id/presences/coche", h.withLedSession(h.tickAttendance))
	facilitator.form("/seances/:id/presences/sur-place", h.withLedSession(h.addWalkIn))
	facilitator.post("/seances/:id/presences/sur-place/:walkin/supprimer", h.withLedSession(h.removeWalkIn))
	facilitator.get("/seances/:id/bilan", h.withLedSession(h.showDebrief))
	facilitator.form("/seances/:id/bilan", h.withLedSession(h.saveDebrief))
	facilitator.get("/seances/:id/avis", h.withLedSession(h.showSessionFeedback))

	// The resource centre: requests, people, CLSMs, seasons, reference
	// data, calendars and the outbox.
	admin := in(AccessAdmin, requireRole(models.RoleAdmin))
	admin.get("/admin/demandes", h.listAdminRequests)
	admin.get("/admin/demandes/:id", h.withRequest(h.showAdminRequest))
	admin.form("/admin/demandes/:id/accepter", h.withRequest(h.acceptRequest))
	admin.form("/admin/demandes/:id/refuser", h.withRequest(h.declineRequest))
	admin.form("/admin/demandes/:id/modifications", h.withRequest(h.askForChanges))
	admin.post("/admin/demandes/:id/confirmer", h.withRequest(h.confirmForCoordinator))
	admin.form("/admin/demandes/:id/seance/deplacer", h.withRequest(h.moveSession))
	admin.form("/admin/demandes/:id/seance/annuler", h.withRequest(h.cancelScheduledSession))

	admin.get("/admin/demandes/:id/emargement", h.withRequest(h.showSheet))
	admin.get("/admin/demandes/:id/inscrits.csv", h.withRequest(h.downloadParticipants))
	admin.get("/admin/demandes/:id/presences", h.withRequest(h.showCount))
	admin.form("/admin/demandes/:id/presences", h.withRequest(h.saveCount))
	admin.get("/admin/demandes/:id/telephones", h.withRequest(h.showPhones))
	admin.form("/admin/demandes/:id/telephones", h.withRequest(h.savePhones))
	admin.get("/admin/demandes/:id/avis", h.withRequest(h.showRequestFeedback))

	admin.get("/admin/planification", h.showPlanner)
	admin.form("/admin/planification", h.runPlanner)
	admin.get("/admin/planification/:id", h.withPlanDraft(h.showDraft))
	admin.post("/admin/planification/:id", h.withPlanDraft(h.actOnDraft))
	admin.get("/admin/recherche/communes", h.suggestCommunes)
	admin.get("/admin/recherche/qpv", h.suggestQPVs)
	admin.get("/admin/recherche/clsm", h.suggestCLSMs)
	admin.get("/admin/recherche/coordination", h.suggestCoordinators)

	admin.get("/admin/personnes", h.listPeople)
	admin.get("/admin/personnes/nouvelle", h.showNewPerson)
	admin.form("/admin/personnes/nouvelle", h.createPerson)
	admin.get("/admin/personnes/:id", h.withPerson(h.showPerson))
	admin.form("/admin/personnes/:id", h.withPerson(h.updatePerson))
	admin.post("/admin/personnes/:id/desactiver", h.withPerson(h.setPersonActive(false)))
	admin.post("/admin/personnes/:id/reactiver", h.withPerson(h.setPersonActive(true)))

	admin.get("/admin/clsm", h.listCLSMs)
	admin.get("/admin/clsm/nouveau", h.showNewCLSM)
	admin.form("/admin/clsm/nouveau", h.createCLSM)
	admin.get("/admin/clsm/:id", h.withCLSM(h.showCLSM))
	admin.form("/admin/clsm/:id", h.withCLSM(h.updateCLSM))

	admin.get("/admin/saisons", h.listSeasons)
	admin.form("/admin/saisons", h.createSeason)
	admin.get("/admin/saisons/:id", h.withSeason(h.showSeason))
	admin.form("/admin/saisons/:id", h.withSeason(h.updateSeason))
	admin.post("/admin/saisons/:id/supprimer", h.withSeason(h.deleteSeason))
	admin.post("/admin/saisons/:id/en-cours", h.withSeason(h.makeSeasonCurrent))
	admin.post("/admin/saisons/:id/cloturer", h.withSeason(h.closeSeason))
	// The versions of the feedback questionnaire, and which one each
	// season asks.
	admin.get("/admin/questionnaires", h.listQuestionnaires)
	admin.form("/admin/questionnaires", h.createQuestionnaire)
	admin.post("/admin/questionnaires/saisons/:id", h.withSeason(h.chooseSeasonQuestionnaire))
	admin.get("/admin/saisons/:id/bilan", h.withSeason(h.showAdminReport))
	admin.get("/admin/saisons/:id/bilan.csv", h.withSeason(h.downloadAdminReport("csv")))
	admin.get("/admin/saisons/:id/bilan.xlsx", h.withSeason(h.downloadAdminReport("xlsx")))

	admin.get("/admin/qpv", h.listQPVs)
	admin.form("/admin/qpv", h.saveQPV)
	admin.post("/admin/qpv/import", h.importQPVs)

	admin.get("/admin/courriels", h.listOutbox)
	admin.get("/admin/courriels/:id", h.withOutboxMessage(h.showOutboxMessage))
	admin.get("/admin/courriels/:id/html", h.withOutboxMessage(h.showOutboxHTML))
	admin.post("/admin/courriels/:id/renvoyer", withID(h.retryOutboxMessage))

	admin.get("/admin/calendriers", h.showAllCalendars)

	// Personal data (RGPD): the retention purge's runs, and one person's
	// data exported or erased on request.
	admin.get("/admin/donnees-personnelles", h.showPersonalData)
	admin.form("/admin/donnees-personnelles/export", h.exportPersonalData)
	admin.form("/admin/donnees-personnelles/effacer", h.erasePersonalData)

	e.RouteNotFound("/*", func(echo.Context) error { return echo.ErrNotFound })
	return e, table
}

// ipExtractor reads the client address from the connection, or from
// X-Forwarded-For only when the request came through a trusted proxy.
func (h *Handler) ipExtractor() echo.IPExtractor {
	if len(h.cfg.Server.TrustedProxies) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range h.cfg.Server.TrustedProxies {
		if _, n, err := parseCIDROrIP(p); err == nil {
			opts = append(opts, echo.TrustIPRange(n))
		}
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}
