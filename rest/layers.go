package rest

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// layers stacks the client's round trippers over base (nil means
// http.DefaultTransport). From the outside in: logging (Config.Logger),
// observing (Config.Observer), Config.WrapTransport, base. Every layer
// sees each attempt, retries and redirects included, with its final
// headers (credentials are set on the request before it is sent).
func (c *Client) layers(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	rt := base
	if c.cfg.WrapTransport != nil {
		rt = c.cfg.WrapTransport(rt)
	}
	if c.cfg.Observer != nil {
		rt = &observeLayer{next: rt, obs: c.cfg.Observer, prefix: c.base.Path}
	}
	if c.cfg.Logger != nil {
		rt = &logLayer{next: rt, log: c.cfg.Logger, prefix: c.base.Path}
	}
	return rt
}

// observeLayer reports a RequestEvent per attempt.
type observeLayer struct {
	next   http.RoundTripper
	obs    Observer
	prefix string // the server's path prefix, removed before parsing
}

// RoundTrip sends r and reports it when the response body is done, or at
// once when no response came.
func (l *observeLayer) RoundTrip(r *http.Request) (*http.Response, error) {
	info := parsePath(strings.TrimPrefix(r.URL.Path, l.prefix))
	ev := RequestEvent{
		Verb: verbOf(r.Method, info, r.URL.Query()), Method: r.Method, Host: r.URL.Host,
		Group: info.group, Version: info.version, Resource: info.resource, Subresource: info.subresource,
		Namespace: info.namespace, RequestBytes: max(r.ContentLength, 0),
	}
	start := time.Now()
	resp, err := l.next.RoundTrip(r)
	ev.Latency = time.Since(start)
	if err != nil {
		ev.Err = err
		l.obs.Observe(ev)
		return nil, err
	}
	ev.StatusCode = resp.StatusCode
	resp.Body = &doneBody{ReadCloser: resp.Body, done: func(n int64) {
		ev.ResponseBytes = n
		l.obs.Observe(ev)
	}}
	return resp, nil
}

// doneBody counts what is read from a body and calls done once, with the
// count, at its end or when it is closed, whichever is first.
type doneBody struct {
	io.ReadCloser
	n    atomic.Int64 // Close may race a Read (a watch stopped from another goroutine)
	once sync.Once
	done func(n int64)
}

// Read reads and counts; at the end of the body it calls done.
func (b *doneBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	if err == io.EOF {
		b.once.Do(func() { b.done(b.n.Load()) })
	}
	return n, err
}

// Close closes the body and calls done if it was not called yet.
func (b *doneBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(func() { b.done(b.n.Load()) })
	return err
}
