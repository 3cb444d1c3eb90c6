package models

import (
	"context"
	"fmt"
	"math"
	"strings"
)

// reportQuery runs the report's aggregate statements for the current
// season and the previous one at once (GROUP BY season), so that the
// comparison costs no statement of its own. Every statement returns a
// number of rows bounded by the programme's reference data (départements,
// categories, kinds, facilitators, days of lead time, scores), never by
// the number of sessions, people or answers.
type reportQuery struct {
	s       *Store
	ctx     context.Context
	f       ReportFilter
	cur     int64
	seasons []int64
}

// heldSessions are the held (or closed) sessions of the filter's requests.
const heldSessions = `requests r JOIN clsms c ON c.id = r.clsm_id
	JOIN sessions s ON s.id = r.session_id AND s.state IN ('held', 'closed')`

// where is the filter on requests r of clsms c, for both seasons.
func (q reportQuery) where() (string, []any) {
	conds := []string{"r.season_id IN ?"}
	args := []any{q.seasons}
	if q.f.RegionCode != "" {
		conds = append(conds, "c.region_code = ?")
		args = append(args, q.f.RegionCode)
	}
	if q.f.DepartementCode != "" {
		conds = append(conds, "c.departement_code = ?")
		args = append(args, q.f.DepartementCode)
	}
	if len(q.f.CLSMIDs) > 0 {
		conds = append(conds, "r.clsm_id IN ?")
		args = append(args, q.f.CLSMIDs)
	}
	return strings.Join(conds, " AND "), args
}

// scan runs one statement, the filter's WHERE put in place of {where}.
func (q reportQuery) scan(dest any, sql string, extra ...any) error {
	w, args := q.where()
	return q.s.q(q.ctx).Raw(strings.ReplaceAll(sql, "{where}", w), append(args, extra...)...).Scan(dest).Error
}

func (q reportQuery) requests(_ *SeasonReport, figs map[int64]*Figures) error {
	var rows []struct {
		SeasonID                                int64
		Received, Accepted, Declined, Withdrawn int
	}
	err := q.scan(&rows, `SELECT r.season_id AS season_id,
		COUNT(*) AS received,
		SUM(CASE WHEN r.state IN ('accepted', 'proposed', 'scheduled', 'held', 'closed')
			OR EXISTS (SELECT 1 FROM request_events e WHERE e.request_id = r.id AND e.to_state = 'accepted') THEN 1 ELSE 0 END) AS accepted,
		SUM(CASE WHEN r.state = 'declined' THEN 1 ELSE 0 END) AS declined,
		SUM(CASE WHEN r.state = 'withdrawn' THEN 1 ELSE 0 END) AS withdrawn
		FROM requests r JOIN clsms c ON c.id = r.clsm_id
		WHERE {where} AND r.submitted_at IS NOT NULL
		GROUP BY r.season_id`)
	if err != nil {
		return fmt.Errorf("requests: %w", err)
	}
	for _, r := range rows {
		if f := figs[r.SeasonID]; f != nil {
			f.RequestsReceived, f.RequestsAccepted, f.RequestsDeclined, f.RequestsWithdrawn = r.Received, r.Accepted, r.Declined, r.Withdrawn
		}
	}
	return nil
}

func (q reportQuery) places(rep *SeasonReport, figs map[int64]*Figures) error {
	var rows []struct {
		SeasonID                    int64
		RegionCode, DepartementCode string
		N                           int
	}
	err := q.scan(&rows, `SELECT r.season_id AS season_id, c.region_code AS region_code, c.departement_code AS departement_code, COUNT(*) AS n
		FROM `+heldSessions+` WHERE {where}
		GROUP BY r.season_id, c.region_code, c.departement_code
		ORDER BY c.region_code, c.departement_code`)
	if err != nil {
		return fmt.Errorf("sessions by place: %w", err)
	}
	for _, r := range rows {
		if f := figs[r.SeasonID]; f != nil {
			f.SessionsHeld += r.N
		}
		if r.SeasonID == q.cur {
			rep.Places = append(rep.Places, PlaceCount{RegionCode: r.RegionCode, DepartementCode: r.DepartementCode, Sessions: r.N})
		}
	}
	return nil
}

func (q reportQuery) coverage(_ *SeasonReport, figs map[int64]*Figures) error {
	var communes, qpvs []struct {
		SeasonID int64
		N        int
	}
	err := q.scan(&communes, `SELECT r.season_id AS season_id, COUNT(DISTINCT NULLIF(r.commune_insee, '')) AS n
		FROM `+heldSessions+` WHERE {where} GROUP BY r.season_id`)
	if err != nil {
		return fmt.Errorf("communes: %w", err)
	}
	err = q.scan(&qpvs, `SELECT r.season_id AS season_id, COUNT(DISTINCT rq.qpv_code) AS n
		FROM `+heldSessions+` JOIN request_qpvs rq ON rq.request_id = r.id WHERE {where} GROUP BY r.season_id`)
	if err != nil {
		return fmt.Errorf("QPVs: %w", err)
	}
	for _, r := range communes {
		if f := figs[r.SeasonID]; f != nil {
			f.Communes = r.N
		}
	}
	for _, r := range qpvs {
		if f := figs[r.SeasonID]; f != nil {
			f.QPVs = r.N
		}
	}
	return nil
}

// people counts registrations and presence by category and by kind of
// organisation in one statement: confirmed registrations (with their tick,
// if any) and walk-ins, grouped by season, category and kind.
func (q reportQuery) people(rep *SeasonReport, figs map[int64]*Figures) error {
	var rows []struct {
		SeasonID             int64
		Category, Kind       string
		Registered, Attended int
	}
	err := q.scan(&rows, `SELECT season_id, category, kind, SUM(registered) AS registered, SUM(attended) AS attended FROM (
		SELECT r.season_id AS season_id, g.category AS category, o.kind AS kind, 1 AS registered,
			CASE WHEN a.present THEN 1 ELSE 0 END AS attended
		FROM `+heldSessions+`
		JOIN registrations g ON g.session_id = s.id AND g.state = 'confirmed'
		JOIN session_partners p ON p.id = g.partner_id JOIN organisations o ON o.id = p.organisation_id
		LEFT JOIN attendances a ON a.session_id = s.id AND a.registration_id = g.id
		WHERE {where}
		UNION ALL
		SELECT r.season_id, a.category, '', 0, 1
		FROM `+heldSessions+`
		JOIN attendances a ON a.session_id = s.id AND a.registration_id IS NULL AND a.present
		WHERE {where}
	) x GROUP BY season_id, category, kind`, q.whereArgs()...)
	if err != nil {
		return fmt.Errorf("people: %w", err)
	}
	// The last category, "", is the walk-ins typed without one; the last
	// kind, "", the walk-ins (their organisation is a free text).
	for _, c := range Categories {
		rep.Categories = append(rep.Categories, GroupCount{Key: string(c)})
	}
	rep.Categories = append(rep.Categories, GroupCount{})
	for _, k := range OrgKinds {
		rep.OrgKinds = append(rep.OrgKinds, GroupCount{Key: string(k)})
	}
	rep.OrgKinds = append(rep.OrgKinds, GroupCount{})
	for _, r := range rows {
		if f := figs[r.SeasonID]; f != nil {
			f.Registered += r.Registered
			f.Attended += r.Attended
		}
		if r.SeasonID != q.cur {
			continue
		}
		c := findGroup(rep.Categories, r.Category, "")
		c.Registered += r.Registered
		c.Attended += r.Attended
		k := findGroup(rep.OrgKinds, r.Kind, string(OrgOther))
		k.Registered += r.Registered
		k.Attended += r.Attended
	}
	// Sessions with no tick at all count the people of their signed sheet.
	var sheets []struct {
		SeasonID int64
		N        int
	}
	err = q.scan(&sheets, `SELECT r.season_id AS season_id, COALESCE(SUM(d.sheet_count), 0) AS n
		FROM `+heldSessions+` JOIN session_days d ON d.session_id = s.id AND d.sheet_count IS NOT NULL
		WHERE {where} AND NOT EXISTS (SELECT 1 FROM attendances a WHERE a.session_id = s.id AND a.present)
		GROUP BY r.season_id`)
	if err != nil {
		return fmt.Errorf("signed sheets: %w", err)
	}
	for _, r := range sheets {
		if f := figs[r.SeasonID]; f != nil {
			f.Attended += r.N
			f.SheetOnly = r.N
		}
	}
	return nil
}

// whereArgs repeats the filter's arguments, for a statement whose {where}
// appears a second time (the first copy's come from scan).
func (q reportQuery) whereArgs() []any {
	_, args := q.where()
	return args
}

// organisations reads, in one statement, the distinct organisations with
// someone present (per season) and the sessions by number of them; the
// held sessions with nobody ticked present from a partner make the zeros.
func (q reportQuery) organisations(rep *SeasonReport, figs map[int64]*Figures) error {
	var rows []struct {
		SeasonID int64
		Kind     string
		Orgs     int
		Sessions int
	}
	err := q.scan(&rows, `WITH x AS MATERIALIZED (
			SELECT r.season_id AS season_id, s.id AS session_id, p.organisation_id AS org
			FROM `+heldSessions+` JOIN attendances a ON a.session_id = s.id AND a.present
			JOIN registrations g ON g.id = a.registration_id JOIN session_partners p ON p.id = g.partner_id
			WHERE {where} GROUP BY r.season_id, s.id, p.organisation_id)
		SELECT season_id, 'session' AS kind, orgs, COUNT(*) AS sessions
			FROM (SELECT season_id, session_id, COUNT(*) AS orgs FROM x GROUP BY season_id, session_id) y GROUP BY season_id, orgs
		UNION ALL
		SELECT season_id, 'distinct', COUNT(DISTINCT org), 0 FROM x GROUP BY season_id`)
	if err != nil {
		return fmt.Errorf("organisations: %w", err)
	}
	sums := map[int64][2]int{}
	for _, r := range rows {
		f := figs[r.SeasonID]
		if f == nil {
			continue
		}
		if r.Kind == "distinct" {
			f.Organisations = r.Orgs
			continue
		}
		v := sums[r.SeasonID]
		sums[r.SeasonID] = [2]int{v[0] + r.Orgs*r.Sessions, v[1] + r.Sessions}
		if r.SeasonID == q.cur {
			rep.OrgsPerSession[r.Orgs] += r.Sessions
		}
	}
	for id, f := range figs {
		// places ran first: SessionsHeld is known.
		v := sums[id]
		if zero := f.SessionsHeld - v[1]; zero > 0 && id == q.cur {
			rep.OrgsPerSession[0] += zero
		}
		f.OrgsPerSession = ratio(v[0], f.SessionsHeld)
	}
	return nil
}

func (q reportQuery) feedback(_ *SeasonReport, figs map[int64]*Figures) error {
	var rows []struct {
		SeasonID int64
		N        int
	}
	err := q.scan(&rows, `SELECT r.season_id AS season_id, COUNT(*) AS n
		FROM `+heldSessions+` JOIN feedback_links l ON l.session_id = s.id AND l.sent_at IS NOT NULL
		WHERE {where} GROUP BY r.season_id`)
	if err != nil {
		return fmt.Errorf("feedback links: %w", err)
	}
	for _, r := range rows {
		if f := figs[r.SeasonID]; f != nil {
			f.LinksSent = r.N
		}
	}
	return nil
}

// answers reads the answers grouped by every scored question at once (at
// most 5 × 5 × 5 × 3 × 2 rows per season) and derives each distribution
// and mean from them.
func (q reportQuery) answers(rep *SeasonReport, figs map[int64]*Figures) error {
	var rows []struct {
		SeasonID                                      int64
		Satisfaction, KnowledgeBefore, KnowledgeAfter int
		KnowsWhere                                    string
		Recommend                                     bool
		N, Texts                                      int
	}
	err := q.scan(&rows, `SELECT r.season_id AS season_id, fa.satisfaction, fa.knowledge_before, fa.knowledge_after,
		fa.knows_where, fa.recommend, COUNT(*) AS n,
		SUM(CASE WHEN fa.most_useful <> '' OR fa.improve <> '' THEN 1 ELSE 0 END) AS texts
		FROM `+heldSessions+` JOIN feedback_answers fa ON fa.session_id = s.id
		WHERE {where}
		GROUP BY r.season_id, fa.satisfaction, fa.knowledge_before, fa.knowledge_after, fa.knows_where, fa.recommend`)
	if err != nil {
		return fmt.Errorf("answers: %w", err)
	}
	type sums struct{ sat, before, after int }
	total := map[int64]*sums{}
	var sat, before, after [5]int
	knows := map[string]int{}
	for _, r := range rows {
		f := figs[r.SeasonID]
		if f == nil {
			continue
		}
		t := total[r.SeasonID]
		if t == nil {
			t = &sums{}
			total[r.SeasonID] = t
		}
		f.Answers += r.N
		t.sat += r.Satisfaction * r.N
		t.before += r.KnowledgeBefore * r.N
		t.after += r.KnowledgeAfter * r.N
		if r.KnowsWhere == "oui" {
			f.KnowsWhereYes += r.N
		}
		if r.Recommend {
			f.RecommendYes += r.N
		}
		if r.SeasonID == q.cur {
			rep.TextCount += r.Texts
			sat[r.Satisfaction-1] += r.N
			before[r.KnowledgeBefore-1] += r.N
			after[r.KnowledgeAfter-1] += r.N
			knows[r.KnowsWhere] += r.N
		}
	}
	for id, t := range total {
		f := figs[id]
		if f.Answers < MinAnswers {
			// Rule of 5: no figure drawn from fewer answers.
			f.KnowsWhereYes, f.RecommendYes = 0, 0
			continue
		}
		f.SatisfactionMean = ratio(t.sat, f.Answers)
		f.KnowledgeBeforeMean = ratio(t.before, f.Answers)
		f.KnowledgeAfterMean = ratio(t.after, f.Answers)
	}
	if rep.Figures.EnoughAnswers() {
		rep.Satisfaction, rep.KnowledgeBefore, rep.KnowledgeAfter, rep.KnowsWhere = sat, before, after, knows
	}
	return nil
}

// leadTimes reads the histogram of whole days from submission to session
// (a few hundred values at most) and takes the median and P90 from it.
func (q reportQuery) leadTimes(_ *SeasonReport, figs map[int64]*Figures) error {
	var rows []struct {
		SeasonID int64
		Days, N  int
	}
	err := q.scan(&rows, `SELECT r.season_id AS season_id,
		`+q.s.engine.daysBetween("r.submitted_at", "s.starts_at")+` AS days, COUNT(*) AS n
		FROM `+heldSessions+` WHERE {where} AND r.submitted_at IS NOT NULL
		GROUP BY r.season_id, days ORDER BY r.season_id, days`)
	if err != nil {
		return fmt.Errorf("lead times: %w", err)
	}
	hist := map[int64][2][]int{}
	for _, r := range rows {
		h := hist[r.SeasonID]
		hist[r.SeasonID] = [2][]int{append(h[0], r.Days), append(h[1], r.N)}
	}
	for id, f := range figs {
		h := hist[id]
		f.LeadMedianDays = percentile(h[0], h[1], 0.5)
		f.LeadP90Days = percentile(h[0], h[1], 0.9)
	}
	return nil
}

// facilitators reads each facilitator's sessions and hours, and the
// sessions per (facilitator, commune) held in person, from which km
// estimates the travel.
func (q reportQuery) facilitators(rep *SeasonReport, figs map[int64]*Figures, km KmFunc) error {
	var rows []struct {
		SeasonID     int64
		UserID       int64
		Name         string
		HomeINSEE    string `gorm:"column:home_insee"`
		CommuneINSEE string `gorm:"column:commune_insee"`
		Remote       bool
		Sessions     int
		Hours        float64
	}
	err := q.scan(&rows, `SELECT r.season_id AS season_id, u.id AS user_id, u.name AS name, u.home_insee AS home_insee,
		r.commune_insee AS commune_insee, r.format = 'remote' AS remote, COUNT(*) AS sessions,
		SUM(`+q.s.engine.hoursBetween("s.starts_at", "s.ends_at")+`) AS hours
		FROM `+heldSessions+` JOIN users u ON u.id = s.facilitator_id
		WHERE {where}
		GROUP BY r.season_id, u.id, u.name, u.home_insee, r.commune_insee, r.format = 'remote'
		ORDER BY u.name, u.id`)
	if err != nil {
		return fmt.Errorf("facilitators: %w", err)
	}
	byUser := map[int64]int{}
	for _, r := range rows {
		var d float64
		if km != nil && !r.Remote && r.CommuneINSEE != "" && r.HomeINSEE != "" {
			d = 2 * km(r.HomeINSEE, r.CommuneINSEE) * float64(r.Sessions)
		}
		if f := figs[r.SeasonID]; f != nil {
			f.Hours += r.Hours
			f.Km += d
		}
		if r.SeasonID != q.cur {
			continue
		}
		i, ok := byUser[r.UserID]
		if !ok {
			i = len(rep.Facilitators)
			byUser[r.UserID] = i
			rep.Facilitators = append(rep.Facilitators, FacilitatorLoad{UserID: r.UserID, Name: r.Name})
		}
		l := &rep.Facilitators[i]
		l.Sessions += r.Sessions
		l.Hours += r.Hours
		l.Km += d
	}
	for _, f := range figs {
		f.Hours, f.Km = math.Round(f.Hours*10)/10, math.Round(f.Km)
	}
	for i := range rep.Facilitators {
		l := &rep.Facilitators[i]
		l.Hours, l.Km = math.Round(l.Hours*10)/10, math.Round(l.Km)
	}
	return nil
}

// texts lists the newest free-text answers (the last stored) of the
// current season (answers counted them: TextCount), only
// when the report as a whole has at least MinAnswers answers: they are
// shown for the report's group, never for a session or smaller group.
func (q reportQuery) texts(rep *SeasonReport, _ map[int64]*Figures) error {
	if !rep.Figures.EnoughAnswers() {
		return nil
	}
	var rows []struct{ MostUseful, Improve string }
	err := q.scan(&rows, `SELECT fa.most_useful AS most_useful, fa.improve AS improve
		FROM `+heldSessions+` JOIN feedback_answers fa ON fa.session_id = s.id
		WHERE {where} AND r.season_id = ? AND (fa.most_useful <> '' OR fa.improve <> '')
		ORDER BY fa.id DESC LIMIT ?`, q.cur, ReportTextLimit)
	if err != nil {
		return fmt.Errorf("free texts: %w", err)
	}
	for _, r := range rows {
		if r.MostUseful != "" {
			rep.Texts = append(rep.Texts, FreeText{Question: "most_useful", Text: r.MostUseful})
		}
		if r.Improve != "" {
			rep.Texts = append(rep.Texts, FreeText{Question: "improve", Text: r.Improve})
		}
	}
	return nil
}

// findGroup returns the group of key, or of fallback when key has none
// (an unknown value stored before the lists were fixed).
func findGroup(groups []GroupCount, key, fallback string) *GroupCount {
	for i := range groups {
		if groups[i].Key == key {
			return &groups[i]
		}
	}
	if key == fallback {
		return &groups[len(groups)-1]
	}
	return findGroup(groups, fallback, fallback)
}
