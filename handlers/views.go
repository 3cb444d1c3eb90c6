package handlers

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	"text/template/parse"

	"quartier/assets"
	"quartier/models"
)

// pageName names a page template: templates/pages/<name>.html. Handlers
// pass these constants to render, never a string, so that every name is
// in pageTable and checked at start-up.
type pageName string

// The pages, one per file of templates/pages.
const (
	pageAccessibility        pageName = "accessibility"
	pageAddressBook          pageName = "address_book"
	pageAdminCLSMForm        pageName = "admin_clsm_form"
	pageAdminCLSMs           pageName = "admin_clsms"
	pageAdminOutbox          pageName = "admin_outbox"
	pageAdminOutboxMessage   pageName = "admin_outbox_message"
	pageAdminPeople          pageName = "admin_people"
	pageAdminPersonForm      pageName = "admin_person_form"
	pageAdminQPV             pageName = "admin_qpv"
	pageAdminPersonalData    pageName = "admin_personal_data"
	pageAdminQuestionnaires  pageName = "admin_questionnaires"
	pageAdminSeason          pageName = "admin_season"
	pageAdminSeasons         pageName = "admin_seasons"
	pageCalendarAdmin        pageName = "calendar_admin"
	pageCalendarAvailability pageName = "calendar_availability"
	pageCalendarBusy         pageName = "calendar_busy"
	pageCalendarExceptions   pageName = "calendar_exceptions"
	pageCalendarFeed         pageName = "calendar_feed"
	pageCalendarImport       pageName = "calendar_import"
	pageCalendarMonth        pageName = "calendar_month"
	pageCalendarWeek         pageName = "calendar_week"
	pageConfirm              pageName = "confirm"
	pageContact              pageName = "contact"
	pageDashboardAdmin       pageName = "dashboard_admin"
	pageDashboardCoordinator pageName = "dashboard_coordinator"
	pageDashboardFacilitator pageName = "dashboard_facilitator"
	pageErrorPage            pageName = "error"
	pageFeedback             pageName = "feedback"
	pageFeedbackSummary      pageName = "feedback_summary"
	pageHome                 pageName = "home"
	pageLegal                pageName = "legal"
	pageLogin                pageName = "login"
	pageLoginLink            pageName = "login_link"
	pageParticipants         pageName = "participants"
	pageSignup               pageName = "signup"
	pageSignupCancel         pageName = "signup_cancel"
	pageOrganisationForm     pageName = "organisation_form"
	pagePartners             pageName = "partners"
	pagePlanning             pageName = "planning"
	pagePrivacy              pageName = "privacy"
	pageReport               pageName = "report"
	pageRequest              pageName = "request"
	pageRequestAdmin         pageName = "request_admin"
	pageRequestForm          pageName = "request_form"
	pageRequests             pageName = "requests"
	pageRequestsAdmin        pageName = "requests_admin"
	pageSessionAttendance    pageName = "session_attendance"
	pageSessionCount         pageName = "session_count"
	pageSessionDebrief       pageName = "session_debrief"
	pageSessionPhones        pageName = "session_phones"
	pageSessionSheet         pageName = "session_sheet"
)

// The partial files of templates/layout a page may declare, besides
// base.html which every page has.
const (
	partialsForm    = "form"          // csrf, error summaries, field errors, time range
	partialsAudit   = "audit"         // an object's history of changes, page by page (with partialsPager)
	partialsRequest = "request_form"  // request state, details, history, error summary
	partialsPager   = "pager"         // the pager of a paginated list (see pager)
	partialsSession = "session_forms" // the live session: answer, confirm, move, cancel
	partialsDay     = "session_day"   // the links to the day of the live session
)

// pageTable declares every page and the partial files it uses. A page is
// parsed with base.html, its partials and its own file only: a template
// it calls without declaring it fails at start-up.
var pageTable = map[pageName][]string{
	pageAccessibility:        nil,
	pageAddressBook:          nil,
	pageAdminCLSMForm:        {partialsForm, partialsAudit, partialsPager},
	pageAdminCLSMs:           {partialsPager},
	pageAdminOutbox:          {partialsPager},
	pageAdminOutboxMessage:   {partialsForm, partialsAudit, partialsPager},
	pageAdminPeople:          {partialsPager},
	pageAdminPersonForm:      {partialsForm, partialsAudit, partialsPager},
	pageAdminQPV:             {partialsForm, partialsAudit, partialsPager},
	pageAdminPersonalData:    {partialsForm},
	pageAdminQuestionnaires:  {partialsForm},
	pageAdminSeason:          {partialsForm, partialsAudit, partialsPager},
	pageAdminSeasons:         {partialsForm, partialsPager},
	pageCalendarAdmin:        nil,
	pageCalendarAvailability: {partialsForm},
	pageCalendarBusy:         {partialsForm},
	pageCalendarExceptions:   {partialsForm},
	pageCalendarFeed:         {partialsForm},
	pageCalendarImport:       {partialsForm},
	pageCalendarMonth:        nil,
	pageCalendarWeek:         nil,
	pageConfirm:              {partialsForm},
	pageContact:              nil,
	pageDashboardAdmin:       nil,
	pageDashboardCoordinator: nil,
	pageDashboardFacilitator: nil,
	pageErrorPage:            nil,
	pageFeedback:             {partialsForm},
	pageFeedbackSummary:      nil,
	pageHome:                 nil,
	pageLegal:                nil,
	pageLogin:                {partialsForm},
	pagePlanning:             {partialsForm},
	pageLoginLink:            {partialsForm},
	pageParticipants:         {partialsForm},
	pageSignup:               {partialsForm},
	pageSignupCancel:         {partialsForm},
	pageOrganisationForm:     {partialsForm},
	pagePartners:             {partialsForm},
	pagePrivacy:              nil,
	pageReport:               nil,
	pageRequest:              {partialsForm, partialsRequest, partialsSession, partialsDay},
	pageRequestAdmin:         {partialsForm, partialsRequest, partialsSession, partialsDay},
	pageRequestForm:          {partialsForm, partialsRequest},
	pageRequests:             {partialsRequest, partialsPager},
	pageRequestsAdmin:        {partialsRequest, partialsPager},
	pageSessionAttendance:    {partialsForm},
	pageSessionCount:         {partialsForm},
	pageSessionDebrief:       {partialsForm},
	pageSessionPhones:        {partialsForm},
	pageSessionSheet:         nil,
}

// views holds one parsed template set per page: the base layout, the
// partials the page declares and the page itself.
type views struct {
	pages map[pageName]*template.Template
	// nav keeps the "navlinks" template's output by role and Nav: the same
	// few dozen bytes for every page of a role, which the template would
	// otherwise evaluate (a dozen comparisons by reflection) twice a page.
	nav sync.Map // navKey → template.HTML
}

type navKey struct {
	role models.Role
	nav  string
}

// navLinks returns the "navlinks" template of t executed for a user of
// role on the page nav names, writing it on first use only. The template
// reads nothing else of the page (its test checks that every role and nav
// give the bytes the template gives on the full page).
func (v *views) navLinks(t *template.Template, role models.Role, nav string) (template.HTML, error) {
	k := navKey{role, nav}
	if h, ok := v.nav.Load(k); ok {
		return h.(template.HTML), nil
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "navlinks", page{User: &models.User{Role: role}, Nav: nav}); err != nil {
		return "", err
	}
	h := template.HTML(buf.String()) // html/template's own escaped output
	v.nav.Store(k, h)
	return h, nil
}

// parseViews parses the embedded templates as pageTable declares them.
func parseViews() (*views, error) { return parseViewsFrom(assets.FS, pageTable) }

// parseViewsFrom parses each page of table from fsys (templates/layout,
// templates/pages) and checks, before anyone is served, that every page
// file is declared, every declared page and partial exists, each page
// defines its title and content, and every template it calls is defined.
func parseViewsFrom(fsys fs.FS, table map[pageName][]string) (*views, error) {
	files, err := fs.Glob(fsys, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if _, ok := table[pageName(strings.TrimSuffix(path.Base(f), ".html"))]; !ok {
			return nil, fmt.Errorf("template %s: not declared in the page table", f)
		}
	}
	names := make([]string, 0, len(table))
	for name := range table {
		names = append(names, string(name))
	}
	sort.Strings(names)
	v := &views{pages: make(map[pageName]*template.Template, len(table))}
	for _, name := range names {
		partials := table[pageName(name)]
		list := []string{"templates/layout/base.html"}
		for _, p := range partials {
			list = append(list, "templates/layout/"+p+".html")
		}
		list = append(list, "templates/pages/"+name+".html")
		t, err := template.New(name).Funcs(templateFuncs()).ParseFS(fsys, list...)
		if err != nil {
			return nil, fmt.Errorf("page %s (partials %v): %w", name, partials, err)
		}
		if t.Lookup("base") == nil {
			return nil, fmt.Errorf("page %s: no \"base\" template", name)
		}
		// The page's own file must fill both blocks, not inherit base's.
		for _, block := range []string{"title", "content"} {
			if b := t.Lookup(block); b == nil || b.Tree == nil || b.Tree.ParseName != name+".html" {
				return nil, fmt.Errorf("page %s: no %q template in the page's file", name, block)
			}
		}
		if missing := undefinedCalls(t); len(missing) > 0 {
			return nil, fmt.Errorf("page %s calls %s: not defined by base.html, its partials %v or the page",
				name, strings.Join(missing, ", "), partials)
		}
		v.pages[pageName(name)] = t
	}
	return v, nil
}

// undefinedCalls lists the templates that a set calls ({{template "x"}})
// without defining them, sorted. html/template would only notice while
// serving the page.
func undefinedCalls(set *template.Template) []string {
	var missing []string
	var walk func(parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.TemplateNode:
			if set.Lookup(n.Name) == nil && !slices.Contains(missing, n.Name) {
				missing = append(missing, n.Name)
			}
		case *parse.IfNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.List)
			walk(n.ElseList)
		}
	}
	for _, t := range set.Templates() {
		if t.Tree != nil {
			walk(t.Tree.Root)
		}
	}
	sort.Strings(missing)
	return missing
}
