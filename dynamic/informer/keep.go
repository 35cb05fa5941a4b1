package informer

import (
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"

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
	// b builds compact objects, under the store's write lock; nil keeps
	// objects as they are.
	b       *compact.Builder
	project bool // b's plan is a projection
	keepMF  bool // b's plan keeps managedFields
}

// newKeeper returns a keeper of compact objects as opts say.
func newKeeper[T Object](opts compact.Options) (keeper[T], error) {
	plan, err := compact.NewPlan(opts)
	if err != nil {
		return keeper[T]{}, err
	}
	return keeper[T]{b: compact.NewBuilder(compact.NewTable(), plan), project: len(opts.Project) > 0, keepMF: opts.KeepManagedFields}, nil
}

// pack returns what the store keeps of obj, a fresh object no one else
// holds, and the object handlers and index functions get: obj itself,
// without managedFields unless they are kept, or for a projection the
// projected tree (made only when hand is set: someone will read it).
func (k keeper[T]) pack(obj T, hand bool) (kept[T], T, error) {
	if k.b == nil {
		return kept[T]{obj: obj}, obj, nil
	}
	u, ok := any(obj).(*unstructured.Unstructured)
	if !ok {
		var zero T
		return kept[T]{}, zero, fmt.Errorf("a compact store keeps *unstructured.Unstructured, not %T", obj)
	}
	c, err := k.b.FromUnstructured(u)
	if err != nil {
		var zero T
		return kept[T]{}, zero, fmt.Errorf("%s: %w", KeyOf(u), err)
	}
	if !hand {
		return kept[T]{c: c}, obj, nil
	}
	return kept[T]{c: c}, k.handed(obj, u, c), nil
}

// handed is what handlers get of u, whose compact form is c.
func (k keeper[T]) handed(obj T, u *unstructured.Unstructured, c *compact.Object) T {
	if k.project {
		return any(c.Unstructured()).(T)
	}
	if !k.keepMF {
		if md, ok := u.Object["metadata"].(map[string]any); ok {
			delete(md, "managedFields")
		}
	}
	return obj
}

// hand returns what handlers get of obj, which is not kept (a watch's
// delete).
func (k keeper[T]) hand(obj T) (T, error) {
	_, h, err := k.pack(obj, true)
	return h, err
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
	return Key{Namespace: e.c.Namespace(), Name: e.c.Name()}
}

// labels returns e's labels, read in place.
func (k keeper[T]) labels(e kept[T]) labels.Labels {
	if e.c == nil {
		return labelsOf(e.obj)
	}
	return e.c.Labels()
}
