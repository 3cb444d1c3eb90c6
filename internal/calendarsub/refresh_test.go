package calendarsub

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"quartier/config"
	"quartier/internal/dbtest"
	"quartier/models"
)

// refreshClock is a movable clock for the store.
type refreshClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *refreshClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *refreshClock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// TestRefresher_ETagFailureAndRecovery drives the scheduled
// refresh against a local calendar server: a 304 keeps the data, a failure
// keeps the old data and records the French reason, and a later success
// clears it.
func TestRefresher_ETagFailureAndRecovery(t *testing.T) {
	var mu sync.Mutex
	status, etagSeen := http.StatusOK, ""
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		etagSeen = r.Header.Get("If-None-Match")
		switch {
		case status != http.StatusOK:
			w.WriteHeader(status)
		case etagSeen == `"v1"`:
			w.WriteHeader(http.StatusNotModified)
		default:
			w.Header().Set("ETag", `"v1"`)
			w.Write([]byte(testICS))
		}
	}))
	defer srv.Close()

	clock := &refreshClock{t: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	store, err := models.Open(dbtest.DSN(t), models.WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	admin, err := store.CreateFirstAdmin(ctx, "admin@exemple.fr", "Admin")
	if err != nil {
		t.Fatal(err)
	}
	f, err := store.CreateUser(ctx, admin.ID, models.NewUser{Email: "f@exemple.fr", Name: "Camille", Role: models.RoleFacilitator, HomeINSEE: "59350"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default().Calendar
	cfg.AllowLoopback = true
	cfg.FetchTimeout = config.Duration{Duration: 2 * time.Second}
	r := NewRefresher(store, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))

	url := srv.URL + "/secret/calendar.ics"
	first, err := r.FetchBusy(ctx, url, models.LocationOf("Europe/Paris"), Conditional{})
	if err != nil || len(first.Ranges) != 1 {
		t.Fatalf("first import: %+v %v", first, err)
	}
	if err := store.Subscribe(ctx, f.ID, url, first); err != nil {
		t.Fatal(err)
	}
	busy := func() int {
		cals, err := store.FacilitatorCalendars(ctx, []int64{f.ID}, clock.Now(), clock.Now().AddDate(0, 1, 0))
		if err != nil {
			t.Fatal(err)
		}
		return len(cals[0].Busy)
	}

	// Not due yet: nothing fetched.
	if n, err := r.RefreshDue(ctx); n != 0 || err != nil {
		t.Fatalf("refresh before the interval: %d %v", n, err)
	}
	// An hour later: a conditional request, answered 304; the data stays.
	clock.Add(time.Hour)
	if n, err := r.RefreshDue(ctx); n != 1 || err != nil {
		t.Fatalf("refresh: %d %v", n, err)
	}
	st, _ := store.CalendarSettingsOf(ctx, f.ID)
	if etagSeen != `"v1"` || busy() != 1 || st.Failing() || !st.SubSucceededAt.Equal(clock.Now()) {
		t.Errorf("after 304: etag sent %q, busy %d, settings %+v", etagSeen, busy(), st)
	}
	// The server fails: the old busy time stays, the reason is recorded.
	mu.Lock()
	status = http.StatusInternalServerError
	mu.Unlock()
	clock.Add(time.Hour)
	if _, err := r.RefreshDue(ctx); err != nil {
		t.Fatal(err)
	}
	st, _ = store.CalendarSettingsOf(ctx, f.ID)
	if busy() != 1 || !st.Failing() || st.SubError != "Le serveur du calendrier a répondu par une erreur (500)." {
		t.Errorf("after failure: busy %d, settings %+v", busy(), st)
	}
	// A day after the last full import, the request is unconditional.
	mu.Lock()
	status = http.StatusOK
	mu.Unlock()
	clock.Add(23 * time.Hour)
	if _, err := r.RefreshDue(ctx); err != nil {
		t.Fatal(err)
	}
	st, _ = store.CalendarSettingsOf(ctx, f.ID)
	if etagSeen != "" || st.Failing() || busy() != 1 || !st.SubImportedAt.Equal(clock.Now()) {
		t.Errorf("after recovery: etag sent %q, settings %+v", etagSeen, st)
	}
}
