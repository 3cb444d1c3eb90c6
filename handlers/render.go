package handlers

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"quartier/config"
	"quartier/frtime"
	"quartier/models"
)

// page is the data every page template receives; Data is the page's own.
type page struct {
	User         *models.User
	CSRF         string
	Flashes      []flash
	AssetVersion string
	RequestID    string
	Nav          string
	Team         config.Team
	// NavHTML is the "navlinks" template's output for the user's role and
	// Nav, written once per pair and kept (see views.navLinks).
	NavHTML template.HTML
	Data    any
}

func templateFuncs() template.FuncMap {
	return template.FuncMap{
		"frDate":      frtime.Date,
		"frShortDate": frtime.ShortDate,
		"frDateTime":  frtime.DateTime,
		"frClock":     frtime.Clock,
		"frRange":     frtime.Range,
		"inZone": func(t time.Time, zone string) time.Time {
			// A list calls this once or twice per row.
			loc, err := frtime.LoadZone(zone)
			if err != nil {
				return t
			}
			return t.In(loc)
		},
		"isoDate":  func(t time.Time) string { return t.Format("2006-01-02") },
		"fieldID":  fieldID,
		"contains": func(list []string, s string) bool { return containsString(list, s) },
		"plural": func(n int, one, many string) string {
			if n <= 1 && n >= -1 {
				return one
			}
			return many
		},
		"add": func(a, b int) int { return a + b },
		// Long option lists and checkboxes, written in Go (rows_html.go).
		"departementOptions": departementOptions,
		"regionOptions":      regionOptions,
		"qpvChoices":         qpvChoices,
		"ofSeason":           ofSeason,
		"outboxKind":         models.OutboxKindLabel,
		"dayLinks": func(prefix string, requestID int64, se *models.Session) *dayLinks {
			return dayLinksOf(fmt.Sprintf("%s/%d", prefix, requestID), se)
		},
		"zoneOf":       sessionZone,
		"outboxStatus": models.OutboxStatus.Label,
		"ordered":      orderedErrors,
		"errFor":       errFor,
		"scaleQuestion": func(name, legend, hint, value string, errs map[string]string) scaleQuestion {
			return scaleQuestion{Name: name, Legend: legend, Hint: hint, Value: value, Notes: []int{1, 2, 3, 4, 5}, Error: errFor(errs, name)}
		},
	}
}

// scaleQuestion is a question answered by a note from 1 to 5, as the
// scale-question template of the feedback page shows it.
type scaleQuestion struct {
	Name, Legend, Hint, Value string
	Notes                     []int
	Error                     *fieldError
}

// fieldError is what the field-error partial shows.
type fieldError struct{ ID, Message string }

// errFor is field's error in errs, with the id its message takes next to
// the field, or nil.
func errFor(errs map[string]string, field string) *fieldError {
	if m, ok := errs[field]; ok {
		return &fieldError{ID: fieldID(field), Message: m}
	}
	return nil
}

// fieldID turns a form field name into an HTML id ("windows.0.date" →
// "f-windows-0-date"), so summaries can link to fields.
// fieldIDReplacer is fieldID's replacer, built once: a form calls fieldID
// for every field (safe for concurrent use).
var fieldIDReplacer = strings.NewReplacer(".", "-", "[", "-", "]", "", "_", "-")

func fieldID(field string) string {
	return "f-" + fieldIDReplacer.Replace(field)
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// render writes a page with the common data filled in.
func (h *Handler) render(c echo.Context, status int, name pageName, nav string, data any) error {
	t, ok := h.views.pages[name]
	if !ok {
		return fmt.Errorf("render: no template %q", name)
	}
	p := page{
		User:         currentUser(c),
		CSRF:         h.csrfToken(c),
		Flashes:      h.takeFlashes(c),
		AssetVersion: h.static.version,
		RequestID:    c.Response().Header().Get(echo.HeaderXRequestID),
		Nav:          nav,
		Team:         h.cfg.Team,
		Data:         data,
	}
	if p.User != nil {
		nav, err := h.views.navLinks(t, p.User.Role, nav)
		if err != nil {
			return fmt.Errorf("render %s: %w", name, err)
		}
		p.NavHTML = nav
	}
	buf := pageBuffers.Get().(*bytes.Buffer)
	defer putPageBuffer(buf)
	buf.Reset()
	if err := t.ExecuteTemplate(buf, "base", p); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	hdr := c.Response().Header()
	hdr.Set("Cache-Control", "no-store")
	// A known length: net/http sends the page in one piece, not in chunks.
	hdr.Set(echo.HeaderContentLength, strconv.Itoa(buf.Len()))
	return c.HTMLBlob(status, buf.Bytes())
}

// pageBuffers keeps the buffers pages are written into: a page is written
// whole before it is sent (an error half-way shows the error page, not half
// a page), and a buffer grown anew for every page was the biggest
// allocation of a long page (docs/PERFORMANCE.md).
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledPage bounds the buffers kept: one rare huge page must not pin
// its memory for good.
const maxPooledPage = 256 << 10

func putPageBuffer(b *bytes.Buffer) {
	if b.Cap() <= maxPooledPage {
		pageBuffers.Put(b)
	}
}

// redirect answers a successful POST (POST/redirect/GET) with a flash.
func (h *Handler) redirect(c echo.Context, to, kind, message string) error {
	if message != "" {
		h.addFlash(c, kind, message)
	}
	return c.Redirect(http.StatusSeeOther, to)
}

// orderedErrors lists a form's messages for its summary: first the fields
// named in order (the page's order), then any other, sorted.
func orderedErrors(errs map[string]string, order ...string) []fieldError {
	out := make([]fieldError, 0, len(errs))
	seen := map[string]bool{}
	for _, f := range order {
		if m, ok := errs[f]; ok {
			out = append(out, fieldError{ID: fieldID(f), Message: m})
			seen[f] = true
		}
	}
	rest := make([]string, 0, len(errs))
	for f := range errs {
		if !seen[f] {
			rest = append(rest, f)
		}
	}
	sort.Strings(rest)
	for _, f := range rest {
		out = append(out, fieldError{ID: fieldID(f), Message: errs[f]})
	}
	return out
}
