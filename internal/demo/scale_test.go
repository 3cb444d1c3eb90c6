package demo

import (
	"context"
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"quartier/internal/dbtest"
	"quartier/links"
	"quartier/models"
	"quartier/territory"
)

// scaleTables are the tables the generator fills, compared with the plain
// demo's. The calendar tables grow with the facilitators, about one per
// eight generated CLSMs (the plain demo has one per two), so they are
// checked apart.
var scaleTables = []string{
	"users", "clsms", "qpvs", "qpv_communes", "clsm_communes", "clsm_qpvs", "organisations", "requests",
	"request_qpvs", "request_windows", "request_events", "sessions", "outbox_messages", "audit_events",
	"availability_slots", "calendar_exceptions", "busy_times", "facilitator_calendars", "seasons",
	"session_partners", "registrations", "attendances", "session_days", "feedback_links", "feedback_answers",
}

// seedAt fills a new database with the plain demo and, for k > 1, its
// generated programmes; it returns the store and the database's path.
// seedDemo seeds the plain demo on a fresh file with the clock at now and
// links signed by l (nil: none, so no sign-up links nor their
// organisations) and returns its store, the file and the manifest.
func seedDemo(t *testing.T, now time.Time, l *links.Links) (*models.Store, string, Manifest) {
	t.Helper()
	ctx := context.Background()
	path := dbtest.DSN(t)
	s, err := models.Open(path, models.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	m, err := Seed(ctx, Deps{Store: s, Geo: testGeo(t), Now: now, Links: l})
	if err != nil {
		t.Fatal(err)
	}
	return s, path, m
}

// testLinks signs links as the demo tests' serve would.
func testLinks(t *testing.T) *links.Links {
	t.Helper()
	l, err := links.New([]byte(strings.Repeat("k", 32)), "http://127.0.0.1:8080")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func testGeo(t *testing.T) *territory.Directory {
	t.Helper()
	geo, err := territory.Load()
	if err != nil {
		t.Fatal(err)
	}
	return geo
}

func seedAt(t *testing.T, now time.Time, k int) (*models.Store, string) {
	t.Helper()
	ctx := context.Background()
	s, path, _ := seedDemo(t, now, nil)
	geo := testGeo(t)
	st, err := SeedScale(ctx, path, geo, now, k)
	if err != nil {
		t.Fatal(err)
	}
	if k > 1 && (st.Programmes != k-1 || st.CLSMs != (k-1)*len(demoCLSMs) || st.Sessions == 0) {
		t.Errorf("scale %d: stats %+v", k, st)
	}
	return s, path
}

// counts returns the row count of every table of scaleTables.
func counts(t *testing.T, db *dbtest.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, tb := range scaleTables {
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM " + tb).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[tb] = n
	}
	return out
}

// checksum hashes every row of a few generated tables, in id order.
func checksum(t *testing.T, db *dbtest.DB) string {
	t.Helper()
	h := sha256.New()
	for _, q := range []string{
		"SELECT id, email, name, role, home_insee, time_zone, max_per_week FROM users ORDER BY id",
		"SELECT id, name, territory, region_code, departement_code, coordinator_id FROM clsms ORDER BY id",
		"SELECT id, clsm_id, season_id, state, commune_insee, venue_name, venue_address, expected_count, partners, session_id FROM requests ORDER BY id",
		"SELECT id, request_id, facilitator_id, state, starts_at, ends_at, time_zone FROM sessions ORDER BY id",
		"SELECT code, name FROM qpvs ORDER BY code",
	} {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(h, vals...)
		}
		rows.Close()
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func openSQL(t *testing.T, dsn string) *dbtest.DB {
	t.Helper()
	return dbtest.SQL(t, dsn)
}

// TestSeedScale generates the demo at scale 3 and checks its size against
// the plain demo's (each generated programme within 0.6 to 1.5 times the
// plain demo's rows, table by table), that two runs give the same rows,
// and the invariants the pages rely on.
func TestSeedScale(t *testing.T) {
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	_, plainPath := seedAt(t, now, 1)
	plain := counts(t, openSQL(t, plainPath))
	s, path := seedAt(t, now, 3)
	db := openSQL(t, path)
	got := counts(t, db)

	calendar := map[string]bool{"availability_slots": true, "calendar_exceptions": true, "busy_times": true, "facilitator_calendars": true}
	for _, tb := range scaleTables {
		added := got[tb] - plain[tb]
		per := float64(added) / 2 / float64(plain[tb])
		switch {
		case tb == "seasons":
			if got[tb] != 3 {
				t.Errorf("%d seasons, want 3 (one added before the demo's two)", got[tb])
			}
		case tb == "users":
			// Four coordinators per programme and one facilitator per eight CLSMs.
			if added != 2*len(demoCLSMs)+1 {
				t.Errorf("users: %d added, want %d", added, 2*len(demoCLSMs)+1)
			}
		case plain[tb] == 0:
			// A store without a mailer queues no email for the plain demo.
			if added < 2*len(programmeSpecs) {
				t.Errorf("%s: %d rows added, want at least %d", tb, added, 2*len(programmeSpecs))
			}
		case calendar[tb]:
			if added < plain[tb]/2 {
				t.Errorf("%s: %d rows added for one facilitator (plain demo: %d for two)", tb, added, plain[tb])
			}
		case (tb == "organisations" || tb == "audit_events") && (per < 0.6 || per > 3):
			// Each generated session invites 3 to 8 organisations (two
			// audit lines each), the CLSMs' address books growing to
			// match; the plain demo's sessions may have fewer partners.
			t.Errorf("%s: %d rows, plain demo %d: %.2f× per programme, want 0.6 to 3", tb, got[tb], plain[tb], per)
		case tb == "organisations" || tb == "audit_events":
		case (tb == "session_partners" || tb == "registrations") && (per < 0.6 || per > 6):
			// The plain demo fills only its scheduled sessions (the held and
			// closed ones of its history have no sign-ups); a generated
			// programme fills every scheduled, held or closed session.
			t.Errorf("%s: %d rows, plain demo %d: %.2f× per programme, want 0.6 to 6", tb, got[tb], plain[tb], per)
		case tb == "session_partners" || tb == "registrations":
		case per < 0.6 || per > 1.5:
			t.Errorf("%s: %d rows, plain demo %d: %.2f× per programme, want 0.6 to 1.5", tb, got[tb], plain[tb], per)
		}
	}

	// Determinism: a second run gives the same rows.
	_, again := seedAt(t, now, 3)
	db2 := openSQL(t, again)
	if c2 := counts(t, db2); fmt.Sprint(c2) != fmt.Sprint(got) {
		t.Errorf("second run: counts %v, first %v", c2, got)
	}
	if a, b := checksum(t, db), checksum(t, db2); a != b {
		t.Errorf("second run: checksum %s, first %s", b, a)
	}

	checkScaled(t, s, db, now, got["requests"])
	if k, err := ScaleOf(context.Background(), s); err != nil || k != 3 {
		t.Errorf("ScaleOf = %d, %v; want 3", k, err)
	}
	// The app's own rows go after the generated ones: on PostgreSQL the
	// identity sequences were moved past the ids the generator wrote.
	if err := s.Enqueue(context.Background(), models.Envelope{DedupKey: "after-scale", Kind: "probe", To: "x@exemple.fr",
		Subject: "probe", MessageID: "<after-scale@test>", Payload: []byte("p")}); err != nil {
		t.Errorf("queue a message after the scaled demo: %v", err)
	}
}

// TestSeedScale_AnyDay checks the invariants when the demo is loaded early
// in a season, in the middle of it and at its end.
func TestSeedScale_AnyDay(t *testing.T) {
	for _, now := range []time.Time{
		time.Date(2026, 9, 3, 8, 0, 0, 0, time.UTC),
		time.Date(2027, 2, 14, 18, 0, 0, 0, time.UTC),
		time.Date(2027, 6, 30, 12, 0, 0, 0, time.UTC),
	} {
		t.Run(now.Format(time.DateOnly), func(t *testing.T) {
			s, path := seedAt(t, now, 2)
			db := openSQL(t, path)
			checkScaled(t, s, db, now, counts(t, db)["requests"])
		})
	}
}

// checkScaled checks what the pages rely on: every request in a state
// with a session has a live session in that state, for that request, and
// the others have none; histories end in the request's state, before now;
// sessions are led by facilitators, never two at once for one of them.
func checkScaled(t *testing.T, s *models.Store, db *dbtest.DB, now time.Time, requests int) {
	t.Helper()
	ctx := context.Background()
	rows, err := s.ListRequests(ctx, models.RequestFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != requests {
		t.Errorf("the request list shows %d of %d requests", len(rows), requests)
	}
	seen := map[models.RequestState]int{}
	for _, row := range rows {
		r, err := s.RequestByID(ctx, row.ID)
		if err != nil {
			t.Fatal(err)
		}
		seen[r.State]++
		if hasSession(r.State) != (r.Session != nil) {
			t.Errorf("request %d (%s): session %v", r.ID, r.State, r.Session)
			continue
		}
		if r.Session != nil && (string(r.Session.State) != string(r.State) || r.Session.RequestID != r.ID || r.Session.TimeZone != r.TimeZone) {
			t.Errorf("request %d (%s): session %+v", r.ID, r.State, *r.Session)
		}
		if len(r.Windows) < 2 {
			t.Errorf("request %d: %d windows", r.ID, len(r.Windows))
		}
	}
	for _, st := range models.RequestStates() {
		if seen[st] < 2 {
			t.Errorf("%d requests in state %s, want at least 2", seen[st], st)
		}
	}
	var late int
	if err := db.QueryRow(`SELECT COUNT(*) FROM sessions WHERE state IN ('held', 'closed') AND ends_at > ?`, now).Scan(&late); err != nil || late != 0 {
		t.Errorf("%d sessions held after now (%v)", late, err)
	}

	// Every session's facilitator is an active facilitator; none has two
	// sessions that overlap; sessions planned from now on are after it.
	var bad int
	if err := db.QueryRow(`SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.facilitator_id
		WHERE u.role <> 'facilitator' OR NOT u.active`).Scan(&bad); err != nil || bad != 0 {
		t.Errorf("%d sessions led by someone who is not a facilitator (%v)", bad, err)
	}
	var clash int
	if err := db.QueryRow(`SELECT COUNT(*) FROM sessions a JOIN sessions b ON a.facilitator_id = b.facilitator_id AND a.id < b.id
		AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at`).Scan(&clash); err != nil || clash != 0 {
		t.Errorf("%d pairs of overlapping sessions (%v)", clash, err)
	}
	var early, future int
	if err := db.QueryRow(`SELECT COUNT(*) FROM sessions WHERE state IN ('proposed', 'scheduled') AND starts_at < ?`, now.AddDate(0, 0, 28)).Scan(&early); err != nil || early != 0 {
		t.Errorf("%d sessions to come within the lead time (%v)", early, err)
	}
	if err := db.QueryRow(`SELECT COUNT(*) FROM request_events WHERE created_at > ?`, now).Scan(&future); err != nil || future != 0 {
		t.Errorf("%d request events after now (%v)", future, err)
	}
	// Histories end in the request's state.
	var off int
	if err := db.QueryRow(`SELECT COUNT(*) FROM requests r WHERE r.state <> (SELECT e.to_state FROM request_events e
		WHERE e.request_id = r.id ORDER BY e.created_at DESC, e.id DESC LIMIT 1)`).Scan(&off); err != nil || off != 0 {
		t.Errorf("%d requests whose last event is not their state (%v)", off, err)
	}
	// PostgreSQL checks every foreign key as each row goes in (none is
	// deferrable), so rows written are rows that hold; SQLite is asked.
	if !db.Postgres() {
		var fk int
		if err := db.QueryRow(`SELECT COUNT(*) FROM pragma_foreign_key_check`).Scan(&fk); err != nil || fk != 0 {
			t.Errorf("%d foreign keys broken (%v)", fk, err)
		}
	}
}

// TestSeedScale_Bounds refuses scales out of range and leaves the plain
// demo alone at scale 1.
func TestSeedScale_Bounds(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	for _, k := range []int{0, -1, MaxScale + 1} {
		if _, err := SeedScale(ctx, filepath.Join(t.TempDir(), "q.db"), nil, now, k); err == nil {
			t.Errorf("scale %d: no error", k)
		}
	}
	s, _ := seedAt(t, now, 1)
	if k, err := ScaleOf(ctx, s); err != nil || k != 1 {
		t.Errorf("ScaleOf plain demo = %d, %v; want 1", k, err)
	}
}
