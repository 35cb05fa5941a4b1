package informer

import (
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/kubedyn/kubedyn/dynamic/internal/listwatch"
	"github.com/kubedyn/kubedyn/unstructured/compact"
)

// kept is what the store holds of one object: its compact form, or the
// object itself (metadata informers, Options.StoreTrees).
type kept[T Object] struct {
	obj T
	c   *compact.Object
}

// keeper turns objects into what the store keeps and back. Its zero value
// keeps objects as they are.
type keeper[T Object] struct {
	// b builds compact objects from trees, from the engine's goroutine
	// only; nil keeps objects as they are.
	b       *compact.Builder
	tab     *compact.Table // b's, shared with the compact engine's Source
	plan    *compact.Plan
	project bool // plan is a projection
	keepMF  bool // plan keeps managedFields
}

// newKeeper returns a keeper of compact objects as opts say.
func newKeeper[T Object](opts compact.Options) (keeper[T], error) {
	plan, err := compact.NewPlan(opts)
	if err != nil {
		return keeper[T]{}, err
	}
	tab := compact.NewTable()
	return keeper[T]{b: compact.NewBuilder(tab, plan), tab: tab, plan: plan, project: len(opts.Project) > 0, keepMF: opts.KeepManagedFields}, nil
}

// arrival is one object arriving from the engine: its key, what the store
// is to keep of it, and the tree handlers and index functions get (made
// from e on demand unless tree is set).
type arrival[T Object] struct {
	key  Key
	e    kept[T]
	tree T
	has  bool // tree is set
}

// handed returns the tree handlers get of a, false when there is none (a
// DELETED whose object could not be kept).
func (a arrival[T]) handed(k keeper[T]) (T, bool) {
	if a.has {
		return a.tree, true
	}
	if a.e.c == nil {
		var zero T
		return zero, false
	}
	return k.unpack(a.e), true
}

// arrive makes the arrival of obj, a fresh object no one else holds: its
// compact form, and obj itself for handlers (without managedFields unless
// they are kept), or for a projection the projected tree, made when read.
func (k keeper[T]) arrive(obj T) (arrival[T], error) {
	a := arrival[T]{key: KeyOf(obj), e: kept[T]{obj: obj}, tree: obj, has: true}
	if k.b == nil {
		return a, nil
	}
	u, ok := any(obj).(*unstructured.Unstructured)
	if !ok {
		return arrival[T]{key: a.key}, fmt.Errorf("a compact store keeps *unstructured.Unstructured, not %T", obj)
	}
	c, err := k.b.FromUnstructured(u)
	if err != nil {
		return arrival[T]{key: a.key}, fmt.Errorf("%s: %w", a.key, err)
	}
	a.e, a.has = kept[T]{c: c}, !k.project
	if md, ok := u.Object["metadata"].(map[string]any); ok && !k.project && !k.keepMF {
		delete(md, "managedFields")
	}
	return a, nil
}

// compactArrival is the arrival of a compact object from the wire.
func compactArrival[T Object](c *compact.Object) arrival[T] {
	return arrival[T]{key: Key{Namespace: c.GetNamespace(), Name: c.GetName()}, e: kept[T]{c: c}}
}

// unpack returns the object e keeps: a new tree for a compact one.
func (k keeper[T]) unpack(e kept[T]) T {
	if e.c == nil {
		return e.obj
	}
	return any(e.c.Unstructured()).(T)
}

// key returns the key of e, from the object's own strings.
func (k keeper[T]) key(e kept[T]) Key {
	if e.c == nil {
		return KeyOf(e.obj)
	}
	return Key{Namespace: e.c.GetNamespace(), Name: e.c.GetName()}
}

// version returns e's resourceVersion.
func (k keeper[T]) version(e kept[T]) string {
	if e.c == nil {
		return e.obj.GetResourceVersion()
	}
	return e.c.GetResourceVersion()
}

// labels returns e's labels, read in place.
func (k keeper[T]) labels(e kept[T]) labels.Labels {
	if e.c == nil {
		return labelsOf(e.obj)
	}
	return e.c.Labels()
}

// held is the store as its engine's record (listwatch.Held), in the
// engine's objects E: T, or the compact objects of the compact engine.
type held[T Object, E listwatch.Object] struct {
	s  *store[T]
	as func(keeper[T], kept[T]) E
}

// HeldVersion returns the resourceVersion of the object held under ns/name.
func (h held[T, E]) HeldVersion(ns, name string) (string, bool) {
	h.s.mu.RLock()
	defer h.s.mu.RUnlock()
	e, ok := h.s.getLocked(Key{Namespace: ns, Name: name})
	if !ok {
		return "", false
	}
	return h.s.keep.version(e), true
}

// HeldLen returns the number of objects held.
func (h held[T, E]) HeldLen() int {
	h.s.mu.RLock()
	defer h.s.mu.RUnlock()
	return h.s.count
}

// EachHeld calls fn with every object held.
func (h held[T, E]) EachHeld(fn func(E)) {
	h.s.mu.RLock()
	defer h.s.mu.RUnlock()
	h.s.eachLocked("", true, func(e kept[T]) bool {
		fn(h.as(h.s.keep, e))
		return true
	})
}

// heldTrees is the store as the record of the engine of trees (T), which
// gets trees of what it holds.
func heldTrees[T Object](s *store[T]) listwatch.Held[T] {
	return held[T, T]{s: s, as: keeper[T].unpack}
}

// heldCompact is the store of compact objects as the record of the
// compact engine.
func heldCompact[T Object](s *store[T]) listwatch.Held[*compact.Object] {
	return held[T, *compact.Object]{s: s, as: func(_ keeper[T], e kept[T]) *compact.Object { return e.c }}
}
