package models

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"
)

// maxSignupBatch bounds the registrations committed in one transaction.
const maxSignupBatch = 128

// signupBatcher commits concurrent registrations together (group commit).
// SQLite has one writer and a durable commit (synchronous=FULL) costs an
// fsync: one transaction per sign-up caps the rate at the disk's fsyncs
// per second. Registrations arriving while a batch is being written wait,
// then go together in the next transaction. Every caller is answered only
// after the commit of the transaction that holds its registration and its
// message. The batch is decided in order of arrival, inside one BEGIN
// IMMEDIATE transaction (on PostgreSQL, where each instance has its own
// batcher, under the row locks of the batch's sessions, so that two
// instances' batches of one session are decided one after the other):
// capacity, caps and waiting ranks are counted
// exactly as if each were alone, and a refused registration (a duplicate, a
// full cap) leaves the others untouched.
//
// Its zero value is ready; the Store holds one.
type signupBatcher struct {
	mu      sync.Mutex
	queue   []*signupJob
	running bool
}

// signupJob is one registration waiting for its batch.
type signupJob struct {
	partnerID int64
	in        RegistrationInput
	out       Signup
	err       error
	// dropped: refused because its message could not be composed.
	dropped bool
	done    chan struct{}
}

// submit queues a registration and waits for the commit of its batch. The
// first caller that finds no batch running starts the writer, which drains
// the queue batch after batch and stops when it is empty.
func (b *signupBatcher) submit(s *Store, partnerID int64, in RegistrationInput) (Signup, error) {
	j := &signupJob{partnerID: partnerID, in: in, done: make(chan struct{})}
	b.mu.Lock()
	b.queue = append(b.queue, j)
	start := !b.running
	b.running = true
	b.mu.Unlock()
	if start {
		go b.drain(s)
	}
	<-j.done
	return j.out, j.err
}

// drain writes batches until the queue is empty.
func (b *signupBatcher) drain(s *Store) {
	for {
		b.mu.Lock()
		n := min(len(b.queue), maxSignupBatch)
		if n == 0 {
			b.running = false
			b.mu.Unlock()
			return
		}
		batch := b.queue[:n:n]
		b.queue = b.queue[n:]
		if len(b.queue) == 0 {
			b.queue = nil
		}
		b.mu.Unlock()
		s.writeSignups(batch)
	}
}

// writeSignups writes one batch in one transaction and answers its callers
// once it is committed (or failed). The transaction does not follow any
// caller's context: a caller going away must not undo the others.
//
// The writer holds SQLite's only write lock from the first statement to
// the commit, so it does as little as it can inside: what the batch's
// decisions need is read in a few statements for the whole batch
// (loadSignupBatch), the decisions are taken in memory in order of arrival
// (decide), the messages are composed on every core at once (they depend
// on the registrations' ids, which the writer assigns itself:
// newRegistrationIDs), and the registrations, outbox rows and rate hits are written with
// one multi-row INSERT each. The outbox rows are in the commit of their
// registrations: no message is lost or sent twice.
func (s *Store) writeSignups(batch []*signupJob) {
	var plans []*signupPlan
	err := s.tx(context.Background(), func(tx *gorm.DB) error {
		now := s.Now()
		st, err := s.loadSignupBatch(tx, batch, now)
		if err != nil {
			return err
		}
		for {
			plans = st.decide(s, batch, now)
			// A message that cannot be composed refuses its registration
			// alone; the others are decided again without it.
			if !s.composeSignups(plans, now) {
				break
			}
		}
		if err := insertRegistrations(tx, plans); err != nil {
			return err
		}
		var envs []Envelope
		for _, p := range plans {
			envs = append(envs, p.envs...)
		}
		if err := enqueueAll(tx, envs, now); err != nil {
			return err
		}
		if s.signups.PostsPerLink > 0 {
			return insertRateHits(tx, plans, now)
		}
		return nil
	})
	for _, j := range batch {
		if err != nil {
			j.out, j.err = Signup{}, fmt.Errorf("commit sign-ups: %w", err)
		}
		close(j.done)
	}
}

// signupBatchState is what a batch's decisions are taken on, read once for
// the whole batch inside its transaction.
type signupBatchState struct {
	partners map[int64]signupPartner // live (not revoked) partners of the batch
	sessions map[int64]Session
	parties  map[int64]sessionMailParties
	// partiesErr: why a session's mail parties could not be read.
	partiesErr map[int64]error
	places     map[int64]placeCounts // live registrations per session
	mine       map[int64]int         // live registrations per partner
	hits       map[int64]int         // rate hits per partner in the window
	live       map[sessionEmail]bool // live registrations of the batch's emails
	ids        []int64               // the ids to give, in order, one per job
}

// sessionEmail is one email on one session.
type sessionEmail struct {
	session int64
	email   string
}

// signupPlan is one registration the batch writes, with its messages.
type signupPlan struct {
	job     *signupJob
	reg     Registration
	rank    int
	change  ParticipantChange
	session Session
	partner signupPartner
	parties sessionMailParties
	envs    []Envelope
}

// loadSignupBatch reads, in a handful of statements for the whole batch,
// the partners, their sessions and organisations, the live registrations
// counted per session and per partner, the batch's emails already live on
// their sessions, the rate hits of each link and the last registration id.
func (s *Store) loadSignupBatch(tx *gorm.DB, batch []*signupJob, now time.Time) (*signupBatchState, error) {
	st := &signupBatchState{partners: map[int64]signupPartner{}, sessions: map[int64]Session{},
		parties: map[int64]sessionMailParties{}, partiesErr: map[int64]error{}, places: map[int64]placeCounts{},
		mine: map[int64]int{}, hits: map[int64]int{}, live: map[sessionEmail]bool{}}
	partnerIDs := distinct(batch, func(j *signupJob) int64 { return j.partnerID })
	// Another instance deciding sign-ups, cancellations or limits of the
	// same sessions waits for this commit (and this one for its), so that
	// everything below is read after the other's writes.
	if err := s.lockPartnersSessions(tx, partnerIDs); err != nil {
		return nil, fmt.Errorf("lock sessions: %w", err)
	}
	var sps []SessionPartner
	if err := tx.Where("id IN ? AND revoked_at IS NULL", partnerIDs).Find(&sps).Error; err != nil {
		return nil, fmt.Errorf("load partners: %w", err)
	}
	if len(sps) == 0 {
		return st, nil
	}
	orgIDs := make([]int64, 0, len(sps))
	sessionIDs := make([]int64, 0, 1)
	seen := map[int64]bool{}
	for _, p := range sps {
		orgIDs = append(orgIDs, p.OrganisationID)
		if !seen[p.SessionID] {
			seen[p.SessionID] = true
			sessionIDs = append(sessionIDs, p.SessionID)
		}
	}
	var orgs []Organisation
	if err := tx.Where("id IN ?", orgIDs).Find(&orgs).Error; err != nil {
		return nil, fmt.Errorf("load organisations: %w", err)
	}
	orgByID := make(map[int64]Organisation, len(orgs))
	for _, o := range orgs {
		orgByID[o.ID] = o
	}
	for _, p := range sps {
		o, ok := orgByID[p.OrganisationID]
		if !ok {
			return nil, fmt.Errorf("load organisation %d: %w", p.OrganisationID, gorm.ErrRecordNotFound)
		}
		st.partners[p.ID] = signupPartner{SessionPartner: p, Organisation: o}
	}
	var sessions []Session
	if err := tx.Where("id IN ?", sessionIDs).Find(&sessions).Error; err != nil {
		return nil, fmt.Errorf("load sessions: %w", err)
	}
	for _, se := range sessions {
		st.sessions[se.ID] = se
		if s.mail != nil {
			parties, err := newBatchCache().sessionParties(tx, se)
			if err != nil {
				st.partiesErr[se.ID] = err
			}
			st.parties[se.ID] = parties
		}
	}
	var places []struct {
		SessionID int64
		State     RegistrationState
		N         int
	}
	if err := tx.Raw(`SELECT session_id, state, COUNT(*) AS n FROM registrations
		WHERE session_id IN ? AND state IN ('confirmed', 'waiting') GROUP BY session_id, state`, sessionIDs).
		Scan(&places).Error; err != nil {
		return nil, fmt.Errorf("count registrations per session: %w", err)
	}
	for _, p := range places {
		c := st.places[p.SessionID]
		if p.State == RegistrationConfirmed {
			c.Confirmed = p.N
		} else {
			c.Waiting = p.N
		}
		st.places[p.SessionID] = c
	}
	var mine []struct {
		PartnerID int64
		N         int
	}
	if err := tx.Raw(`SELECT partner_id, COUNT(*) AS n FROM registrations
		WHERE partner_id IN ? AND state IN ('confirmed', 'waiting') GROUP BY partner_id`, partnerIDs).
		Scan(&mine).Error; err != nil {
		return nil, fmt.Errorf("count registrations per partner: %w", err)
	}
	for _, m := range mine {
		st.mine[m.PartnerID] = m.N
	}
	emails := distinct(batch, func(j *signupJob) string { return j.in.Email })
	var live []struct {
		SessionID int64
		Email     string
	}
	if err := tx.Raw(`SELECT session_id, email FROM registrations
		WHERE session_id IN ? AND email IN ? AND state <> 'cancelled'`, sessionIDs, emails).
		Scan(&live).Error; err != nil {
		return nil, fmt.Errorf("find live registrations: %w", err)
	}
	for _, l := range live {
		st.live[sessionEmail{l.SessionID, l.Email}] = true
	}
	if lim := s.signups.PostsPerLink; lim > 0 {
		buckets := make([]string, len(partnerIDs))
		for i, id := range partnerIDs {
			buckets[i] = signupBucket(id)
		}
		var hits []struct {
			Bucket string
			N      int
		}
		if err := tx.Raw(`SELECT bucket, COUNT(*) AS n FROM rate_hits WHERE bucket IN ? AND at > ? GROUP BY bucket`,
			buckets, now.Add(-s.signups.Window)).Scan(&hits).Error; err != nil {
			return nil, fmt.Errorf("count sign-ups per link: %w", err)
		}
		for _, h := range hits {
			var id int64
			if _, err := fmt.Sscanf(h.Bucket, "signup-link:%d", &id); err == nil {
				st.hits[id] = h.N
			}
		}
	}
	// The writer gives the ids itself, so that the messages, which carry
	// them, are composed before the INSERT: one for each job at most.
	ids, err := s.newRegistrationIDs(tx, len(batch))
	if err != nil {
		return nil, fmt.Errorf("new registration ids: %w", err)
	}
	st.ids = ids
	return st, nil
}

// distinct returns the distinct keys of the batch's jobs, in order.
func distinct[K comparable](batch []*signupJob, key func(*signupJob) K) []K {
	seen := make(map[K]bool, len(batch))
	out := make([]K, 0, len(batch))
	for _, j := range batch {
		if k := key(j); !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// signupBucket is the rate-limit bucket of a partner's link.
func signupBucket(partnerID int64) string { return fmt.Sprintf("signup-link:%d", partnerID) }

// decide takes the batch's registrations in order of arrival on the state
// read for it, as if each were alone: the link must be live and within its
// rate, the session scheduled and not started, the email not already
// registered to it, the organisation under its cap; the person is
// confirmed while places are left and nobody waits, otherwise put on the
// waiting list with its rank. A refusal is the job's error; a job whose
// error is already set (its message could not be composed) is left out.
// It returns the registrations to write, ids given in order.
func (st *signupBatchState) decide(s *Store, batch []*signupJob, now time.Time) []*signupPlan {
	places := make(map[int64]placeCounts, len(st.places))
	for k, v := range st.places {
		places[k] = v
	}
	mine := make(map[int64]int, len(st.mine))
	for k, v := range st.mine {
		mine[k] = v
	}
	hits := make(map[int64]int, len(st.hits))
	for k, v := range st.hits {
		hits[k] = v
	}
	added := map[sessionEmail]bool{}
	next := 0 // into st.ids
	plans := make([]*signupPlan, 0, len(batch))
	for _, j := range batch {
		if j.dropped {
			continue // refused for its message
		}
		j.out, j.err = Signup{}, nil
		p, ok := st.partners[j.partnerID]
		if !ok {
			j.err = ErrLinkRevoked
			continue
		}
		if lim := s.signups.PostsPerLink; lim > 0 && hits[p.ID] >= lim {
			j.err = ErrSignupRateLimited
			continue
		}
		se, ok := st.sessions[p.SessionID]
		if !ok {
			j.err = &NotFoundError{What: "séance"}
			continue
		}
		if err := checkOpenForSignup(se, now); err != nil {
			j.err = err
			continue
		}
		key := sessionEmail{se.ID, j.in.Email}
		if st.live[key] || added[key] {
			j.err = invalid("email", "Cette personne est déjà inscrite à cette séance (même adresse électronique) : inutile de l’inscrire une seconde fois.")
			continue
		}
		if n := mine[p.ID]; n >= se.OrgCap {
			j.err = &ConflictError{Message: fmt.Sprintf(
				"Votre structure a déjà inscrit %d personne%s, le maximum par structure pour cette séance : la séance est ouverte à plusieurs structures du quartier. Pour inscrire quelqu’un d’autre, annulez d’abord une inscription.",
				n, plural(n))}
			continue
		}
		if err := st.partiesErr[se.ID]; err != nil {
			j.err = err
			continue
		}
		id := st.ids[next]
		next++
		in := j.in
		c := places[se.ID]
		plan := &signupPlan{job: j, session: se, partner: p, parties: st.parties[se.ID], change: ParticipantRegistered, reg: Registration{
			ID: id, SessionID: se.ID, PartnerID: p.ID, FirstName: in.FirstName, LastName: in.LastName,
			Email: in.Email, Category: in.Category, Role: in.Role, Accommodations: strings.Join(in.Accommodations, ","),
			State: RegistrationWaiting, CreatedAt: now, UpdatedAt: now}}
		if c.Confirmed < se.Capacity && c.Waiting == 0 {
			plan.reg.State, plan.reg.ConfirmedAt = RegistrationConfirmed, &now
			c.Confirmed++
		} else {
			c.Waiting++
			plan.rank, plan.change = c.Waiting, ParticipantWaiting
		}
		places[se.ID] = c
		mine[p.ID]++
		hits[p.ID]++
		added[key] = true
		j.out = Signup{Registration: plan.reg, Rank: plan.rank}
		plans = append(plans, plan)
	}
	return plans
}

// composeSignups composes the message of each plan, on every core at once
// (the store's Mail must be safe for concurrent use). A plan whose message
// fails refuses its job, and composeSignups says so: the batch is then
// decided again without it (the ranks and places after it change).
func (s *Store) composeSignups(plans []*signupPlan, now time.Time) (failed bool) {
	if s.mail == nil || len(plans) == 0 {
		return false
	}
	cutoff := s.PromotionCutoff()
	compose := func(p *signupPlan) {
		st := p.session
		parties := p.parties
		p.envs, p.job.err = s.compose(now, &ParticipantNotice{Change: p.change, Registration: p.reg, Session: st,
			CLSM: parties.CLSM, Organisation: p.partner.Organisation, Coordinator: parties.Coordinator, Rank: p.rank,
			PromotionUntil: st.StartsAt.Add(-cutoff)})
	}
	workers := min(runtime.GOMAXPROCS(0), len(plans))
	next := make(chan *signupPlan)
	var wg sync.WaitGroup
	for range workers - 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range next {
				compose(p)
			}
		}()
	}
	if workers > 1 {
		for _, p := range plans {
			next <- p
		}
	} else {
		for _, p := range plans {
			compose(p)
		}
	}
	close(next)
	wg.Wait()
	for _, p := range plans {
		if p.job.err != nil {
			failed = true
			p.job.out, p.job.dropped = Signup{}, true
		}
	}
	return failed
}

// insertRegistrations writes the plans' registrations, their ids given,
// with multi-row INSERTs.
func insertRegistrations(tx *gorm.DB, plans []*signupPlan) error {
	const cols = 17
	for chunk := range slices.Chunk(plans, 100) {
		var sql strings.Builder
		sql.WriteString(`INSERT INTO registrations (id, session_id, partner_id, first_name, last_name, email, category, role,
			accommodations, state, cancel_version, confirmed_at, promoted_at, cancelled_at, cancelled_by, created_at, updated_at) VALUES `)
		args := make([]any, 0, cols*len(chunk))
		for i, p := range chunk {
			if i > 0 {
				sql.WriteString(", ")
			}
			sql.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			r := p.reg
			args = append(args, r.ID, r.SessionID, r.PartnerID, r.FirstName, r.LastName, r.Email, string(r.Category), r.Role,
				r.Accommodations, string(r.State), r.CancelVersion, r.ConfirmedAt, r.PromotedAt, r.CancelledAt, r.CancelledBy,
				r.CreatedAt, r.UpdatedAt)
		}
		if err := tx.Exec(sql.String(), args...).Error; err != nil {
			return fmt.Errorf("create registrations: %w", err)
		}
	}
	return nil
}

// insertRateHits counts the plans' sign-ups against their links' rate.
func insertRateHits(tx *gorm.DB, plans []*signupPlan, now time.Time) error {
	for chunk := range slices.Chunk(plans, 400) {
		var sql strings.Builder
		sql.WriteString(`INSERT INTO rate_hits (bucket, at) VALUES `)
		args := make([]any, 0, 2*len(chunk))
		for i, p := range chunk {
			if i > 0 {
				sql.WriteString(", ")
			}
			sql.WriteString("(?, ?)")
			args = append(args, signupBucket(p.reg.PartnerID), now)
		}
		if err := tx.Exec(sql.String(), args...).Error; err != nil {
			return fmt.Errorf("count sign-ups per link: %w", err)
		}
	}
	return nil
}
