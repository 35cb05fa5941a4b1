package informer

import (
	"errors"
	"fmt"
	"sort"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// Object is what an informer caches: *unstructured.Unstructured for
// [New], *metav1.PartialObjectMetadata for [NewMetadata].
type Object interface {
	metav1.Object
	runtime.Object
}

// Key names one cached object: its namespace ("" for a cluster-scoped
// object) and name. Its String form, "namespace/name" or "name", is
// client-go's cache key.
type Key struct {
	Namespace, Name string
}

// String returns "namespace/name", or "name" for a cluster-scoped object.
func (k Key) String() string {
	if k.Namespace == "" {
		return k.Name
	}
	return k.Namespace + "/" + k.Name
}

// KeyOf returns obj's key.
func KeyOf(obj metav1.Object) Key {
	return Key{Namespace: obj.GetNamespace(), Name: obj.GetName()}
}

// IndexFunc computes the values under which an object is indexed. It must
// be pure and fast: it runs under the store's write lock for every change.
type IndexFunc[T Object] func(obj T) ([]string, error)

// Indexers names index functions; the names are what [Lister.ByIndex]
// takes.
type Indexers[T Object] map[string]IndexFunc[T]

// store is the informer's cache: objects by namespace then name (the
// namespace level is the namespace index, so it costs no extra entry per
// object and no allocated "namespace/name" key), plus optional indices.
// What it holds of each object is its keeper's choice: the compact form
// (full-object informers) or the object itself.
type store[T Object] struct {
	mu sync.RWMutex // guards byNS, count, indices and keep's Builder
	// byNS maps namespace → name → object. The map keys are the objects'
	// own namespace and name strings.
	byNS    map[string]map[string]kept[T]
	count   int
	indexer Indexers[T]
	// indices maps index name → indexed value → keys of the objects
	// indexed under it.
	indices map[string]map[string]map[Key]struct{}
	keep    keeper[T] // set before the store is used
}

func newStore[T Object](indexers Indexers[T]) *store[T] {
	s := &store[T]{byNS: map[string]map[string]kept[T]{}, indexer: indexers, indices: map[string]map[string]map[Key]struct{}{}}
	for name := range indexers {
		s.indices[name] = map[string]map[Key]struct{}{}
	}
	return s
}

// getLocked returns what is kept under k.
func (s *store[T]) getLocked(k Key) (kept[T], bool) {
	e, ok := s.byNS[k.Namespace][k.Name]
	return e, ok
}

// get returns the object under k (a new tree for a compact one, made
// outside the lock).
func (s *store[T]) get(k Key) (T, bool) {
	s.mu.RLock()
	e, ok := s.getLocked(k)
	s.mu.RUnlock()
	if !ok {
		var zero T
		return zero, false
	}
	return s.keep.unpack(e), true
}

// putLocked stores e, which pack made of obj, returning what it replaced.
// The index functions get obj.
func (s *store[T]) putLocked(e kept[T], obj T) (old kept[T], existed bool, err error) {
	k := s.keep.key(e)
	names := s.byNS[k.Namespace]
	if names == nil {
		names = map[string]kept[T]{}
		s.byNS[k.Namespace] = names
	}
	old, existed = names[k.Name]
	if existed {
		s.unindexLocked(k, old)
	} else {
		s.count++
	}
	names[k.Name] = e
	return old, existed, s.indexLocked(k, obj)
}

// deleteLocked removes what is kept under k, returning it.
func (s *store[T]) deleteLocked(k Key) (kept[T], bool) {
	names := s.byNS[k.Namespace]
	old, ok := names[k.Name]
	if !ok {
		return old, false
	}
	s.unindexLocked(k, old)
	delete(names, k.Name)
	if len(names) == 0 {
		delete(s.byNS, k.Namespace)
	}
	s.count--
	return old, true
}

// indexLocked adds obj under every value its index functions give. An
// index function's error leaves obj out of that index and is returned.
func (s *store[T]) indexLocked(k Key, obj T) error {
	var errs []error
	for name, fn := range s.indexer {
		values, err := fn(obj)
		if err != nil {
			errs = append(errs, fmt.Errorf("index %q of %s: %w", name, k, err))
			continue
		}
		idx := s.indices[name]
		for _, v := range values {
			set := idx[v]
			if set == nil {
				set = map[Key]struct{}{}
				idx[v] = set
			}
			set[k] = struct{}{}
		}
	}
	return errors.Join(errs...)
}

// unindexLocked removes old, stored under k, from every index (the index
// functions get old's object: a compact one is made into a tree once).
func (s *store[T]) unindexLocked(k Key, e kept[T]) {
	if len(s.indexer) == 0 {
		return
	}
	old := s.keep.unpack(e)
	for name, fn := range s.indexer {
		values, err := fn(old)
		if err != nil {
			continue // it was not indexed either
		}
		idx := s.indices[name]
		for _, v := range values {
			if set := idx[v]; set != nil {
				delete(set, k)
				if len(set) == 0 {
					delete(idx, v)
				}
			}
		}
	}
}

// eachLocked calls fn for every object of namespace ns ("" with all set:
// every object), in no particular order, until fn returns false.
func (s *store[T]) eachLocked(ns string, all bool, fn func(kept[T]) bool) {
	if !all {
		for _, obj := range s.byNS[ns] {
			if !fn(obj) {
				return
			}
		}
		return
	}
	for _, names := range s.byNS {
		for _, obj := range names {
			if !fn(obj) {
				return
			}
		}
	}
}

// snapshotLocked returns every object, sorted by key, for replays and
// relists.
func (s *store[T]) snapshotLocked() []T {
	out := make([]T, 0, s.count)
	s.eachLocked("", true, func(e kept[T]) bool {
		out = append(out, s.keep.unpack(e))
		return true
	})
	sortObjects(out)
	return out
}

// byIndexLocked returns the objects indexed under value in index name.
func (s *store[T]) byIndexLocked(name, value string) ([]T, error) {
	idx, ok := s.indices[name]
	if !ok {
		return nil, fmt.Errorf("no index named %q", name)
	}
	set := idx[value]
	out := make([]T, 0, len(set))
	for k := range set {
		if e, ok := s.getLocked(k); ok {
			out = append(out, s.keep.unpack(e))
		}
	}
	sortObjects(out)
	return out, nil
}

// indexValuesLocked returns the values of index name that have objects.
func (s *store[T]) indexValuesLocked(name string) ([]string, error) {
	idx, ok := s.indices[name]
	if !ok {
		return nil, fmt.Errorf("no index named %q", name)
	}
	out := make([]string, 0, len(idx))
	for v := range idx {
		out = append(out, v)
	}
	sort.Strings(out)
	return out, nil
}

func sortObjects[T Object](objs []T) {
	sort.Slice(objs, func(i, j int) bool {
		a, b := objs[i], objs[j]
		if a.GetNamespace() != b.GetNamespace() {
			return a.GetNamespace() < b.GetNamespace()
		}
		return a.GetName() < b.GetName()
	})
}
