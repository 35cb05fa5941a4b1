package listwatch

import (
	"cmp"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/watch"
)

// key names an object by its own namespace and name strings (no copy).
type key struct{ ns, name string }

func keyOf(o Object) key { return key{o.GetNamespace(), o.GetName()} }

// Held is a consumer's own store, which the engine reads as its record
// (Options.Held) instead of keeping a second copy of every key: what the
// consumer holds is what was delivered to it, less what it chose to drop.
// The engine calls it from its goroutine, between deliveries.
type Held[T Object] interface {
	// HeldVersion returns the resourceVersion of the object held under
	// namespace/name.
	HeldVersion(namespace, name string) (string, bool)
	// HeldLen returns the number of objects held.
	HeldLen() int
	// EachHeld calls fn with every object held.
	EachHeld(fn func(T))
}

// entry is what is recorded of one delivered object.
type entry[T Object] struct {
	rv  string
	obj T      // RecordObjects only
	gen uint32 // the list that last saw it
}

// record is what the engine delivered: per key, the last resourceVersion
// (and object), or the consumer's Held store. complete says whether it
// holds everything the consumer holds (after a list, with Options.Known,
// or always when it is the consumer's store).
type record[T Object] struct {
	keep     bool
	m        map[key]entry[T] // nil with held
	held     Held[T]
	seen     map[key]struct{} // with held: what the current list saw, when the consumer held objects at its start
	complete bool
	gen      uint32 // the current list
}

func newRecord[T Object](mode RecordMode, known []T, held Held[T]) *record[T] {
	if held != nil {
		return &record[T]{held: held, complete: true}
	}
	r := &record[T]{keep: mode == RecordObjects, m: make(map[key]entry[T], len(known))}
	for _, o := range known {
		r.put(o)
	}
	r.complete = len(known) > 0
	return r
}

// version returns the resourceVersion recorded under k.
func (r *record[T]) version(k key) (string, bool) {
	if r.held != nil {
		return r.held.HeldVersion(k.ns, k.name)
	}
	e, ok := r.m[k]
	return e.rv, ok
}

// put records o (a Held store records it by holding it).
func (r *record[T]) put(o T) {
	if r.held != nil {
		return
	}
	e := entry[T]{rv: o.GetResourceVersion(), gen: r.gen}
	if r.keep {
		e.obj = o
	}
	r.m[keyOf(o)] = e
}

// fresh reports whether an event of type t on o would tell the consumer
// something new, and records it if so.
func (r *record[T]) fresh(t watch.EventType, o T) bool {
	k := keyOf(o)
	rv, ok := r.version(k)
	if t == watch.Deleted {
		if !ok && r.complete {
			return false
		}
		delete(r.m, k)
		return true
	}
	if ok && rv == o.GetResourceVersion() {
		return false
	}
	r.put(o)
	return true
}

// begin starts a list: what it does not see is deleted at its end. A Held
// store empty at the start needs no tracking: the list delivers all it
// will hold.
func (r *record[T]) begin() {
	r.gen++
	if r.held != nil && r.held.HeldLen() > 0 {
		r.seen = map[key]struct{}{}
	}
}

// listed records one listed object and returns the event that tells it
// (ADDED or MODIFIED), or "" when the consumer has it already.
func (r *record[T]) listed(o T) watch.EventType {
	k := keyOf(o)
	rv, ok := r.version(k)
	if r.seen != nil {
		r.seen[k] = struct{}{}
	}
	r.put(o)
	switch {
	case !ok:
		return watch.Added
	case rv != o.GetResourceVersion():
		return watch.Modified
	}
	return ""
}

// unlisted removes, and returns in key order, what the current list did
// not see: the objects held or recorded, or stubs.
func (r *record[T]) unlisted(stub func(ns, name, rv string) T) []T {
	var out []T
	switch {
	case r.held != nil && r.seen != nil:
		r.held.EachHeld(func(o T) {
			if _, ok := r.seen[keyOf(o)]; !ok {
				out = append(out, o)
			}
		})
	case r.held == nil:
		for k, e := range r.m {
			if e.gen == r.gen {
				continue
			}
			if r.keep {
				out = append(out, e.obj)
			} else {
				out = append(out, stub(k.ns, k.name, e.rv))
			}
			delete(r.m, k)
		}
	}
	slices.SortFunc(out, func(a, b T) int {
		return cmp.Or(strings.Compare(a.GetNamespace(), b.GetNamespace()), strings.Compare(a.GetName(), b.GetName()))
	})
	r.seen, r.complete = nil, true
	return out
}

// stub returns an object of type T with only namespace, name and
// resourceVersion: what a RecordKeys engine's synthesised DELETED event
// carries. A type other than *unstructured.Unstructured and
// *metav1.PartialObjectMetadata yields T's zero.
func stub[T Object](ns, name, rv string) T {
	var out T
	var m metav1.Object
	switch p := any(&out).(type) {
	case **unstructured.Unstructured:
		*p = &unstructured.Unstructured{Object: map[string]any{}}
		m = *p
	case **metav1.PartialObjectMetadata:
		*p = &metav1.PartialObjectMetadata{}
		m = *p
	default:
		return out
	}
	m.SetNamespace(ns)
	m.SetName(name)
	m.SetResourceVersion(rv)
	return out
}
