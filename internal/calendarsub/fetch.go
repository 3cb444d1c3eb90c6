package calendarsub

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"quartier/ical"
)

// FetchOptions configure a Fetcher (config keys calendar.*).
type FetchOptions struct {
	// Timeout bounds one whole fetch, redirects and body included.
	Timeout time.Duration
	// MaxBytes bounds the body.
	MaxBytes int64
	// AllowLoopback lets URLs reach 127.0.0.0/8 and ::1, for tests only.
	AllowLoopback bool
}

// Fetcher downloads subscribed calendars (.ics "secret addresses")
// safely: http(s) only, at most five redirects, a bounded body, and every
// connection checked at dial time against private, loopback, link-local
// and other non-public addresses, so neither a redirect nor a DNS answer
// that changes between check and use can reach the internal network.
type Fetcher struct {
	client   *http.Client
	maxBytes int64
}

// NewFetcher builds a fetcher; zero options get safe defaults.
func NewFetcher(o FetchOptions) *Fetcher {
	if o.Timeout <= 0 {
		o.Timeout = 20 * time.Second
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = ical.DefaultImportMaxBytes
	}
	dialer := &net.Dialer{
		Timeout: o.Timeout,
		Control: func(network, address string, _ syscall.RawConn) error {
			return checkDialAddress(address, o.AllowLoopback)
		},
	}
	transport := &http.Transport{
		Proxy:                 nil, // a proxy would be the address checked, not the calendar's
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   o.Timeout,
		ResponseHeaderTimeout: o.Timeout,
		// A calendar is fetched once an hour: no connection is worth keeping.
		DisableKeepAlives: true,
		ForceAttemptHTTP2: true,
	}
	client := &http.Client{
		Transport: transport,
		Timeout:   o.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return &FetchError{Kind: ErrFetchFailed, Detail: "too many redirects"}
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return &FetchError{Kind: ErrFetchScheme, Detail: "redirect to " + req.URL.Scheme}
			}
			return nil
		},
	}
	return &Fetcher{client: client, maxBytes: o.MaxBytes}
}

// Kinds of fetch failure, matched with errors.Is on a *FetchError.
var (
	// ErrFetchScheme: the address is not an http(s) URL.
	ErrFetchScheme = errors.New("calendar URL is not http(s)")
	// ErrFetchForbiddenAddress: the host is on a private, loopback,
	// link-local or otherwise non-public network.
	ErrFetchForbiddenAddress = errors.New("calendar host is not on the public internet")
	// ErrFetchStatus: the server answered with an error status.
	ErrFetchStatus = errors.New("calendar server answered with an error")
	// ErrFetchTimeout: the server did not answer in time.
	ErrFetchTimeout = errors.New("calendar server timed out")
	// ErrFetchTooLarge: the calendar is over the size limit.
	ErrFetchTooLarge = errors.New("calendar too large")
	// ErrFetchFailed: the server could not be reached.
	ErrFetchFailed = errors.New("calendar server unreachable")
)

// FetchError says why a subscribed calendar could not be fetched. Error is
// for logs (it never quotes the URL, a secret address); UserMessage is
// French, for the facilitator.
type FetchError struct {
	Kind   error
	Status int
	Detail string
}

// Error implements error.
func (e *FetchError) Error() string {
	msg := "fetch calendar: " + e.Kind.Error()
	if e.Status != 0 {
		msg += fmt.Sprintf(" (HTTP %d)", e.Status)
	}
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

// Unwrap lets errors.Is match the kind.
func (e *FetchError) Unwrap() error { return e.Kind }

// UserMessage returns the French message shown next to the address.
func (e *FetchError) UserMessage() string {
	switch e.Kind {
	case ErrFetchScheme:
		return "L'adresse doit commencer par https:// (ou http://), comme l'« adresse secrète » donnée par Outlook, Google Agenda ou Nextcloud."
	case ErrFetchForbiddenAddress:
		return "Cette adresse mène à un réseau privé ou local : pour des raisons de sécurité, seuls les calendriers publiés sur Internet sont acceptés."
	case ErrFetchStatus:
		if e.Status == http.StatusNotFound || e.Status == http.StatusGone {
			return fmt.Sprintf("Le serveur du calendrier ne trouve pas cette adresse (erreur %d) : vérifiez-la, ou générez une nouvelle adresse secrète.", e.Status)
		}
		if e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden {
			return fmt.Sprintf("Le serveur du calendrier refuse l'accès (erreur %d) : utilisez l'adresse secrète (privée) du calendrier.", e.Status)
		}
		return fmt.Sprintf("Le serveur du calendrier a répondu par une erreur (%d).", e.Status)
	case ErrFetchTimeout:
		return "Le serveur du calendrier n'a pas répondu à temps."
	case ErrFetchTooLarge:
		return "Ce calendrier est trop volumineux pour être importé."
	default:
		return "Impossible de joindre le serveur du calendrier : vérifiez l'adresse."
	}
}

// ParseURL checks a subscription address: absolute http(s) with a
// host. webcal:// and webcals:// (what calendar apps hand out) are read as
// https://.
func ParseURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if l := strings.ToLower(raw); strings.HasPrefix(l, "webcal://") || strings.HasPrefix(l, "webcals://") {
		raw = "https://" + raw[strings.Index(raw, "://")+3:]
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" {
		return nil, &FetchError{Kind: ErrFetchScheme}
	}
	return u, nil
}

// Conditional is what the last successful fetch returned, for a
// conditional request (If-None-Match, If-Modified-Since).
type Conditional struct {
	ETag, LastModified string
}

// Fetched is a fetch's outcome: NotModified (HTTP 304), or a body.
type Fetched struct {
	NotModified        bool
	Body               []byte
	ETag, LastModified string
}

// Fetch downloads the calendar at rawURL.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string, cond Conditional) (Fetched, error) {
	u, err := ParseURL(rawURL)
	if err != nil {
		return Fetched{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return Fetched{}, &FetchError{Kind: ErrFetchScheme, Detail: err.Error()}
	}
	req.Header.Set("Accept", "text/calendar, */*;q=0.5")
	req.Header.Set("User-Agent", "quartier-calendar/1")
	if cond.ETag != "" {
		req.Header.Set("If-None-Match", cond.ETag)
	}
	if cond.LastModified != "" {
		req.Header.Set("If-Modified-Since", cond.LastModified)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return Fetched{}, classifyFetchError(err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified:
		return Fetched{NotModified: true, ETag: cond.ETag, LastModified: cond.LastModified}, nil
	case resp.StatusCode != http.StatusOK:
		return Fetched{}, &FetchError{Kind: ErrFetchStatus, Status: resp.StatusCode}
	case resp.ContentLength > f.maxBytes:
		return Fetched{}, &FetchError{Kind: ErrFetchTooLarge, Detail: fmt.Sprintf("Content-Length %d", resp.ContentLength)}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.maxBytes+1))
	if err != nil {
		return Fetched{}, classifyFetchError(err)
	}
	if int64(len(body)) > f.maxBytes {
		return Fetched{}, &FetchError{Kind: ErrFetchTooLarge, Detail: fmt.Sprintf("more than %d bytes", f.maxBytes)}
	}
	return Fetched{Body: body, ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}, nil
}

// classifyFetchError maps a transport error to a FetchError, keeping the
// dial-time refusal as such.
func classifyFetchError(err error) error {
	var fe *FetchError
	if errors.As(err, &fe) {
		return fe
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return &FetchError{Kind: ErrFetchTimeout, Detail: "timeout"}
	}
	// The detail is the error's last part: the URL (a secret) stays out of logs.
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	return &FetchError{Kind: ErrFetchFailed, Detail: msg}
}

// checkDialAddress refuses to connect to anything but a public unicast
// address. It runs on the resolved IP of every connection, redirects
// included.
func checkDialAddress(address string, allowLoopback bool) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return &FetchError{Kind: ErrFetchForbiddenAddress, Detail: "unparsable address"}
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return &FetchError{Kind: ErrFetchForbiddenAddress, Detail: "not an IP address"}
	}
	if !publicAddress(ip, allowLoopback) {
		return &FetchError{Kind: ErrFetchForbiddenAddress, Detail: "refused " + ip.String()}
	}
	return nil
}
