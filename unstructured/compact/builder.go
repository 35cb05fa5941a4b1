package compact

import (
	"encoding/binary"
	"errors"
	"hash/maphash"
)

// seenSize is the number of slots of a Builder's filter of strings seen
// once (a string enters the Table when it is seen again).
const seenSize = 1 << 12

// Builder builds compact objects from a stream of JSON tokens, which a
// decoder (package unstructured's Decoder.NextEventCompact, or
// Builder.FromUnstructured for a tree) feeds it in document order:
// OpenObject, then Key and a value for each member, then CloseObject.
// Key says whether the member is wanted; the decoder skips the values of
// members that are not, so dropped fields (managedFields, the fields a
// projection leaves out) are never built. A Builder reuses its buffers
// from one object to the next; it is not safe for concurrent use.
type Builder struct {
	*shape
	buf   []byte
	stack []frame
	pend  *node // the node of the member whose key was written last
	keyAt int   // where that key starts, to take it back
	isMD  bool  // that key is the object's "metadata"
	md    int   // offset of the metadata value, or -1
	kinds int   // bits 0–2: the object has "apiVersion", "kind", "items"
	// defAPIVersion and defKind are given to an object that has neither
	// (a list item), when set.
	defAPIVersion, defKind string
	seed                   maphash.Seed
	seen                   [seenSize]uint64
	huff                   huffEncoder // codes long strings (zip.go)
}

// frame is an open container.
type frame struct {
	at  int    // offset of its head
	n   uint64 // members or elements so far
	nd  *node  // what to keep of its members (objects only)
	obj bool
}

// NewBuilder returns a Builder that builds objects sharing t's strings and
// keeping what plan says.
func NewBuilder(t *Table, plan *Plan) *Builder {
	return &Builder{shape: &shape{tab: t, plan: plan}, buf: make([]byte, 0, 4096), seed: maphash.MakeSeed()}
}

// Reset forgets any unfinished object; opening an object at the top level
// does it too.
func (b *Builder) Reset() {
	b.buf, b.stack, b.pend, b.md, b.kinds = b.buf[:0], b.stack[:0], nil, -1, 0
}

// SetDefaultKind makes the objects built from now on that have neither
// apiVersion nor kind get these (as list items get their list's); empty
// strings turn it off.
func (b *Builder) SetDefaultKind(apiVersion, kind string) {
	b.defAPIVersion, b.defKind = apiVersion, kind
}

// keep reports whether the value about to be written is kept, counting it
// in its container. obj says whether the value is an object.
func (b *Builder) keep(obj bool) bool {
	if len(b.stack) == 0 {
		return obj // only an object starts an object
	}
	f := &b.stack[len(b.stack)-1]
	if f.obj && !obj && !b.pend.rest {
		b.buf = b.buf[:b.keyAt] // a projection's path through a non-object
		return false
	}
	f.n++
	return true
}

// Key writes the key of the next member of the open object and reports
// whether its value is wanted. When it is not, the caller must skip the
// value and not write it.
func (b *Builder) Key(k []byte) bool {
	f := &b.stack[len(b.stack)-1]
	isMD := false
	if len(b.stack) == 1 {
		switch string(k) {
		case "metadata":
			isMD = true
		case "apiVersion":
			b.kinds |= 1
		case "kind":
			b.kinds |= 2
		case "items":
			b.kinds |= 4
		}
	}
	nd := f.nd.child(k)
	if nd == nil {
		return false
	}
	b.keyAt, b.pend, b.isMD = len(b.buf), nd, isMD
	if id, ok := b.intern(k); ok {
		b.buf = binary.AppendUvarint(b.buf, uint64(id)<<1)
		return true
	}
	b.buf = binary.AppendUvarint(b.buf, uint64(len(k))<<1|1)
	b.buf = append(b.buf, k...)
	return true
}

// OpenObject starts an object value (or the object itself).
func (b *Builder) OpenObject() {
	nd := b.plan.root
	if len(b.stack) == 0 {
		b.Reset()
	} else {
		top := b.stack[len(b.stack)-1]
		nd = all
		if top.obj {
			nd = b.pend
			if b.isMD {
				b.md = len(b.buf)
			}
		}
	}
	b.keep(true)
	b.stack = append(b.stack, frame{at: len(b.buf), nd: nd, obj: true})
	b.buf = append(b.buf, tObject)
}

// OpenArray starts an array value and reports whether it is wanted; when
// it is not, the caller must skip the array and not write it.
func (b *Builder) OpenArray() bool {
	if !b.keep(false) {
		return false
	}
	b.stack = append(b.stack, frame{at: len(b.buf), nd: all})
	b.buf = append(b.buf, tArray)
	return true
}

// CloseObject ends the open object.
func (b *Builder) CloseObject() {
	if len(b.stack) == 1 && b.defKind != "" && b.kinds&3 == 0 {
		b.defaultKind()
	}
	b.close()
}

// CloseArray ends the open array.
func (b *Builder) CloseArray() { b.close() }

// defaultKind adds the default apiVersion and kind to the object.
func (b *Builder) defaultKind() {
	for _, m := range [2][2]string{{"apiVersion", b.defAPIVersion}, {"kind", b.defKind}} {
		if b.Key([]byte(m[0])) {
			b.String([]byte(m[1]))
		}
	}
}

// close ends the open container, writing its count into its head.
func (b *Builder) close() {
	f := b.stack[len(b.stack)-1]
	b.stack = b.stack[:len(b.stack)-1]
	t := b.buf[f.at]
	if f.n <= immMax {
		b.buf[f.at] = t | byte(f.n)<<3
		return
	}
	var tmp [binary.MaxVarintLen64 + 1]byte
	h := appendHead(tmp[:0], t, f.n)
	extra := len(h) - 1
	b.buf = append(b.buf, h[1:]...) // grow by extra bytes
	copy(b.buf[f.at+len(h):], b.buf[f.at+1:len(b.buf)-extra])
	copy(b.buf[f.at:], h)
	if b.md > f.at {
		b.md += extra
	}
}

// String writes a string value, Huffman-coded when it is long, that saves
// at least a quarter of it and the Plan does not say UncompressedStrings.
func (b *Builder) String(s []byte) {
	if !b.keep(false) {
		return
	}
	if id, ok := b.intern(s); ok {
		b.buf = appendHead(b.buf, tRef, uint64(id))
		return
	}
	if b.plan.pack {
		var ok bool
		if b.buf, ok = b.huff.pack(b.buf, s); ok {
			return
		}
	}
	b.buf = appendHead(b.buf, tStr, uint64(len(s)))
	b.buf = append(b.buf, s...)
}

// Int writes an integer value.
func (b *Builder) Int(v int64) {
	if b.keep(false) {
		b.buf = appendHead(b.buf, tInt, zigzag(v))
	}
}

// Float writes a floating-point value.
func (b *Builder) Float(v float64) {
	if b.keep(false) {
		b.buf = appendFloat(b.buf, v)
	}
}

// Bool writes true or false.
func (b *Builder) Bool(v bool) {
	if b.keep(false) {
		lit := uint64(litFalse)
		if v {
			lit = litTrue
		}
		b.buf = appendHead(b.buf, tLit, lit)
	}
}

// Null writes null.
func (b *Builder) Null() {
	if b.keep(false) {
		b.buf = appendHead(b.buf, tLit, litNull)
	}
}

// intern returns the Table's id for s, adding s when it has been seen
// before (by this Builder's filter of recent strings).
func (b *Builder) intern(s []byte) (uint32, bool) {
	if len(s) > maxInterned || len(s) == 0 {
		return 0, false
	}
	if id, ok := b.tab.lookup(s, false); ok {
		return id, true
	}
	h := maphash.Bytes(b.seed, s)
	slot := &b.seen[h%seenSize]
	if *slot != h {
		*slot = h
		return 0, false
	}
	return b.tab.lookup(s, true)
}

// IsList reports whether the object being built (or built last) has an
// "items" member, which makes a JSON object a list for apimachinery.
func (b *Builder) IsList() bool { return b.kinds&4 != 0 }

// Finish returns the object built since Reset, which must be complete.
func (b *Builder) Finish() (*Object, error) {
	if len(b.stack) != 0 || len(b.buf) == 0 {
		return nil, errors.New("compact: finishing an incomplete object")
	}
	return &Object{data: string(b.buf), shape: b.shape, md: int32(b.md)}, nil
}
