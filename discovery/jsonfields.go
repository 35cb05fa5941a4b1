package discovery

import (
	"strings"
)

// The typed helpers of the hand-written decoders: fields, arrays and the
// slabs arrays are cut from (see jsonReader).

// stringField decodes a string value into dst; null leaves dst as it is.
func (r *jsonReader) stringField(dst *string, what string) error {
	switch r.Peek() {
	case '"':
		v, err := r.String()
		*dst = v
		return err
	case 'n':
		_, err := r.Null()
		return err
	}
	return r.typeError(what)
}

// boolField decodes a bool value into dst; null leaves dst as it is.
func (r *jsonReader) boolField(dst *bool, what string) error {
	switch r.Peek() {
	case 't', 'f':
		v, err := r.Bool()
		*dst = v
		return err
	case 'n':
		_, err := r.Null()
		return err
	}
	return r.typeError(what)
}

// decodeSlice decodes an array into *dst as encoding/json does: elements
// already in *dst are decoded into (a repeated key merges), the slice is cut
// to the array's length, an empty array gives an empty non-nil slice and
// null gives nil.
func decodeSlice[T any](r *jsonReader, dst *[]T, what string, elem func(*T) error) error {
	switch r.Peek() {
	case 'n':
		*dst = nil
		_, err := r.Null()
		return err
	case '[':
	default:
		return r.typeError(what)
	}
	n, err := r.Array(func(i int) error {
		if i >= len(*dst) {
			var zero T
			*dst = append(*dst, zero)
		}
		return elem(&(*dst)[i])
	})
	if err != nil {
		return err
	}
	if n == 0 {
		*dst = []T{}
		return nil
	}
	*dst = (*dst)[:n]
	return nil
}

// slab is the scratch and the arena of one element type, so decoding an
// array costs no allocation per array: the elements are decoded into
// scratch, then copied into a slice cut from arena with its capacity cut
// to its length (appending to one slice never touches another).
type slab[T any] struct {
	scratch []T
	arena   []T
	chunk   int // size of the next arena, doubling from 8 to 512
}

// cut returns a new slice of n elements from the arena.
func (s *slab[T]) cut(n int) []T {
	if len(s.arena) < n {
		s.chunk = min(max(2*s.chunk, 8), 512)
		s.arena = make([]T, max(n, s.chunk))
	}
	out := s.arena[:n:n]
	s.arena = s.arena[n:]
	return out
}

// decodeSlab is decodeSlice through sl: into an empty *dst (the common
// case, with no repeated keys) the array is decoded into sl's scratch and
// copied into a slice cut from its arena; anything else goes through
// decodeSlice. Arrays of one element type must not nest.
func decodeSlab[T any](r *jsonReader, dst *[]T, sl *slab[T], what string, elem func(*T) error) error {
	if len(*dst) > 0 || r.Peek() != '[' {
		return decodeSlice(r, dst, what, elem)
	}
	start := len(sl.scratch)
	n, err := r.Array(func(int) error {
		var zero T
		sl.scratch = append(sl.scratch, zero)
		return elem(&sl.scratch[len(sl.scratch)-1])
	})
	if err != nil {
		return err
	}
	if n == 0 {
		*dst = []T{}
	} else {
		*dst = sl.cut(n)
		copy(*dst, sl.scratch[start:start+n])
	}
	clear(sl.scratch[start:])
	sl.scratch = sl.scratch[:start]
	return nil
}

// stringSlice decodes an array of strings into *dst (see decodeSlab).
func (r *jsonReader) stringSlice(dst *[]string, what string) error {
	return decodeSlab(r, dst, &r.strs, what, func(s *string) error { return r.stringField(s, what) })
}

// field returns which of names an object key selects, as encoding/json
// matches keys to the fields of a struct: exactly, or else
// case-insensitively (its folding is strings.EqualFold's); "" for none.
// The names must be distinct under folding.
func field(key string, names ...string) string {
	for _, n := range names {
		if key == n {
			return n
		}
	}
	for _, n := range names {
		if strings.EqualFold(key, n) {
			return n
		}
	}
	return ""
}
