package app

import (
	"net/http"
	"runtime"
)

// takeTurns lets every request that is already waiting for the processor
// run before it serves its own. Go's scheduler notices a socket that
// became readable only when its processor runs out of work, or every
// 10 ms from its monitor thread, which queues those connections on the
// global run queue, read at the latest every 61 turns. On one busy core
// (serve under GOMAXPROCS=1, at saturation) a keep-alive connection whose
// client sends its next request while the last answer is being finished
// then finds it already there and serves it at once, again and again:
// in a runtime trace of /admin/clsm/:id under 16 connections, one
// connection served 34 requests in a row while the others, whose sockets
// the monitor had found ready, waited up to 100 ms. The page's p95 was
// four times its mean latency; yielding here brings it to about twice
// (docs/PERFORMANCE.md, « Turns »). It costs a trip through the
// scheduler per request, and delays no answer: the previous one on the
// connection is already sent.
type takeTurns struct{ next http.Handler }

func (t takeTurns) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	runtime.Gosched()
	t.next.ServeHTTP(w, r)
}
