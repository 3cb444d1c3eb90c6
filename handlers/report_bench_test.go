package handlers_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"syscall"
	"testing"
	"time"
)

// largeSeason fills a season of its own, after the test app's (which is
// then its previous season: the comparison is measured too), with 2,000 held sessions over 100
// CLSMs in 40 départements, 40,000 confirmed registrations (20 per
// session, from 4 partners each), their attendance (17 present of 20),
// feedback links for those present and 25,000 answers, in batched
// inserts inside one transaction. It returns the season's id.
func largeSeason(b testing.TB, e *env) int64 {
	b.Helper()
	db, err := sql.Open("sqlite3", e.cfg.Database.DSN)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2025, 8, 1, 9, 0, 0, 0, time.UTC)
	exec := func(q string, args ...any) int64 {
		b.Helper()
		res, err := tx.Exec(q, args...)
		if err != nil {
			b.Fatalf("%s: %v", q, err)
		}
		id, _ := res.LastInsertId()
		return id
	}
	// batch inserts rows of n values each, 100 rows per statement.
	batch := func(head string, n int, rows [][]any) {
		b.Helper()
		for start := 0; start < len(rows); start += 100 {
			end := min(start+100, len(rows))
			q := head + " VALUES "
			var args []any
			for i, r := range rows[start:end] {
				if i > 0 {
					q += ", "
				}
				q += "(?" + repeat(", ?", n-1) + ")"
				args = append(args, r...)
			}
			if _, err := tx.Exec(q, args...); err != nil {
				b.Fatalf("%s: %v", head, err)
			}
		}
	}
	season := exec(`INSERT INTO seasons (name, starts_on, ends_on, status, created_at) VALUES ('Saison 2027-2028', ?, ?, 'open', ?)`,
		time.Date(2027, 9, 1, 0, 0, 0, 0, time.UTC), time.Date(2028, 7, 2, 0, 0, 0, 0, time.UTC), now)
	var facilitators []int64
	for i := range 10 {
		facilitators = append(facilitators, exec(`INSERT INTO users (email, name, role, home_insee, created_at, updated_at) VALUES (?, ?, 'facilitator', '59350', ?, ?)`,
			fmt.Sprintf("bench-f%d@exemple.fr", i), fmt.Sprintf("Chargée %d", i), now, now))
	}
	communes := []string{"59512", "59350", "62041", "49099", "75056", "69123", "13055", "33063", "97411", "97209"}
	var clsms []int64
	orgs := map[int64][]int64{}
	kinds := []string{"association", "school", "landlord", "youth_job", "public_service", "health"}
	for i := range 100 {
		dept := fmt.Sprintf("%02d", 1+i%40)
		c := exec(`INSERT INTO clsms (name, region_code, departement_code, created_at, updated_at) VALUES (?, '32', ?, ?, ?)`,
			fmt.Sprintf("CLSM mesuré %d", i), dept, now, now)
		clsms = append(clsms, c)
		for k := range 6 {
			orgs[c] = append(orgs[c], exec(`INSERT INTO organisations (clsm_id, name, kind, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
				c, fmt.Sprintf("Structure %d-%d", i, k), kinds[k], now, now))
		}
	}
	categories := []string{"habitant", "elu", "professionnel", "benevole"}
	answers := 0
	var regs, atts, linksRows, answerRows [][]any
	for s := range 2000 {
		c := clsms[s%len(clsms)]
		start := time.Date(2027, 10, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(s) * 3 * time.Hour)
		r := exec(`INSERT INTO requests (clsm_id, season_id, created_by, state, commune_insee, submitted_at, created_at, updated_at)
			VALUES (?, ?, ?, 'closed', ?, ?, ?, ?)`, c, season, e.coord.ID, communes[s%len(communes)], start.AddDate(0, 0, -(20+s%90)), now, now)
		sess := exec(`INSERT INTO sessions (request_id, facilitator_id, state, starts_at, ends_at, created_at, updated_at)
			VALUES (?, ?, 'closed', ?, ?, ?, ?)`, r, facilitators[s%len(facilitators)], start, start.Add(3*time.Hour), now, now)
		exec(`UPDATE requests SET session_id = ? WHERE id = ?`, sess, r)
		var partners []int64
		for k := range 4 {
			partners = append(partners, exec(`INSERT INTO session_partners (session_id, organisation_id, created_at, updated_at) VALUES (?, ?, ?, ?)`,
				sess, orgs[c][(s+k)%6], now, now))
		}
		for p := range 20 {
			id := int64(s*20 + p + 1_000_000)
			regs = append(regs, []any{id, sess, partners[p%4], "Prénom", "Nom", fmt.Sprintf("p%d-%d@exemple.fr", s, p), categories[p%4], "confirmed", now, now})
			present := p < 17
			atts = append(atts, []any{sess, id, present, now, now})
			if present {
				linksRows = append(linksRows, []any{id, sess, 1, now, now.AddDate(0, 1, 0), now})
				if answers < 25_000 && p < 13 {
					answers++
					answerRows = append(answerRows, []any{sess, 1, 1 + p%5, 1 + p%3, 3 + p%3, []string{"oui", "non", "ne_sait_pas"}[p%3], p%4 != 0,
						fmt.Sprintf("Réponse utile %d", answers), "", start.AddDate(0, 0, 2)})
				}
			}
		}
	}
	batch(`INSERT INTO registrations (id, session_id, partner_id, first_name, last_name, email, category, state, created_at, updated_at)`, 10, regs)
	batch(`INSERT INTO attendances (session_id, registration_id, present, created_at, updated_at)`, 5, atts)
	batch(`INSERT INTO feedback_links (registration_id, session_id, questionnaire_version, sent_at, expires_at, created_at)`, 6, linksRows)
	batch(`INSERT INTO feedback_answers (session_id, questionnaire_version, satisfaction, knowledge_before, knowledge_after, knows_where, recommend, most_useful, improve, answered_on)`, 10, answerRows)
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec(`ANALYZE`); err != nil {
		b.Fatal(err)
	}
	return season
}

// cpuTime is the CPU time (user and system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}

// BenchmarkReport measures the admin's report page and its two exports on
// a generated large season and on an empty one of the same database
// (docs/PERFORMANCE.md, « Season reports »):
//
//	go test -run '^$' -bench BenchmarkReport -benchtime 20x ./handlers/
func BenchmarkReport(b *testing.B) {
	e := newEnv(b, onSQLiteFile)
	large := largeSeason(b, e)
	ss, err := e.store.Seasons(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	var empty int64
	for _, s := range ss {
		if s.ID != large {
			empty = s.ID
		}
	}
	admin := e.as(&e.admin)
	for _, season := range []struct {
		name string
		id   int64
	}{{"empty", empty}, {"large", large}} {
		for _, page := range []string{"bilan", "bilan.csv", "bilan.xlsx"} {
			path := fmt.Sprintf("/admin/saisons/%d/%s", season.id, page)
			b.Run(season.name+"/"+page, func(b *testing.B) {
				before := cpuTime()
				for b.Loop() {
					if r := admin.get(path); r.Status != http.StatusOK {
						b.Fatalf("%s: %d", path, r.Status)
					}
				}
				// The process's CPU per request (server and client both):
				// on a loaded machine, wall time waits for the cores.
				b.ReportMetric(float64((cpuTime()-before).Microseconds())/1000/float64(b.N), "cpu-ms/op")
			})
		}
	}
}
