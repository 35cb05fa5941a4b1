package compact

import (
	"compress/flate"
	"encoding/binary"
	"io"
	"strings"
	"sync"
	"unsafe"
)

// minPacked is the shortest string value a Builder tries to compress.
// Shorter ones rarely lose a quarter to DEFLATE (its block header alone
// is tens of bytes), and trying costs a compression each.
const minPacked = 256

// packs reports whether a string of raw bytes is stored compressed when
// its packed form (the raw length and the DEFLATE stream) takes packed
// bytes: only when that saves at least a quarter, so that a read's
// inflation buys a real saving.
func packs(raw, packed int) bool {
	return raw >= minPacked && packed <= raw-raw/4
}

// zips are a Table's compressors and decompressors, shared by its
// Builders and objects and reused across them.
type zips struct {
	w sync.Pool // *deflater
	r sync.Pool // *inflater
}

// deflater is a DEFLATE compressor writing into out.
type deflater struct {
	w   *flate.Writer
	out sink
}

// sink is an io.Writer appending to a byte slice.
type sink struct{ b []byte }

func (s *sink) Write(p []byte) (int, error) {
	s.b = append(s.b, p...)
	return len(p), nil
}

// inflater is a DEFLATE decompressor reading from src.
type inflater struct {
	r   io.ReadCloser
	src strings.Reader
}

// pack appends to buf the value of s compressed (a tZip head, the raw
// length and the DEFLATE stream at BestSpeed) and reports true, when that
// saves at least a quarter of s; otherwise it returns buf unchanged and
// false.
func (z *zips) pack(buf, s []byte) ([]byte, bool) {
	if len(s) < minPacked {
		return buf, false
	}
	d, _ := z.w.Get().(*deflater)
	if d == nil {
		d = &deflater{}
	}
	defer z.w.Put(d)
	d.out.b = binary.AppendUvarint(d.out.b[:0], uint64(len(s)))
	if d.w == nil {
		w, err := flate.NewWriter(&d.out, flate.BestSpeed)
		if err != nil {
			return buf, false
		}
		d.w = w
	} else {
		d.w.Reset(&d.out)
	}
	if _, err := d.w.Write(s); err != nil {
		return buf, false
	}
	if err := d.w.Close(); err != nil || !packs(len(s), len(d.out.b)) {
		return buf, false
	}
	buf = appendHead(buf, tZip, uint64(len(d.out.b)))
	return append(buf, d.out.b...), true
}

// unpack returns the string packed in v (the raw length and the DEFLATE
// stream, as pack wrote them). Slabs are written by Builder only, so the
// stream is well formed; were it not, unpack would return "".
func (z *zips) unpack(v string) string {
	n, p := uvarint(v, 0)
	f, _ := z.r.Get().(*inflater)
	if f == nil {
		f = &inflater{}
	}
	defer z.r.Put(f)
	f.src.Reset(v[p:])
	if f.r == nil {
		f.r = flate.NewReader(&f.src)
	} else if err := f.r.(flate.Resetter).Reset(&f.src, nil); err != nil {
		return ""
	}
	out := make([]byte, n)
	if _, err := io.ReadFull(f.r, out); err != nil {
		return ""
	}
	// out is new and never written again: the string may share it.
	return unsafe.String(unsafe.SliceData(out), len(out))
}
