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

// entry is what is recorded of one delivered object.
type entry[T Object] struct {
	rv  string
	obj T      // RecordObjects only
	gen uint32 // the list that last saw it
}

// record is what the engine delivered: per key, the last resourceVersion
// (and object). complete says whether it holds everything the consumer
// holds (after a list, or with Options.Known).
type record[T Object] struct {
	keep     bool
	m        map[key]entry[T]
	complete bool
	gen      uint32 // the current list
}

func newRecord[T Object](mode RecordMode, known []T) *record[T] {
	r := &record[T]{keep: mode == RecordObjects, m: make(map[key]entry[T], len(known))}
	for _, o := range known {
		r.put(o)
	}
	r.complete = len(known) > 0
	return r
}

func (r *record[T]) put(o T) {
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
	old, ok := r.m[k]
	if t == watch.Deleted {
		if !ok && r.complete {
			return false
		}
		delete(r.m, k)
		return true
	}
	if ok && old.rv == o.GetResourceVersion() {
		return false
	}
	r.put(o)
	return true
}

// begin starts a list: what it does not see is deleted at its end.
func (r *record[T]) begin() { r.gen++ }

// listed records one listed object and returns the event that tells it
// (ADDED or MODIFIED), or "" when the consumer has it already.
func (r *record[T]) listed(o T) watch.EventType {
	k := keyOf(o)
	old, ok := r.m[k]
	r.put(o)
	switch {
	case !ok:
		return watch.Added
	case old.rv != o.GetResourceVersion():
		return watch.Modified
	}
	return ""
}

// unlisted removes, and returns in key order, what the current list did
// not see.
func (r *record[T]) unlisted(stub func(ns, name, rv string) T) []T {
	var gone []key
	for k, e := range r.m {
		if e.gen != r.gen {
			gone = append(gone, k)
		}
	}
	slices.SortFunc(gone, func(a, b key) int { return cmp.Or(strings.Compare(a.ns, b.ns), strings.Compare(a.name, b.name)) })
	out := make([]T, len(gone))
	for i, k := range gone {
		e := r.m[k]
		if r.keep {
			out[i] = e.obj
		} else {
			out[i] = stub(k.ns, k.name, e.rv)
		}
		delete(r.m, k)
	}
	r.complete = true
	return out
}

// stub returns an object of type T with only namespace, name and
// resourceVersion: what a RecordKeys engine's synthesised DELETED event
// carries. A type other than the two the engine serves yields T's zero.
func stub[T Object](ns, name, rv string) T {
	var out T
	switch p := any(&out).(type) {
	case **unstructured.Unstructured:
		*p = &unstructured.Unstructured{Object: map[string]any{}}
	case **metav1.PartialObjectMetadata:
		*p = &metav1.PartialObjectMetadata{}
	default:
		return out
	}
	out.SetNamespace(ns)
	out.SetName(name)
	out.SetResourceVersion(rv)
	return out
}
