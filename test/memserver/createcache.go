package memserver

import (
	"math"
	"slices"
	"strconv"
	"sync"
)

// shapeCache remembers the fields a create owns by the object's shape, so
// that the creates of a test suite (many objects alike but for their
// values) convert and compare once per shape, not once per object.
//
// The shape is everything of the object the result can depend on. Given
// the resource's empty object (fixed), track's set is Compare(empty, obj)
// filtered by paths, and Compare and the typed conversion read of a value
// its map keys, its list items whole (an associative list's keys and a
// set's members are values), the kind of each scalar (validation checks
// kinds) and whether a scalar equals the empty object's scalar at the same
// path (Modified or not); nothing else. The shape keeps at least that:
// every map key, every list in full, and for a scalar in a map its kind,
// or the scalar in full where the empty object has a value too. Numbers
// end with ';' and strings carry their length, so two objects have the
// same shape only when they agree on all of it. FuzzCreateFields compares
// cached answers with the field manager's.
type shapeCache struct {
	mu sync.Mutex
	m  map[string]shapeResult
}

// shapeResult is what track computed for one shape: whether the fast path
// could take it, and the FieldsV1 of its entry (nil: no field is owned).
type shapeResult struct {
	ok     bool
	fields map[string]any // read-only: copied into each object
}

// maxShapes bounds a resource's cache; a suite writing ever-new shapes
// (unique label keys) starts it over instead of growing it.
const maxShapes = 256

// maxShapeBytes bounds one shape kept: a larger object (long lists, many
// keys) is tracked without the cache.
const maxShapeBytes = 8 << 10

// get returns the result cached for shape.
func (sc *shapeCache) get(shape []byte) (shapeResult, bool) {
	sc.mu.Lock()
	r, ok := sc.m[string(shape)]
	sc.mu.Unlock()
	return r, ok
}

// put caches r for shape.
func (sc *shapeCache) put(shape []byte, r shapeResult) {
	sc.mu.Lock()
	if sc.m == nil || len(sc.m) >= maxShapes {
		sc.m = make(map[string]shapeResult)
	}
	sc.m[string(shape)] = r
	sc.mu.Unlock()
}

// shapeOf appends obj's shape against the resource's empty object to b.
// It reports false for a value of a type JSON decoding does not produce,
// which is then not cached.
func shapeOf(b []byte, obj, empty map[string]any) ([]byte, bool) {
	var kbuf [16]string
	keys := kbuf[:0]
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for _, k := range keys {
		b = appendString(b, k)
		v := obj[k]
		ev, inEmpty := empty[k]
		switch v := v.(type) {
		case map[string]any:
			em, _ := ev.(map[string]any)
			var ok bool
			if b, ok = shapeOf(b, v, em); !ok {
				return b, false
			}
		case []any:
			var ok bool
			if b, ok = appendValue(b, v); !ok {
				return b, false
			}
		default:
			// A scalar where the empty object has none is Added whatever
			// its value: only its kind matters. Where the empty object
			// has a value, whether it is Modified depends on the value.
			var ok bool
			if inEmpty {
				b, ok = appendValue(append(b, '='), v)
			} else {
				var kind byte
				kind, ok = scalarKind(v)
				b = append(b, kind)
			}
			if !ok {
				return b, false
			}
		}
	}
	return append(b, '}'), true
}

// appendValue appends v in full: lists' items are compared by value.
func appendValue(b []byte, v any) ([]byte, bool) {
	switch v := v.(type) {
	case map[string]any:
		var kbuf [16]string
		keys := kbuf[:0]
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, '{')
		for _, k := range keys {
			b = appendString(b, k)
			var ok bool
			if b, ok = appendValue(b, v[k]); !ok {
				return b, false
			}
		}
		return append(b, '}'), true
	case []any:
		b = append(b, '[')
		for _, it := range v {
			var ok bool
			if b, ok = appendValue(b, it); !ok {
				return b, false
			}
		}
		return append(b, ']'), true
	case string:
		return appendString(append(b, 's'), v), true
	case int64:
		return append(strconv.AppendInt(append(b, 'i'), v, 10), ';'), true
	case float64:
		return append(strconv.AppendUint(append(b, 'f'), math.Float64bits(v), 16), ';'), true
	case bool:
		if v {
			return append(b, 't'), true
		}
		return append(b, 'F'), true
	case nil:
		return append(b, 'n'), true
	}
	return b, false
}

// appendString appends s with its length, so that no two sequences of
// strings append the same bytes.
func appendString(b []byte, s string) []byte {
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, ':')
	return append(b, s...)
}

// scalarKind is the tag of a scalar's kind.
func scalarKind(v any) (byte, bool) {
	switch v.(type) {
	case string:
		return 's', true
	case int64:
		return 'i', true
	case float64:
		return 'f', true
	case bool:
		return 'b', true
	case nil:
		return 'n', true
	}
	return 0, false
}

// copyFields deep-copies a FieldsV1 value (maps of maps).
func copyFields(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if c, ok := v.(map[string]any); ok {
			out[k] = copyFields(c)
			continue
		}
		out[k] = v
	}
	return out
}
