package app

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"runtime/debug"
	"sync/atomic"
	"time"

	"quartier/config"
)

// idleRelease is how long serve must have answered no request before it
// gives the memory of the last burst back to the system.
const idleRelease = 5 * time.Second

// setMemoryLimit sets the Go runtime's soft memory limit from
// server.memory_limit, unless GOMEMLIMIT is set (the operator's word wins).
func setMemoryLimit(limit config.ByteSize, log *slog.Logger) {
	if limit <= 0 || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(int64(limit))
	log.Info("memory limit set", "server.memory_limit", int64(limit))
}

// trafficCounter counts the requests it passes on, so that serve knows
// when a burst of traffic is over.
type trafficCounter struct {
	next http.Handler
	n    atomic.Int64
}

func (t *trafficCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	t.n.Add(1)
	t.next.ServeHTTP(w, r)
}

// releaseWhenIdle calls release once requests stop for a whole period
// after some traffic; serve's release closes the idle database connections
// (their page caches) and calls debug.FreeOSMemory, which returns the freed
// heap at once where the runtime's background scavenger would take
// minutes, the resident set staying at the burst's peak meanwhile. One
// release per quiet period, none while serve is busy or stays idle.
func (t *trafficCounter) releaseWhenIdle(ctx context.Context, every time.Duration, release func()) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	t.releaseOnTicks(ctx, tick.C, release, func() {})
}

// releaseOnTicks is releaseWhenIdle's loop, driven by ticks (one per
// period) and calling decided after each tick's decision, so that tests
// can tick it in step without sleeping.
func (t *trafficCounter) releaseOnTicks(ctx context.Context, ticks <-chan time.Time, release, decided func()) {
	seen, busy := t.n.Load(), false
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticks:
		}
		switch n := t.n.Load(); {
		case n != seen:
			seen, busy = n, true
		case busy:
			release()
			busy = false
		}
		decided()
	}
}
