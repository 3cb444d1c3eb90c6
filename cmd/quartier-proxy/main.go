// Command quartier-proxy is the small load balancer of the scale-out
// setup (scripts/scaleout): it forwards each request to the next healthy
// backend in turn (round robin), checks every backend's /healthz at an
// interval, and leaves out those that fail until they answer again. It
// sets X-Forwarded-For (quartier believes it from the addresses in
// server.trusted_proxies) and keeps the Host header of the client.
//
//	quartier-proxy -listen 127.0.0.1:8080 -backend http://127.0.0.1:8081 -backend http://127.0.0.1:8082
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// balancer forwards requests round robin over the healthy backends.
type balancer struct {
	backends []*backend
	next     atomic.Uint64
	client   *http.Client
	log      *slog.Logger
}

// backend is one quartier instance behind the proxy.
type backend struct {
	url     *url.URL
	proxy   *httputil.ReverseProxy
	healthy atomic.Bool
}

func newBalancer(urls []*url.URL, log *slog.Logger) *balancer {
	b := &balancer{client: &http.Client{Timeout: 2 * time.Second}, log: log}
	for _, u := range urls {
		be := &backend{url: u}
		be.proxy = &httputil.ReverseProxy{
			Rewrite: func(r *httputil.ProxyRequest) {
				r.SetURL(u)
				r.SetXForwarded()
				r.Out.Host = r.In.Host
			},
			ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
				log.Warn("backend failed", "backend", u.String(), "err", err)
				be.healthy.Store(false)
				unavailable(w)
			},
		}
		be.healthy.Store(true) // until the first check says otherwise
		b.backends = append(b.backends, be)
	}
	return b
}

// unavailable answers 503 in French: no instance can take the request.
func unavailable(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Retry-After", "5")
	w.WriteHeader(http.StatusServiceUnavailable)
	fmt.Fprintln(w, "Le service est momentanément indisponible. Réessayez dans quelques instants.")
}

// pick returns the next healthy backend after the last one used, or nil.
func (b *balancer) pick() *backend {
	n := uint64(len(b.backends))
	start := b.next.Add(1)
	for i := range n {
		if be := b.backends[(start+i)%n]; be.healthy.Load() {
			return be
		}
	}
	return nil
}

func (b *balancer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	be := b.pick()
	if be == nil {
		unavailable(w)
		return
	}
	be.proxy.ServeHTTP(w, r)
}

// check asks every backend's /healthz once and records the answer.
func (b *balancer) check(ctx context.Context) {
	var wg sync.WaitGroup
	for _, be := range b.backends {
		wg.Go(func() {
			ok := false
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, be.url.JoinPath("/healthz").String(), nil)
			if err == nil {
				if resp, err := b.client.Do(req); err == nil {
					resp.Body.Close()
					ok = resp.StatusCode == http.StatusOK
				}
			}
			if was := be.healthy.Swap(ok); was != ok {
				b.log.Info("backend health changed", "backend", be.url.String(), "healthy", ok)
			}
		})
	}
	wg.Wait()
}

// watch checks the backends every interval until ctx ends.
func (b *balancer) watch(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		b.check(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// backendList is the repeatable -backend flag.
type backendList []*url.URL

func (l *backendList) String() string { return fmt.Sprint(*l) }
func (l *backendList) Set(s string) error {
	for _, part := range strings.Split(s, ",") {
		u, err := url.Parse(strings.TrimSpace(part))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%q is not an http(s) URL", part)
		}
		*l = append(*l, u)
	}
	return nil
}

func main() {
	var backends backendList
	listen := flag.String("listen", "127.0.0.1:8080", "address to listen on")
	interval := flag.Duration("health-interval", time.Second, "how often each backend's /healthz is checked")
	flag.Var(&backends, "backend", "a backend's base URL (repeat, or separate with commas)")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if len(backends) == 0 {
		fmt.Fprintln(os.Stderr, "quartier-proxy: at least one -backend is needed")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	b := newBalancer(backends, log)
	go b.watch(ctx, *interval)
	srv := &http.Server{Addr: *listen, Handler: b, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		srv.Shutdown(shut)
	}()
	log.Info("quartier-proxy listening", "listen", *listen, "backends", backends.String())
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("listen", "err", err)
		os.Exit(1)
	}
}
