package models

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// closeFixtureSeasons closes both seasons of the report fixture on day.
func closeFixtureSeasons(t *testing.T, fx *reportFixture, day time.Time) {
	t.Helper()
	if err := fx.s.q(context.Background()).Exec(`UPDATE seasons SET status = 'closed', closed_at = ?`, day).Error; err != nil {
		t.Fatal(err)
	}
}

// outboxTo queues one message to addr, created at created, in status.
func outboxTo(t *testing.T, fx *reportFixture, addr, status string, created time.Time) int64 {
	t.Helper()
	return fx.exec(`INSERT INTO outbox_messages (dedup_key, kind, recipient, subject, message_id, payload, status, next_attempt_at, created_at)
		VALUES (?, 'invitation', ?, 'Invitation : séance', '<m@x>', '{"text":"Bonjour"}', ?, ?, ?)`,
		addr+status+created.String(), addr, status, created, created)
}

func reportOf(t *testing.T, fx *reportFixture) SeasonReport {
	t.Helper()
	rep, err := fx.s.SeasonReport(context.Background(), ReportFilter{SeasonID: fx.cur}, fakeKm)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func setClock(fx *reportFixture, at time.Time) { fx.s.now = func() time.Time { return at } }

func TestPurgeExpiredPersonalData_ReportUnchangedAndIdempotent(t *testing.T) {
	fx := buildReportFixture(t)
	ctx := context.Background()
	closed := at(2027, 7, 1, 9)
	closeFixtureSeasons(t, fx, closed)
	fx.exec(`UPDATE session_days SET facilitator_phone = '06 12 34 56 78' WHERE session_id = ? RETURNING session_id AS id`, fx.ids["SR3"])
	fx.exec(`UPDATE registrations SET role = 'gardienne', accommodations = 'step_free' WHERE email = 'g1@exemple.fr' RETURNING id`)
	oldSent := outboxTo(t, fx, "g1@exemple.fr", "sent", at(2027, 6, 15, 9))
	oldPending := outboxTo(t, fx, "g2@exemple.fr", "pending", at(2027, 6, 15, 9))
	before := reportOf(t, fx)

	// Eleven months after the close: nothing is due yet.
	setClock(fx, closed.AddDate(0, 11, 0))
	run, err := fx.s.PurgeExpiredPersonalData(ctx, 12)
	if err != nil || run.Total() != 0 {
		t.Fatalf("before the retention period: %+v %v", run, err)
	}

	setClock(fx, closed.AddDate(0, 12, 1))
	run, err = fx.s.PurgeExpiredPersonalData(ctx, 12)
	if err != nil {
		t.Fatal(err)
	}
	// g1–g12 (cancelled and waiting too), the two walk-ins, S3's phones,
	// the sent message (the pending one is left to the outbox).
	if run.Registrations != 12 || run.Attendances != 2 || run.SessionDays != 1 || run.OutboxMessages != 1 {
		t.Errorf("first run: %+v", run)
	}
	if after := reportOf(t, fx); !reflect.DeepEqual(before, after) {
		t.Errorf("the report changed\nbefore %+v\nafter  %+v", before.Figures, after.Figures)
	}
	var left int64
	fx.s.q(ctx).Raw(`SELECT COUNT(*) FROM registrations WHERE email LIKE '%@%' OR first_name <> 'Personne'
		OR last_name <> 'anonymisée' OR role <> '' OR accommodations <> ''`).Scan(&left)
	if left != 0 {
		t.Errorf("%d registrations still name someone", left)
	}
	fx.s.q(ctx).Raw(`SELECT COUNT(*) FROM attendances WHERE registration_id IS NULL AND first_name <> 'Personne'`).Scan(&left)
	if left != 0 {
		t.Errorf("%d walk-ins still named", left)
	}
	var m OutboxMessage
	fx.s.q(ctx).First(&m, oldSent)
	if m.Payload != "" || strings.Contains(m.Recipient, "@") {
		t.Errorf("old sent message kept: %q %q", m.Recipient, m.Payload)
	}
	var p OutboxMessage
	fx.s.q(ctx).First(&p, oldPending)
	if p.Recipient != "g2@exemple.fr" || p.Payload == "" {
		t.Errorf("pending message touched: %+v", p)
	}

	run, err = fx.s.PurgeExpiredPersonalData(ctx, 12)
	if err != nil || run.Total() != 0 {
		t.Errorf("second run changed %+v (%v); want nothing", run, err)
	}
	runs, err := fx.s.RetentionRuns(ctx, 10)
	if err != nil || len(runs) != 3 || runs[1].Registrations != 12 || runs[0].Total() != 0 {
		t.Errorf("runs: %+v %v", runs, err)
	}
}

func TestExportSubject_HoldsEverythingAboutOneAddress(t *testing.T) {
	fx := buildReportFixture(t)
	ctx := context.Background()
	outboxTo(t, fx, "g1@exemple.fr", "sent", at(2026, 9, 1, 9))
	outboxTo(t, fx, "g2@exemple.fr", "sent", at(2026, 9, 1, 9))
	fx.exec(`INSERT INTO audit_events (object_type, object_id, action, detail, created_at) VALUES ('outbox', 1, 'retry', 'courriel à g1@exemple.fr', ?)`, at(2026, 9, 2, 9))
	fx.exec(`UPDATE organisations SET contact_name = 'Gaëlle Un', contact_email = 'g1@exemple.fr' WHERE name = 'Asso A1' RETURNING id`)

	e, err := fx.s.ExportSubject(ctx, 1, "  G1@Exemple.FR ")
	if err != nil {
		t.Fatal(err)
	}
	if e.Email != "g1@exemple.fr" || e.User != nil || len(e.Registrations) != 1 || len(e.Outbox) != 1 || len(e.Audit) != 1 || len(e.Organisations) != 1 {
		t.Fatalf("export: %+v", e)
	}
	g := e.Registrations[0]
	if g.FirstName != "g1" || g.Organisation != "Asso A1" || g.CLSM != "CLSM de Roubaix" || g.Present == nil || !*g.Present ||
		g.FeedbackSentAt == nil || g.FeedbackUsed || g.SessionStarts.IsZero() {
		t.Errorf("registration: %+v", g)
	}
	if _, err := json.Marshal(e); err != nil {
		t.Fatal(err)
	}
	// The export is in the audit trail, by fingerprint, not by address.
	var ev AuditEvent
	fx.s.q(ctx).Where("object_type = 'rgpd' AND action = 'export'").First(&ev)
	if strings.Contains(ev.Detail, "g1@") || !strings.Contains(ev.Detail, fx.s.SubjectFingerprint("g1@exemple.fr")) {
		t.Errorf("audit of the export: %q", ev.Detail)
	}

	// A coordinator's account is part of it; a stranger has nothing.
	e, err = fx.s.ExportSubject(ctx, 1, "coord@exemple.fr")
	if err != nil || e.User == nil || e.User.Name != "coord" || e.User.Role != RoleCoordinator {
		t.Errorf("account: %+v %v", e.User, err)
	}
	if e, err := fx.s.ExportSubject(ctx, 1, "personne@exemple.fr"); err != nil || !e.Empty() {
		t.Errorf("stranger: %+v %v", e, err)
	}
	for _, bad := range []string{"", "pas une adresse", strings.Repeat("a", 250) + "@exemple.fr", "a@b"} {
		var v *ValidationError
		if _, err := fx.s.ExportSubject(ctx, 1, bad); !errors.As(err, &v) || v.Fields["email"] == "" {
			t.Errorf("export %q: %v; want a French message on email", bad, err)
		}
	}
}

func TestEraseSubject_AnonymisesAndKeepsCounts(t *testing.T) {
	fx := buildReportFixture(t)
	ctx := context.Background()
	pending := outboxTo(t, fx, "g1@exemple.fr", "pending", at(2026, 9, 1, 9))
	fx.exec(`INSERT INTO audit_events (object_type, object_id, action, detail, created_at) VALUES ('outbox', 1, 'retry', 'courriel à g1@exemple.fr', ?)`, at(2026, 9, 2, 9))
	before := reportOf(t, fx)
	setClock(fx, at(2026, 12, 1, 9))

	res, err := fx.s.EraseSubject(ctx, 1, "g1@exemple.fr")
	if err != nil {
		t.Fatal(err)
	}
	if res.Registrations != 1 || res.OutboxMessages != 1 || res.AuditEvents != 1 || res.Users != 0 {
		t.Errorf("erase: %+v", res)
	}
	if after := reportOf(t, fx); !reflect.DeepEqual(before, after) {
		t.Errorf("the report changed\nbefore %+v\nafter  %+v", before.Figures, after.Figures)
	}
	if e, err := fx.s.ExportSubject(ctx, 1, "g1@exemple.fr"); err != nil || len(e.Registrations)+len(e.Outbox) != 0 {
		t.Errorf("still held after the erasure: %+v %v", e, err)
	}
	var m OutboxMessage
	fx.s.q(ctx).First(&m, pending)
	if m.Status != OutboxFailed || !m.Permanent || m.Payload != "" || strings.Contains(m.Recipient, "@") {
		t.Errorf("pending message not cancelled: %+v", m)
	}
	if err := fx.s.RetryOutbox(ctx, 1, pending); err == nil {
		t.Error("an erased message could be sent again")
	}
	var n int64
	fx.s.q(ctx).Raw(`SELECT COUNT(*) FROM audit_events WHERE detail LIKE '%g1@exemple.fr%'`).Scan(&n)
	if n != 0 {
		t.Errorf("%d audit events still hold the address", n)
	}

	// An account is deactivated and anonymised, but not the last admin's.
	res, err = fx.s.EraseSubject(ctx, 1, "coord@exemple.fr")
	if err != nil || res.Users != 1 {
		t.Fatalf("coordinator: %+v %v", res, err)
	}
	var u User
	fx.s.q(ctx).Where("name = ?", AnonymisedName).First(&u)
	if u.Active || strings.Contains(u.Email, "@") {
		t.Errorf("coordinator's account: %+v", u)
	}
	fx.exec(`INSERT INTO users (email, name, role, created_at, updated_at) VALUES ('seule@exemple.fr', 'Seule', 'admin', ?, ?)`, at(2026, 8, 1, 9), at(2026, 8, 1, 9))
	res, err = fx.s.EraseSubject(ctx, 1, "seule@exemple.fr")
	if err != nil || !res.KeptAdmin || res.Users != 0 {
		t.Errorf("last admin: %+v %v", res, err)
	}
	if _, err := fx.s.UserByEmail(ctx, "seule@exemple.fr"); err != nil {
		t.Errorf("the last admin's account was erased: %v", err)
	}
	var ev []AuditEvent
	fx.s.q(ctx).Where("object_type = 'rgpd' AND action = 'erase'").Find(&ev)
	if len(ev) != 3 {
		t.Errorf("%d erasures in the audit trail, want 3", len(ev))
	}
	for _, e := range ev {
		if strings.Contains(e.Detail, "@") {
			t.Errorf("audit of an erasure holds an address: %q", e.Detail)
		}
	}
}

// TestReplayErasures_AfterRestore erases someone, restores a copy of the
// database taken before, and starts again on it with the same erasure
// log: the person is erased again, while what they gave after the
// erasure stays.
func TestReplayErasures_AfterRestore(t *testing.T) {
	fx := buildReportFixture(t)
	ctx := context.Background()
	dir := t.TempDir()
	logPath := filepath.Join(dir, "erasures.jsonl")
	key := []byte("0123456789abcdef0123456789abcdef")
	fx.s.UseErasureLog(logPath, key)
	backup := copyDatabase(t, fx.s)
	erasedAt := at(2026, 12, 1, 9)
	setClock(fx, erasedAt)
	if _, err := fx.s.EraseSubject(ctx, 1, "g7@exemple.fr"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(logPath)
	if strings.Contains(string(b), "g7") || strings.Count(string(b), "\n") != 1 {
		t.Fatalf("erasure log: %q", b)
	}

	restored, err := Open(backup, WithClock(func() time.Time { return erasedAt.AddDate(0, 1, 0) }))
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	restored.UseErasureLog(logPath, key)
	// g7 signs up again, after the erasure, to another session.
	var partner int64
	restored.q(ctx).Raw(`SELECT id FROM session_partners WHERE session_id = ?`, fx.ids["SR1"]).Limit(1).Scan(&partner)
	if err := restored.q(ctx).Exec(`INSERT INTO registrations (session_id, partner_id, first_name, last_name, email, category, state, created_at, updated_at)
		VALUES (?, ?, 'g7', 'Nom', 'g7@exemple.fr', 'habitant', 'confirmed', ?, ?)`, fx.ids["SR1"], partner, erasedAt.Add(time.Hour), erasedAt.Add(time.Hour)).Error; err != nil {
		t.Fatal(err)
	}
	res, err := restored.ReplayErasures(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Entries != 1 || res.Addresses != 1 || res.Registrations != 1 {
		t.Errorf("replay: %+v", res)
	}
	var sessions []int64
	restored.q(ctx).Raw(`SELECT session_id FROM registrations WHERE email = 'g7@exemple.fr'`).Scan(&sessions)
	if len(sessions) != 1 || sessions[0] != fx.ids["SR1"] {
		t.Errorf("g7's registrations after the replay: sessions %v; want only the new one", sessions)
	}
	if res, err := restored.ReplayErasures(ctx); err != nil || res.Addresses != 0 {
		t.Errorf("second replay: %+v %v", res, err)
	}
	// A line cut by a crash is skipped, not fatal.
	f, _ := os.OpenFile(logPath, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"key":"ab`)
	f.Close()
	if res, err := restored.ReplayErasures(ctx); err != nil || res.Skipped != 1 || res.Entries != 1 {
		t.Errorf("cut line: %+v %v", res, err)
	}
}
