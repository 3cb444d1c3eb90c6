package demo

import (
	"testing"
	"time"
)

// TestSeedScale_Signups checks the generated sign-ups hold the rules of
// models: 3 to 8 partners per scheduled, held or closed session, 8 to 22
// people who hold or wait for a place, no organisation over its cap, no
// session over its capacity, a waiting list only behind a full session,
// and partners only of the session's own CLSM.
func TestSeedScale_Signups(t *testing.T) {
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	_, plainPath := seedAt(t, now, 1)
	var plainSessions int64
	if err := openSQL(t, plainPath).QueryRow(`SELECT MAX(id) FROM sessions`).Scan(&plainSessions); err != nil {
		t.Fatal(err)
	}
	_, path := seedAt(t, now, 3)
	db := openSQL(t, path)
	rows, err := db.Query(`SELECT s.id, s.capacity,
			(SELECT COUNT(*) FROM session_partners p WHERE p.session_id = s.id),
			(SELECT COUNT(*) FROM registrations r WHERE r.session_id = s.id AND r.state = 'confirmed'),
			(SELECT COUNT(*) FROM registrations r WHERE r.session_id = s.id AND r.state = 'waiting'),
			(SELECT COUNT(*) FROM registrations r WHERE r.session_id = s.id AND r.state = 'cancelled')
		FROM sessions s WHERE s.state IN ('scheduled', 'held', 'closed') AND s.id > ?`, plainSessions)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	sessions, waitingSessions, cancelled := 0, 0, 0
	for rows.Next() {
		var id, capacity, partners, confirmed, waiting, gone int
		if err := rows.Scan(&id, &capacity, &partners, &confirmed, &waiting, &gone); err != nil {
			t.Fatal(err)
		}
		sessions++
		live := confirmed + waiting
		if partners < 3 || partners > 8 || live < 8 || live > 22 || confirmed > capacity || (waiting > 0 && confirmed < capacity) {
			t.Errorf("session %d: %d partners, %d confirmed, %d waiting (capacity %d)", id, partners, confirmed, waiting, capacity)
		}
		if waiting > 0 {
			waitingSessions++
		}
		cancelled += gone
	}
	if sessions < 10 || waitingSessions == 0 || cancelled == 0 {
		t.Errorf("%d generated sessions with sign-ups, %d with a waiting list, %d cancellations", sessions, waitingSessions, cancelled)
	}
	var over, foreign, dup int
	if err := db.QueryRow(`SELECT COUNT(*) FROM (SELECT r.partner_id FROM registrations r JOIN session_partners p ON p.id = r.partner_id
		JOIN sessions s ON s.id = p.session_id WHERE r.state <> 'cancelled' GROUP BY r.partner_id, s.org_cap HAVING COUNT(*) > s.org_cap) AS over_cap`).Scan(&over); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT COUNT(*) FROM session_partners p JOIN sessions s ON s.id = p.session_id JOIN requests q ON q.id = s.request_id
		JOIN organisations o ON o.id = p.organisation_id WHERE o.clsm_id <> q.clsm_id`).Scan(&foreign); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT COUNT(*) FROM registrations r JOIN session_partners p ON p.id = r.partner_id WHERE p.session_id <> r.session_id`).Scan(&dup); err != nil {
		t.Fatal(err)
	}
	if over+foreign+dup > 0 {
		t.Errorf("%d partners over their cap, %d partners of another CLSM, %d registrations through another session's partner", over, foreign, dup)
	}
}
