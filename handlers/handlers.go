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
	"quartier/mailer"
	"quartier/models"
	"quartier/territory"
)

// Deps are the handler's dependencies, built by cmd/quartier.
type Deps struct {
	Config    config.Config
	Store     *models.Store
	Mail      *mailer.Composer
	Territory *territory.Directory
	Secret    []byte
	Log       *slog.Logger
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
	mail   *mailer.Composer
	geo    *territory.Directory
	secret []byte
	log    *slog.Logger
	now    func() time.Time
	outbox Waker
	views  *views
	static *staticFiles
}

// New checks the dependencies, parses every template (a missing template
// fails here, at start-up, not in front of a user) and returns the handler.
func New(d Deps) (*Handler, error) {
	if d.Store == nil || d.Log == nil || d.Mail == nil || d.Territory == nil || len(d.Secret) == 0 {
		return nil, fmt.Errorf("handlers.New: missing dependency")
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
		cfg: d.Config, store: d.Store, mail: d.Mail, geo: d.Territory, secret: d.Secret,
		log: d.Log, now: d.Now, outbox: d.Outbox, views: v, static: static,
	}, nil
}
