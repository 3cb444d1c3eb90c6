package calendarsub

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"time"

	"quartier/config"
	"quartier/ical"
	"quartier/models"
)

// Refresher keeps subscribed calendars fresh: every
// calendar.refresh_interval it fetches each subscription again (a
// conditional request when it can), imports it over [today, today +
// calendar.horizon_months), and records the outcome. A failed fetch keeps
// the last imported busy time and records the French reason.
type Refresher struct {
	store    *models.Store
	fetcher  *Fetcher
	interval time.Duration
	months   int
	maxBytes int64
	log      *slog.Logger
}

// NewRefresher builds the refresher from the [calendar] settings.
func NewRefresher(store *models.Store, cfg config.Calendar, log *slog.Logger) *Refresher {
	return &Refresher{
		store:    store,
		fetcher:  NewFetcher(FetchOptions{Timeout: cfg.FetchTimeout.Duration, MaxBytes: cfg.MaxBytes, AllowLoopback: cfg.AllowLoopback}),
		interval: cfg.RefreshInterval.Duration,
		months:   cfg.HorizonMonths,
		maxBytes: cfg.MaxBytes,
		log:      log,
	}
}

// fullImportEvery forces an unconditional fetch now and then: the import
// window moves every day even when the calendar does not change.
const fullImportEvery = 24 * time.Hour

// Run refreshes due subscriptions until ctx is done, looking for due ones
// every minute (or every refresh interval, when shorter).
func (r *Refresher) Run(ctx context.Context) {
	t := time.NewTicker(min(r.interval, time.Minute))
	defer t.Stop()
	for {
		if _, err := r.RefreshDue(ctx); err != nil && ctx.Err() == nil {
			r.log.Warn("calendar refresh failed", "error", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RefreshDue fetches the subscriptions not attempted for a refresh
// interval (at most 100 a round, the longest waiting first), one after
// the other, and returns how many it attempted.
func (r *Refresher) RefreshDue(ctx context.Context) (int, error) {
	due, err := r.store.DueSubscriptions(ctx, r.store.Now().Add(-r.interval), 100)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, sub := range due {
		if ctx.Err() != nil {
			break
		}
		if err := r.refresh(ctx, sub); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// refresh fetches one subscription and records the outcome; only a
// database error is returned.
func (r *Refresher) refresh(ctx context.Context, sub models.Subscription) error {
	cond := Conditional{ETag: sub.ETag, LastModified: sub.LastModified}
	if sub.ImportedAt == nil || r.store.Now().Sub(*sub.ImportedAt) >= fullImportEvery {
		cond = Conditional{}
	}
	res, err := r.FetchBusy(ctx, sub.URL, models.LocationOf(sub.TimeZone), cond)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		r.log.Info("calendar subscription failed", "user_id", sub.UserID, "error", err.Error())
		return r.store.RecordFetchFailure(ctx, sub.UserID, sub.URL, UserMessageOf(err))
	}
	return r.store.RecordFetch(ctx, sub.UserID, sub.URL, res)
}

// FetchBusy fetches the calendar at url and imports its busy time over the
// import window of a facilitator in zone loc.
func (r *Refresher) FetchBusy(ctx context.Context, url string, loc *time.Location, cond Conditional) (models.FetchResult, error) {
	got, err := r.fetcher.Fetch(ctx, url, cond)
	if err != nil {
		return models.FetchResult{}, err
	}
	if got.NotModified {
		return models.FetchResult{NotModified: true}, nil
	}
	from, to := ImportWindow(r.store.Now(), loc, r.months)
	ranges, err := Import(bytes.NewReader(got.Body), ical.ImportOptions{From: from, To: to, Location: loc, MaxBytes: r.maxBytes})
	if err != nil {
		return models.FetchResult{}, err
	}
	return models.FetchResult{Ranges: ranges, ETag: got.ETag, LastModified: got.LastModified}, nil
}

// UserMessageOf is the French message for a failed fetch or import.
func UserMessageOf(err error) string {
	var fe *FetchError
	var ie *ical.ImportError
	switch {
	case errors.As(err, &fe):
		return fe.UserMessage()
	case errors.As(err, &ie):
		return ie.UserMessage()
	}
	return "Le calendrier n'a pas pu être importé."
}
