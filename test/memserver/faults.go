package memserver

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// faults are failures injected on command, for testing clients.
type faults struct {
	mu         sync.Mutex // guards the fields below
	throttle   int        // answer this many requests with 429
	retryAfter int        // their Retry-After, seconds
	internal   int        // answer this many requests with 500
	latency    time.Duration
}

// intercept answers r with an injected fault, if one is due.
func (f *faults) intercept(w http.ResponseWriter, r *http.Request) bool {
	f.mu.Lock()
	lat := f.latency
	var err error
	switch {
	case f.throttle > 0:
		f.throttle--
		err = apierrors.NewTooManyRequests("memserver: injected throttling, please try again later", f.retryAfter)
	case f.internal > 0:
		f.internal--
		err = apierrors.NewInternalError(errInjected)
	}
	f.mu.Unlock()
	if lat > 0 {
		select {
		case <-time.After(lat):
		case <-r.Context().Done():
			return true
		}
	}
	if err == nil {
		return false
	}
	if se, ok := err.(*apierrors.StatusError); ok && se.ErrStatus.Details != nil && se.ErrStatus.Details.RetryAfterSeconds > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(se.ErrStatus.Details.RetryAfterSeconds)))
	}
	writeError(w, err)
	return true
}

type injectedError struct{}

func (injectedError) Error() string { return "memserver: injected internal error" }

var errInjected = injectedError{}

// ThrottleNext answers the next n requests with 429 TooManyRequests and a
// Retry-After of retryAfterSeconds.
func (s *Server) ThrottleNext(n, retryAfterSeconds int) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.throttle, s.faults.retryAfter = n, retryAfterSeconds
}

// FailNext answers the next n requests with 500 InternalError.
func (s *Server) FailNext(n int) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.internal = n
}

// SetLatency delays every request by d (0 turns it off).
func (s *Server) SetLatency(d time.Duration) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.latency = d
}

// CutWatches ends every open watch; clients see their streams close.
func (s *Server) CutWatches() { s.store.stopAllWatchers() }

// CompactHistory compacts the history now, as an etcd compaction does once
// kube-apiserver's watch cache has seen it: continue tokens, Exact lists
// and watches at any issued resourceVersion answer 410 Expired.
func (s *Server) CompactHistory() { s.store.compactAll() }

// MarkStale marks a group-version stale (or current again) in aggregated
// discovery, as an unavailable aggregated API is.
func (s *Server) MarkStale(gv schema.GroupVersion, stale bool) { s.reg.setStale(gv, stale) }

// ResourceVersion is the server's current resourceVersion.
func (s *Server) ResourceVersion() uint64 {
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	return s.store.rv
}
