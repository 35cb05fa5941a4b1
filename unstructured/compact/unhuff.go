package compact

import (
	"encoding/binary"
	"errors"
	"math/bits"
	"unsafe"
)

// The decoder of huff.go's format: a table of 2^tb entries per string (tb
// its longest code, at most maxCodeLen), built from the header, then four
// streams decoded at once. It checks its input, so that arbitrary bytes
// never make it panic.

var errHuff = errors.New("compact: malformed Huffman stream")

// huffDecoder is a decoding table: entry i is the byte whose code ends
// the low tb bits i, in the high byte, with its code length in the low.
type huffDecoder struct {
	table [1 << maxCodeLen]uint16
	tb    uint
}

// readHeader reads the header at the start of src into d and returns the
// offset of the bit stream.
func (d *huffDecoder) readHeader(src []byte) (int, error) {
	if len(src) == 0 {
		return 0, errHuff
	}
	n, p := int(src[0])+1, 1
	var symArr [256]byte
	syms := symArr[:0]
	if n <= listMax {
		if len(src) < p+n {
			return 0, errHuff
		}
		syms = append(syms, src[p:p+n]...)
		p += n
		for i := 1; i < n; i++ {
			if syms[i] <= syms[i-1] {
				return 0, errHuff
			}
		}
	} else {
		if len(src) < p+32 {
			return 0, errHuff
		}
		for c := range 256 {
			if src[p+c>>3]&(1<<(c&7)) != 0 {
				syms = append(syms, byte(c))
			}
		}
		p += 32
		if len(syms) != n {
			return 0, errHuff
		}
	}
	if len(src) < p+(n+1)/2 {
		return 0, errHuff
	}
	var lens [256]uint8
	for i, c := range syms {
		lens[c] = src[p+i/2] >> (4 * (i & 1)) & 15
	}
	p += (n + 1) / 2
	return p, d.build(syms, &lens)
}

// build fills the decoding table for bytes syms with code lengths lens,
// which must make a complete code (or one code of length 1).
func (d *huffDecoder) build(syms []byte, lens *[256]uint8) error {
	d.tb = 0
	kraft := 0
	for _, c := range syms {
		l := lens[c]
		if l == 0 || l > maxCodeLen {
			return errHuff
		}
		d.tb = max(d.tb, uint(l))
		kraft += 1 << (maxCodeLen - l)
	}
	if len(syms) == 1 {
		if lens[syms[0]] != 1 {
			return errHuff
		}
		d.table[0], d.table[1], d.tb = uint16(syms[0])<<8|1, uint16(syms[0])<<8|1, 1
		return nil
	}
	var next [maxCodeLen + 2]uint16
	if kraft != 1<<maxCodeLen || !canonicalStarts(&next, syms, lens) {
		return errHuff
	}
	for _, c := range syms {
		l := uint(lens[c])
		code := uint(bits.Reverse16(next[l]) >> (16 - l))
		next[l]++
		e := uint16(c)<<8 | uint16(l)
		for i := code; i < 1<<d.tb; i += 1 << l {
			d.table[i] = e
		}
	}
	return nil
}

// decode fills dst with the bytes coded in the four streams of b, stream
// k in b[at[k]:at[k+1]] coding quarter k of dst.
//
// Each stream's next bits are in an accumulator, least significant first,
// under a sentinel bit that counts them (its position). A refill brings
// it to at least 56 bits: 56/tb codes (five of up to 11 bits, eleven of
// up to 5), which codes4 then decodes from each stream. The fast loop may
// load bytes past a stream's end (from the next one); a stream that
// consumes them is malformed, which finish catches.
func (d *huffDecoder) decode(dst, b []byte, at [5]int) error {
	t, mask := &d.table, uint64(1)<<d.tb-1
	per := int(56 / max(d.tb, 1))
	q := (len(dst) + 3) / 4
	last := len(dst) - min(3*q, len(dst)) // the shortest quarter
	a0, a1, a2, a3 := uint64(1), uint64(1), uint64(1), uint64(1)
	p0, p1, p2, p3 := at[0], at[1], at[2], at[3]
	i := 0
	for ; i+per <= last && max(p0, p1, p2, p3)+8 <= len(b); i += per {
		a0, p0 = refill(a0, b, p0)
		a1, p1 = refill(a1, b, p1)
		a2, p2 = refill(a2, b, p2)
		a3, p3 = refill(a3, b, p3)
		a0, a1, a2, a3 = codes4(t, mask, a0, a1, a2, a3,
			dst[i:i+per], dst[q+i:q+i+per], dst[2*q+i:2*q+i+per], dst[3*q+i:3*q+i+per])
	}
	for k, r := range [4]struct {
		acc uint64
		p   int
	}{{a0, p0}, {a1, p1}, {a2, p2}, {a3, p3}} {
		// Each stream goes on alone while there are 8 bytes to load (past
		// its end, the next streams' bytes), then finishes byte by byte.
		q := quarter(dst, k)[i:]
		j := 0
		for ; j+per <= len(q) && r.p+8 <= len(b); j += per {
			r.acc, r.p = refill(r.acc, b, r.p)
			for n := range q[j : j+per] {
				e := t[r.acc&mask&(1<<maxCodeLen-1)]
				q[j+n] = byte(e >> 8)
				r.acc >>= e & 63
			}
		}
		if err := d.finish(q[j:], b, r.acc, r.p, at[k], at[k+1]); err != nil {
			return err
		}
	}
	return nil
}

// codes4 decodes len(o0) bytes from each of the accumulators a0–a3, which
// hold enough bits, into o0–o3. The four streams' lookups are independent,
// so the CPU overlaps them. It is a function of its own, never inlined,
// so that the compiler keeps its few values in registers: inlined into
// decode's loop, the accumulators go to the stack, which halves the speed.
//
//go:noinline
func codes4(t *[1 << maxCodeLen]uint16, mask, a0, a1, a2, a3 uint64, o0, o1, o2, o3 []byte) (uint64, uint64, uint64, uint64) {
	o1, o2, o3 = o1[:len(o0)], o2[:len(o0)], o3[:len(o0)]
	const m = 1<<maxCodeLen - 1
	for k := range o0 {
		e0, e1, e2, e3 := t[a0&mask&m], t[a1&mask&m], t[a2&mask&m], t[a3&mask&m]
		o0[k], o1[k], o2[k], o3[k] = byte(e0>>8), byte(e1>>8), byte(e2>>8), byte(e3>>8)
		a0, a1, a2, a3 = a0>>(e0&63), a1>>(e1&63), a2>>(e2&63), a3>>(e3&63)
	}
	return a0, a1, a2, a3
}

// refill loads b[p:p+8] above the valid bits of acc (counted by its
// sentinel bit), keeping at least 56, and returns it with the next p.
func refill(acc uint64, b []byte, p int) (uint64, int) {
	nb := uint(63-bits.LeadingZeros64(acc)) & 63
	acc = acc&(1<<nb-1) | binary.LittleEndian.Uint64(b[p:])<<nb
	p += int(63-nb) >> 3
	top := (nb | 56) & 63
	return acc&(1<<top-1) | 1<<top, p
}

// finish decodes the rest of the stream b[start:end], a byte at a time,
// from the accumulator (with its sentinel) and next byte p the fast loop
// left, and checks that the stream held every code.
func (d *huffDecoder) finish(dst, b []byte, acc uint64, p, start, end int) error {
	nb := uint(63-bits.LeadingZeros64(acc)) & 63
	acc &= 1<<nb - 1
	mask := uint64(1)<<d.tb - 1
	for i := range dst {
		for nb <= 56 && p < end {
			acc |= uint64(b[p]) << (nb & 63)
			p++
			nb += 8
		}
		e := d.table[acc&mask]
		if uint(e&63) > nb {
			return errHuff // the stream ends inside a code
		}
		dst[i] = byte(e >> 8)
		acc >>= e & 63
		nb -= uint(e & 63)
	}
	if 8*(p-start)-int(nb) > 8*(end-start) {
		return errHuff // codes read past the stream
	}
	return nil
}

// unhuff returns the n bytes packed in src (header, stream sizes and
// streams). It checks its input: a malformed one is an error, never a
// panic.
func unhuff(src string, n int) ([]byte, error) {
	b := unsafe.Slice(unsafe.StringData(src), len(src))
	if n < 0 || n > 8*len(b) {
		return nil, errHuff // every byte takes at least a bit
	}
	var d huffDecoder
	p, err := d.readHeader(b)
	if err != nil {
		return nil, err
	}
	var sizes [3]int
	for k := range sizes {
		size, m := binary.Uvarint(b[p:])
		if m <= 0 || size > uint64(len(b)) {
			return nil, errHuff
		}
		sizes[k], p = int(size), p+m
	}
	var at [5]int
	for k, size := range sizes {
		if size > len(b)-p {
			return nil, errHuff
		}
		at[k], p = p, p+size
	}
	at[3], at[4] = p, len(b)
	q := (n + 3) / 4
	for k := range 4 {
		if min((k+1)*q, n)-min(k*q, n) > 8*(at[k+1]-at[k]) {
			return nil, errHuff
		}
	}
	out := make([]byte, n)
	if err := d.decode(out, b, at); err != nil {
		return nil, err
	}
	return out, nil
}
