package informer

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
)

// Lister reads an informer's cache. Lists are sorted by namespace, then
// name. A full-object informer keeps objects in compact form (the
// default): each object a Lister returns is a new tree, built for this
// call and the caller's to change. An informer that keeps objects as they
// are (metadata informers, Options.StoreTrees) returns the cached object
// itself, shared with the informer, its handlers and every other reader:
// treat it as read-only (DeepCopy it before changing it).
type Lister[T Object] struct {
	s *store[T]
}

// Get returns the object with key k, and whether it is cached.
func (l Lister[T]) Get(k Key) (T, bool) {
	return l.s.get(k)
}

// List returns every cached object whose labels sel matches, in every
// namespace. A nil selector matches everything.
func (l Lister[T]) List(sel labels.Selector) []T {
	return l.list("", true, sel)
}

// Len returns the number of cached objects.
func (l Lister[T]) Len() int {
	l.s.mu.RLock()
	defer l.s.mu.RUnlock()
	return l.s.count
}

// Namespace returns a lister of one namespace's objects.
func (l Lister[T]) Namespace(ns string) NamespaceLister[T] {
	return NamespaceLister[T]{l: l, ns: ns}
}

// ByIndex returns the objects indexed under value in the index named
// indexName ([Options.Indexers]); an unknown index is an error.
func (l Lister[T]) ByIndex(indexName, value string) ([]T, error) {
	l.s.mu.RLock()
	defer l.s.mu.RUnlock()
	return l.s.byIndexLocked(indexName, value)
}

// IndexValues returns the values of the index named indexName under which
// at least one object is indexed, sorted.
func (l Lister[T]) IndexValues(indexName string) ([]string, error) {
	l.s.mu.RLock()
	defer l.s.mu.RUnlock()
	return l.s.indexValuesLocked(indexName)
}

func (l Lister[T]) list(ns string, all bool, sel labels.Selector) []T {
	everything := sel == nil || sel.Empty()
	l.s.mu.RLock()
	var matched []kept[T]
	l.s.eachLocked(ns, all, func(e kept[T]) bool {
		if everything || sel.Matches(l.s.keep.labels(e)) {
			matched = append(matched, e)
		}
		return true
	})
	l.s.mu.RUnlock()
	out := make([]T, len(matched))
	for n, e := range matched {
		out[n] = l.s.keep.unpack(e)
	}
	sortObjects(out)
	return out
}

// NamespaceLister reads one namespace's objects from an informer's cache,
// with the same read-only rule as [Lister].
type NamespaceLister[T Object] struct {
	l  Lister[T]
	ns string
}

// Get returns the named object, and whether it is cached.
func (n NamespaceLister[T]) Get(name string) (T, bool) {
	return n.l.Get(Key{Namespace: n.ns, Name: name})
}

// List returns the namespace's objects whose labels sel matches (nil: all).
func (n NamespaceLister[T]) List(sel labels.Selector) []T {
	return n.l.list(n.ns, false, sel)
}

// labelsOf returns obj's labels as a labels.Labels without copying them
// when obj is unstructured.
func labelsOf(obj metav1.Object) labels.Labels {
	if u, ok := obj.(*unstructured.Unstructured); ok {
		md, _ := u.Object["metadata"].(map[string]any)
		m, _ := md["labels"].(map[string]any)
		return anyLabels(m)
	}
	return labels.Set(obj.GetLabels())
}

// anyLabels reads an unstructured object's labels in place.
type anyLabels map[string]any

func (a anyLabels) Has(k string) bool {
	_, ok := a[k].(string)
	return ok
}

func (a anyLabels) Get(k string) string {
	v, _ := a[k].(string)
	return v
}

// Lookup is part of labels.Labels.
func (a anyLabels) Lookup(k string) (string, bool) {
	v, ok := a[k].(string)
	return v, ok
}

// NamespaceIndex is the name [IndexByNamespace] is usually registered under.
const NamespaceIndex = "namespace"

// IndexByNamespace indexes objects by namespace. Listers need no index to
// read one namespace (the cache is organised by namespace); this one serves
// [Lister.IndexValues] and code written against client-go's
// cache.NamespaceIndex.
func IndexByNamespace[T Object](obj T) ([]string, error) {
	return []string{obj.GetNamespace()}, nil
}

// IndexByLabel returns an index function that indexes objects by the value
// of label key; objects without it are not indexed.
func IndexByLabel[T Object](key string) IndexFunc[T] {
	return func(obj T) ([]string, error) {
		if v, ok := labelsOf(obj).Lookup(key); ok {
			return []string{v}, nil
		}
		return nil, nil
	}
}

// IndexByField returns an index function that indexes unstructured objects
// by the string at path ("spec", "nodeName"); objects without one are not
// indexed, and a value that is not a string is an error.
func IndexByField(path ...string) IndexFunc[*unstructured.Unstructured] {
	return func(obj *unstructured.Unstructured) ([]string, error) {
		v, ok, err := unstructured.NestedFieldNoCopy(obj.Object, path...)
		if err != nil || !ok {
			return nil, err
		}
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("field %v is %T, not a string", path, v)
		}
		return []string{s}, nil
	}
}
