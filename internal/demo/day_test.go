package demo

import (
	"context"
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"quartier/internal/dbtest"
	"quartier/models"
)

// TestSeed_HeldSessionsHaveTheirDay checks the plain demo's sessions that
// took place: at least 8 in the previous season and 4 in the current
// one, over at least 3 CLSMs each; each with 3 to 6 partners, 10 to 20
// people signed up, its attendance (75 to 90 % of the confirmed ticked
// present and at most 3 walk-ins, or the sheet's count), its contact
// phones, and a debrief when closed; a few cancellations and
// accommodations across them; nothing for the close sweep to do; the
// same rows from a second run.
func TestSeed_HeldSessionsHaveTheirDay(t *testing.T) {
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	s, path := seedAt(t, now, 1)
	db := openSQL(t, path)
	rows, err := db.Query(`SELECT s.id, s.state, se.is_current, r.clsm_id, s.remote_url,
			(SELECT COUNT(*) FROM session_partners p WHERE p.session_id = s.id),
			(SELECT COUNT(*) FROM registrations g WHERE g.session_id = s.id),
			(SELECT COUNT(*) FROM registrations g WHERE g.session_id = s.id AND g.state = 'confirmed'),
			(SELECT COUNT(*) FROM registrations g WHERE g.session_id = s.id AND g.state = 'cancelled'),
			(SELECT COUNT(*) FROM registrations g WHERE g.session_id = s.id AND g.accommodations <> ''),
			(SELECT COUNT(*) FROM attendances a WHERE a.session_id = s.id AND a.registration_id IS NOT NULL),
			(SELECT COUNT(*) FROM attendances a WHERE a.session_id = s.id AND a.registration_id IS NOT NULL AND a.present),
			(SELECT COUNT(*) FROM attendances a WHERE a.session_id = s.id AND a.registration_id IS NULL),
			COALESCE(d.sheet_count, -1), COALESCE(d.facilitator_phone, ''), COALESCE(d.coordinator_phone, ''),
			d.debriefed_at IS NOT NULL, COALESCE(d.atmosphere, '')
		FROM sessions s JOIN requests r ON r.session_id = s.id JOIN seasons se ON se.id = r.season_id
		LEFT JOIN session_days d ON d.session_id = s.id
		WHERE s.state IN ('held', 'closed') ORDER BY s.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	took := map[bool]int{}
	clsms := map[bool]map[int64]bool{false: {}, true: {}}
	var cancelled, needs, sheets, ticked, debriefed int
	for rows.Next() {
		var id, clsm int64
		var state, remote, fphone, cphone, atmosphere string
		var current, done bool
		var partners, regs, confirmed, gone, acc, ticks, present, walkIns, sheet int
		if err := rows.Scan(&id, &state, &current, &clsm, &remote, &partners, &regs, &confirmed, &gone, &acc, &ticks, &present, &walkIns,
			&sheet, &fphone, &cphone, &done, &atmosphere); err != nil {
			t.Fatal(err)
		}
		took[current]++
		clsms[current][clsm] = true
		cancelled += gone
		needs += acc
		if partners < 3 || partners > 6 || regs < 10 || regs > 20 {
			t.Errorf("session %d: %d partners, %d registrations", id, partners, regs)
		}
		switch {
		case sheet >= 0 && ticks == 0 && walkIns == 0 && remote == "":
			sheets++
			if sheet < confirmed*70/100 || sheet > confirmed+3 {
				t.Errorf("session %d: %d on the sheet for %d confirmed", id, sheet, confirmed)
			}
		case sheet < 0 && ticks == confirmed:
			ticked++
			if present*100 < confirmed*74 || present*100 > confirmed*91 || walkIns > 3 {
				t.Errorf("session %d: %d of %d present, %d walk-ins", id, present, confirmed, walkIns)
			}
		default:
			t.Errorf("session %d: %d ticks for %d confirmed, %d walk-ins, sheet %d (remote %q)", id, ticks, confirmed, walkIns, sheet, remote)
		}
		if fphone == "" || cphone == "" {
			t.Errorf("session %d: phones %q, %q", id, fphone, cphone)
		}
		if state == "closed" && (!done || atmosphere == "") {
			t.Errorf("session %d is closed without a debrief", id)
		}
		if done {
			debriefed++
		}
	}
	if took[false] < 8 || took[true] < 4 || len(clsms[false]) < 3 || len(clsms[true]) < 3 {
		t.Errorf("sessions that took place: %d in the previous season (%d CLSMs), %d in the current one (%d CLSMs)",
			took[false], len(clsms[false]), took[true], len(clsms[true]))
	}
	if cancelled == 0 || needs == 0 || sheets == 0 || ticked == 0 || debriefed == 0 {
		t.Errorf("%d cancelled, %d accommodations, %d counted from the sheet, %d ticked, %d debriefed", cancelled, needs, sheets, ticked, debriefed)
	}
	var early int
	if err := db.QueryRow(`SELECT COUNT(*) FROM attendances a JOIN sessions s ON s.id = a.session_id WHERE s.state NOT IN ('held', 'closed')`).Scan(&early); err != nil || early != 0 {
		t.Errorf("%d attendances of sessions that did not take place (%v)", early, err)
	}
	if n, err := s.CloseDueSessions(context.Background()); err != nil || n != 0 {
		t.Errorf("the close sweep closes %d sessions after the demo (%v): a held session's debrief is older than its feedback period", n, err)
	}

	_, again := seedAt(t, now, 1)
	if a, b := dayChecksum(t, db), dayChecksum(t, openSQL(t, again)); a != b {
		t.Errorf("two runs of the demo give different days: %s, %s", a, b)
	}
}

// dayChecksum hashes the rows of the day's tables, in id order.
func dayChecksum(t *testing.T, db *dbtest.DB) string {
	t.Helper()
	h := sha256.New()
	for _, q := range []string{
		"SELECT id, session_id, organisation_id, link_sent_at FROM session_partners ORDER BY id",
		"SELECT id, session_id, partner_id, first_name, last_name, email, category, role, accommodations, state, created_at FROM registrations ORDER BY id",
		"SELECT id, session_id, registration_id, first_name, last_name, organisation, category, present, created_at FROM attendances ORDER BY id",
		"SELECT session_id, facilitator_phone, coordinator_phone, sheet_count, atmosphere, topics, resources, follow_up, notes, debriefed_at FROM session_days ORDER BY session_id",
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

// TestSeedScale_Days checks the generated sessions that took place: each
// has its attendance (every confirmed person ticked, or the sheet's
// count), a closed one its debrief written between its end and its
// closing, a held one none unless its feedback period is still running
// (the close sweep has nothing to do); attendances only in sessions that
// took place.
func TestSeedScale_Days(t *testing.T) {
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	s, path := seedAt(t, now, 3)
	db := openSQL(t, path)
	rows, err := db.Query(`SELECT s.id, s.state, COALESCE(d.sheet_count, -1), d.debriefed_at IS NOT NULL,
			COALESCE(d.debriefed_at > s.ends_at AND (s.closed_at IS NULL OR d.debriefed_at < s.closed_at), TRUE), COALESCE(d.facilitator_phone, ''),
			(SELECT COUNT(*) FROM attendances a WHERE a.session_id = s.id AND a.registration_id IS NOT NULL),
			(SELECT COUNT(*) FROM registrations g WHERE g.session_id = s.id AND g.state = 'confirmed'),
			s.ends_at > ?
		FROM sessions s LEFT JOIN session_days d ON d.session_id = s.id WHERE s.state IN ('held', 'closed')`, now.Add(-models.DefaultFeedbackPeriod))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var sheets, ticked, closed, early int
	for rows.Next() {
		var id int64
		var state, phone string
		var sheet, ticks, confirmed int
		var debriefed, inTime, recent bool
		if err := rows.Scan(&id, &state, &sheet, &debriefed, &inTime, &phone, &ticks, &confirmed, &recent); err != nil {
			t.Fatal(err)
		}
		switch {
		case sheet >= 0 && ticks == 0:
			sheets++
		case sheet < 0 && ticks == confirmed:
			ticked++
		default:
			t.Errorf("session %d: sheet %d, %d ticks for %d confirmed", id, sheet, ticks, confirmed)
		}
		if state == "closed" {
			closed++
		}
		// A held session may have its debrief during its feedback period.
		if (state == "closed" && !debriefed) || (state == "held" && debriefed && !recent) || !inTime || phone == "" {
			t.Errorf("session %d (%s): debriefed %v (in time %v), phone %q", id, state, debriefed, inTime, phone)
		}
	}
	if sheets == 0 || ticked == 0 || closed == 0 {
		t.Errorf("%d counted from the sheet, %d ticked, %d closed", sheets, ticked, closed)
	}
	if err := db.QueryRow(`SELECT COUNT(*) FROM attendances a JOIN sessions s ON s.id = a.session_id WHERE s.state NOT IN ('held', 'closed')`).Scan(&early); err != nil || early != 0 {
		t.Errorf("%d attendances of sessions that did not take place (%v)", early, err)
	}
	if n, err := s.CloseDueSessions(context.Background()); err != nil || n != 0 {
		t.Errorf("the close sweep closes %d generated sessions (%v)", n, err)
	}
}
