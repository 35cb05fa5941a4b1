package compact

import (
	"math"

	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Object is one object in compact form: immutable, a single string of
// bytes (see format.go) whose keys and repeated values refer to its Table.
// Unstructured turns it into a tree when one is needed; the metadata
// accessors read it in place. An Object is safe for concurrent use.
type Object struct {
	data string
	*shape
	md int32 // offset of the metadata object, or -1
}

// shape is what the objects of one Builder share: 32 bytes an object
// need not hold each.
type shape struct {
	tab  *Table
	plan *Plan
}

// Unstructured returns a new tree of the object: a caller may change it
// freely, and it is not retained. Strings are shared with the Object (Go
// strings are immutable), but for those stored compressed, which are
// decoded anew; maps, slices and boxes are new. A projected
// object carries the ProjectionAnnotation.
func (o *Object) Unstructured() *k8su.Unstructured {
	r := reader{d: o.data, e: o.tab.entries.Load()}
	m, _ := r.value(0).(map[string]any)
	if o.plan.project != nil {
		markProjected(m, o.plan.joined)
	}
	return &k8su.Unstructured{Object: m}
}

// markProjected sets the ProjectionAnnotation in a projected tree.
func markProjected(m map[string]any, paths string) {
	md, ok := m["metadata"].(map[string]any)
	if !ok {
		md = map[string]any{}
		m["metadata"] = md
	}
	ann, ok := md["annotations"].(map[string]any)
	if !ok {
		ann = map[string]any{}
		md["annotations"] = ann
	}
	ann[ProjectionAnnotation] = paths
}

// Projection returns the field paths the object was projected to, or nil
// when it is whole (but for managedFields, unless they were kept).
func (o *Object) Projection() []string { return o.plan.project }

// Size returns the bytes of the object's own encoding (not counting the
// strings it shares through its Table).
func (o *Object) Size() int { return len(o.data) }

// reader turns a slab into a tree.
type reader struct {
	d string
	e *entries
	p int
}

// value decodes the value at r.p.
func (r *reader) value(depth int) any {
	t, n, p := head(r.d, r.p)
	r.p = p
	switch t {
	case tLit:
		switch n {
		case litTrue:
			return true
		case litFalse:
			return false
		}
		return nil
	case tInt:
		return unzigzag(n)
	case tFloat:
		v := uint64(0)
		for i := 7; i >= 0; i-- {
			v = v<<8 | uint64(r.d[p+i])
		}
		r.p = p + 8
		return math.Float64frombits(v)
	case tStr:
		r.p = p + int(n)
		return r.d[p:r.p]
	case tRef:
		return r.e.boxed[n]
	case tZip:
		r.p = p + int(n)
		return unpack(r.d[p:r.p])
	case tObject:
		m := make(map[string]any, n)
		for range n {
			var k string
			k, r.p = key(r.d, r.p, r.e.strs)
			m[k] = r.value(depth + 1)
		}
		return m
	}
	a := make([]any, n)
	for i := range a {
		a[i] = r.value(depth + 1)
	}
	return a
}
