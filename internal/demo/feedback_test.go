package demo

import (
	"context"
	"strings"
	"testing"
	"time"

	"quartier/links"
)

// TestSeed_FeedbackLinksOfARecentSession: the manifest hands out ten
// unused links of one held session that ended within their lifetime and
// has at least five answers; every ticked held or closed session has its
// links, answered by 50 to 80 % of its attendees; answers know more after
// than before on average.
func TestSeed_FeedbackLinksOfARecentSession(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	l := testLinks(t)
	s, path, m := seedDemo(t, now, l)
	if len(m.FeedbackLinks) < 10 {
		t.Fatalf("feedback_links: %v", m.FeedbackLinks)
	}
	sessions := map[int64]bool{}
	for _, p := range m.FeedbackLinks {
		if !strings.HasPrefix(p, "/avis/") {
			t.Fatalf("link %q", p)
		}
		id, err := l.Verify(links.Feedback, strings.TrimPrefix(p, "/avis/"), func(id int64) (int, error) { return s.FeedbackLinkVersion(ctx, id) })
		if err != nil {
			t.Fatalf("link %q: %v", p, err)
		}
		f, err := s.FeedbackFormOf(ctx, id)
		if err != nil || f.Used() || f.Expired(now) {
			t.Fatalf("link %q: %+v %v", p, f, err)
		}
		sessions[f.SessionID] = true
	}
	if len(sessions) != 1 {
		t.Fatalf("links of %d sessions, want one", len(sessions))
	}
	for id := range sessions {
		sum, err := s.FeedbackSummaryOf(ctx, id)
		if err != nil || !sum.Enough {
			t.Errorf("session %d of the manifest: %+v %v", id, sum, err)
		}
	}
	db := openSQL(t, path)
	rows, err := db.Query(`SELECT s.id,
		(SELECT COUNT(*) FROM attendances a JOIN registrations r ON r.id = a.registration_id WHERE a.session_id = s.id AND a.present AND r.state = 'confirmed'),
		(SELECT COUNT(*) FROM feedback_links l WHERE l.session_id = s.id),
		(SELECT COUNT(*) FROM feedback_answers a WHERE a.session_id = s.id)
		FROM sessions s WHERE s.state IN ('held', 'closed')`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	withLinks := 0
	for rows.Next() {
		var id int64
		var present, nlinks, answers int
		if err := rows.Scan(&id, &present, &nlinks, &answers); err != nil {
			t.Fatal(err)
		}
		if nlinks != present {
			t.Errorf("session %d: %d links for %d present", id, nlinks, present)
		}
		if nlinks > 0 {
			withLinks++
			if sessions[id] {
				continue
			}
			if answers*100 < nlinks*45 || answers*100 > nlinks*85 {
				t.Errorf("session %d: %d answers for %d links", id, answers, nlinks)
			}
		}
	}
	if withLinks < 8 {
		t.Errorf("only %d sessions with feedback", withLinks)
	}
	var before, after float64
	if err := db.QueryRow(`SELECT AVG(knowledge_before), AVG(knowledge_after) FROM feedback_answers`).Scan(&before, &after); err != nil || after <= before+0.5 {
		t.Errorf("knowledge %.1f → %.1f (%v)", before, after, err)
	}
}
