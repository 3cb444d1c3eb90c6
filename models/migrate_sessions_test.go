package models

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// migrateUpTo applies the migrations up to version v exactly as Migrate
// does, for tests that need a database as an older quartier left it.
func migrateUpTo(t *testing.T, s *Store, v int) {
	t.Helper()
	all, err := MigrationsFor(s.Engine())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := s.SchemaVersion(ctx); err != nil {
		t.Fatal(err)
	}
	for _, m := range all[:v] {
		if err := s.db.Exec(m.SQL).Error; err != nil {
			t.Fatalf("migration %04d: %v", m.Version, err)
		}
		if err := s.db.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", m.Version, m.Name, time.Now().UTC()).Error; err != nil {
			t.Fatal(err)
		}
	}
}

// TestMigration0006_MovesSlotsIntoSessions migrates a database holding
// requests in every state, some with a slot, from 0005 to 0006. It is
// about SQLite databases only: that step moved data in the databases of
// its time, all SQLite; a PostgreSQL database is born empty at the latest
// schema (and its checks read SQLite's catalog).
func TestMigration0006_MovesSlotsIntoSessions(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "q.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	migrateUpTo(t, s, 5)
	exec := func(q string, args ...any) {
		t.Helper()
		if err := s.db.Exec(q, args...).Error; err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	now := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	exec(`INSERT INTO users (id, email, name, role, created_at, updated_at) VALUES
		(1, 'a@exemple.fr', 'Admin', 'admin', ?, ?), (2, 'f@exemple.fr', 'Camille', 'facilitator', ?, ?), (3, 'c@exemple.fr', 'Nadia', 'coordinator', ?, ?)`,
		now, now, now, now, now, now)
	exec(`INSERT INTO clsms (id, name, region_code, departement_code, coordinator_id, created_at, updated_at) VALUES (1, 'CLSM de Roubaix', '32', '59', 3, ?, ?)`, now, now)
	type row struct {
		id           int64
		state        string
		slot         bool
		wantSession  SessionState // "" for none
		wantLinked   bool
		wantReason   string
		zone, remote string
		stepFree     string
		startHourUTC int
	}
	rows := []row{
		{id: 1, state: "scheduled", slot: true, wantSession: SessionScheduled, wantLinked: true, zone: "Europe/Paris", stepFree: "yes", startHourUTC: 13},
		{id: 2, state: "proposed", slot: true, wantSession: SessionProposed, wantLinked: true, zone: "America/Martinique", remote: "https://visio.exemple.fr/x", stepFree: "unknown", startHourUTC: 18},
		{id: 3, state: "held", slot: true, wantSession: SessionHeld, wantLinked: true, zone: "Europe/Paris", stepFree: "no", startHourUTC: 8},
		{id: 4, state: "closed", slot: true, wantSession: SessionClosed, wantLinked: true, zone: "Indian/Reunion", stepFree: "yes", startHourUTC: 6},
		{id: 5, state: "cancelled", slot: true, wantSession: SessionCancelled, wantLinked: true, zone: "Europe/Paris", stepFree: "yes", startHourUTC: 9},
		{id: 6, state: "withdrawn", slot: true, wantSession: SessionCancelled, wantLinked: true, wantReason: "Demande retirée.", zone: "Europe/Paris", stepFree: "yes", startHourUTC: 10},
		{id: 7, state: "accepted", slot: true, wantSession: SessionCancelled, zone: "Europe/Paris", stepFree: "yes", startHourUTC: 11},
		{id: 8, state: "accepted", zone: "Europe/Paris", stepFree: "yes"},
		{id: 9, state: "submitted", zone: "Europe/Paris", stepFree: "unknown"},
		{id: 10, state: "draft", zone: "Europe/Paris", stepFree: "unknown"},
	}
	day := time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)
	for _, r := range rows {
		var fac any
		var start, end any
		if r.slot {
			st := day.Add(time.Duration(r.id)*24*time.Hour + time.Duration(r.startHourUTC)*time.Hour)
			fac, start, end = 2, st, st.Add(3*time.Hour)
		}
		exec(`INSERT INTO requests (id, clsm_id, created_by, state, commune_insee, venue_name, venue_address, step_free, format, remote_url,
			time_zone, facilitator_id, starts_at, ends_at, created_at, updated_at)
			VALUES (?, 1, 3, ?, '59512', 'Salle n° ' || ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.id, r.state, r.id, "1 rue de l’Alma", r.stepFree, map[bool]string{true: "remote", false: "in_person"}[r.remote != ""], r.remote,
			r.zone, fac, start, end, now, now.Add(time.Duration(r.id)*time.Hour))
		exec(`INSERT INTO request_windows (request_id, position, kind, date_from, date_to, part) VALUES (?, 0, 'day', ?, ?, 'morning')`, r.id, day, day)
		exec(`INSERT INTO request_events (request_id, actor_id, from_state, to_state, created_at) VALUES (?, 3, '', 'draft', ?)`, r.id, now)
	}

	if n, err := s.Migrate(ctx); err != nil || n < 1 {
		t.Fatalf("migrate from 0005: %d %v", n, err)
	}

	for _, r := range rows {
		req, err := s.RequestByID(ctx, r.id)
		if err != nil {
			t.Fatalf("request %d: %v", r.id, err)
		}
		if string(req.State) != r.state || len(req.Windows) != 1 {
			t.Errorf("request %d: state %s, %d windows", r.id, req.State, len(req.Windows))
		}
		if linked := req.SessionID != nil; linked != r.wantLinked {
			t.Errorf("request %d: linked = %v, want %v", r.id, linked, r.wantLinked)
		}
		all, err := s.SessionsOfRequest(ctx, r.id)
		if err != nil {
			t.Fatal(err)
		}
		if r.wantSession == "" {
			if len(all) != 0 {
				t.Errorf("request %d without a slot got sessions %+v", r.id, all)
			}
			continue
		}
		if len(all) != 1 {
			t.Fatalf("request %d: %d sessions", r.id, len(all))
		}
		se := all[0]
		wantStart := day.Add(time.Duration(r.id)*24*time.Hour + time.Duration(r.startHourUTC)*time.Hour)
		if se.ID != r.id || se.State != r.wantSession || se.FacilitatorID != 2 || !se.StartsAt.Equal(wantStart) ||
			!se.EndsAt.Equal(wantStart.Add(3*time.Hour)) || se.TimeZone != r.zone || se.VenueName != "Salle n° "+strconv.FormatInt(r.id, 10) ||
			se.VenueAddress != "1 rue de l’Alma" || string(se.StepFree) != r.stepFree || se.RemoteURL != r.remote ||
			se.Capacity != DefaultCapacity || se.OrgCap != DefaultOrgCap || se.Sequence != 0 || se.CancelReason != r.wantReason {
			t.Errorf("request %d: session %+v", r.id, se)
		}
		if r.wantLinked && (req.Session == nil || req.Session.ID != se.ID) {
			t.Errorf("request %d: live session not loaded: %+v", r.id, req.Session)
		}
	}
	var events int64
	s.db.Table("request_events").Count(&events)
	if events != int64(len(rows)) {
		t.Errorf("%d request events after the migration, want %d", events, len(rows))
	}
	var cols []struct{ Name string }
	s.db.Raw("PRAGMA table_info(requests)").Scan(&cols)
	for _, c := range cols {
		if c.Name == "facilitator_id" || c.Name == "starts_at" || c.Name == "ends_at" {
			t.Errorf("column requests.%s is still there", c.Name)
		}
	}
	var idx int64
	s.db.Raw("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'requests_facilitator'").Scan(&idx)
	if idx != 0 {
		t.Error("index requests_facilitator is still there")
	}
	cal, err := s.ScheduledSessions(ctx, []int64{2}, day, day.AddDate(0, 1, 0))
	if err != nil || len(cal) != 3 || cal[0].ID != 1 || cal[1].ID != 3 || cal[2].ID != 4 || cal[0].RequestID != 1 || cal[0].CLSMName != "CLSM de Roubaix" {
		t.Errorf("calendar after the migration = %+v, %v", cal, err)
	}
	var fkProblems []map[string]any
	s.db.Raw("PRAGMA foreign_key_check").Scan(&fkProblems)
	if len(fkProblems) != 0 {
		t.Errorf("foreign key problems: %v", fkProblems)
	}
	// New sessions number after the migrated ones.
	exec(`INSERT INTO sessions (request_id, facilitator_id, state, starts_at, ends_at, created_at, updated_at) VALUES (8, 2, 'proposed', ?, ?, ?, ?)`,
		day, day.Add(3*time.Hour), now, now)
	var maxID int64
	s.db.Raw("SELECT MAX(id) FROM sessions").Scan(&maxID)
	if maxID != 8 {
		t.Errorf("a new session got id %d, want 8 (after the 7 migrated ones)", maxID)
	}
}
