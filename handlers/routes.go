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

func (gr group) add(method, path string, fn echo.HandlerFunc) {
	gr.g.Add(method, path, fn)
	*gr.table = append(*gr.table, Route{Method: method, Path: path, Access: gr.access})
}
func (gr group) get(path string, fn echo.HandlerFunc)  { gr.add(http.MethodGet, path, fn) }
func (gr group) post(path string, fn echo.HandlerFunc) { gr.add(http.MethodPost, path, fn) }

// Router builds the Echo instance with every route and its access rule. It
// returns the table as well, so a test can walk every route with every role.
func (h *Handler) Router() (*echo.Echo, []Route) {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = h.handleError
	e.IPExtractor = h.ipExtractor()
	e.Pre(requestID)
	e.Use(h.logRequests, h.recoverPanics, h.securityHeaders, h.limitBody, h.ensureCSRFCookie, h.loadSession, h.checkCSRF)

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
	public.get("/static/:version/*", h.serveStatic)
	public.get("/connexion", h.showLogin)
	public.post("/connexion", h.sendLoginLink)

	token := in(AccessToken)
	token.get("/connexion/lien/:token", h.showLoginLink)
	token.post("/connexion/lien/:token", h.useLoginLink)
	h.tokenCalendarRoutes(token)

	signedIn := in(AccessSignedIn, requireRole(models.RoleAdmin, models.RoleCoordinator, models.RoleFacilitator))
	signedIn.get("/tableau-de-bord", h.showDashboard)
	signedIn.post("/deconnexion", h.logout)

	h.coordinatorRoutes(in(AccessCoordinator, requireRole(models.RoleCoordinator)))
	h.facilitatorRoutes(in(AccessFacilitator, requireRole(models.RoleFacilitator)))
	h.adminRoutes(in(AccessAdmin, requireRole(models.RoleAdmin)))

	e.RouteNotFound("/*", func(echo.Context) error { return echo.ErrNotFound })
	return e, table
}

func (h *Handler) adminRoutes(g group) {
	g.get("/admin/personnes", h.listPeople)
	g.get("/admin/personnes/nouvelle", h.showNewPerson)
	g.post("/admin/personnes/nouvelle", h.createPerson)
	g.get("/admin/personnes/:id", h.showPerson)
	g.post("/admin/personnes/:id", h.updatePerson)
	g.post("/admin/personnes/:id/desactiver", h.setPersonActive(false))
	g.post("/admin/personnes/:id/reactiver", h.setPersonActive(true))

	g.get("/admin/clsm", h.listCLSMs)
	g.get("/admin/clsm/nouveau", h.showNewCLSM)
	g.post("/admin/clsm/nouveau", h.saveCLSM)
	g.get("/admin/clsm/:id", h.showCLSM)
	g.post("/admin/clsm/:id", h.saveCLSM)

	g.get("/admin/saisons", h.listSeasons)
	g.post("/admin/saisons", h.createSeason)
	g.get("/admin/saisons/:id", h.showSeason)
	g.post("/admin/saisons/:id/en-cours", h.makeSeasonCurrent)
	g.post("/admin/saisons/:id/cloturer", h.closeSeason)

	g.get("/admin/qpv", h.listQPVs)
	g.post("/admin/qpv", h.saveQPV)
	g.post("/admin/qpv/import", h.importQPVs)

	g.get("/admin/courriels", h.listOutbox)
	g.get("/admin/courriels/:id", h.showOutboxMessage)
	g.get("/admin/courriels/:id/html", h.showOutboxHTML)
	g.post("/admin/courriels/:id/renvoyer", h.retryOutboxMessage)

	h.adminCalendarRoutes(g)
	h.adminRequestRoutes(g)
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

// limitBody refuses bodies over 12 MB (calendar files are the largest).
func (h *Handler) limitBody(next echo.HandlerFunc) echo.HandlerFunc {
	const max = 12 << 20
	return func(c echo.Context) error {
		if c.Request().ContentLength > max {
			return echo.NewHTTPError(http.StatusRequestEntityTooLarge)
		}
		c.Request().Body = http.MaxBytesReader(c.Response(), c.Request().Body, max)
		return next(c)
	}
}
