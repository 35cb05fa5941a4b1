package rest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Client sends requests to one API server. It is safe for concurrent use and
// holds one shared transport (HTTP/2, keep-alive, gzip); create one per server
// and identity and reuse it.
type Client struct {
	cfg        *Config // a private copy
	base       *url.URL
	hc         *http.Client
	transport  *http.Transport // nil when Config.HTTPClient is used
	auth       *authenticator  // nil when Config.HTTPClient is used
	certs      *certSource
	limiter    *tokenBucket
	warnings   WarningHandler
	userAgent  string
	maxRetries int
	maxBody    int64      // -1: none
	maxEvent   int64      // -1: none
	sleep      sleepFunc  // waits between retries; a seam for tests
	cbor       *cborState // what the server has shown of CBOR (shared by copies)
}

// Request is one API request. Build Path with [ResourcePath.Build] or
// [GroupVersionPath]; Query with [ListQuery] and friends.
type Request struct {
	Method string      // "GET", "POST", ...; "" means GET
	Path   string      // absolute API path, e.g. "/apis/apps/v1/namespaces/ns/deployments/x"
	Query  url.Values  // nil = none
	Header http.Header // extra headers, e.g. Accept, Content-Type, If-None-Match
	Body   []byte      // nil = no body; a body without Content-Type is sent as application/json
	// NoRetry5xx returns a 5xx answer at once instead of retrying it (429s
	// and dropped connections are still retried), for requests where a 5xx
	// means "this part is down" and the caller reports it rather than
	// waits: discovery of a group-version served by an aggregated
	// APIService whose backend is gone answers 503 until it is back.
	NoRetry5xx bool
	// JSONFallback goes with a CBOR Body (Content-Type application/cbor or
	// application/apply-patch+cbor) and returns the same body as JSON with
	// its Content-Type. When the server answers the CBOR body with 415
	// Unsupported Media Type, Do remembers that this server takes no CBOR
	// bodies ([Client.CBORBodies] reports false from then on) and sends the
	// request once more with the fallback; a later request with a CBOR
	// body and a fallback goes as JSON at once. Without a fallback the 415
	// is returned.
	JSONFallback func() (body []byte, contentType string, err error)
}

// Response is an open response with status < 400 (including 304 Not
// Modified). The caller must Close Body; until then it streams, so lists and
// watches can be decoded as they arrive.
//
// The body of a response that is not a watch fails a read past
// Config.MaxResponseBytes; a watch decoder reads through [Response.Events],
// which bounds each event.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       io.ReadCloser
	// ContentLength is the length the server declared for Body (a hint
	// for sizing a buffer; a read past Config.MaxResponseBytes fails
	// whatever it says), or -1 when it declared none.
	ContentLength int64

	method, path, host string // the request, for errors
	maxEvent           int64  // Config.MaxEventBytes in force; -1: none
}

// NewClient returns a client for cfg. It reads cfg's files (CA, client
// certificate) once now to report mistakes early; token and certificate
// files are re-read later when they change. cfg is copied.
func NewClient(cfg *Config) (*Client, error) {
	if cfg == nil {
		return nil, errors.New("new client: nil Config")
	}
	cfg = copyConfig(cfg)
	base, err := parseHost(cfg.Host)
	if err != nil {
		return nil, fmt.Errorf("new client: %w", err)
	}
	c := &Client{
		cfg:        cfg,
		base:       base,
		limiter:    newTokenBucket(cfg.QPS, cfg.Burst),
		warnings:   cfg.WarningHandler,
		userAgent:  cfg.UserAgent,
		maxRetries: cfg.MaxRetries,
		maxBody:    limitValue(cfg.MaxResponseBytes, DefaultMaxResponseBytes),
		maxEvent:   limitValue(cfg.MaxEventBytes, DefaultMaxEventBytes),
		sleep:      sleepCtx,
		cbor:       &cborState{},
	}
	if c.warnings == nil {
		c.warnings = NewWarningWriter(nil, true)
	}
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent
	}
	switch {
	case c.maxRetries == 0:
		c.maxRetries = DefaultMaxRetries
	case c.maxRetries < 0:
		c.maxRetries = 0
	}
	if cfg.HTTPClient != nil {
		c.hc = c.wrapClient(cfg.HTTPClient)
		return c, nil
	}
	if err := c.initTransport(); err != nil {
		return nil, fmt.Errorf("new client for %s: %w", maskURL(base), err)
	}
	return c, nil
}

func (c *Client) initTransport() error {
	cfg := c.cfg
	certs, err := newCertSource(&cfg.TLS, cfg.Exec != nil)
	if err != nil {
		return err
	}
	t, err := newTransport(cfg, certs)
	if err != nil {
		return err
	}
	c.certs, c.transport = certs, t
	c.hc = c.wrapClient(&http.Client{Transport: t})
	c.auth = newAuthenticator(cfg, certs)
	if cfg.Exec != nil {
		exec, err := newExecProvider(cfg, certs)
		if err != nil {
			return err
		}
		c.auth.exec = exec
	}
	return nil
}

// Config returns a copy of the client's configuration.
func (c *Client) Config() *Config { return copyConfig(c.cfg) }

// Host returns the base URL requests go to, e.g. "https://127.0.0.1:6443".
func (c *Client) Host() string { return c.base.String() }

// Do sends req and returns the open response if its status is below 400.
//
// A status of 400 or more is returned as an error: a *apierrors.StatusError
// built from the server's metav1.Status body, or, for any other body, a
// *apierrors.StatusError with the reason the HTTP status implies and a
// message naming the method, path, status and a snippet of the body. Errors
// never contain credentials.
//
// Do retries, at most Config.MaxRetries times and waiting no longer than ctx
// allows: 429 and 503 answers carrying Retry-After for any method, after the
// server's delay capped at [MaxRetryAfter]; connection resets and other 5xx answers for GET only, with
// jittered exponential backoff; Request.NoRetry5xx turns off the retries of
// 5xx answers for one request. A 401 is retried once when fresh credentials
// can be had (an exec plugin re-run, a changed token file).
//
// Redirects are followed as net/http does, except from https to anything
// else, which is refused with a *[RedirectError]. The body of a response
// other than a watch is bounded by Config.MaxResponseBytes (see
// [ResponseTooLargeError]); a watch's by Config.MaxEventBytes per event.
func (c *Client) Do(ctx context.Context, req *Request) (*Response, error) {
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	if !strings.HasPrefix(req.Path, "/") {
		return nil, fmt.Errorf("%s %q: path must be absolute", method, req.Path)
	}
	u := *c.base
	u.Path = c.base.Path + req.Path
	u.RawQuery = req.Query.Encode()
	var cancel context.CancelFunc
	if c.cfg.Timeout > 0 && !isWatch(req.Query) {
		ctx, cancel = context.WithTimeout(ctx, c.cfg.Timeout)
	}
	resp, err := c.send(ctx, method, &u, req)
	if err != nil {
		if cancel != nil {
			cancel()
		}
		return nil, err
	}
	rc := resp.Body
	if cancel != nil {
		rc = &cancelOnClose{ReadCloser: rc, cancel: cancel}
	}
	body, err := c.bound(method, req, u.Host, resp, rc)
	if err != nil {
		return nil, err
	}
	return &Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: body, ContentLength: resp.ContentLength,
		method: method, path: req.Path, host: u.Host, maxEvent: c.maxEvent}, nil
}

// send is the retry loop: the one place requests are retried.
func (c *Client) send(ctx context.Context, method string, u *url.URL, req *Request) (*http.Response, error) {
	reauthed, fellBack := false, false
	if c.cbor.refused.Load() && req.JSONFallback != nil && isCBORBody(req.Header.Get("Content-Type")) {
		r, err := withJSONBody(req)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", method, req.Path, err)
		}
		req, fellBack = r, true
	}
	for attempt := 0; ; attempt++ {
		if err := c.limiter.wait(ctx); err != nil {
			return nil, fmt.Errorf("%s %s: waiting for the client-side rate limiter: %w", method, req.Path, err)
		}
		hreq, authz, err := c.newHTTPRequest(ctx, method, u, req)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", method, req.Path, err)
		}
		resp, err := c.hc.Do(hreq)
		if err != nil {
			err = unwrapURLError(err)
			if attempt < c.maxRetries && retryableTransportError(method, err) {
				if werr := c.sleep(ctx, backoff(attempt)); werr != nil {
					return nil, fmt.Errorf("%s %s on %s: %w (retrying after: %w)", method, req.Path, u.Host, werr, err)
				}
				continue
			}
			return nil, fmt.Errorf("%s %s on %s: %w", method, req.Path, u.Host, err)
		}
		handleWarnings(c.warnings, resp.Header)
		c.noteResponse(resp)
		if resp.StatusCode < 400 {
			return resp, nil
		}
		if c.unsupportedCBOR(hreq, resp) && req.JSONFallback != nil && !fellBack {
			drain(resp.Body)
			r, err := withJSONBody(req)
			if err != nil {
				return nil, fmt.Errorf("%s %s on %s: HTTP 415 to a CBOR body: %w", method, req.Path, u.Host, err)
			}
			req, fellBack = r, true
			attempt--
			continue
		}
		if resp.StatusCode == http.StatusUnauthorized && !reauthed && c.auth != nil && c.auth.unauthorized(ctx, authz) {
			reauthed = true
			drain(resp.Body)
			attempt--
			continue
		}
		if d, ok := retryDelay(method, resp.StatusCode, resp.Header, attempt); ok && attempt < c.maxRetries &&
			!(req.NoRetry5xx && resp.StatusCode >= 500) {
			drain(resp.Body)
			if err := c.sleep(ctx, d); err != nil {
				return nil, fmt.Errorf("%s %s on %s: HTTP %d, retry after %v: %w", method, req.Path, u.Host, resp.StatusCode, d, err)
			}
			continue
		}
		err = decodeError(method, req.Path, resp)
		resp.Body.Close()
		return nil, err
	}
}

// newHTTPRequest builds one attempt of req, with credentials. It returns the
// Authorization value sent (to recognise stale credentials after a 401).
func (c *Client) newHTTPRequest(ctx context.Context, method string, u *url.URL, req *Request) (*http.Request, string, error) {
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	// u is complete: the request gets a copy of it instead of its text
	// parsed back (what http.NewRequest would do with u.String(), to the
	// same URL).
	hreq, err := http.NewRequestWithContext(ctx, method, "", body)
	if err != nil {
		return nil, "", err
	}
	uc := *u
	uc.Host = strings.TrimSuffix(uc.Host, ":") // as NewRequest normalises an empty port
	hreq.URL, hreq.Host = &uc, uc.Host
	hv := make(headerValues, 0, 4)
	for k, vs := range req.Header {
		hreq.Header[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	if hreq.Header.Get("Accept") == "" {
		hv.set(hreq.Header, "Accept", "application/json")
	}
	if req.Body != nil && hreq.Header.Get("Content-Type") == "" {
		hv.set(hreq.Header, "Content-Type", "application/json")
	}
	hv.set(hreq.Header, "User-Agent", c.userAgent)
	if c.auth == nil {
		return hreq, "", nil
	}
	setImpersonation(hreq.Header, c.cfg.Impersonate)
	authz, err := c.auth.authorization(ctx)
	if err != nil {
		return nil, "", err
	}
	if changed, err := c.certs.refresh(); err != nil {
		return nil, "", &authError{msg: "client certificate", err: err}
	} else if changed {
		// Connections made with the old certificate keep its identity.
		c.transport.CloseIdleConnections()
	}
	if authz != "" {
		hv.set(hreq.Header, "Authorization", authz)
	}
	return hreq, authz, nil
}

// headerValues hands out one-value slices of one backing array, so that
// the headers a request always carries cost one allocation, not one each.
// Each slice's capacity is its length: appending to it copies.
type headerValues []string

// set sets h[key] (a canonical key) to the single value v.
func (hv *headerValues) set(h http.Header, key, v string) {
	*hv = append(*hv, v)
	n := len(*hv)
	h[key] = (*hv)[n-1 : n : n]
}

// isWatch reports whether q asks for a watch, which Config.Timeout must not cut.
func isWatch(q url.Values) bool {
	w := q.Get("watch")
	return w == "true" || w == "1"
}

// unwrapURLError drops the *url.Error wrapper, whose message repeats the
// whole URL (query included), keeping the cause.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// drain reads a little of body so the connection can be reused, and closes it.
func drain(body io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, body, 64<<10)
	body.Close()
}

// cancelOnClose releases a per-request timeout when the body is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

// Close closes the body and releases the timeout.
func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
