package rest

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The retry policy of [Client.Do], in one place:
//
//   - 429 and 503 with a Retry-After header are retried for any verb: the
//     server says it did not act on the request. The wait is the server's,
//     capped at MaxRetryAfter.
//   - Connection resets, unexpected EOFs and other 5xx answers are retried
//     for GET only (other verbs may have taken effect), with exponential
//     backoff and full jitter.
//   - Request.NoRetry5xx returns 5xx answers of that request at once.
//   - At most MaxRetries retries per request; every wait honours ctx.

const (
	backoffBase = 200 * time.Millisecond
	backoffMax  = 5 * time.Second
)

// MaxRetryAfter caps the wait a server's Retry-After header asks for: 30
// seconds. API Priority and Fairness answers 429 with Retry-After of a few
// seconds at most; a server asking for more is down or broken, and obeying
// "Retry-After: 1000000" would hang a CLI for 277 hours. After the capped
// wait the request is retried as usual, so a server that keeps asking is
// given at most MaxRetries × 30 s (2.5 minutes with the default retries)
// before its error is returned; ctx and Config.Timeout bound it sooner.
const MaxRetryAfter = 30 * time.Second

// retryDelay says whether a response with status code status to a request
// with method should be retried after attempt (0 for the first), and after
// how long.
func retryDelay(method string, status int, h http.Header, attempt int) (time.Duration, bool) {
	if d, ok := retryAfter(h, time.Now()); ok && (status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable) {
		return min(d, MaxRetryAfter), true
	}
	if method == http.MethodGet && status >= 500 && status != http.StatusNotImplemented && status != http.StatusHTTPVersionNotSupported {
		return backoff(attempt), true
	}
	return 0, false
}

// retryAfter parses a Retry-After header: delay-seconds or an HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if secs, ok := retryAfterSeconds(h); ok {
		return time.Duration(secs) * time.Second, true
	}
	v := h.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(0, t.Sub(now)), true
}

// retryAfterSeconds parses a delay-seconds Retry-After header. A number too
// large for an int counts as 1<<20 seconds (the caller caps the wait).
func retryAfterSeconds(h http.Header) (int, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" || strings.Trim(v, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	if err != nil || n > 1<<20 {
		return 1 << 20, true // all digits: out of range, not malformed
	}
	return n, true
}

// backoff returns a jittered exponential delay for attempt: uniformly random
// in [d/2, d) with d = base·2^attempt capped at backoffMax.
func backoff(attempt int) time.Duration {
	d := backoffMax
	if attempt < 16 {
		d = min(backoffBase<<attempt, backoffMax)
	}
	return d/2 + rand.N(d/2)
}

// retryableTransportError reports whether err, from sending a request with
// method, may be retried: only for GET, and only for a connection the server
// (or something in between) dropped.
func retryableTransportError(method string, err error) bool {
	if method != http.MethodGet || err == nil {
		return false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	s := err.Error()
	if strings.Contains(s, "stream error") && strings.Contains(s, "INTERNAL_ERROR") {
		return true // an HTTP/2 stream the server reset: as a 5xx
	}
	for _, m := range []string{"connection reset by peer", "server sent GOAWAY", "http: server closed idle connection",
		"use of closed network connection", "http2: client connection lost"} {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}

// sleepFunc waits d or until ctx is done; the client's seam for tests.
type sleepFunc func(ctx context.Context, d time.Duration) error

// sleepCtx waits d or until ctx is done, whichever is first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
