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

// LeanInPlace does what Lean does to u itself, without copying: it drops
// metadata.managedFields and replaces keys and strings by interned ones,
// reusing u's maps and slices. Use it when nothing else holds u (a freshly
// decoded object); it allocates far less than Lean.
func LeanInPlace(u *k8su.Unstructured) {
	if u == nil || u.Object == nil {
		return
	}
	leanMapInPlace(u.Object, true)
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
		if k != "managedFields" {
			out[internKey(k)] = leanValue(v)
		}
	}
	return out
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

// leanMapInPlace interns m's keys and values in place.
func leanMapInPlace(m map[string]any, top bool) {
	for k, v := range m {
		if top && k == "metadata" {
			if md, ok := v.(map[string]any); ok {
				delete(md, "managedFields")
			}
		}
		// Assigning to an existing key replaces the stored key too (Go
		// maps update string keys on assignment), so this interns it.
		m[internKey(k)] = leanValueInPlace(v)
	}
}

// leanValueInPlace interns v's strings in place and returns v (or, for a
// string, its interned box).
func leanValueInPlace(v any) any {
	switch t := v.(type) {
	case string:
		return internValue(t)
	case map[string]any:
		leanMapInPlace(t, false)
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
