package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"quartier/models"
	"quartier/territory"
)

// MaxScale bounds --scale: beyond it the generated QPV codes would not fit.
const MaxScale = 1000

// scaleSettingKey records the scale a demo database was generated at.
const scaleSettingKey = "demo_scale"

// scaleBatch is the number of rows per multi-row INSERT.
const scaleBatch = 300

// ScaleStats sums up what SeedScale added.
type ScaleStats struct {
	Programmes   int // generated programmes (K−1)
	CLSMs        int
	Facilitators int
	Requests     int
	Sessions     int
	Elapsed      time.Duration
}

// ScaleOf returns the scale the demo in store was generated at: 1 for the
// plain demo (or an empty database).
func ScaleOf(ctx context.Context, store *models.Store) (int, error) {
	v, err := store.Setting(ctx, scaleSettingKey)
	if errors.Is(err, models.ErrNotFound) || (err == nil && v == "") {
		return 1, nil
	}
	if err != nil {
		return 0, err
	}
	var k int
	if _, err := fmt.Sscan(v, &k); err != nil || k < 1 {
		return 0, fmt.Errorf("demo scale setting %q: not a scale", v)
	}
	return k, nil
}

// SeedScale adds k−1 generated programmes to the database at dsn, which
// must hold the plain demo (Seed) and nothing else. It writes rows
// directly, in batches, one transaction per programme: CLSMs spread over
// every région (overseas included) with their coordinators, QPVs and
// partners; a pool of facilitators (about one per eight CLSMs) with their
// weekly pattern, exceptions and busy time (typed and imported); requests
// in every state over three seasons with consistent histories, windows and
// sessions; partners and sign-ups; the attendance, phones and debriefs
// of the sessions that took place; sent (and a few failed) outbox
// messages; audit events.
// Everything follows from k and now: the same k and now give the same rows.
func SeedScale(ctx context.Context, dsn string, geo *territory.Directory, now time.Time, k int) (ScaleStats, error) {
	var st ScaleStats
	if k < 1 || k > MaxScale {
		return st, fmt.Errorf("scale %d: want 1 to %d", k, MaxScale)
	}
	if k == 1 {
		return st, nil
	}
	began := time.Now()
	db, err := openScaleDB(dsn)
	if err != nil {
		return st, err
	}
	defer func() {
		if sqlDB, err := db.DB(); err == nil {
			_ = sqlDB.Close()
		}
	}()
	db = db.WithContext(ctx)
	g, err := newGenerator(db, geo, now.UTC(), k)
	if err != nil {
		return st, err
	}
	if err := db.Transaction(g.setup); err != nil {
		return st, fmt.Errorf("scaled demo: facilitators: %w", err)
	}
	for p := 1; p < k; p++ {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		if err := db.Transaction(func(tx *gorm.DB) error { return g.programme(tx, p) }); err != nil {
			return st, fmt.Errorf("scaled demo: programme %d: %w", p, err)
		}
	}
	if err := db.Exec("INSERT INTO app_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
		scaleSettingKey, fmt.Sprint(k)).Error; err != nil {
		return st, err
	}
	if err := advanceIdentities(db); err != nil {
		return st, err
	}
	st = ScaleStats{Programmes: k - 1, CLSMs: g.clsms, Facilitators: len(g.facs), Requests: g.requests, Sessions: g.sessions, Elapsed: time.Since(began)}
	return st, nil
}

// openScaleDB opens the database at dsn with the engine it names (as
// models.Open does: a postgres:// URL or a SQLite file), for the
// generator's own batch inserts. SQLite gets models' pragmas, with
// synchronous=NORMAL: a generator cut short is started over anyway.
func openScaleDB(dsn string) (*gorm.DB, error) {
	cfg := &gorm.Config{Logger: logger.Discard, SkipDefaultTransaction: true, CreateBatchSize: scaleBatch}
	if models.EngineOf(dsn) == models.Postgres {
		db, err := gorm.Open(postgres.Open(dsn), cfg)
		if err != nil {
			return nil, fmt.Errorf("scaled demo: open the PostgreSQL database: %w", err)
		}
		return db, nil
	}
	path := strings.TrimPrefix(dsn, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	full := "file:" + path + "?_journal_mode=WAL&_foreign_keys=on&_busy_timeout=10000&_synchronous=NORMAL&_txlock=immediate"
	db, err := gorm.Open(sqlite.Open(full), cfg)
	if err != nil {
		return nil, fmt.Errorf("scaled demo: open %s: %w", path, err)
	}
	return db, nil
}

// advanceIdentities moves each identity column's sequence past the ids
// the generator wrote itself: PostgreSQL's sequences do not follow
// explicit ids, and the app's next insert would take one already used.
// SQLite's AUTOINCREMENT follows them already.
func advanceIdentities(db *gorm.DB) error {
	if db.Dialector.Name() != "postgres" {
		return nil
	}
	var cols []struct{ Table, Column string }
	if err := db.Raw(`SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_identity = 'YES' ORDER BY table_name`).Scan(&cols).Error; err != nil {
		return fmt.Errorf("scaled demo: list identity columns: %w", err)
	}
	for _, c := range cols {
		q := fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%[1]s', '%[2]s'), COALESCE((SELECT MAX(%[2]s) FROM %[1]s), 0) + 1, false)`, c.Table, c.Column)
		if err := db.Exec(q).Error; err != nil {
			return fmt.Errorf("scaled demo: sequence of %s.%s: %w", c.Table, c.Column, err)
		}
	}
	return nil
}

// linkRequestSessions sets each request's live session once the sessions
// are written: requests and sessions point at each other, and PostgreSQL
// checks a foreign key at once, so requests go in without it.
func linkRequestSessions(tx *gorm.DB, links [][2]int64) error {
	for len(links) > 0 {
		n := min(len(links), scaleBatch)
		var b strings.Builder
		args := make([]any, 0, 3*n)
		b.WriteString("UPDATE requests SET session_id = CASE id")
		for _, l := range links[:n] {
			b.WriteString(" WHEN ? THEN CAST(? AS BIGINT)")
			args = append(args, l[0], l[1])
		}
		b.WriteString(" END WHERE id IN (")
		for i, l := range links[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("?")
			args = append(args, l[0])
		}
		b.WriteString(")")
		if err := tx.Exec(b.String(), args...).Error; err != nil {
			return fmt.Errorf("link requests to their sessions: %w", err)
		}
		links = links[n:]
	}
	return nil
}

// Join tables, written by the generator only.
type clsmCommuneRow struct {
	CLSMID int64  `gorm:"column:clsm_id"`
	INSEE  string `gorm:"column:insee"`
}

func (clsmCommuneRow) TableName() string { return "clsm_communes" }

type clsmQPVRow struct {
	CLSMID  int64  `gorm:"column:clsm_id"`
	QPVCode string `gorm:"column:qpv_code"`
}

func (clsmQPVRow) TableName() string { return "clsm_qpvs" }

type qpvCommuneRow struct {
	QPVCode string `gorm:"column:qpv_code"`
	INSEE   string `gorm:"column:insee"`
}

func (qpvCommuneRow) TableName() string { return "qpv_communes" }

type requestQPVRow struct {
	RequestID int64  `gorm:"column:request_id"`
	QPVCode   string `gorm:"column:qpv_code"`
}

func (requestQPVRow) TableName() string { return "request_qpvs" }

type facilitatorCalendarRow struct {
	UserID         int64 `gorm:"primaryKey;autoIncrement:false"`
	FeedVersion    int
	FileName       string
	FileImportedAt *time.Time
	FileIntervals  int
	UpdatedAt      time.Time
}

func (facilitatorCalendarRow) TableName() string { return "facilitator_calendars" }

// interval is a facilitator's booked session, in UTC.
type interval struct{ start, end time.Time }

// scaleFacilitator is one facilitator of the generated pool.
type scaleFacilitator struct {
	user   models.User
	days   map[int]bool // ISO weekdays worked
	booked []interval
	dates  map[string]bool // local dates with a session
	weeks  map[string]int  // ISO week → sessions
}

// generator holds what the programmes share: the seasons, the towns, the
// facilitators and the next id of each table.
type generator struct {
	geo      *territory.Directory
	now      time.Time
	today    time.Time
	k        int
	admin    models.User
	seasons  [3]models.Season // current, previous, the one before
	towns    []territory.Commune
	facs     []*scaleFacilitator
	emails   map[string]bool
	names    map[string]bool // CLSM names
	qpvSeq   map[string]int
	next     map[string]int64
	clsms    int
	requests int
	sessions int
}

func newGenerator(db *gorm.DB, geo *territory.Directory, now time.Time, k int) (*generator, error) {
	g := &generator{geo: geo, now: now, today: models.CalendarDay(now), k: k,
		emails: map[string]bool{}, names: map[string]bool{}, qpvSeq: map[string]int{}, next: map[string]int64{}}
	if err := db.Where("role = ?", models.RoleAdmin).Order("id").First(&g.admin).Error; err != nil {
		return nil, fmt.Errorf("scaled demo: the plain demo's admin: %w", err)
	}
	for _, t := range []string{"users", "clsms", "organisations", "requests", "request_windows", "request_events", "sessions",
		"outbox_messages", "audit_events", "availability_slots", "calendar_exceptions", "busy_times", "seasons",
		"session_partners", "registrations", "attendances", "feedback_answers"} {
		var n int64
		if err := db.Raw("SELECT COALESCE(MAX(id), 0) FROM " + t).Scan(&n).Error; err != nil {
			return nil, err
		}
		g.next[t] = n
	}
	var emails []string
	if err := db.Model(&models.User{}).Pluck("email", &emails).Error; err != nil {
		return nil, err
	}
	for _, e := range emails {
		g.emails[e] = true
	}
	var names []string
	if err := db.Model(&models.CLSM{}).Pluck("name", &names).Error; err != nil {
		return nil, err
	}
	for _, n := range names {
		g.names[n] = true
	}
	var codes []string
	if err := db.Model(&models.QPV{}).Pluck("code", &codes).Error; err != nil {
		return nil, err
	}
	for _, c := range codes {
		if len(c) != 8 {
			continue
		}
		if n, err := strconv.Atoi(c[5:]); err == nil && n > g.qpvSeq[c[2:5]] {
			g.qpvSeq[c[2:5]] = n
		}
	}
	if err := g.loadSeasons(db); err != nil {
		return nil, err
	}
	g.towns = scaleTowns(geo, rand.New(rand.NewPCG(uint64(k), 0)))
	if len(g.towns) == 0 {
		return nil, errors.New("scaled demo: no towns in the territory data")
	}
	return g, nil
}

func (g *generator) id(table string) int64 { g.next[table]++; return g.next[table] }

// loadSeasons finds the demo's current and previous seasons and adds the
// one before (closed) if it is missing.
func (g *generator) loadSeasons(db *gorm.DB) error {
	var all []models.Season
	if err := db.Order("starts_on DESC").Find(&all).Error; err != nil {
		return err
	}
	var cur *models.Season
	for i := range all {
		if all[i].IsCurrent {
			cur = &all[i]
		}
	}
	if cur == nil {
		return errors.New("scaled demo: no current season (seed the plain demo first)")
	}
	g.seasons[0] = *cur
	y := cur.StartsOn.Year()
	for off := 1; off <= 2; off++ {
		name := fmt.Sprintf("Saison %d-%d", y-off, y-off+1)
		found := false
		for _, s := range all {
			if s.Name == name {
				g.seasons[off], found = s, true
			}
		}
		if found {
			continue
		}
		closed := date(y-off+1, 7, 15)
		s := models.Season{ID: g.id("seasons"), Name: name, StartsOn: date(y-off, 9, 1), EndsOn: date(y-off+1, 7, 3),
			Status: models.SeasonClosed, ClosedAt: &closed, CreatedAt: date(y-off, 6, 20)}
		if err := db.Create(&s).Error; err != nil {
			return fmt.Errorf("scaled demo: season %s: %w", name, err)
		}
		if err := db.Create(&models.AuditEvent{ID: g.id("audit_events"), ActorID: &g.admin.ID, ObjectType: "season", ObjectID: s.ID,
			Action: "create", Detail: "saison créée : " + name, CreatedAt: s.CreatedAt}).Error; err != nil {
			return err
		}
		g.seasons[off] = s
	}
	return nil
}

// scaleTowns lists the bigger towns of every département and overseas
// département (the collectivités d'outre-mer have no QPV), the demo's own
// towns left out, ordered so that consecutive programmes land in
// different départements: every département's biggest town first (in a
// shuffled order), then every second biggest, and so on.
func scaleTowns(geo *territory.Directory, rng *rand.Rand) []territory.Commune {
	skip := map[string]bool{}
	for _, c := range demoCLSMs {
		for _, insee := range c.communes {
			skip[insee] = true
		}
	}
	var ranks [][]territory.Commune
	for _, dep := range geo.Departements() {
		if dep.Region == dep.Code {
			continue // a COM
		}
		var cs []territory.Commune
		digits, width := 3, 999
		if len(dep.Code) == 3 {
			digits, width = 2, 99
		}
		for n := 1; n <= width; n++ {
			code := fmt.Sprintf("%s%0*d", dep.Code, digits, n)
			c, ok := geo.Commune(code)
			if ok && c.INSEE == code && c.Parent == "" && c.Population > 0 && !skip[code] {
				cs = append(cs, c)
			}
		}
		sort.Slice(cs, func(i, j int) bool {
			if cs[i].Population != cs[j].Population {
				return cs[i].Population > cs[j].Population
			}
			return cs[i].INSEE < cs[j].INSEE
		})
		keep := 0
		for keep < len(cs) && keep < 8 && (keep < 2 || cs[keep].Population >= 10000) {
			keep++
		}
		for r := 0; r < keep; r++ {
			if len(ranks) <= r {
				ranks = append(ranks, nil)
			}
			ranks[r] = append(ranks[r], cs[r])
		}
	}
	var out []territory.Commune
	for _, r := range ranks {
		rng.Shuffle(len(r), func(i, j int) { r[i], r[j] = r[j], r[i] })
		out = append(out, r...)
	}
	return out
}

// setup creates the facilitators' pool with their calendars.
func (g *generator) setup(tx *gorm.DB) error {
	rng := rand.New(rand.NewPCG(uint64(g.k), 1<<32))
	n := max(1, ((g.k-1)*len(demoCLSMs)+7)/8)
	var (
		users  []models.User
		slots  []models.AvailabilitySlot
		excs   []models.CalendarException
		busy   []models.BusyTime
		cals   []facilitatorCalendarRow
		audits []models.AuditEvent
		out    []models.OutboxMessage
	)
	patterns := [][]int{{1, 2, 3, 4}, {2, 3, 4, 5}, {1, 2, 3, 4, 5}, {2, 3, 4}}
	next := g.today.AddDate(0, 0, 7-(int(g.today.Weekday())+6)%7) // next Monday
	joined := g.seasons[2].StartsOn.AddDate(0, -2, 0)
	for i := range n {
		home := g.towns[rng.IntN(len(g.towns))]
		first, last := scaleFirstNames[rng.IntN(len(scaleFirstNames))], scaleLastNames[rng.IntN(len(scaleLastNames))]
		created := joined.Add(time.Duration(i) * time.Hour)
		u := models.User{ID: g.id("users"), Email: g.email(first, last, "ressources-clsm"), Name: first + " " + last,
			Role: models.RoleFacilitator, Active: true, HomeINSEE: home.INSEE, TimeZone: home.TimeZone(),
			MaxPerDay: 1, MaxPerWeek: 2 + rng.IntN(3), CreatedAt: created, UpdatedAt: created}
		users = append(users, u)
		f := &scaleFacilitator{user: u, days: map[int]bool{}, dates: map[string]bool{}, weeks: map[string]int{}}
		g.facs = append(g.facs, f)
		loc := models.LocationOf(u.TimeZone)
		start, end := (8+rng.IntN(2))*60, (17+rng.IntN(2))*60+30*rng.IntN(2)
		var desc []string
		for _, wd := range patterns[rng.IntN(len(patterns))] {
			f.days[wd] = true
			slots = append(slots, models.AvailabilitySlot{ID: g.id("availability_slots"), UserID: u.ID, Weekday: wd, StartMinute: start, EndMinute: end})
			desc = append(desc, fmt.Sprintf("%d:%s-%s", wd, models.MinuteClock(start), models.MinuteClock(end)))
		}
		audits = append(audits,
			models.AuditEvent{ID: g.id("audit_events"), ActorID: &g.admin.ID, ObjectType: "user", ObjectID: u.ID, Action: "create",
				Detail: "compte créé : " + u.Email + " (facilitateur·rice)", CreatedAt: created},
			models.AuditEvent{ID: g.id("audit_events"), ActorID: &u.ID, ObjectType: "user", ObjectID: u.ID, Action: "availability",
				Detail:    fmt.Sprintf("disponibilités : %s ; commune %s ; fuseau %s ; 1/jour, %d/semaine", strings.Join(desc, " "), u.HomeINSEE, u.TimeZone, u.MaxPerWeek),
				CreatedAt: created.Add(24 * time.Hour)})
		out = append(out, g.message("welcome", fmt.Sprintf("welcome:%d", u.ID), u, "Votre accès à « La santé mentale dans mon quartier »",
			"Bonjour "+u.Name+",\n\nVotre compte de facilitateur·rice est ouvert.", created, rng))
		// Exceptions, all before the first date a new session may take.
		off := rng.IntN(3)
		for _, e := range []models.CalendarException{
			{Kind: models.ExceptionUnavailable, StartsOn: next.AddDate(0, 0, 1+off), EndsOn: next.AddDate(0, 0, 1+off), EndMinute: 1440, Label: "Jour de récupération"},
			{Kind: models.ExceptionUnavailable, StartsOn: next.AddDate(0, 0, 8), EndsOn: next.AddDate(0, 0, 10), EndMinute: 1440, Label: "Formation premiers secours en santé mentale"},
			{Kind: models.ExceptionUnavailable, StartsOn: next.AddDate(0, 0, 14+off), EndsOn: next.AddDate(0, 0, 18+off), EndMinute: 1440, Label: "Congés"},
			{Kind: models.ExceptionAvailable, StartsOn: next.AddDate(0, 0, 12), EndsOn: next.AddDate(0, 0, 12), StartMinute: 9 * 60, EndMinute: 13 * 60, Label: "Forum des associations"},
		} {
			e.ID, e.UserID, e.CreatedAt = g.id("calendar_exceptions"), u.ID, g.now.AddDate(0, 0, -3)
			excs = append(excs, e)
			audits = append(audits, models.AuditEvent{ID: g.id("audit_events"), ActorID: &u.ID, ObjectType: "user", ObjectID: u.ID, Action: "calendar_exception",
				Detail: fmt.Sprintf("%s du %s au %s", e.Kind, e.StartsOn.Format(time.DateOnly), e.EndsOn.Format(time.DateOnly)), CreatedAt: e.CreatedAt})
		}
		// Busy time typed by hand: Monday mornings.
		for w := range 2 {
			d := next.AddDate(0, 0, 7*w)
			b := models.BusyTime{ID: g.id("busy_times"), UserID: u.ID, Source: models.BusyManual,
				StartsAt: time.Date(d.Year(), d.Month(), d.Day(), 9, 30, 0, 0, loc).UTC(), Label: "Réunion d’équipe", CreatedAt: g.now.AddDate(0, 0, -2)}
			b.EndsAt = b.StartsAt.Add(90 * time.Minute)
			busy = append(busy, b)
			audits = append(audits, models.AuditEvent{ID: g.id("audit_events"), ActorID: &u.ID, ObjectType: "user", ObjectID: u.ID, Action: "busy_time",
				Detail: b.StartsAt.Format(time.RFC3339) + " – " + b.EndsAt.Format(time.RFC3339), CreatedAt: b.CreatedAt})
		}
		// Imported from their own agenda: a weekly Monday meeting and
		// Friday-morning appointments, for the coming months.
		imported := g.now.AddDate(0, 0, -1)
		count := 0
		for w := range 26 {
			mon := next.AddDate(0, 0, 7*w)
			fri := mon.AddDate(0, 0, 4)
			for _, iv := range [][2]time.Time{
				{time.Date(mon.Year(), mon.Month(), mon.Day(), 14, 0, 0, 0, loc), time.Date(mon.Year(), mon.Month(), mon.Day(), 15, 0, 0, 0, loc)},
				{time.Date(fri.Year(), fri.Month(), fri.Day(), 10, 0, 0, 0, loc), time.Date(fri.Year(), fri.Month(), fri.Day(), 11, 30, 0, 0, loc)},
			} {
				if iv[0].Day()%3 == 0 && w%2 == 1 {
					continue
				}
				busy = append(busy, models.BusyTime{ID: g.id("busy_times"), UserID: u.ID, Source: models.BusyFile, StartsAt: iv[0].UTC(), EndsAt: iv[1].UTC(), CreatedAt: imported})
				count++
			}
		}
		cals = append(cals, facilitatorCalendarRow{UserID: u.ID, FeedVersion: 1, FileName: "agenda-outlook.ics", FileImportedAt: &imported, FileIntervals: count, UpdatedAt: imported})
		audits = append(audits, models.AuditEvent{ID: g.id("audit_events"), ActorID: &u.ID, ObjectType: "user", ObjectID: u.ID, Action: "calendar_import",
			Detail: fmt.Sprintf("fichier \"agenda-outlook.ics\" : %d créneaux occupés", count), CreatedAt: imported})
	}
	for _, batch := range []any{&users, &slots, &excs, &busy, &cals, &audits, &out} {
		if err := tx.CreateInBatches(batch, scaleBatch).Error; err != nil {
			return err
		}
	}
	return nil
}

// email is a unique example.fr address for a person at a domain.
func (g *generator) email(first, last, domain string) string {
	local := slug(first) + "." + slug(last)
	e := local + "@" + domain + ".example.fr"
	for n := 2; g.emails[e]; n++ {
		e = fmt.Sprintf("%s%d@%s.example.fr", local, n, domain)
	}
	g.emails[e] = true
	return e
}

// slug is a name in lower-case ASCII with hyphens.
func slug(s string) string { return strings.ReplaceAll(territory.NormalizeName(s), " ", "-") }

// message is an outbox row as the worker leaves it: sent, or (rarely)
// failed for good.
func (g *generator) message(kind, key string, to models.User, subject, text string, at time.Time, rng *rand.Rand) models.OutboxMessage {
	subject, text = fr(subject), fr(text)
	payload, _ := json.Marshal(map[string]any{
		"from":     map[string]string{"name": "La santé mentale dans mon quartier", "email": "ne-pas-repondre@quartier.example.org"},
		"to":       map[string]string{"name": to.Name, "email": to.Email},
		"reply_to": map[string]string{"name": "Centre national de ressources et d’appui aux CLSM", "email": "contact@quartier.example.org"},
		"subject":  subject, "date": at.Format(time.RFC3339), "text": text + "\n\n-- \nLa santé mentale dans mon quartier\n",
	})
	id := g.id("outbox_messages")
	m := models.OutboxMessage{ID: id, DedupKey: key, Kind: kind, Recipient: to.Email, Subject: subject,
		MessageID: fmt.Sprintf("scale-%d-%d@quartier.example.org", g.k, id), Payload: string(payload),
		Status: models.OutboxSent, Attempts: 1, NextAttemptAt: at, CreatedAt: at}
	if rng.IntN(30) == 0 {
		m.Status, m.Attempts, m.Permanent = models.OutboxFailed, 1, true
		m.LastError = "550 5.1.1 <" + to.Email + ">: adresse inconnue"
		return m
	}
	sent := at.Add(time.Duration(5+rng.IntN(50)) * time.Second)
	m.SentAt = &sent
	return m
}

// programmeRows are one programme's rows, in insertion order.
type programmeRows struct {
	users         []models.User
	clsms         []models.CLSM
	qpvs          []models.QPV
	qpvCommunes   []qpvCommuneRow
	clsmCommunes  []clsmCommuneRow
	clsmQPVs      []clsmQPVRow
	orgs          []models.Organisation
	requests      []models.Request
	requestQPVs   []requestQPVRow
	windows       []models.RequestWindow
	events        []models.RequestEvent
	sessions      []models.Session
	partners      []models.SessionPartner
	registrations []models.Registration
	attendances   []models.Attendance
	days          []models.SessionDay
	feedbackLinks []models.FeedbackLink
	answers       []models.FeedbackAnswer
	outbox        []models.OutboxMessage
	audits        []models.AuditEvent
}

// requestSpec is a request to generate: its season (0 current, 1 the
// previous, 2 the one before) and the state it has reached.
type requestSpec struct {
	season int
	state  models.RequestState
}

// programmeSpecs mirror the plain demo's requests (30 of them, every
// state, three seasons; like the plain demo, most sessions that took
// place are in the seasons before).
var programmeSpecs = []requestSpec{
	{0, models.RequestDraft}, {0, models.RequestSubmitted}, {0, models.RequestSubmitted}, {0, models.RequestChangesRequested},
	{0, models.RequestAccepted}, {0, models.RequestDeclined}, {0, models.RequestWithdrawn}, {0, models.RequestProposed},
	{0, models.RequestScheduled}, {0, models.RequestScheduled}, {0, models.RequestHeld}, {0, models.RequestHeld},
	{0, models.RequestClosed}, {0, models.RequestClosed},
	{1, models.RequestClosed}, {1, models.RequestClosed}, {1, models.RequestClosed}, {1, models.RequestClosed},
	{1, models.RequestClosed}, {1, models.RequestClosed}, {1, models.RequestClosed}, {1, models.RequestClosed},
	{1, models.RequestHeld}, {1, models.RequestCancelled}, {1, models.RequestDeclined},
	{2, models.RequestClosed}, {2, models.RequestClosed}, {2, models.RequestClosed}, {2, models.RequestClosed}, {2, models.RequestWithdrawn},
}

// scaleCLSM is a generated CLSM with what its requests draw on.
type scaleCLSM struct {
	row   models.CLSM
	coord models.User
	town  territory.Commune
	qpvs  []models.QPV
	orgs  []string
	// partners are its organisations' rows, which sessions invite.
	partners []models.Organisation
}

// programme generates and writes programme p (1 … k−1).
func (g *generator) programme(tx *gorm.DB, p int) error {
	rng := rand.New(rand.NewPCG(uint64(g.k), uint64(p)))
	var rows programmeRows
	var clsms []*scaleCLSM
	joined := g.seasons[2].StartsOn.AddDate(0, -1, 0).Add(time.Duration(p) * time.Minute)
	for j := range demoCLSMs {
		c, err := g.clsm(&rows, rng, (p-1)*len(demoCLSMs)+j, joined)
		if err != nil {
			return err
		}
		clsms = append(clsms, c)
	}
	order := rng.Perm(len(programmeSpecs))
	for i, si := range order {
		g.request(&rows, rng, clsms[i%len(clsms)], programmeSpecs[si])
	}
	// Sign-ups draw on a stream of their own, so that they leave the rest
	// of the programme as it was without them.
	g.signups(&rows, rand.New(rand.NewPCG(uint64(g.k), uint64(p)|1<<40)), clsms)
	// So do the days of the sessions that took place.
	g.days(&rows, rand.New(rand.NewPCG(uint64(g.k), uint64(p)|2<<40)), clsms)
	// And their feedback.
	g.feedback(&rows, rand.New(rand.NewPCG(uint64(g.k), uint64(p)|3<<40)))
	var sessionOf [][2]int64 // request id → its live session's
	for i := range rows.requests {
		if r := &rows.requests[i]; r.SessionID != nil {
			sessionOf = append(sessionOf, [2]int64{r.ID, *r.SessionID})
			r.SessionID = nil
		}
	}
	for _, batch := range []struct {
		n    int
		rows any
	}{
		{len(rows.users), &rows.users}, {len(rows.clsms), &rows.clsms}, {len(rows.qpvs), &rows.qpvs},
		{len(rows.qpvCommunes), &rows.qpvCommunes}, {len(rows.clsmCommunes), &rows.clsmCommunes}, {len(rows.clsmQPVs), &rows.clsmQPVs},
		{len(rows.orgs), &rows.orgs}, {len(rows.requests), &rows.requests}, {len(rows.requestQPVs), &rows.requestQPVs},
		{len(rows.windows), &rows.windows}, {len(rows.events), &rows.events}, {len(rows.sessions), &rows.sessions},
		{len(rows.partners), &rows.partners}, {len(rows.registrations), &rows.registrations},
		{len(rows.attendances), &rows.attendances}, {len(rows.days), &rows.days},
		{len(rows.feedbackLinks), &rows.feedbackLinks}, {len(rows.answers), &rows.answers},
		{len(rows.outbox), &rows.outbox}, {len(rows.audits), &rows.audits},
	} {
		if batch.n == 0 {
			continue
		}
		if err := tx.CreateInBatches(batch.rows, scaleBatch).Error; err != nil {
			return err
		}
	}
	if err := linkRequestSessions(tx, sessionOf); err != nil {
		return err
	}
	g.clsms += len(clsms)
	g.requests += len(rows.requests)
	g.sessions += len(rows.sessions)
	return nil
}

// clsm generates the n-th CLSM of the run: its town, coordinator, QPVs and
// partners.
func (g *generator) clsm(rows *programmeRows, rng *rand.Rand, n int, joined time.Time) (*scaleCLSM, error) {
	town := g.towns[n%len(g.towns)]
	dep, ok := g.geo.Departement(town.Departement)
	if !ok {
		return nil, fmt.Errorf("town %s: unknown département %s", town.INSEE, town.Departement)
	}
	name := "CLSM " + ofTown(town.Name)
	domain := "ville-" + slug(town.Name)
	if round := n / len(g.towns); round > 0 {
		name = fmt.Sprintf("CLSM de %s – secteur %d", town.Name, round+1)
		domain = fmt.Sprintf("%s-secteur%d", domain, round+1)
	}
	if g.names[name] {
		// Two towns of the same name (Saint-Denis, in Seine-Saint-Denis
		// and in La Réunion): the département tells them apart.
		name = fmt.Sprintf("%s (%s)", name, dep.Name)
		domain = fmt.Sprintf("%s-%s", domain, strings.ToLower(dep.Code))
	}
	for n := 2; g.names[name]; n++ {
		name = fmt.Sprintf("%s %d", strings.TrimSuffix(name, fmt.Sprint(" ", n-1)), n)
	}
	g.names[name] = true
	first, last := scaleFirstNames[rng.IntN(len(scaleFirstNames))], scaleLastNames[rng.IntN(len(scaleLastNames))]
	coord := models.User{ID: g.id("users"), Email: g.email(first, last, domain), Name: first + " " + last, Role: models.RoleCoordinator,
		Active: true, TimeZone: town.TimeZone(), MaxPerDay: 1, MaxPerWeek: 3, CreatedAt: joined, UpdatedAt: joined}
	c := &scaleCLSM{coord: coord, town: town}
	c.row = models.CLSM{ID: g.id("clsms"), Name: name, RegionCode: dep.Region, DepartementCode: dep.Code, CoordinatorID: &coord.ID, CreatedAt: joined, UpdatedAt: joined}
	var qnames []string
	for _, qi := range rng.Perm(len(scaleQuartiers))[:2+rng.IntN(3)] {
		q := scaleQuartiers[qi]
		dc := strings.Repeat("0", 3-len(dep.Code)) + dep.Code
		g.qpvSeq[dc]++
		code := fmt.Sprintf("QX%s%03d", dc, g.qpvSeq[dc])
		qv := models.QPV{Code: code, Name: q + " (" + town.Name + ")", CreatedAt: joined, UpdatedAt: joined}
		c.qpvs = append(c.qpvs, qv)
		qnames = append(qnames, q)
		rows.qpvs = append(rows.qpvs, qv)
		rows.qpvCommunes = append(rows.qpvCommunes, qpvCommuneRow{QPVCode: code, INSEE: town.INSEE})
		rows.clsmQPVs = append(rows.clsmQPVs, clsmQPVRow{CLSMID: c.row.ID, QPVCode: code})
	}
	c.row.Territory = fr(fmt.Sprintf("Ville de %s : %s.", town.Name, frenchList(qnames)))
	rows.users = append(rows.users, coord)
	rows.clsms = append(rows.clsms, c.row)
	rows.clsmCommunes = append(rows.clsmCommunes, clsmCommuneRow{CLSMID: c.row.ID, INSEE: town.INSEE})
	admin := &g.admin.ID
	rows.audits = append(rows.audits,
		models.AuditEvent{ID: g.id("audit_events"), ActorID: admin, ObjectType: "clsm", ObjectID: c.row.ID, Action: "create", Detail: "CLSM créé : " + name, CreatedAt: joined},
		models.AuditEvent{ID: g.id("audit_events"), ActorID: admin, ObjectType: "user", ObjectID: coord.ID, Action: "create", Detail: "compte créé : " + coord.Email + " (coordinateur·rice)", CreatedAt: joined},
		models.AuditEvent{ID: g.id("audit_events"), ActorID: admin, ObjectType: "clsm", ObjectID: c.row.ID, Action: "coordinator", Detail: "coordination confiée à " + coord.Name, CreatedAt: joined})
	rows.outbox = append(rows.outbox, g.message("welcome", fmt.Sprintf("welcome:%d", coord.ID), coord, "Votre accès à « La santé mentale dans mon quartier »",
		"Bonjour "+coord.Name+",\n\nVotre compte de coordinateur·rice du "+name+" est ouvert.", joined, rng))
	for _, pi := range rng.Perm(len(scalePartners))[:2+rng.IntN(3)] {
		tpl := scalePartners[pi]
		where := town.Name
		if strings.Contains(tpl[0], "social %s") || strings.Contains(tpl[0], "sociale %s") {
			where = qnames[0]
		}
		org := models.Organisation{ID: g.id("organisations"), CLSMID: c.row.ID, Name: fmt.Sprintf(tpl[0], where), Kind: models.OrgKind(tpl[1]), CreatedAt: joined, UpdatedAt: joined}
		org.ContactEmail = "contact@" + slug(org.Name) + ".example.fr"
		c.orgs = append(c.orgs, org.Name)
		c.partners = append(c.partners, org)
		rows.orgs = append(rows.orgs, org)
		rows.audits = append(rows.audits, models.AuditEvent{ID: g.id("audit_events"), ActorID: admin, ObjectType: "clsm", ObjectID: c.row.ID,
			Action: "partner", Detail: "structure partenaire ajoutée : " + org.Name, CreatedAt: joined})
	}
	return c, nil
}

// ofTown is « de » and a town's name, with the article contracted or
// elided as French writes it: du Mans, des Abymes, d’Angers, de Lens.
func ofTown(name string) string {
	switch {
	case strings.HasPrefix(name, "Le "):
		return "du " + name[3:]
	case strings.HasPrefix(name, "Les "):
		return "des " + name[4:]
	case strings.ContainsRune("AEIOUYÉÈÊÎÔ", []rune(name)[0]):
		return "d’" + name
	}
	return "de " + name
}

// frenchSpaces puts the non-breaking spaces of French typography where a
// plain space was typed: before « : ; ? ! » and inside guillemets.
var frenchSpaces = strings.NewReplacer(" :", "\u00a0:", " ;", "\u00a0;", " ?", "\u00a0?", " !", "\u00a0!", "« ", "«\u00a0", " »", "\u00a0»")

// fr is s with French typography's non-breaking spaces.
func fr(s string) string { return frenchSpaces.Replace(s) }

// frenchList joins names as « A, B et C ».
func frenchList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " et " + names[len(names)-1]
}

// hasSession tells the request states that have a session row.
func hasSession(s models.RequestState) bool {
	switch s {
	case models.RequestProposed, models.RequestScheduled, models.RequestHeld, models.RequestClosed, models.RequestCancelled:
		return true
	}
	return false
}

// request generates one request with its windows, history, session,
// messages and audit events.
func (g *generator) request(rows *programmeRows, rng *rand.Rand, c *scaleCLSM, spec requestSpec) {
	took := spec.state == models.RequestHeld || spec.state == models.RequestClosed // its session took place
	if spec.season == 0 && took && g.today.Sub(g.seasons[0].StartsOn) < 60*24*time.Hour {
		spec.season = 1 // too early in the season for a session already held
	}
	season := g.seasons[spec.season]
	zone := territory.TimeZone(c.row.DepartementCode)
	loc := models.LocationOf(zone)
	coord, admin := c.coord.ID, g.admin.ID

	// When it was created and the day its first window starts.
	var created, first time.Time
	switch {
	case spec.season > 0:
		created = season.StartsOn.AddDate(0, 0, 10+rng.IntN(150)).Add(time.Duration(8*60+rng.IntN(600)) * time.Minute)
		first = created.AddDate(0, 0, 40+rng.IntN(30))
	case took:
		first = g.today.AddDate(0, 0, -20-rng.IntN(30))
		created = first.AddDate(0, 0, -45).Add(time.Duration(8*60+rng.IntN(600)) * time.Minute)
		if created.Before(season.StartsOn) {
			created = season.StartsOn.Add(9 * time.Hour)
		}
	default:
		created = g.now.AddDate(0, 0, -10-rng.IntN(50)).Truncate(time.Minute)
		if created.Before(season.StartsOn) {
			created = season.StartsOn.Add(9 * time.Hour)
		}
		first = g.today.AddDate(0, 0, 32+rng.IntN(90))
	}
	// gap separates the steps of its history; a request of the current
	// season still on its way has all of them before now.
	gap := 48 * time.Hour
	if spec.season == 0 && !took {
		gap = min(gap, g.now.Sub(created)/8)
	}
	first = models.CalendarDay(first)
	var fac *scaleFacilitator
	var start time.Time
	if hasSession(spec.state) {
		fac, start = g.book(rng, first, loc)
		first = models.CalendarDay(time.Date(start.In(loc).Year(), start.In(loc).Month(), start.In(loc).Day(), 0, 0, 0, 0, time.UTC))
	}

	r := models.Request{ID: g.id("requests"), CLSMID: c.row.ID, SeasonID: &season.ID, CreatedBy: coord, State: spec.state,
		CommuneINSEE: c.town.INSEE, Format: models.FormatInPerson, StepFree: []models.StepFree{models.StepFreeYes, models.StepFreeYes, models.StepFreeNo, models.StepFreeUnknown}[rng.IntN(4)],
		AudienceResidents: rng.IntN(5) > 0, AudienceElected: rng.IntN(2) == 0, AudienceProfessionals: rng.IntN(3) > 0, AudienceVolunteers: rng.IntN(2) == 0,
		ExpectedCount: 8 + rng.IntN(18), Priority: 1, TimeZone: zone, CreatedAt: created}
	if !r.AudienceResidents && !r.AudienceProfessionals {
		r.AudienceResidents = true
	}
	quartier := strings.TrimSuffix(c.qpvs[rng.IntN(len(c.qpvs))].Name, " ("+c.town.Name+")")
	if len(c.row.DepartementCode) == 3 && rng.IntN(2) == 0 {
		r.Format, r.StepFree = models.FormatRemote, models.StepFreeUnknown
		r.RemoteURL = fmt.Sprintf("https://visio.example.fr/%s-%d", slug(c.town.Name), r.ID)
		r.Notes = fr("Séance à distance : les horaires s’entendent à l’heure locale.")
	} else {
		r.VenueName = fmt.Sprintf(scaleVenues[rng.IntN(len(scaleVenues))], quartier)
		postcode := ""
		if len(c.town.Postcodes) > 0 {
			postcode = c.town.Postcodes[0] + " "
		}
		r.VenueAddress = fmt.Sprintf("%d %s, %s%s", 1+rng.IntN(120), scaleStreets[rng.IntN(len(scaleStreets))], postcode, c.town.Name)
	}
	var partners []string
	for _, oi := range rng.Perm(len(c.orgs))[:1+rng.IntN(len(c.orgs))] {
		partners = append(partners, c.orgs[oi])
	}
	r.Partners = strings.Join(partners, "\n")
	if rng.IntN(4) == 0 {
		r.Constraints = "Éviter le mercredi après-midi (activités jeunesse dans la salle)."
	}
	if spec.state == models.RequestDraft {
		r.ExpectedCount, r.Partners = 0, ""
	}
	for j, q := range c.qpvs {
		if j < 2 {
			rows.requestQPVs = append(rows.requestQPVs, requestQPVRow{RequestID: r.ID, QPVCode: q.Code})
		}
	}

	// Windows: the session's day (or the first wish), a second day, a range.
	second := workingDay(first.AddDate(0, 0, 8))
	ws := []models.RequestWindow{
		{Kind: models.WindowDay, DateFrom: first, DateTo: first, Part: models.Afternoon},
		{Kind: models.WindowDay, DateFrom: second, DateTo: second, Part: models.Morning},
		{Kind: models.WindowRange, DateFrom: second.AddDate(0, 0, 7), DateTo: second.AddDate(0, 0, 18), Weekdays: "2,4", Part: models.Afternoon},
	}
	if spec.state == models.RequestDraft {
		ws = ws[:2]
	}
	for j, w := range ws {
		w.ID, w.RequestID, w.Position = g.id("request_windows"), r.ID, j
		rows.windows = append(rows.windows, w)
	}

	// The history, from creation to the state reached.
	at := created
	event := func(actor int64, from, to models.RequestState, comment string, when time.Time) {
		a := actor
		rows.events = append(rows.events, models.RequestEvent{ID: g.id("request_events"), RequestID: r.ID, ActorID: &a, FromState: from, ToState: to, Comment: comment, CreatedAt: when})
		at = when
	}
	coordUser, adminUser := c.coord, g.admin
	mail := func(kind string, to models.User, subject, text string) {
		ev := rows.events[len(rows.events)-1]
		rows.outbox = append(rows.outbox, g.message(kind, fmt.Sprintf("%s:%d:%d", kind, r.ID, ev.ID), to, subject, text, ev.CreatedAt.Add(time.Second), rng))
	}
	subjectOf := func(s string) string { return fmt.Sprintf("%s (%s)", s, c.row.Name) }
	if spec.state == models.RequestDraft {
		event(coord, "", models.RequestDraft, "", created)
	} else {
		event(coord, "", models.RequestSubmitted, "", created)
		sub := created
		r.SubmittedAt = &sub
		mail("request_received", coordUser, subjectOf("Votre demande de séance est bien reçue"), "Bonjour "+coordUser.Name+",\n\nNous avons bien reçu votre demande de séance.")
		mail("request_to_review", adminUser, subjectOf("Nouvelle demande de séance à examiner"), "Une nouvelle demande de séance est à examiner.")
	}
	decided := created.Add(gap * time.Duration(1+rng.IntN(3)))
	decide := func(to models.RequestState, comment, subject string) {
		event(admin, models.RequestSubmitted, to, comment, decided)
		d := decided
		r.DecidedAt = &d
		mail("request_decision", coordUser, subjectOf(subject), "Bonjour "+coordUser.Name+",\n\n"+subject+".\n\n"+comment)
	}
	switch spec.state {
	case models.RequestChangesRequested:
		decide(spec.state, fr(scaleChangesComment), "Votre demande de séance : quelques précisions à apporter")
	case models.RequestAccepted:
		decide(spec.state, "", "Votre demande de séance est acceptée")
	case models.RequestDeclined:
		decide(spec.state, fr(scaleDeclineReasons[rng.IntN(len(scaleDeclineReasons))]), "Votre demande de séance n’est pas retenue")
	case models.RequestWithdrawn:
		event(coord, models.RequestSubmitted, spec.state, fr(scaleWithdrawReasons[rng.IntN(len(scaleWithdrawReasons))]), decided)
	}
	if fac != nil {
		decide(models.RequestAccepted, "", "Votre demande de séance est acceptée")
		end := start.Add(models.DefaultSessionLength)
		se := models.Session{ID: g.id("sessions"), RequestID: r.ID, FacilitatorID: fac.user.ID, StartsAt: start, EndsAt: end, TimeZone: zone,
			VenueName: r.VenueName, VenueAddress: r.VenueAddress, StepFree: r.StepFree, RemoteURL: r.RemoteURL, Capacity: 20, OrgCap: 4}
		proposed := decided.Add(gap)
		event(admin, models.RequestAccepted, models.RequestProposed, "Date proposée.", proposed)
		se.CreatedAt = proposed
		rows.audits = append(rows.audits, models.AuditEvent{ID: g.id("audit_events"), ActorID: &admin, ObjectType: "session", ObjectID: se.ID, Action: "propose",
			Detail: fmt.Sprintf("date proposée : %s, 14:00 – 17:00 (%s), avec %s", start.In(loc).Format("02/01/2006"), zone, fac.user.Name), CreatedAt: proposed})
		mail("invitation", coordUser, subjectOf("Une date est proposée pour votre séance"), "Bonjour "+coordUser.Name+",\n\nUne date est proposée pour votre séance : merci de la confirmer.")
		move := func(actor int64, from, to models.RequestState, comment string, when time.Time, fromLabel, toLabel string) {
			event(actor, from, to, comment, when)
			a := actor
			rows.audits = append(rows.audits, models.AuditEvent{ID: g.id("audit_events"), ActorID: &a, ObjectType: "session", ObjectID: se.ID, Action: string(to),
				Detail: fmt.Sprintf("séance « %s » → « %s » : %s", fromLabel, toLabel, comment), CreatedAt: when})
		}
		if spec.state != models.RequestProposed {
			confirmed := proposed.Add(gap)
			move(coord, models.RequestProposed, models.RequestScheduled, "Date confirmée.", confirmed, "Date proposée", "Programmée")
			se.ScheduledAt = &confirmed
			mail("invitation", fac.user, subjectOf("Séance programmée"), "Bonjour "+fac.user.Name+",\n\nUne séance vous est confiée.")
		}
		switch spec.state {
		case models.RequestCancelled:
			when := start.AddDate(0, 0, -3)
			reason := fr(scaleCancelReasons[rng.IntN(len(scaleCancelReasons))])
			move(admin, models.RequestScheduled, models.RequestCancelled, reason, when, "Programmée", "Annulée")
			se.CancelledAt, se.CancelReason, se.Sequence = &when, reason, 1
			mail("cancellation", coordUser, subjectOf("Séance annulée"), "Bonjour "+coordUser.Name+",\n\nLa séance est annulée : "+reason)
		case models.RequestHeld, models.RequestClosed:
			held := end.Add(time.Hour)
			move(fac.user.ID, models.RequestScheduled, models.RequestHeld, "Séance tenue.", held, "Programmée", "Tenue")
			se.HeldAt = &held
			if spec.state == models.RequestClosed {
				// The close sweep, once the debrief is written and the
				// feedback period over.
				closed := end.Add(models.DefaultFeedbackPeriod + time.Hour)
				move(admin, models.RequestHeld, models.RequestClosed, "Séance clôturée.", closed, "Tenue", "Clôturée")
				se.ClosedAt = &closed
			}
		}
		se.State = models.SessionState(spec.state)
		se.UpdatedAt = at
		r.SessionID = &se.ID
		rows.sessions = append(rows.sessions, se)
	}
	r.UpdatedAt = at
	rows.requests = append(rows.requests, r)
}

// book finds a facilitator and a start, 14:00 in the request's zone on or
// after day, that the facilitator works (Tuesday to Thursday, never
// Monday and Friday where their imported agenda is), with no session of
// theirs that day nor overlapping, within their weekly limit. It records
// the booking.
func (g *generator) book(rng *rand.Rand, day time.Time, loc *time.Location) (*scaleFacilitator, time.Time) {
	for d := day; ; d = d.AddDate(0, 0, 1) {
		wd := (int(d.Weekday())+6)%7 + 1
		if wd < 2 || wd > 4 {
			continue
		}
		start := time.Date(d.Year(), d.Month(), d.Day(), 14, 0, 0, 0, loc).UTC()
		end := start.Add(models.DefaultSessionLength)
		key := d.Format(time.DateOnly)
		y, w := d.ISOWeek()
		week := fmt.Sprintf("%d-%d", y, w)
		off := rng.IntN(len(g.facs))
		for i := range g.facs {
			f := g.facs[(off+i)%len(g.facs)]
			if !f.days[wd] || f.dates[key] || f.weeks[week] >= f.user.MaxPerWeek || overlaps(f.booked, start, end) {
				continue
			}
			f.dates[key] = true
			f.weeks[week]++
			f.booked = append(f.booked, interval{start, end})
			return f, start
		}
	}
}

// overlaps tells whether [start, end) meets one of the intervals (a gap of
// under an hour counts: nobody crosses a région in no time).
func overlaps(ivs []interval, start, end time.Time) bool {
	for _, iv := range ivs {
		if start.Before(iv.end.Add(time.Hour)) && iv.start.Before(end.Add(time.Hour)) {
			return true
		}
	}
	return false
}
