package rest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
)

// DefaultMaxResponseBytes bounds one non-streaming response body when
// Config.MaxResponseBytes is 0: 256 MiB.
//
// Why this size: the biggest real answers are lists. A list of 10,000 pods
// is about 50 MB of JSON; a page of 500 CustomResourceDefinitions with large
// OpenAPI schemas (operator bundles ship CRDs of 100–500 KB each) is
// 50–250 MB; a paged list (kubectl and kubedyn's pagers ask for 500 items)
// of objects that each fit etcd's 1.5 MiB request limit stays far below it
// in practice. Decoding into unstructured maps costs several times the wire
// size, so 256 MiB of JSON is already one to two GiB of heap: a larger
// default would let one broken or hostile server take the process down,
// which is what the bound is for. Lists bigger than this should be paged.
const DefaultMaxResponseBytes int64 = 256 << 20

// DefaultMaxEventBytes bounds one event of a watch stream when
// Config.MaxEventBytes is 0: 16 MiB, ten times etcd's default limit on one
// stored object (1.5 MiB), so that any object the server can store fits in
// one event with room for a raised etcd limit, and an endless event cannot
// grow the heap without bound.
const DefaultMaxEventBytes int64 = 16 << 20

// ResponseTooLargeError is returned (by Client.Do, or by a read of
// Response.Body) when a response body is larger than the client's limit:
// Config.MaxResponseBytes for a whole response, Config.MaxEventBytes for one
// event of a watch stream.
type ResponseTooLargeError struct {
	Method, Path, Host string
	// Limit is the bound that was passed, in bytes.
	Limit int64
	// Declared is the Content-Length the server announced, or -1 when the
	// body was cut while being read.
	Declared int64
	// Event is true for the per-event bound of a stream.
	Event bool
}

// Error names the request, the limit and how to raise it.
func (e *ResponseTooLargeError) Error() string {
	what, knob := "response body", "Config.MaxResponseBytes"
	if e.Event {
		what, knob = "watch event", "Config.MaxEventBytes"
	}
	if e.Declared >= 0 {
		return fmt.Sprintf("%s %s on %s: the server announced a %s of %d bytes, more than the limit of %d (%s; page large lists)",
			e.Method, e.Path, e.Host, what, e.Declared, e.Limit, knob)
	}
	return fmt.Sprintf("%s %s on %s: %s larger than the limit of %d bytes, stopped reading (%s; page large lists)",
		e.Method, e.Path, e.Host, what, e.Limit, knob)
}

// bound applies the client's size limits to body, the body of resp to req:
// a response that is not a watch is refused when its Content-Length passes
// MaxResponseBytes (body is closed) and cut when its body does; a watch
// gets the newline backstop of MaxEventBytes.
func (c *Client) bound(method string, req *Request, host string, resp *http.Response, body io.ReadCloser) (io.ReadCloser, error) {
	tooLarge := ResponseTooLargeError{Method: method, Path: req.Path, Host: host, Limit: c.maxBody, Declared: -1}
	switch {
	case isWatch(req.Query):
		if c.maxEvent < 0 {
			return body, nil
		}
		tooLarge.Limit, tooLarge.Event = c.maxEvent, true
		return &lineLimitedBody{ReadCloser: body, limit: c.maxEvent, err: tooLarge}, nil
	case c.maxBody < 0:
		return body, nil
	case resp.ContentLength > c.maxBody:
		body.Close()
		e := tooLarge
		e.Declared = resp.ContentLength
		return nil, &e
	}
	return &limitedBody{ReadCloser: body, limit: c.maxBody, err: tooLarge}, nil
}

// limitValue turns a Config limit into the bound in force: 0 means def, a
// negative value none (-1).
func limitValue(v, def int64) int64 {
	switch {
	case v == 0:
		return def
	case v < 0:
		return -1
	}
	return v
}

// limitedBody fails a read once more than limit bytes have been read.
type limitedBody struct {
	io.ReadCloser
	limit, n int64
	err      ResponseTooLargeError // returned as &err: one allocation with the body
}

// Read reads from the body, failing past the limit. It reads one byte more
// than the limit to tell a body of exactly the limit from a longer one.
func (b *limitedBody) Read(p []byte) (int, error) {
	if b.n > b.limit {
		return 0, &b.err
	}
	if rest := b.limit + 1 - b.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := b.ReadCloser.Read(p)
	b.n += int64(n)
	if b.n > b.limit {
		return n - int(b.n-b.limit), &b.err
	}
	return n, err
}

// lineLimitedBody is the backstop bound of a watch body read without
// [Response.Events]: a read fails once more than limit bytes arrive without
// a newline. The API server ends every JSON watch event with one; in a
// binary stream (protobuf, CBOR) newline bytes occur often enough that the
// bound never trips on a legitimate event, and still stops an endless one.
type lineLimitedBody struct {
	io.ReadCloser
	limit, since int64                 // since: bytes since the last newline
	err          ResponseTooLargeError // returned as &err
}

// Read reads from the body, failing once a line passes the limit.
func (b *lineLimitedBody) Read(p []byte) (int, error) {
	if b.since > b.limit {
		return 0, &b.err
	}
	n, err := b.ReadCloser.Read(p)
	chunk := p[:n]
	if first := bytes.IndexByte(chunk, '\n'); first < 0 {
		b.since += int64(n)
	} else if b.since += int64(first); b.since <= b.limit {
		b.since = int64(n - 1 - bytes.LastIndexByte(chunk, '\n'))
	}
	if b.since > b.limit {
		return n, &b.err
	}
	return n, err
}

// EventLimitReader bounds each event of a stream: a read fails with a
// *ResponseTooLargeError once more than the limit has been read since the
// last call of EventDone. A decoder that buffers reads ahead may count up to
// its buffer size of the next event against the current one; the bound
// holds all the same.
//
// A watch decoder reads through [Response.Events] and calls EventDone after
// each event it decodes.
type EventLimitReader struct {
	r     io.Reader
	limit int64 // < 0: none
	n     int64
	err   *ResponseTooLargeError
}

// Events returns Body wrapped in an [EventLimitReader] with the client's
// per-event bound (Config.MaxEventBytes), for a watch decoder. Reads of
// the returned reader and of Body share the stream: use one of them.
func (r *Response) Events() *EventLimitReader {
	return &EventLimitReader{r: r.Body, limit: r.maxEvent,
		err: &ResponseTooLargeError{Method: r.method, Path: r.path, Host: r.host, Limit: r.maxEvent, Declared: -1, Event: true}}
}

// Read reads from the stream, failing once the current event passes the limit.
func (l *EventLimitReader) Read(p []byte) (int, error) {
	if l.limit < 0 {
		return l.r.Read(p)
	}
	if l.n > l.limit {
		return 0, l.err
	}
	if rest := l.limit + 1 - l.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.n > l.limit {
		return n - int(l.n-l.limit), l.err
	}
	return n, err
}

// EventDone starts the count of the next event.
func (l *EventLimitReader) EventDone() { l.n = 0 }
