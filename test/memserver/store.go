package memserver

import (
	"bytes"
	"sort"
	"strconv"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
)

// objKey names one stored object within its group-resource.
type objKey struct{ ns, name string }

// sortKey is the object's key as etcd orders it under the resource prefix.
func (k objKey) sortKey() string {
	if k.ns == "" {
		return k.name
	}
	return k.ns + "/" + k.name
}

// event is one committed change, kept in the history for watches, continue
// tokens and reads at an older resourceVersion.
type event struct {
	rv   uint64
	gr   schema.GroupResource
	typ  watch.EventType // Added, Modified or Deleted
	key  objKey
	obj  []byte // the object after the change (for Deleted: its last state)
	prev []byte // the object before the change; nil for Added
	at   time.Time
}

// store holds every object of one server as JSON, with one resourceVersion
// counter for all of them, like etcd.
type store struct {
	clock  Clock
	window time.Duration
	maxEv  int

	mu sync.RWMutex // guards everything below
	// rv is the last resourceVersion handed out.
	rv uint64
	// tables holds the current objects per group-resource.
	tables map[schema.GroupResource]map[objKey][]byte
	// history holds events in ascending rv. Two floors, as on a real
	// server: watchFloor is the watch cache's (events have rv >
	// watchFloor; older watches answer 410), compacted is etcd's (older
	// continue tokens and Exact reads answer 410; compaction alone does
	// not end a watch the watch cache can still serve).
	history    []event
	watchFloor uint64
	compacted  uint64
	// watchers receive every event of their group-resource.
	watchers map[*watcher]struct{}
	// written: the last resourceVersion was an object write. A consistent
	// read then takes a revision of its own, as on a real cluster where
	// something (a lease, an event) has always been written since: list
	// resourceVersions are newer than their items, as clients see them.
	written bool
}

func newStore(clock Clock, window time.Duration, maxEvents int) *store {
	return &store{
		clock:      clock,
		window:     window,
		maxEv:      maxEvents,
		rv:         1,
		tables:     map[schema.GroupResource]map[objKey][]byte{},
		watchers:   map[*watcher]struct{}{},
		compacted:  1,
		watchFloor: 1,
	}
}

// getLocked returns the current object at key, or nil.
func (s *store) getLocked(gr schema.GroupResource, k objKey) []byte {
	return s.tables[gr][k]
}

// nextRVLocked reserves the next resourceVersion.
func (s *store) nextRVLocked() uint64 {
	s.rv++
	return s.rv
}

// commitLocked records a change already stamped with rv: obj is the new
// state (nil with typ Deleted removes the key; last is then the final
// state sent to watchers).
func (s *store) commitLocked(gr schema.GroupResource, k objKey, typ watch.EventType, rv uint64, obj []byte) {
	if cap(obj)-len(obj) > len(obj)/8 {
		// The encoder's buffer starts at 1 KB: what is kept is kept at
		// its size (a 478-byte ConfigMap retains 480 bytes, not 1,024).
		obj = bytes.Clone(obj)
	}
	t := s.tables[gr]
	if t == nil {
		t = map[objKey][]byte{}
		s.tables[gr] = t
	}
	prev := t[k]
	if typ == watch.Deleted {
		delete(t, k)
	} else {
		t[k] = obj
	}
	s.written = true
	ev := event{rv: rv, gr: gr, typ: typ, key: k, obj: obj, prev: prev, at: s.clock.Now()}
	s.history = append(s.history, ev)
	s.trimLocked()
	for w := range s.watchers {
		if w.gr == gr {
			w.push(ev)
		}
	}
}

// trimLocked drops events older than the window or beyond the count.
func (s *store) trimLocked() {
	cut := 0
	if over := len(s.history) - s.maxEv; over > 0 {
		cut = over
	}
	oldest := s.clock.Now().Add(-s.window)
	for cut < len(s.history) && s.history[cut].at.Before(oldest) {
		cut++
	}
	if cut > 0 {
		s.compactLocked(cut)
	}
}

// compactLocked forgets the first n events.
func (s *store) compactLocked(n int) {
	s.watchFloor = s.history[n-1].rv
	s.compacted = max(s.compacted, s.watchFloor)
	rest := make([]event, len(s.history)-n, max(len(s.history)-n, 16))
	copy(rest, s.history[n:])
	s.history = rest
}

// compactAll is an etcd compaction now, once kube-apiserver's watch cache
// has seen it: continue tokens, Exact reads and watches of every issued
// resourceVersion answer 410 Expired from now on.
func (s *store) compactAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	// A compaction at a revision newer than every issued resourceVersion
	// (other keys' writes leave such gaps too).
	s.rv++
	s.compacted = s.rv
	s.watchFloor = s.rv
	s.history = nil
}

// errExpired is the 410 the server answers for a resourceVersion older than
// its history.
func errExpired(rv uint64, oldest uint64) error {
	return apierrors.NewResourceExpired("too old resource version: " + strconv.FormatUint(rv, 10) + " (" + strconv.FormatUint(oldest, 10) + ")")
}

// snapshotLocked returns the objects of gr in namespace ns ("" for all) as
// they were at rv, sorted by key. rv 0 means now.
func (s *store) snapshotLocked(gr schema.GroupResource, ns string, rv uint64) ([]kv, error) {
	if rv != 0 && rv < s.compacted {
		return nil, errExpired(rv, s.compacted+1)
	}
	cur := map[objKey][]byte{}
	for k, v := range s.tables[gr] {
		if ns == "" || k.ns == ns {
			cur[k] = v
		}
	}
	if rv != 0 {
		for i := len(s.history) - 1; i >= 0 && s.history[i].rv > rv; i-- {
			ev := s.history[i]
			if ev.gr != gr || (ns != "" && ev.key.ns != ns) {
				continue
			}
			if ev.prev == nil {
				delete(cur, ev.key)
			} else {
				cur[ev.key] = ev.prev
			}
		}
	}
	out := make([]kv, 0, len(cur))
	for k, v := range cur {
		out = append(out, kv{key: k, sort: k.sortKey(), obj: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].sort < out[j].sort })
	return out, nil
}

// kv is one object of a snapshot.
type kv struct {
	key  objKey
	sort string
	obj  []byte
}

// eventsAfterLocked returns the events of gr after rv, or 410 when rv is
// older than the history.
func (s *store) eventsAfterLocked(gr schema.GroupResource, rv uint64) ([]event, error) {
	if rv < s.watchFloor {
		return nil, apierrors.NewResourceExpired("The resourceVersion for the provided watch is too old.")
	}
	i := sort.Search(len(s.history), func(i int) bool { return s.history[i].rv > rv })
	var out []event
	for _, ev := range s.history[i:] {
		if ev.gr == gr {
			out = append(out, ev)
		}
	}
	return out, nil
}

// dropGroupResource removes every object of gr without events (a deleted
// CRD's objects, which the server stops serving).
func (s *store) dropGroupResource(gr schema.GroupResource) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tables, gr)
	for w := range s.watchers {
		if w.gr == gr {
			w.stop()
		}
	}
}

// readRVLocked is the resourceVersion of a consistent read now.
func (s *store) readRVLocked() uint64 {
	if s.written {
		s.rv++
		s.written = false
	}
	return s.rv
}
