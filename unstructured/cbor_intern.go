package unstructured

// cborInternSlots is the size of each of a CBORDecoder's string caches.
const cborInternSlots = 4096

// cborIntern shares the strings a stream repeats (map keys, and short
// values such as "True", "TCP", an image name) through two direct-mapped
// caches: a string's slot is fixed by a cheap hash of its bytes, a hit is
// one comparison, and a miss replaces the slot. Unlike a map, a cache never
// grows and costs nothing to keep unique strings out of: it holds at most
// 2 × cborInternSlots strings, and a stream of unique values only rotates
// them.
type cborIntern struct {
	keys   [cborInternSlots]string
	values [cborInternSlots]any // boxed strings, so a hit shares the box too
}

// slot hashes b (FNV-1a over its length and up to its first and last 16
// bytes) to a slot.
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
	return (h ^ h>>15) & (cborInternSlots - 1)
}

// key returns b as a string, shared with the last key of its slot when equal.
func (c *cborIntern) key(b []byte) string {
	i := slot(b)
	if k := c.keys[i]; k == string(b) {
		return k
	}
	k := string(b)
	c.keys[i] = k
	return k
}

// value returns b as a boxed string, sharing the box of the last value of
// its slot when equal. Strings longer than maxInternedValue are not shared.
func (c *cborIntern) value(b []byte) any {
	if len(b) > maxInternedValue {
		return string(b)
	}
	i := slot(b)
	if v, ok := c.values[i].(string); ok && v == string(b) {
		return c.values[i]
	}
	var v any = string(b)
	c.values[i] = v
	return v
}
