package unstructured

import (
	"fmt"
	"math"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/runtime/serializer/cbor/direct"
)

// Limits of apimachinery's CBOR decoding mode, which the API server and
// client-go use: more array elements or map pairs than these are refused.
const (
	maxCBORArrayElements = math.MaxInt32
	maxCBORMapPairs      = 2097152
)

// cborSelfDescribed is tag 55799, "self-described CBOR": the API server
// begins every CBOR body and every cbor-seq watch event with it. It has no
// meaning beyond marking CBOR and is skipped wherever it appears.
const cborSelfDescribed = 55799

// cborKV is one map pair on the decoder's member stack.
type cborKV struct {
	k string
	v any
}

// value decodes the data item at pos into the tree apimachinery builds:
// map[string]any, []any, string, int64, float64, bool, nil. The items a
// Kubernetes object is made of (short strings, small integers, maps and
// arrays of fewer than 24 members, true, false, null) are decoded from
// their first byte without reading a head.
func (d *CBORDecoder) value(depth int) (any, error) {
	s := &d.s
	if s.pos >= s.end {
		return d.valueSlow(depth)
	}
	switch b := s.buf[s.pos]; {
	case b < 0x18: // unsigned integer 0..23
		s.pos++
		return int64(b), nil
	case b >= 0x40 && b <= 0x58: // byte string of up to 255 bytes
		if c, ok := s.shortString(b); ok {
			return d.intern.value(c), nil
		}
	case b >= 0xa0 && b < 0xb8: // map of up to 23 pairs
		s.pos++
		return d.object(b&0x1f, uint64(b&0x1f), depth+1)
	case b >= 0x80 && b < 0x98: // array of up to 23 elements
		s.pos++
		return d.array(b&0x1f, uint64(b&0x1f), depth+1)
	case b == 0xf4:
		s.pos++
		return false, nil
	case b == 0xf5:
		s.pos++
		return true, nil
	case b == 0xf6:
		s.pos++
		return nil, nil
	}
	return d.valueSlow(depth)
}

// valueSlow decodes the data item at pos after reading its head.
func (d *CBORDecoder) valueSlow(depth int) (any, error) {
	major, info, arg, err := d.s.head()
	if err != nil {
		return nil, err
	}
	return d.valueOf(major, info, arg, depth)
}

// valueOf decodes the data item whose head (major, info, arg) was just read.
func (d *CBORDecoder) valueOf(major, info byte, arg uint64, depth int) (any, error) {
	switch major {
	case cborUint:
		if arg > math.MaxInt64 {
			return nil, d.s.errorf(d.s.pos, "unsigned integer %d overflows int64", arg)
		}
		return int64(arg), nil
	case cborNegInt:
		if arg > math.MaxInt64 {
			return nil, d.s.errorf(d.s.pos, "negative integer -1-%d overflows int64", arg)
		}
		return -1 - int64(arg), nil
	case cborBytes, cborText:
		b, err := d.str(major, info, arg)
		if err != nil {
			return nil, err
		}
		return d.box(b), nil
	case cborArray:
		return d.array(info, arg, depth+1)
	case cborMap:
		return d.object(info, arg, depth+1)
	case cborTag:
		return d.tag(info, arg, depth)
	default:
		return d.simple(info, arg)
	}
}

// str reads a byte or text string's content (valid until the next read).
// Text must be valid UTF-8, as apimachinery's rules demand; byte strings,
// which the API server uses for every string it writes, are taken as they
// are.
func (d *CBORDecoder) str(major, info byte, arg uint64) ([]byte, error) {
	var b []byte
	if info == cborIndefinite {
		var err error
		if b, err = d.chunks(major); err != nil {
			return nil, err
		}
	} else {
		var err error
		if b, err = d.s.bytes(arg, "string"); err != nil {
			return nil, err
		}
	}
	if major == cborText && !utf8.Valid(b) {
		return nil, d.s.errorf(d.s.pos, "text string is not valid UTF-8")
	}
	return b, nil
}

// chunks reads the definite-length chunks of an indefinite-length string
// of type major up to its break, and returns them joined.
func (d *CBORDecoder) chunks(major byte) ([]byte, error) {
	d.tmp = d.tmp[:0]
	for {
		if !d.s.need(1) {
			return nil, d.s.readErr("indefinite-length string")
		}
		if d.s.buf[d.s.pos] == cborBreak {
			d.s.pos++
			return d.tmp, nil
		}
		m, info, arg, err := d.s.head()
		if err != nil {
			return nil, err
		}
		if m != major || info == cborIndefinite {
			return nil, d.s.errorf(d.s.pos, "chunk of major type %d in an indefinite-length string of major type %d", m, major)
		}
		b, err := d.s.bytes(arg, "string chunk")
		if err != nil {
			return nil, err
		}
		if len(d.tmp)+len(b) > maxCBORString {
			return nil, d.s.errorf(d.s.pos, "indefinite-length string is too long")
		}
		d.tmp = append(d.tmp, b...)
	}
}

// box returns a string value boxed, sharing the box of short repeated values.
func (d *CBORDecoder) box(b []byte) any { return d.intern.value(b) }

// key reads a map key, which must be a byte or text string, and returns it
// interned.
func (d *CBORDecoder) key() (string, error) {
	s := &d.s
	if s.pos < s.end {
		if b := s.buf[s.pos]; b >= 0x40 && b <= 0x58 { // byte string of up to 255 bytes
			if c, ok := s.shortString(b); ok {
				return d.intern.key(c), nil
			}
		}
	}
	return d.keySlow()
}

// keySlow reads a map key after reading its head.
func (d *CBORDecoder) keySlow() (string, error) {
	major, info, arg, err := d.s.head()
	for err == nil && major == cborTag && arg == cborSelfDescribed {
		major, info, arg, err = d.s.head()
	}
	if err != nil {
		return "", err
	}
	if major == cborTag { // rare: decoded by apimachinery's rules, as values are
		v, err := d.tag(info, arg, 1)
		if err != nil {
			return "", err
		}
		if k, ok := v.(string); ok {
			return k, nil
		}
		return "", d.s.errorf(d.s.pos, "map key of type %s, not a string", jsonType(v))
	}
	if major != cborBytes && major != cborText {
		return "", d.s.errorf(d.s.pos, "map key of major type %d, not a string", major)
	}
	b, err := d.str(major, info, arg)
	if err != nil {
		return "", err
	}
	return d.intern.key(b), nil
}

// more reports whether a map or array has another element: for a definite
// length, while i < n; for an indefinite one, until its break (consumed).
func (d *CBORDecoder) more(indefinite bool, i int, n uint64) (bool, error) {
	if !indefinite {
		return uint64(i) < n, nil
	}
	if !d.s.need(1) {
		return false, d.s.readErr("indefinite-length container")
	}
	if d.s.buf[d.s.pos] == cborBreak {
		d.s.pos++
		return false, nil
	}
	return true, nil
}

// object decodes a map whose head was just read. A definite-length map
// (what the API server writes) is made at its declared size, capped, and
// filled as its pairs are read; an indefinite-length one gathers its pairs
// on a reusable stack first. A duplicate key is an error, as in
// apimachinery's CBOR rules.
func (d *CBORDecoder) object(info byte, n uint64, depth int) (m map[string]any, err error) {
	if depth > maxDepth {
		return nil, d.s.errorf(d.s.pos, "exceeded max depth of %d", maxDepth)
	}
	if info == cborIndefinite {
		return d.objectIndefinite(depth)
	}
	if n > maxCBORMapPairs {
		return nil, d.s.errorf(d.s.pos, "map of %d pairs exceeds the limit of %d", n, maxCBORMapPairs)
	}
	m = make(map[string]any, min(n, maxCBORPrealloc))
	for i := uint64(0); i < n; i++ {
		var k string
		if b, ok := d.s.tinyString(); ok { // most keys: no call to key
			k = d.intern.key(b)
		} else if k, err = d.key(); err != nil {
			return nil, err
		}
		var v any
		if v, err = d.value(depth); err != nil {
			return nil, err
		}
		m[k] = v
		if uint64(len(m)) != i+1 {
			return nil, d.s.errorf(d.s.pos, "duplicate map key %q", k)
		}
	}
	return m, nil
}

// maxCBORPrealloc caps the room made ahead for a declared length, so a
// hostile length cannot allocate more than the data that really comes.
const maxCBORPrealloc = 1024

// objectIndefinite decodes an indefinite-length map after its head.
func (d *CBORDecoder) objectIndefinite(depth int) (map[string]any, error) {
	mark := len(d.kvs)
	defer func() {
		clear(d.kvs[mark:]) // drop references held by the stack
		d.kvs = d.kvs[:mark]
	}()
	for i := 0; ; i++ {
		more, err := d.more(true, i, 0)
		if err != nil {
			return nil, err
		}
		if !more {
			break
		}
		if i >= maxCBORMapPairs {
			return nil, d.s.errorf(d.s.pos, "map exceeds the limit of %d pairs", maxCBORMapPairs)
		}
		k, err := d.key()
		if err != nil {
			return nil, err
		}
		v, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		d.kvs = append(d.kvs, cborKV{k, v})
	}
	members := d.kvs[mark:]
	m := make(map[string]any, len(members))
	for _, e := range members {
		m[e.k] = e.v
	}
	if len(m) != len(members) {
		return nil, d.s.errorf(d.s.pos, "duplicate map key %q", duplicateKey(members))
	}
	return m, nil
}

// duplicateKey returns the first key that appears twice among members.
func duplicateKey(members []cborKV) string {
	seen := make(map[string]bool, len(members))
	for _, e := range members {
		if seen[e.k] {
			return e.k
		}
		seen[e.k] = true
	}
	return ""
}

// array decodes an array whose head was just read: a definite-length one
// straight into a slice of its declared length (capped ahead, see
// maxCBORPrealloc), an indefinite-length one through a reusable stack.
func (d *CBORDecoder) array(info byte, n uint64, depth int) ([]any, error) {
	if depth > maxDepth {
		return nil, d.s.errorf(d.s.pos, "exceeded max depth of %d", maxDepth)
	}
	if info == cborIndefinite {
		return d.arrayIndefinite(depth)
	}
	if n > maxCBORArrayElements {
		return nil, d.s.errorf(d.s.pos, "array of %d elements exceeds the limit of %d", n, maxCBORArrayElements)
	}
	out := make([]any, 0, min(n, maxCBORPrealloc))
	for i := uint64(0); i < n; i++ {
		v, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// arrayIndefinite decodes an indefinite-length array after its head.
func (d *CBORDecoder) arrayIndefinite(depth int) ([]any, error) {
	mark := len(d.vals)
	defer func() {
		clear(d.vals[mark:])
		d.vals = d.vals[:mark]
	}()
	for i := 0; ; i++ {
		more, err := d.more(true, i, 0)
		if err != nil {
			return nil, err
		}
		if !more {
			break
		}
		if i >= maxCBORArrayElements {
			return nil, d.s.errorf(d.s.pos, "array exceeds the limit of %d elements", maxCBORArrayElements)
		}
		v, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		d.vals = append(d.vals, v)
	}
	return append(make([]any, 0, len(d.vals)-mark), d.vals[mark:]...), nil
}

// tag decodes a tagged data item whose head was just read. The
// self-described tag is skipped. Any other tag is rare in what a Kubernetes
// server sends, and apimachinery gives each its own meaning (times become
// RFC 3339 strings, bignums are refused, expected-later-encoding tags
// encode byte strings, unknown tags stand for their content): the tagged
// item is captured raw while this decoder checks it, then decoded by
// apimachinery's own CBOR mode (fxamacker/cbor), so those rules are
// apimachinery's exactly.
func (d *CBORDecoder) tag(info byte, num uint64, depth int) (any, error) {
	if num == cborSelfDescribed {
		return d.value(depth)
	}
	if d.s.mark >= 0 { // inside a capture already: the outer tag decodes all
		return d.value(depth + 1)
	}
	d.s.mark = d.s.pos - headLen(info)
	defer func() { d.s.mark = -1 }()
	start := d.s.base + int64(d.s.mark)
	if _, err := d.value(depth + 1); err != nil {
		return nil, err
	}
	var v any
	if err := direct.Unmarshal(d.s.buf[d.s.mark:d.s.pos], &v); err != nil {
		return nil, &CBORError{Offset: start, Msg: fmt.Sprintf("tag %d: %v", num, err)}
	}
	return v, nil
}

// headLen is the length of a data item head with additional information info.
func headLen(info byte) int {
	switch info {
	case 24:
		return 2
	case 25:
		return 3
	case 26:
		return 5
	case 27:
		return 9
	}
	return 1
}

// simple decodes major type 7: false, true, null and floats. NaN and the
// infinities, undefined and the other simple values are refused, as in
// apimachinery's rules (JSON has none of them).
func (d *CBORDecoder) simple(info byte, arg uint64) (any, error) {
	var f float64
	switch info {
	case 20:
		return false, nil
	case 21:
		return true, nil
	case 22:
		return nil, nil
	case 25:
		f = float16To64(uint16(arg))
	case 26:
		f = float64(math.Float32frombits(uint32(arg)))
	case 27:
		f = math.Float64frombits(arg)
	case cborIndefinite:
		return nil, d.s.errorf(d.s.pos-1, "unexpected break")
	case 23:
		return nil, d.s.errorf(d.s.pos-1, "undefined is refused")
	default:
		if info == 24 && arg < 32 {
			return nil, d.s.errorf(d.s.pos-2, "malformed simple value %d", arg)
		}
		return nil, d.s.errorf(d.s.pos-1, "simple value %d is refused", arg)
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, d.s.errorf(d.s.pos-headLen(info), "%v is refused", f)
	}
	return f, nil
}

// float16To64 converts an IEEE 754 half-precision float.
func float16To64(h uint16) float64 {
	exp, frac := int(h>>10)&0x1f, float64(h&0x3ff)
	var f float64
	switch exp {
	case 0:
		f = math.Ldexp(frac, -24)
	case 0x1f:
		if frac == 0 {
			f = math.Inf(1)
		} else {
			f = math.NaN()
		}
	default:
		f = math.Ldexp(frac+1024, exp-25)
	}
	if h&0x8000 != 0 {
		f = -f
	}
	return f
}
