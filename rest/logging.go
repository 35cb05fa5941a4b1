package rest

import (
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// The levels of Config.Logger, named after kubectl's -v levels: each
// request attempt (method, URL, status, latency) at LevelRequests, its
// headers too at LevelHeaders, and truncated bodies too at LevelBodies. A
// handler set to one of them logs that and everything above it.
const (
	LevelRequests = slog.Level(-6) // kubectl -v=6
	LevelHeaders  = slog.Level(-7) // kubectl -v=7
	LevelBodies   = slog.Level(-8) // kubectl -v=8
)

// VerbosityLevel maps a kubectl-style -v value to the slog level a handler
// should log at: 6 → LevelRequests, 7 → LevelHeaders, 8 or more →
// LevelBodies; 1 to 5 → slog.LevelDebug (no requests); 0 or less →
// slog.LevelInfo.
//
//	h := slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: rest.VerbosityLevel(v)})
//	cfg.Logger = slog.New(h)
func VerbosityLevel(v int) slog.Level {
	switch {
	case v >= 8:
		return LevelBodies
	case v == 7:
		return LevelHeaders
	case v == 6:
		return LevelRequests
	case v > 0:
		return slog.LevelDebug
	}
	return slog.LevelInfo
}

// logLayer logs each attempt through Config.Logger, never a credential: the
// Authorization header and its kin are masked, and bodies go through
// bodyForLog, which redacts Secret data and tokens.
type logLayer struct {
	next   http.RoundTripper
	log    *slog.Logger
	prefix string // the server's path prefix, removed before parsing
}

// RoundTrip sends r, logging it at the levels enabled.
func (l *logLayer) RoundTrip(r *http.Request) (*http.Response, error) {
	ctx := r.Context()
	if !l.log.Enabled(ctx, LevelRequests) {
		return l.next.RoundTrip(r)
	}
	u := r.URL.Redacted()
	secret := parsePath(strings.TrimPrefix(r.URL.Path, l.prefix)).resource == "secrets"
	if l.log.Enabled(ctx, LevelHeaders) {
		l.log.Log(ctx, LevelHeaders, "HTTP request headers", "method", r.Method, "url", u, "headers", headersForLog(r.Header))
	}
	if l.log.Enabled(ctx, LevelBodies) && r.GetBody != nil && r.ContentLength != 0 {
		if body, err := r.GetBody(); err == nil {
			b, rerr := io.ReadAll(io.LimitReader(body, bodyParseLimit+1))
			body.Close()
			if rerr == nil {
				l.log.Log(ctx, LevelBodies, "HTTP request body", "method", r.Method, "url", u,
					"body", bodyForLog(b, len(b) <= bodyParseLimit, secret))
			}
		}
	}
	start := time.Now()
	resp, err := l.next.RoundTrip(r)
	latency := time.Since(start)
	if err != nil {
		l.log.Log(ctx, LevelRequests, "HTTP request failed", "method", r.Method, "url", u, "latency", latency, "error", err)
		return nil, err
	}
	l.log.Log(ctx, LevelRequests, "HTTP request", "method", r.Method, "url", u, "status", resp.StatusCode, "latency", latency)
	if l.log.Enabled(ctx, LevelHeaders) {
		l.log.Log(ctx, LevelHeaders, "HTTP response headers", "method", r.Method, "url", u, "headers", headersForLog(resp.Header))
	}
	if l.log.Enabled(ctx, LevelBodies) && !isWatch(r.URL.Query()) {
		resp.Body = &captureBody{ReadCloser: resp.Body, done: func(b []byte, complete bool) {
			l.log.Log(ctx, LevelBodies, "HTTP response body", "method", r.Method, "url", u, "status", resp.StatusCode,
				"body", bodyForLog(b, complete, secret))
		}}
	}
	return resp, nil
}

// maskedHeaders are never logged with their value.
var maskedHeaders = map[string]bool{
	"Authorization": true, "Proxy-Authorization": true, "Cookie": true, "Set-Cookie": true,
}

// headersForLog renders h one "Name: value" per line, sorted, with the
// values of credential headers masked as kubectl does ("Bearer <masked>").
func headersForLog(h http.Header) string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		for _, v := range h[k] {
			if maskedHeaders[http.CanonicalHeaderKey(k)] || strings.Contains(strings.ToLower(k), "token") {
				scheme, _, found := strings.Cut(v, " ")
				if v = "<masked>"; found {
					v = scheme + " <masked>"
				}
			}
			b.WriteString(k + ": " + v + "\n")
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// captureBody keeps the first bodyParseLimit bytes read from a body and
// calls done once, at its end or when it is closed, with them and whether
// they are the whole body.
type captureBody struct {
	io.ReadCloser
	mu       sync.Mutex // guards buf and complete: Close may race a Read
	buf      []byte
	complete bool
	once     sync.Once
	done     func(b []byte, complete bool)
}

// Read reads and keeps the start of the body.
func (c *captureBody) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.mu.Lock()
	if room := bodyParseLimit + 1 - len(c.buf); room > 0 {
		c.buf = append(c.buf, p[:min(n, room)]...)
	}
	if err == io.EOF {
		c.complete = len(c.buf) <= bodyParseLimit
	}
	c.mu.Unlock()
	if err == io.EOF {
		c.finish()
	}
	return n, err
}

// Close closes the body and logs what was read, if not logged yet.
func (c *captureBody) Close() error {
	err := c.ReadCloser.Close()
	c.finish()
	return err
}

func (c *captureBody) finish() {
	c.once.Do(func() {
		c.mu.Lock()
		b, complete := c.buf, c.complete
		c.mu.Unlock()
		c.done(b, complete)
	})
}
