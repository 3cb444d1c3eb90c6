package models

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// batchOf builds the jobs of one batch: partner index and person number.
func (f *signupFixture) batchOf(t *testing.T, jobs ...[2]int) []*signupJob {
	t.Helper()
	var out []*signupJob
	for _, j := range jobs {
		in, problems := person(j[1]).Problems()
		if len(problems) > 0 {
			t.Fatal(problems)
		}
		id := int64(9999)
		if j[0] >= 0 {
			id = f.partners[j[0]].ID
		}
		out = append(out, &signupJob{partnerID: id, in: in, done: make(chan struct{})})
	}
	return out
}

// TestWriteSignups_OneBatchDecidedInOrder writes one batch holding every
// case at once: the batch is decided in order of arrival as if each were
// alone (a duplicate email inside the batch, the cap reached inside the
// batch, an unknown link, the last place then the waiting list), a
// registration whose message cannot be composed is refused alone and the
// ones after it are decided without it, the ids follow the last one given,
// and each written registration has its one outbox row, in the same commit.
func TestWriteSignups_OneBatchDecidedInOrder(t *testing.T) {
	f := newSignupFixture(t, 2, 4, 2)
	before := f.register(t, 1, 100) // confirmed: 3 places left, partner 1 has 1 left
	f.mail.failFor = person(7).Email
	batch := f.batchOf(t,
		[2]int{0, 1},   // confirmed
		[2]int{0, 1},   // same email in the batch: refused
		[2]int{0, 2},   // confirmed, partner 0 at its cap
		[2]int{0, 3},   // beyond the cap: refused
		[2]int{-1, 4},  // unknown link
		[2]int{1, 7},   // its message fails: refused alone
		[2]int{1, 5},   // the last place (partner 1's last one, had 7 not failed it would be refused)
		[2]int{1, 6},   // partner 1 at its cap: refused
		[2]int{1, 100}, // already registered before the batch
	)
	f.s.writeSignups(batch)
	var ce *ConflictError
	want := []func(j *signupJob) bool{
		func(j *signupJob) bool { return j.err == nil && j.out.Registration.State == RegistrationConfirmed },
		func(j *signupJob) bool { return j.err != nil && fieldsOf(t, j.err)["email"] != "" },
		func(j *signupJob) bool { return j.err == nil && j.out.Registration.State == RegistrationConfirmed },
		func(j *signupJob) bool { return errors.As(j.err, &ce) && j.out.Registration.ID == 0 },
		func(j *signupJob) bool { return errors.Is(j.err, ErrLinkRevoked) },
		func(j *signupJob) bool { return j.err != nil && j.err.Error() != "" && j.out.Registration.ID == 0 },
		func(j *signupJob) bool { return j.err == nil && j.out.Registration.State == RegistrationConfirmed },
		func(j *signupJob) bool { return errors.As(j.err, &ce) },
		func(j *signupJob) bool { return j.err != nil && fieldsOf(t, j.err)["email"] != "" },
	}
	for i, j := range batch {
		if !want[i](j) {
			t.Errorf("job %d: %+v, %v", i, j.out, j.err)
		}
	}
	ids := []int64{batch[0].out.Registration.ID, batch[2].out.Registration.ID, batch[6].out.Registration.ID}
	last := before.Registration.ID
	for k, id := range ids {
		if id != last+int64(k)+1 {
			t.Errorf("ids %v do not follow %d", ids, last)
		}
	}
	if c, w := f.states(t); c != 4 || w != 0 {
		t.Errorf("in the database: %d confirmed, %d waiting", c, w)
	}
	for _, id := range ids {
		var r Registration
		if err := f.s.db.Take(&r, id).Error; err != nil || r.State != RegistrationConfirmed || r.CreatedAt.IsZero() || r.ConfirmedAt == nil {
			t.Errorf("registration %d: %+v (%v)", id, r, err)
		}
		var n int64
		f.s.db.Model(&OutboxMessage{}).Where("dedup_key = ?", fmt.Sprint("participant:", id, ":", ParticipantRegistered)).Count(&n)
		if n != 1 {
			t.Errorf("registration %d has %d outbox rows", id, n)
		}
	}

	// The next sign-up goes on the waiting list, rank 1, id after the batch's.
	p, err := f.s.InvitePartner(context.Background(), f.coord.ID, f.session.ID, 0, OrganisationInput{
		Name: "Association 3", Kind: OrgAssociation, ContactEmail: "contact3@asso.fr"})
	if err != nil {
		t.Fatal(err)
	}
	f.partners = append(f.partners, p)
	su, err := f.s.Register(context.Background(), f.partners[2].ID, person(8))
	// (On PostgreSQL the batch drew one id per job from the sequence, the
	// refused ones' too: the next is above, not next.)
	next := su.Registration.ID == ids[2]+1 || f.s.Engine() == Postgres && su.Registration.ID > ids[2]
	if err != nil || su.Registration.State != RegistrationWaiting || su.Rank != 1 || !next {
		t.Errorf("after the batch: %+v, %v", su, err)
	}
}

// TestWriteSignups_RateLimitWithinABatch: a link's rate counts the
// sign-ups accepted earlier in the same batch, and only those.
func TestWriteSignups_RateLimitWithinABatch(t *testing.T) {
	f := newSignupFixture(t, 1, 20, 10)
	f.s.UseSignupPolicy(SignupPolicy{PostsPerLink: 3, Window: 15 * time.Minute})
	f.register(t, 0, 1)
	batch := f.batchOf(t, [2]int{0, 1}, [2]int{0, 2}, [2]int{0, 3}, [2]int{0, 4})
	f.s.writeSignups(batch)
	if batch[0].err == nil || batch[1].err != nil || batch[2].err != nil || !errors.Is(batch[3].err, ErrSignupRateLimited) {
		t.Errorf("errors: %v, %v, %v, %v", batch[0].err, batch[1].err, batch[2].err, batch[3].err)
	}
	var hits int64
	f.s.db.Model(&RateHit{}).Where("bucket = ?", signupBucket(f.partners[0].ID)).Count(&hits)
	if hits != 3 {
		t.Errorf("%d rate hits, want 3 (the duplicate and the refused one do not count)", hits)
	}
}
