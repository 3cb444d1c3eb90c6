package models

import (
	"context"
	"fmt"
	"sync"

	"gorm.io/gorm"
)

// maxSignupBatch bounds the registrations committed in one transaction.
const maxSignupBatch = 128

// signupBatcher commits concurrent registrations together (group commit).
// SQLite has one writer and a durable commit (synchronous=FULL) costs an
// fsync: one transaction per sign-up caps the rate at the disk's fsyncs
// per second. Registrations arriving while a batch is being written wait,
// then go together in the next transaction, each in its own savepoint, so
// that one refused registration (a duplicate, a full cap) leaves the
// others untouched. Every caller is answered only after the commit of the
// transaction that holds its registration. The batch is written in order
// of arrival, inside one BEGIN IMMEDIATE transaction: capacity, caps and
// waiting ranks are counted exactly as if each were alone.
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
	done      chan struct{}
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
func (s *Store) writeSignups(batch []*signupJob) {
	err := s.tx(context.Background(), func(tx *gorm.DB) error {
		cache := newBatchCache()
		now := s.Now()
		for i, j := range batch {
			sp := fmt.Sprintf("signup%d", i)
			if err := tx.SavePoint(sp).Error; err != nil {
				return err
			}
			j.out, j.err = s.register(tx, cache, j.partnerID, j.in, now)
			if j.err != nil {
				if err := tx.RollbackTo(sp).Error; err != nil {
					return err
				}
				// A refused registration may have cached rows read inside
				// the rolled-back savepoint: nothing it read was written
				// by it, so the cache stays true.
			}
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
