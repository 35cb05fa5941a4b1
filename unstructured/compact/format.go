package compact

import (
	"encoding/binary"
	"math"
)

// The encoding of one value in an object's slab. Each value starts with a
// head byte: its type in the low 3 bits and, in the high 5 bits, an
// immediate (0–30) or 31, meaning a uvarint with the number follows.
//
//	tLit    immediate 0 null, 1 false, 2 true
//	tInt    zigzag-encoded int64
//	tFloat  8 bytes, little-endian IEEE 754 bits (no number)
//	tStr    length, then the string's bytes
//	tRef    id of a string in the object's Table
//	tObject member count, then each member: its key, then its value
//	tArray  element count, then the elements
//	tZip    length, then a string compressed (zip.go): its raw length
//	        as a uvarint, then its Huffman coding (huff.go)
//
// A key is a uvarint: id<<1 for a string in the Table, len<<1|1 followed by
// the key's bytes otherwise.
const (
	tLit byte = iota
	tInt
	tFloat
	tStr
	tRef
	tObject
	tArray
	tZip
)

const (
	litNull = iota
	litFalse
	litTrue
)

// immMax is the largest number held in a head byte; immMore says a uvarint
// follows.
const (
	immMax  = 30
	immMore = 31
)

// appendHead appends the head of a value of type t with number n.
func appendHead(b []byte, t byte, n uint64) []byte {
	if n <= immMax {
		return append(b, t|byte(n)<<3)
	}
	return binary.AppendUvarint(append(b, t|immMore<<3), n)
}

func zigzag(v int64) uint64   { return uint64(v<<1) ^ uint64(v>>63) }
func unzigzag(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

func appendFloat(b []byte, f float64) []byte {
	return binary.LittleEndian.AppendUint64(append(b, tFloat), math.Float64bits(f))
}

// uvarint decodes the uvarint at d[p:], returning it and the next offset.
// Slabs are written by Builder only, so they are well formed.
func uvarint(d string, p int) (uint64, int) {
	var x uint64
	var s uint
	for {
		c := d[p]
		p++
		if c < 0x80 {
			return x | uint64(c)<<s, p
		}
		x |= uint64(c&0x7f) << s
		s += 7
	}
}

// head decodes the head at d[p:]: the type, its number and the offset after.
func head(d string, p int) (t byte, n uint64, next int) {
	c := d[p]
	t, imm := c&7, uint64(c>>3)
	if imm != immMore {
		return t, imm, p + 1
	}
	n, next = uvarint(d, p+1)
	return t, n, next
}

// skip returns the offset after the value at d[p:].
func skip(d string, p int) int {
	t, n, p := head(d, p)
	switch t {
	case tFloat:
		return p + 8
	case tStr, tZip:
		return p + int(n)
	case tObject:
		for range n {
			p = skipKey(d, p)
			p = skip(d, p)
		}
	case tArray:
		for range n {
			p = skip(d, p)
		}
	}
	return p
}

// skipKey returns the offset after the key at d[p:].
func skipKey(d string, p int) int {
	k, p := uvarint(d, p)
	if k&1 == 1 {
		return p + int(k>>1)
	}
	return p
}

// key decodes the key at d[p:] with the table's strings.
func key(d string, p int, strs []string) (string, int) {
	k, p := uvarint(d, p)
	if k&1 == 1 {
		end := p + int(k>>1)
		return d[p:end], end
	}
	return strs[k>>1], p
}
