package unstructured

import (
	"fmt"
	"io"
	"strconv"

	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/unstructured/compact"
)

// DecodeCompact reads one JSON object from r straight into its compact
// form, built by b: the tree is never made, and the members b does not
// want (managedFields, the fields a projection leaves out) are validated
// and skipped. It fails where DecodeObject fails (malformed JSON, trailing
// data, numbers beyond float64, a missing kind), and on a list.
func DecodeCompact(r io.Reader, b *compact.Builder) (*compact.Object, error) {
	d := NewDecoder(r)
	obj, err := d.compactTop(b)
	if err != nil {
		return nil, err
	}
	return obj, d.end()
}

// NextEventCompact is NextEventObject building the object of an ADDED,
// MODIFIED or DELETED event in compact form with b (obj). The object of
// any other event (a BOOKMARK, an ERROR's Status, which b's projection
// would strip of its code) is decoded whole into tree; so is one whose
// "type" comes after it, which is then built with b from the tree when the
// type says so. An event that names its type twice takes the last (as
// NextEventObject does); where that is not an object event but the object
// was built compact under the first, tree is the compact object's tree.
// Exactly one of obj and tree is set when err is nil.
func (d *Decoder) NextEventCompact(b *compact.Builder) (eventType string, obj *compact.Object, tree *k8su.Unstructured, err error) {
	eventType, err = d.event(func(typ string) error {
		var err error
		obj, tree = nil, nil // an event naming its object twice: the last wins
		if objectEvent(typ) {
			obj, err = d.compactTop(b)
		} else {
			tree, err = d.eventObject()
		}
		return err
	})
	switch {
	case err != nil:
	case tree != nil && objectEvent(eventType):
		if obj, err = b.FromUnstructured(tree); err != nil {
			return "", nil, nil, fmt.Errorf("unstructured: watch event object: %w", err)
		}
		tree = nil
	case obj != nil && !objectEvent(eventType):
		tree, obj = obj.Unstructured(), nil
	}
	return eventType, obj, tree, err
}

// objectEvent reports whether a watch event of type typ carries one of the
// resource's objects.
func objectEvent(typ string) bool {
	return typ == "ADDED" || typ == "MODIFIED" || typ == "DELETED"
}

// compactTop decodes the object at the next non-space byte.
func (d *Decoder) compactTop(b *compact.Builder) (*compact.Object, error) {
	c, ok := d.s.skipSpace()
	if !ok {
		return nil, d.s.readErr("object")
	}
	if c != '{' {
		return nil, d.s.errorf(d.s.pos, "expected a JSON object, found %q", c)
	}
	if err := d.compactObject(b, 1); err != nil {
		return nil, err
	}
	obj, err := b.Finish()
	if err != nil {
		return nil, err
	}
	if b.IsList() {
		return nil, fmt.Errorf("unstructured: decoding an object: got a list (kind %q)", obj.Kind())
	}
	if _, err := schema.ParseGroupVersion(obj.APIVersion()); err != nil || obj.Kind() == "" {
		return nil, runtime.NewMissingKindErr(summary(obj.Unstructured().Object))
	}
	return obj, nil
}

// compactValue decodes the value at the next non-space byte into b; a nil
// b validates the value and discards it (as skip does, without boxing
// numbers).
func (d *Decoder) compactValue(b *compact.Builder, depth int) error {
	c, ok := d.s.skipSpace()
	if !ok {
		return d.s.readErr("value")
	}
	switch c {
	case '{':
		return d.compactObject(b, depth+1)
	case '[':
		if b != nil && !b.OpenArray() {
			b = nil
		}
		return d.compactArray(b, depth+1)
	case '"':
		s, err := d.s.scanString()
		if err == nil && b != nil {
			b.String(s)
		}
		return err
	case 't', 'f', 'n':
		return d.compactLiteral(b, c)
	}
	if c == '-' || (c >= '0' && c <= '9') {
		return d.compactNumber(b)
	}
	return d.s.errorf(d.s.pos, "invalid character %q looking for beginning of value", c)
}

// compactLiteral reads true, false or null (which starts with c).
func (d *Decoder) compactLiteral(b *compact.Builder, c byte) error {
	word := "null"
	switch c {
	case 't':
		word = "true"
	case 'f':
		word = "false"
	}
	if err := d.s.literal(word); err != nil || b == nil {
		return err
	}
	if c == 'n' {
		b.Null()
	} else {
		b.Bool(c == 't')
	}
	return nil
}

// compactNumber converts a number as number does (int64 when it has no
// '.' and fits, else float64) without boxing it.
func (d *Decoder) compactNumber(b *compact.Builder) error {
	n, frac, err := d.s.scanNumber()
	if err != nil {
		return err
	}
	start := d.s.pos
	text := d.s.buf[start : start+n]
	d.s.pos += n
	if !frac {
		v, ok := smallInt(text)
		if !ok {
			var err error
			v, err = strconv.ParseInt(string(text), 10, 64)
			ok = err == nil
		}
		if ok {
			if b != nil {
				b.Int(v)
			}
			return nil
		}
	}
	f, err := strconv.ParseFloat(string(text), 64)
	if err != nil {
		return d.s.errorf(start, "number %s does not fit a float64", text)
	}
	if b != nil {
		b.Float(f)
	}
	return nil
}

// smallInt parses up to 18 plain digits (with an optional '-').
func smallInt(b []byte) (int64, bool) {
	if len(b) > 18 {
		return 0, false
	}
	neg := b[0] == '-'
	if neg {
		b = b[1:]
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// compactObject decodes the object whose '{' is at pos into b.
func (d *Decoder) compactObject(b *compact.Builder, depth int) error {
	if depth > maxDepth {
		return d.s.errorf(d.s.pos, "exceeded max depth of %d", maxDepth)
	}
	d.s.pos++
	if b != nil {
		b.OpenObject()
	}
	c, ok := d.s.skipSpace()
	if !ok {
		return d.s.readErr("object")
	}
	if c == '}' {
		d.s.pos++
		if b != nil {
			b.CloseObject()
		}
		return nil
	}
	for {
		if c != '"' {
			return d.s.errorf(d.s.pos, "invalid character %q looking for beginning of object key string", c)
		}
		k, err := d.s.scanString()
		if err != nil {
			return err
		}
		vb := b
		if b != nil && !b.Key(k) {
			vb = nil
		}
		if err := d.s.colon(); err != nil {
			return err
		}
		if err := d.compactValue(vb, depth); err != nil {
			return err
		}
		more, err := d.s.next('}', "object")
		if err != nil {
			return err
		}
		if !more {
			if b != nil {
				b.CloseObject()
			}
			return nil
		}
		if c, ok = d.s.skipSpace(); !ok {
			return d.s.readErr("object")
		}
	}
}

// compactArray decodes the array whose '[' is at pos into b, which has
// opened it (nil: validates and discards it).
func (d *Decoder) compactArray(b *compact.Builder, depth int) error {
	if depth > maxDepth {
		return d.s.errorf(d.s.pos, "exceeded max depth of %d", maxDepth)
	}
	d.s.pos++
	c, ok := d.s.skipSpace()
	if !ok {
		return d.s.readErr("array")
	}
	if c == ']' {
		d.s.pos++
		if b != nil {
			b.CloseArray()
		}
		return nil
	}
	for {
		if err := d.compactValue(b, depth); err != nil {
			return err
		}
		more, err := d.s.next(']', "array")
		if err != nil {
			return err
		}
		if !more {
			if b != nil {
				b.CloseArray()
			}
			return nil
		}
	}
}
