package unstructured

import (
	"unique"

	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// maxLeanIntern is the longest string Lean interns. Longer strings (file
// contents in a ConfigMap, certificates) are rarely repeated; they are
// shared with the input instead, which is safe because strings are
// immutable.
const maxLeanIntern = 256

// Lean returns a copy of u for a long-lived cache (an informer's store, for
// example as its transform): metadata.managedFields is dropped, and object
// keys and string values up to 256 bytes are interned with Go's unique
// package, so that the many copies of "apiVersion", "Running",
// "IfNotPresent" or a node name in 10,000 pods share one string and one
// boxed interface. The copy shares nothing mutable with u: every map and
// slice is new (strings and boxed numbers, which are immutable, may be
// shared). Lean(nil) is nil.
//
// Interning needs no table of its own: unique's entries are weak, so a
// string no live object holds is freed. The flip side is that strings
// interned before a garbage collection that finds no handle to them are
// not found again afterwards (new objects then intern a fresh copy, which
// later objects share); interning is a saving, not a guarantee.
//
// Values of types an unstructured object should not hold (a Go int, a
// map[string]string) are converted to their JSON form (int64,
// map[string]any) when they have one and kept as they are otherwise.
func Lean(u *k8su.Unstructured) *k8su.Unstructured {
	if u == nil {
		return nil
	}
	out := &k8su.Unstructured{}
	if u.Object != nil {
		out.Object = leanMap(u.Object, true)
	}
	return out
}

// LeanInPlace does what Lean does to u itself, for a freshly decoded
// object that nothing else holds: it drops metadata.managedFields, interns
// keys and strings, rebuilds u's maps at their exact size (a decoded map
// keeps the room it grew into) and reuses its slices. It allocates far
// less than Lean, and the result is smaller than the decoded object.
func LeanInPlace(u *k8su.Unstructured) {
	if u == nil || u.Object == nil {
		return
	}
	u.Object = leanMapInPlace(u.Object, true)
}

// internKey returns the canonical copy of a short string.
func internKey(s string) string {
	if len(s) > maxLeanIntern {
		return s
	}
	return unique.Make(s).Value()
}

// internValue returns a string boxed in the canonical interface value, so
// equal strings share both their bytes and their box.
func internValue(s string) any {
	if len(s) > maxLeanIntern {
		return s
	}
	return unique.Make[any](unique.Make(s).Value()).Value()
}

// leanMap copies m; top is true for the object itself, whose metadata
// loses managedFields.
func leanMap(m map[string]any, top bool) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if top && k == "metadata" {
			if md, ok := v.(map[string]any); ok {
				out[internKey(k)] = leanMetadata(md)
				continue
			}
		}
		out[internKey(k)] = leanValue(v)
	}
	return out
}

// leanMetadata copies an object's metadata without managedFields.
func leanMetadata(md map[string]any) map[string]any {
	n := len(md)
	if _, ok := md["managedFields"]; ok {
		n--
	}
	out := make(map[string]any, n)
	for k, v := range md {
		switch {
		case k == "managedFields":
		case uniqueByNature(k):
			out[internKey(k)] = v
		default:
			out[internKey(k)] = leanValue(v)
		}
	}
	return out
}

// uniqueByNature reports whether an object's metadata field k holds a value
// no other object shares (name, uid, resourceVersion): interning it would
// cost an entry and save nothing.
func uniqueByNature(k string) bool {
	return k == "name" || k == "uid" || k == "resourceVersion"
}

// leanValue copies one value.
func leanValue(v any) any {
	switch t := v.(type) {
	case string:
		return internValue(t)
	case map[string]any:
		return leanMap(t, false)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = leanValue(e)
		}
		return out
	case nil, int64, float64, bool:
		return t
	}
	if n, err := normalize(v, 0); err == nil {
		return leanValue(n)
	}
	return v
}

// leanMapInPlace returns m rebuilt at its exact size with interned keys,
// its values leaned in place; top is true for the object itself, whose
// metadata loses managedFields.
func leanMapInPlace(m map[string]any, top bool) map[string]any {
	if top {
		if md, ok := m["metadata"].(map[string]any); ok {
			delete(md, "managedFields")
		}
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		if top && k == "metadata" {
			if md, ok := v.(map[string]any); ok {
				out[internKey(k)] = leanMetadataInPlace(md)
				continue
			}
		}
		out[internKey(k)] = leanValueInPlace(v)
	}
	return out
}

// leanMetadataInPlace is leanMapInPlace for an object's metadata (whose
// managedFields are already gone), leaving unique-by-nature values alone.
func leanMetadataInPlace(md map[string]any) map[string]any {
	out := make(map[string]any, len(md))
	for k, v := range md {
		if uniqueByNature(k) {
			out[internKey(k)] = v
			continue
		}
		out[internKey(k)] = leanValueInPlace(v)
	}
	return out
}

// leanValueInPlace interns v's strings in place and returns v (or, for a
// string, its interned box).
func leanValueInPlace(v any) any {
	switch t := v.(type) {
	case string:
		return internValue(t)
	case map[string]any:
		return leanMapInPlace(t, false)
	case []any:
		for i, e := range t {
			t[i] = leanValueInPlace(e)
		}
	case nil, int64, float64, bool:
	default:
		if n, err := normalize(v, 0); err == nil {
			return leanValueInPlace(n)
		}
	}
	return v
}
