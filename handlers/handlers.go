// Package handlers is quartier's web layer: the route table, middleware
// (request ids, sessions, CSRF, rate limits), form binding and validation,
// and page rendering. Handlers are methods on Handler, which holds every
// dependency explicitly.
package handlers

import (
	"fmt"
	"io/fs"
	"log/slog"
	"time"

	"quartier/assets"
	"quartier/config"
	"quartier/links"
	"quartier/models"
	"quartier/territory"
)

// Mail is what the pages need of the mailer, which they do not import: a
// facilitator's bookings feed (.ics) and the admin's view of a stored
// message. The handlers compose no email: messages leave from the store's
// operations (models.Mail).
type Mail interface {
	BookingsFeed(name string, sessions []models.ScheduledSession, communeName func(insee string) string) ([]byte, error)
	PreviewMessage(m models.OutboxMessage) (models.MessagePreview, error)
}

// Deps are the handler's dependencies, built by cmd/quartier.
type Deps struct {
	Config    config.Config
	Store     *models.Store
	Mail      Mail
	Territory *territory.Directory
	// Links builds and verifies the links that carry a secret; when nil,
	// one is made from Secret and the configured base URL.
	Links  *links.Links
	Secret []byte
	Log    *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Outbox, when set, is woken after a sign-in link is queued, so that it
	// goes out at once rather than at the next poll.
	Outbox Waker
	// Templates holds templates/layout and templates/pages; nil means the
	// embedded assets.
	Templates fs.FS
}

// Waker asks background work to look for something to do now; it never
// blocks.
type Waker interface{ Wake() }

// Handler serves every page of quartier.
type Handler struct {
	cfg    config.Config
	store  *models.Store
	mail   Mail
	links  *links.Links
	geo    *territory.Directory
	secret []byte
	log    *slog.Logger
	now    func() time.Time
	outbox Waker
	views  *views
	static *staticFiles
	// planSlot admits one background planner run at a time: the solver
	// takes a core for seconds on a large season.
	planSlot chan struct{}
}

// New checks the dependencies, parses every template (a missing template
// fails here, at start-up, not in front of a user) and returns the handler.
func New(d Deps) (*Handler, error) {
	if d.Store == nil || d.Log == nil || d.Mail == nil || d.Territory == nil || len(d.Secret) == 0 {
		return nil, fmt.Errorf("handlers.New: missing dependency")
	}
	if d.Links == nil {
		l, err := links.New(d.Secret, d.Config.Server.BaseURL)
		if err != nil {
			return nil, fmt.Errorf("handlers.New: %w", err)
		}
		d.Links = l
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	static, err := newStaticFiles()
	if err != nil {
		return nil, err
	}
	if d.Templates == nil {
		d.Templates = assets.FS
	}
	v, err := parseViewsFrom(d.Templates, pageTable)
	if err != nil {
		return nil, err
	}
	return &Handler{
		cfg: d.Config, store: d.Store, mail: d.Mail, links: d.Links, geo: d.Territory, secret: d.Secret,
		log: d.Log, now: d.Now, outbox: d.Outbox, views: v, static: static, planSlot: make(chan struct{}, 1),
	}, nil
}
