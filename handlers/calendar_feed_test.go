package handlers

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"quartier/config"
	"quartier/internal/dbtest"
	"quartier/links"
	"quartier/mailer"
	"quartier/models"
	"quartier/territory"
)

// TestServeFeed checks the feed link through the real router:
// it serves the facilitator's sessions as text/calendar without METHOD,
// and regenerating revokes the old link.
func TestServeFeed(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := config.Default()
	cfg.Database.DSN = dbtest.DSN(t)
	cfg.Server.DataDir = dir
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	store, err := models.Open(cfg.Database.DSN, models.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	geo, err := territory.Load()
	if err != nil {
		t.Fatal(err)
	}
	composer, err := mailer.NewComposer(mailer.ComposerConfig{BaseURL: cfg.Server.BaseURL, From: cfg.Mail.From, FromName: cfg.Mail.FromName})
	if err != nil {
		t.Fatal(err)
	}
	secret := []byte(strings.Repeat("k", 40))
	l, err := links.New(secret, cfg.Server.BaseURL)
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Deps{Config: cfg, Store: store, Mail: composer, Links: l, Territory: geo, Secret: secret,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	admin, _ := store.CreateFirstAdmin(ctx, "admin@exemple.fr", "Admin")
	f, err := store.CreateUser(ctx, admin.ID, models.NewUser{Email: "f@exemple.fr", Name: "Camille Lefebvre", Role: models.RoleFacilitator, HomeINSEE: "59350"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	clsm, err := store.CreateCLSM(ctx, admin.ID, models.CLSMInput{Name: "CLSM de Roubaix", RegionCode: "32", DepartementCode: "59", Communes: []string{"59512"}})
	if err != nil {
		t.Fatal(err)
	}
	db := dbtest.SQL(t, cfg.Database.DSN)
	if _, err := db.Exec(`INSERT INTO requests (clsm_id, created_by, state, commune_insee, venue_name, created_at, updated_at)
		VALUES (?, ?, 'scheduled', '59512', 'Centre social', ?, ?)`, clsm.ID, admin.ID, now, now); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO sessions (request_id, facilitator_id, state, starts_at, ends_at, venue_name, created_at, updated_at)
		SELECT id, ?, 'scheduled', ?, ?, venue_name, ?, ? FROM requests`, f.ID,
		time.Date(2026, 12, 1, 13, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 16, 0, 0, 0, time.UTC), now, now); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE requests SET session_id = (SELECT id FROM sessions WHERE request_id = requests.id)`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	e, table := h.Router()
	feedRoute := false
	for _, r := range table {
		feedRoute = feedRoute || (r.Path == "/flux/:token/calendrier.ics" && r.Access == AccessToken)
	}
	if !feedRoute {
		t.Fatal("the feed is not a token route of the table")
	}
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec
	}
	link := strings.TrimPrefix(l.FeedURL(f.ID, 1), cfg.Server.BaseURL)
	rec := get(link)
	body := rec.Body.String()
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/calendar; charset=utf-8" ||
		!strings.Contains(body, "UID:seance-1@127.0.0.1") || !strings.Contains(body, "DTSTART;TZID=Europe/Paris:20261201T140000") ||
		strings.Contains(body, "METHOD") || !strings.Contains(body, "Roubaix") {
		t.Fatalf("feed: %d %q\n%s", rec.Code, rec.Header().Get("Content-Type"), body)
	}
	for _, bad := range []string{"/flux/nonexistent/calendrier.ics", "/flux/1-AAAA/calendrier.ics", strings.Replace(link, "/flux/2-", "/flux/1-", 1)} {
		if rec := get(bad); rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "Lien d&#39;abonnement non valable") {
			t.Errorf("%s: %d", bad, rec.Code)
		}
	}
	if _, err := store.RegenerateFeed(ctx, f.ID); err != nil {
		t.Fatal(err)
	}
	if rec := get(link); rec.Code != http.StatusNotFound {
		t.Errorf("old link after regeneration: %d", rec.Code)
	}
	if rec := get(strings.TrimPrefix(l.FeedURL(f.ID, 2), cfg.Server.BaseURL)); rec.Code != http.StatusOK {
		t.Errorf("new link: %d", rec.Code)
	}
}
