package unstructured

import (
	"encoding/binary"
	"math/bits"
)

// Sizes of a CBORDecoder's string caches: each starts small (a single Get
// decodes one object) and doubles, up to the largest, when it misses more
// than twice its size between two growths (a list or a watch repeats its
// keys and short values object after object).
const (
	cborInternFirst = 512
	cborInternMax   = 16384
)

// cborIntern shares the strings a stream repeats (map keys, and short
// values such as "True", "TCP", an image name) through two direct-mapped
// caches: a string's slot is fixed by a cheap hash of its bytes, a hit is
// one comparison, and a miss replaces the slot. Unlike a map, a cache
// costs nothing to keep unique strings out of, and it never holds more than
// cborInternMax strings of each kind.
//
// A slot keeps the two words a string is hashed by (see strWords), and up
// to 16 bytes they and the length are the string, so most comparisons are
// of two words, without reading the string. Keys are also predicted: each
// key's slot remembers the slot of the key that followed it last time, and
// the objects of a list or a watch repeat their keys in the same order, so
// most keys are found without hashing. A wrong prediction (a stale or
// replaced slot) only costs that comparison.
type cborIntern struct {
	keys    stringCache[cborKey]
	lastKey uint32 // slot of the last key returned
	values  stringCache[cborBox]
}

// cborKey is one slot of the key cache.
type cborKey struct {
	s    string
	x, y uint64 // strWords of s
	next uint32 // slot of the key that followed s last time
}

// cborBox is one slot of the value cache: a boxed string, so a hit
// shares the box too.
type cborBox struct {
	v    any // a string, or nil in an empty slot
	x, y uint64
	n    int // length of the string
}

// stringCache is one direct-mapped cache of T (a key or a value slot).
type stringCache[T any] struct {
	slots  []T
	misses int
}

// miss counts a miss and returns the slots, made or grown when due.
func (c *stringCache[T]) miss() []T {
	c.misses++
	switch {
	case c.slots == nil:
		c.slots = make([]T, cborInternFirst)
	case c.misses > 2*len(c.slots) && len(c.slots) < cborInternMax:
		c.slots, c.misses = make([]T, 2*len(c.slots)), 0
	}
	return c.slots
}

// strWords returns up to the first and the last 8 bytes of b as two words
// (for fewer than 4 bytes, its first, middle and last bytes): with the
// length they hold every byte of a string of up to 16 bytes.
func strWords(b []byte) (x, y uint64) {
	switch n := len(b); {
	case n >= 8:
		return binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[n-8:])
	case n >= 4:
		return uint64(binary.LittleEndian.Uint32(b)), uint64(binary.LittleEndian.Uint32(b[n-4:]))
	case n > 0:
		return uint64(b[0])<<16 | uint64(b[n/2])<<8 | uint64(b[n-1]), 0
	}
	return 0, 0
}

// slot returns the slot of a string of n bytes with words x, y in a cache
// of size slots (a power of two), mixing by one multiplication (the high
// half of the product depends on every input bit).
func slot(x, y uint64, n, size int) uint32 {
	h := (x ^ bits.RotateLeft64(y, 29) ^ uint64(n)<<56) * 0x9e3779b97f4a7c15
	return uint32(h>>32) & uint32(size-1)
}

// is reports whether the slot holds b, whose words are x, y.
func (e *cborKey) is(b []byte, x, y uint64) bool {
	return e.x == x && e.y == y && len(e.s) == len(b) && (len(b) <= 16 || e.s == string(b))
}

// key returns b as a string, shared with the predicted key or the last
// key of its slot when equal.
func (c *cborIntern) key(b []byte) string {
	x, y := strWords(b)
	t := c.keys.slots
	if p := c.lastKey; p < uint32(len(t)) { // false until the cache is made
		if n := t[p].next; n < uint32(len(t)) && t[n].is(b, x, y) {
			c.lastKey = n
			return t[n].s
		}
		i := slot(x, y, len(b), len(t))
		t[p].next, c.lastKey = i, i
		if t[i].is(b, x, y) {
			return t[i].s
		}
	}
	return c.keyMiss(b, x, y)
}

// keyMiss puts b in its slot, making or growing the cache when due.
func (c *cborIntern) keyMiss(b []byte, x, y uint64) string {
	t := c.keys.miss()
	i := slot(x, y, len(b), len(t))
	t[i] = cborKey{s: string(b), x: x, y: y}
	c.lastKey = i
	return t[i].s
}

// value returns b as a boxed string, sharing the box of the last value of
// its slot when equal. Strings longer than maxInternedValue are not shared.
func (c *cborIntern) value(b []byte) any {
	if len(b) > maxInternedValue {
		return string(b)
	}
	x, y := strWords(b)
	if t := c.values.slots; len(t) > 0 {
		e := &t[slot(x, y, len(b), len(t))]
		if e.x == x && e.y == y && e.n == len(b) && e.v != nil {
			if len(b) <= 16 {
				return e.v
			}
			if s, _ := e.v.(string); s == string(b) {
				return e.v
			}
		}
	}
	t := c.values.miss()
	e := &t[slot(x, y, len(b), len(t))]
	*e = cborBox{v: string(b), x: x, y: y, n: len(b)}
	return e.v
}
