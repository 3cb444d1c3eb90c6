package app

import (
	"context"
	"fmt"
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
// Under a limit the collector also runs less often (gcPercentUnderLimit,
// unless GOGC is set): the limit, not the heap's growth since the last
// cycle, then decides when it runs.
func setMemoryLimit(limit config.ByteSize, log *slog.Logger) {
	if limit <= 0 || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(int64(limit))
	gc := "GOGC"
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercentUnderLimit)
		gc = fmt.Sprint(gcPercentUnderLimit)
	}
	log.Info("memory limit set", "server.memory_limit", int64(limit), "gc_percent", gc)
}

// gcPercentUnderLimit is the collector's target heap growth while a memory
// limit is set. With Go's default (100) a heap of 12 MB live was collected
// every 12 MB allocated, about every 40 page views, for 11-16 % of a page's
// CPU; the limit bounds the heap anyway, and the idle release returns it
// to the system once a burst is over (docs/PERFORMANCE.md).
const gcPercentUnderLimit = 400

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
