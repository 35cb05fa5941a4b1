package unstructured

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
type cborIntern struct {
	keys   stringCache[string]
	values stringCache[any] // boxed strings, so a hit shares the box too
}

// stringCache is one direct-mapped cache of T (a string, or a boxed one).
type stringCache[T any] struct {
	slots  []T
	misses int
}

// at returns the slot of b, making or growing the cache when due.
func (c *stringCache[T]) at(b []byte) *T {
	switch {
	case c.slots == nil:
		c.slots = make([]T, cborInternFirst)
	case c.misses > 2*len(c.slots) && len(c.slots) < cborInternMax:
		c.slots, c.misses = make([]T, 2*len(c.slots)), 0
	}
	return &c.slots[slot(b)&uint32(len(c.slots)-1)]
}

// slot hashes b (FNV-1a over its length and up to its first and last 8
// bytes).
func slot(b []byte) uint32 {
	h := uint32(2166136261) ^ uint32(len(b))
	n := len(b)
	if n > 16 {
		for _, c := range b[:8] {
			h = (h ^ uint32(c)) * 16777619
		}
		b = b[n-8:]
	}
	for _, c := range b {
		h = (h ^ uint32(c)) * 16777619
	}
	return h ^ h>>15
}

// key returns b as a string, shared with the last key of its slot when equal.
func (c *cborIntern) key(b []byte) string {
	p := c.keys.at(b)
	if *p == string(b) {
		return *p
	}
	c.keys.misses++
	*p = string(b)
	return *p
}

// value returns b as a boxed string, sharing the box of the last value of
// its slot when equal. Strings longer than maxInternedValue are not shared.
func (c *cborIntern) value(b []byte) any {
	if len(b) > maxInternedValue {
		return string(b)
	}
	p := c.values.at(b)
	if v, ok := (*p).(string); ok && v == string(b) {
		return *p
	}
	c.values.misses++
	*p = string(b)
	return *p
}
