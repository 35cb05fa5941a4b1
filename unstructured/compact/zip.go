package compact

import (
	"encoding/binary"
	"unsafe"
)

// minPacked is the shortest string value a Builder tries to compress.
// Shorter ones rarely lose a quarter to a Huffman code, whose header
// alone takes 1.5 bytes per distinct byte (35 for a properties file of
// hex digits), and each try costs a pass over the string.
const minPacked = 256

// packs reports whether a string of raw bytes is stored compressed when
// its packed form (the raw length, the code's header and its bit stream)
// takes packed bytes: only when that saves at least a quarter, so that a
// read's decoding buys a real saving.
func packs(raw, packed int) bool {
	return raw >= minPacked && packed <= raw-raw/4
}

// pack appends to buf the value of s compressed (a tZip head, the raw
// length and the Huffman-coded bytes, huff.go) and reports true, when that
// saves at least a quarter of s; otherwise it returns buf unchanged and
// false. It costs a pass to count the bytes, and when it packs, one to
// code them.
func (h *huffEncoder) pack(buf, s []byte) ([]byte, bool) {
	if len(s) < minPacked {
		return buf, false
	}
	var tmp [binary.MaxVarintLen64]byte
	size := len(binary.AppendUvarint(tmp[:0], uint64(len(s)))) + h.plan(s)
	if !packs(len(s), size) {
		return buf, false
	}
	buf = appendHead(buf, tZip, uint64(size))
	buf = binary.AppendUvarint(buf, uint64(len(s)))
	return h.appendTo(buf, s), true
}

// unpack returns the string packed in v (the raw length and the coded
// bytes, as pack wrote them). Slabs are written by Builder only, so the
// stream is well formed; were it not, unpack would return "".
func unpack(v string) string {
	n, p := uvarint(v, 0)
	out, err := unhuff(v[p:], int(n))
	if err != nil {
		return ""
	}
	// out is new and never written again: the string may share it.
	return unsafe.String(unsafe.SliceData(out), len(out))
}
