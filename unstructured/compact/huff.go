package compact

import (
	"encoding/binary"
	"math/bits"
	"slices"
)

// A canonical Huffman coder of bytes (order 0, no matching): a string's
// packed form is a header giving each byte's code length, then the codes
// of its bytes, least significant bit first, in four streams (the four
// quarters of the string), so that decoding follows four independent
// chains of lookups at once. It is what zip.go stores long strings with.
// Codes are at most maxCodeLen bits, so that one lookup in a table of at
// most 2^maxCodeLen entries decodes a byte, at least five per refill of a
// 64-bit buffer. Decoding 1,152 bytes of hex properties, table and the
// string's allocation included, takes about 2.5 µs (BenchmarkHuff;
// compress/flate's inflater, one symbol at a time on one chain, with a
// window, takes 10), coding them about 3.
// Being order 0, it saves what a string's byte frequencies allow (half of
// hex digits, a third of YAML, nothing of base64), not its repeats.
//
// The header, after the count of distinct bytes less one (a byte):
//
//	up to listMax distinct bytes: the bytes, ascending
//	more:                         a 256-bit set of them (32 bytes)
//
// then their code lengths (1 to maxCodeLen), two per byte, low nibble
// first, in the same order. The codes are canonical: ordered by length,
// then by byte. Only a string of a single distinct byte has an incomplete
// code (one code of length 1); every other header's code is complete.
// The header is followed by the byte lengths of the first three streams
// (uvarints), then the four streams, each padded to a byte. Quarter k of
// a string of n bytes is bytes [k·q, (k+1)·q) of it, q = ⌈n/4⌉, clipped
// to n.

// maxCodeLen bounds code lengths, and so the decoding table (2^11 uint16
// entries, 4 KiB, of which a string fills 2^its longest code).
const maxCodeLen = 11

// listMax is the most distinct bytes a header lists one by one; beyond it
// a 32-byte set is shorter.
const listMax = 32

// huffEncoder computes the code of one string and writes it. A Builder
// holds one and reuses it; it is not safe for concurrent use.
type huffEncoder struct {
	quarter [4][256]int32 // the counts of each quarter's bytes
	count   [256]int
	lens    [256]uint8
	codes   [256]uint32 // the code, bit-reversed (written least significant bit first), and its length<<16
	syms    []byte      // the distinct bytes, ascending
	keys    []uint64    // count<<8 | byte, to sort by count
	depth   [256]int    // scratch for the code lengths by rank
	sizes   [4]int      // the bytes of each quarter's stream
}

// plan computes the code of s and returns the size of its packed form
// (header and bit stream) in bytes. s must not be empty.
func (h *huffEncoder) plan(s []byte) int {
	h.quarter = [4][256]int32{}
	h.count4(s)
	h.syms, h.keys = h.syms[:0], h.keys[:0]
	q0, q1, q2, q3, count := &h.quarter[0], &h.quarter[1], &h.quarter[2], &h.quarter[3], &h.count
	for c := range 256 {
		n := int(q0[c]) + int(q1[c]) + int(q2[c]) + int(q3[c])
		count[c] = n
		if n > 0 {
			h.syms = append(h.syms, byte(c))
			h.keys = append(h.keys, uint64(n)<<8|uint64(c))
		}
	}
	slices.Sort(h.keys)
	h.lengths()
	h.assign()
	size := headerSize(len(h.syms))
	for k := range 4 {
		nbits := 0
		for _, c := range h.syms {
			nbits += int(h.quarter[k][c]) * int(h.lens[c])
		}
		h.sizes[k] = (nbits + 7) / 8
		size += h.sizes[k]
		if k < 3 {
			size += uvarintLen(h.sizes[k])
		}
	}
	return size
}

// count4 counts the bytes of each quarter of s, the four at once: four
// tables, so that a run of one byte does not wait on its own count.
func (h *huffEncoder) count4(s []byte) {
	h0, h1, h2, h3 := &h.quarter[0], &h.quarter[1], &h.quarter[2], &h.quarter[3]
	s0, s1, s2, s3 := quarter(s, 0), quarter(s, 1), quarter(s, 2), quarter(s, 3)
	s0, s1, s2 = s0[:len(s3)], s1[:len(s3)], s2[:len(s3)]
	for i, c := range s3 {
		h0[s0[i]]++
		h1[s1[i]]++
		h2[s2[i]]++
		h3[c]++
	}
	for k, q := range [3][]byte{quarter(s, 0), quarter(s, 1), quarter(s, 2)} {
		for _, c := range q[len(s3):] {
			h.quarter[k][c]++
		}
	}
}

// quarter returns quarter k (0–3) of s.
func quarter[S ~string | ~[]byte](s S, k int) S {
	q := (len(s) + 3) / 4
	return s[min(k*q, len(s)):min((k+1)*q, len(s))]
}

// uvarintLen returns the bytes of n as a uvarint.
func uvarintLen(n int) int {
	return (bits.Len64(uint64(n)|1) + 6) / 7
}

// headerSize returns the bytes of the header of a code of n distinct bytes.
func headerSize(n int) int {
	if n <= listMax {
		return 1 + n + (n+1)/2
	}
	return 1 + 32 + (n+1)/2
}

// lengths sets lens for the distinct bytes in keys (ascending counts):
// Huffman's code lengths (computed in place, after Moffat and Katajainen),
// then limited to maxCodeLen.
func (h *huffEncoder) lengths() {
	n := len(h.keys)
	if n == 1 {
		h.lens[byte(h.keys[0])] = 1
		return
	}
	a := h.depth[:n]
	for i, k := range h.keys {
		a[i] = int(k >> 8)
	}
	a[0] += a[1]
	root, leaf := 0, 2
	for next := 1; next < n-1; next++ {
		if leaf >= n || a[root] < a[leaf] {
			a[next], a[root] = a[root], next
			root++
		} else {
			a[next] = a[leaf]
			leaf++
		}
		if leaf >= n || (root < next && a[root] < a[leaf]) {
			a[next] += a[root]
			a[root] = next
			root++
		} else {
			a[next] += a[leaf]
			leaf++
		}
	}
	a[n-2] = 0
	for next := n - 3; next >= 0; next-- {
		a[next] = a[a[next]] + 1
	}
	avail, used, depth := 1, 0, 0
	root, next := n-2, n-1
	for avail > 0 {
		for root >= 0 && a[root] == depth {
			used++
			root--
		}
		for avail > used {
			a[next] = depth
			next--
			avail--
		}
		avail, depth, used = 2*used, depth+1, 0
	}
	h.limit(a)
}

// limit caps the code lengths by rank in a (a[i] for the i-th least
// frequent byte) at maxCodeLen, lengthening shorter codes to keep the code
// complete (as miniz does), and sets lens.
func (h *huffEncoder) limit(a []int) {
	var perLen [256]int
	for _, l := range a {
		perLen[min(l, maxCodeLen)]++
	}
	total := 0
	for l := 1; l <= maxCodeLen; l++ {
		total += perLen[l] << (maxCodeLen - l)
	}
	for total > 1<<maxCodeLen {
		perLen[maxCodeLen]--
		for l := maxCodeLen - 1; l > 0; l-- {
			if perLen[l] > 0 {
				perLen[l]--
				perLen[l+1] += 2
				break
			}
		}
		total--
	}
	// The most frequent bytes (last in keys) get the shortest codes.
	r := len(h.keys)
	for l := 1; l <= maxCodeLen; l++ {
		for range perLen[l] {
			r--
			h.lens[byte(h.keys[r])] = uint8(l)
		}
	}
}

// assign gives the distinct bytes their canonical codes, bit-reversed.
func (h *huffEncoder) assign() {
	var next [maxCodeLen + 2]uint16
	canonicalStarts(&next, h.syms, &h.lens)
	for _, c := range h.syms {
		l := h.lens[c]
		h.codes[c] = uint32(bits.Reverse16(next[l])>>(16-l)) | uint32(l)<<16
		next[l]++
	}
}

// canonicalStarts sets next[l] to the first canonical code of length l
// for bytes syms with lengths lens, and reports whether the lengths fit
// in a prefix code (are not over-subscribed).
func canonicalStarts(next *[maxCodeLen + 2]uint16, syms []byte, lens *[256]uint8) bool {
	var perLen [maxCodeLen + 1]int
	for _, c := range syms {
		perLen[lens[c]]++
	}
	code := 0
	for l := 1; l <= maxCodeLen; l++ {
		code = (code + perLen[l-1]) << 1
		if l == 1 {
			code = 0
		}
		next[l] = uint16(code)
		if code+perLen[l] > 1<<l {
			return false
		}
	}
	return true
}

// appendTo appends the packed form of s, whose code plan computed.
func (h *huffEncoder) appendTo(buf, s []byte) []byte {
	n := len(h.syms)
	buf = append(buf, byte(n-1))
	if n <= listMax {
		buf = append(buf, h.syms...)
	} else {
		var set [32]byte
		for _, c := range h.syms {
			set[c>>3] |= 1 << (c & 7)
		}
		buf = append(buf, set[:]...)
	}
	for i := 0; i < n; i += 2 {
		b := h.lens[h.syms[i]]
		if i+1 < n {
			b |= h.lens[h.syms[i+1]] << 4
		}
		buf = append(buf, b)
	}
	for k := range 3 {
		buf = binary.AppendUvarint(buf, uint64(h.sizes[k]))
	}
	// The streams are written 8 bytes at a time, with 8 bytes to spare.
	size := h.sizes[0] + h.sizes[1] + h.sizes[2] + h.sizes[3]
	buf = slices.Grow(buf, size+8)
	out := buf[len(buf) : len(buf)+size+8]
	w := 0
	for k := range 4 {
		w += h.putStream(out[w:], quarter(s, k))
	}
	return buf[:len(buf)+size]
}

// putStream writes the codes of the bytes of s, padded to a byte, at the
// start of out, which has 8 bytes to spare after them, and returns their
// length. It adds four codes (at most 44 bits) to the at most 7 bits left
// in its accumulator, then writes it whole and keeps the last byte's
// bits, which the next write completes.
func (h *huffEncoder) putStream(out, s []byte) int {
	var acc uint64
	var nb uint
	w := 0
	for len(s) >= 4 {
		e0, e1, e2, e3 := h.codes[s[0]], h.codes[s[1]], h.codes[s[2]], h.codes[s[3]]
		acc |= uint64(e0&0xffff) << (nb & 63)
		nb += uint(e0 >> 16)
		acc |= uint64(e1&0xffff) << (nb & 63)
		nb += uint(e1 >> 16)
		acc |= uint64(e2&0xffff) << (nb & 63)
		nb += uint(e2 >> 16)
		acc |= uint64(e3&0xffff) << (nb & 63)
		nb += uint(e3 >> 16)
		binary.LittleEndian.PutUint64(out[w:], acc)
		w += int(nb >> 3)
		acc >>= nb &^ 7 & 63
		nb &= 7
		s = s[4:]
	}
	for _, c := range s {
		e := h.codes[c]
		acc |= uint64(e&0xffff) << (nb & 63)
		nb += uint(e >> 16)
	}
	for ; nb > 0; nb -= min(nb, 8) {
		out[w] = byte(acc)
		w++
		acc >>= 8
	}
	return w
}
