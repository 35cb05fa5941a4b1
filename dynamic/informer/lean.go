package informer

import (
	"sync"
	"unique"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Leaner makes cached objects smaller: it drops metadata.managedFields
// (server-side apply bookkeeping that controllers rarely read, often half
// of an object's bytes) and interns strings, so that map keys ("metadata",
// "labels", "containerPort"…) and repeated values (namespaces, label
// values, images, "True") are stored once for all objects rather than once
// per object.
//
// Interning goes through Go's unique package (the string bytes are shared
// process-wide and freed when no object uses them), and each Leaner keeps
// one boxed interface per interned string, so an unstructured value costs
// one pointer-pair in its map rather than a 16-byte allocation. That table
// holds at most maxBoxes strings and is dropped and restarted when full, so
// it cannot grow without end on a resource whose values are all distinct.
// Values that are unique by nature (metadata.name, uid, resourceVersion)
// and strings longer than maxInterned bytes are left as they are.
//
// A Leaner is safe for concurrent use. Options.Lean gives each informer
// its own.
type Leaner struct {
	mu    sync.Mutex     // guards boxes
	boxes map[string]any // interned string → the same string, boxed once
}

const (
	maxBoxes    = 1 << 16
	maxInterned = 512
)

// NewLeaner returns a Leaner with an empty table.
func NewLeaner() *Leaner {
	return &Leaner{boxes: map[string]any{}}
}

// Unstructured leans u in place and returns it, for use as (or in) an
// Options.Transform.
func (l *Leaner) Unstructured(u *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	if md, ok := u.Object["metadata"].(map[string]any); ok {
		delete(md, "managedFields")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	u.Object = l.mapLocked(u.Object, "")
	return u, nil
}

// Metadata leans m in place and returns it.
func (l *Leaner) Metadata(m *metav1.PartialObjectMetadata) (*metav1.PartialObjectMetadata, error) {
	m.ManagedFields = nil
	m.Namespace = intern(m.Namespace)
	m.GenerateName = intern(m.GenerateName)
	m.APIVersion, m.Kind = intern(m.APIVersion), intern(m.Kind)
	m.Labels = internStrings(m.Labels)
	m.Annotations = internStrings(m.Annotations)
	for n := range m.OwnerReferences {
		r := &m.OwnerReferences[n]
		r.APIVersion, r.Kind, r.Name = intern(r.APIVersion), intern(r.Kind), intern(r.Name)
	}
	for n := range m.Finalizers {
		m.Finalizers[n] = intern(m.Finalizers[n])
	}
	return m, nil
}

// leanObject leans an object of either kind the informers cache.
func (l *Leaner) leanObject(obj Object) {
	switch o := obj.(type) {
	case *unstructured.Unstructured:
		_, _ = l.Unstructured(o)
	case *metav1.PartialObjectMetadata:
		_, _ = l.Metadata(o)
	}
}

// mapLocked returns m rebuilt with interned keys and values; parent is the
// key m is under, to recognise metadata's unique fields.
func (l *Leaner) mapLocked(m map[string]any, parent string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		ik := intern(k)
		if parent == "metadata" && (k == "name" || k == "uid" || k == "resourceVersion") {
			out[ik] = v
			continue
		}
		out[ik] = l.valueLocked(v, k)
	}
	return out
}

func (l *Leaner) valueLocked(v any, key string) any {
	switch x := v.(type) {
	case string:
		return l.boxLocked(x, v)
	case map[string]any:
		return l.mapLocked(x, key)
	case []any:
		for n := range x {
			x[n] = l.valueLocked(x[n], "")
		}
		return x
	}
	return v
}

// boxLocked returns the shared boxed interned copy of s (whose box is v).
func (l *Leaner) boxLocked(s string, v any) any {
	if len(s) > maxInterned {
		return v
	}
	if b, ok := l.boxes[s]; ok {
		return b
	}
	if len(l.boxes) >= maxBoxes {
		clear(l.boxes)
	}
	is := intern(s)
	var b any = is
	l.boxes[is] = b
	return b
}

func intern(s string) string {
	if s == "" || len(s) > maxInterned {
		return s
	}
	return unique.Make(s).Value()
}

func internStrings(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[intern(k)] = intern(v)
	}
	return out
}
