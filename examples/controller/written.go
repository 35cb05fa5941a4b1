package main

import (
	"sync"

	"github.com/kubedyn/kubedyn/dynamic/informer"
)

// superseded remembers, per object, the resourceVersions the controller's
// own writes have replaced. Right after a write the informer's cache still
// holds the older copy until the write's watch event arrives; a reconcile
// that reads that copy would compute the same patch again and get 409
// Conflict (the resourceVersion precondition). Skipping it is safe: the
// write's event is on its way and queues the object again (and a relist,
// should the watch break, delivers it too).
type superseded struct {
	mu sync.Mutex // guards rvs
	// rvs maps an object to the resourceVersions its last chain of our
	// writes started from.
	rvs map[informer.Key]map[string]struct{}
}

func newSuperseded() *superseded {
	return &superseded{rvs: map[informer.Key]map[string]struct{}{}}
}

// stale reports whether rv is a version of k that our own write replaced.
// Seeing any other version forgets what was recorded for k.
func (s *superseded) stale(k informer.Key, rv string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	set, ok := s.rvs[k]
	if !ok {
		return false
	}
	if _, ok := set[rv]; ok {
		return true
	}
	delete(s.rvs, k)
	return false
}

// replaced records that our write replaced version rv of k.
func (s *superseded) replaced(k informer.Key, rv string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	set := s.rvs[k]
	if set == nil {
		set = map[string]struct{}{}
		s.rvs[k] = set
	}
	set[rv] = struct{}{}
}

// forget drops what was recorded for k (the object left the cache).
func (s *superseded) forget(k informer.Key) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.rvs, k)
}
