package mailer

import (
	"context"
	"sync"
)

// FakeDriver records the messages it is given, for unit tests. Fail, when
// set, decides per message whether the delivery fails and with what error.
type FakeDriver struct {
	mu    sync.Mutex
	sent  []*Message
	calls int
	Fail  func(m *Message) error
}

// Send records every message that Fail does not fail.
func (f *FakeDriver) Send(ctx context.Context, msgs []*Message) []error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	errs := make([]error, len(msgs))
	for i, m := range msgs {
		if err := ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		if f.Fail != nil {
			if err := f.Fail(m); err != nil {
				errs[i] = err
				continue
			}
		}
		f.sent = append(f.sent, m)
	}
	return errs
}

// Sent returns a copy of the messages delivered so far, in order.
func (f *FakeDriver) Sent() []*Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*Message(nil), f.sent...)
}

// Calls returns how many batches the driver was given.
func (f *FakeDriver) Calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}
