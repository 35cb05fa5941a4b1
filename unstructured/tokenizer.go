package unstructured

import (
	"unicode/utf8"
	"unsafe"
)

// Tokenizer walks one JSON document held in memory with the scanner under
// Decoder: the same rules for whitespace, strings (escapes unquoted; invalid
// UTF-8 and lone surrogates become U+FFFD, as with encoding/json), numbers
// and literals, and encoding/json's limit of 10000 nested containers. It
// is exported for decoders of fixed-shape documents elsewhere in kubedyn
// (package discovery decodes its documents with it), so that the module has
// one JSON tokenizer; most code wants Decode or a Decoder instead.
//
// A decoder peeks at the next value's first byte, walks objects and arrays
// with callbacks, reads strings, booleans and nulls, and skips what it does
// not need: Object, Array, String, Bool and Skip each consume one value
// (Null one null, when there is one), Peek and Offset none. Errors are
// *SyntaxError values with the offset of the offending byte. A string
// without escapes or non-ASCII bytes is a substring of the document, which
// must therefore not be modified while the decoded values are in use. A
// Tokenizer is not safe for concurrent use.
type Tokenizer struct {
	s     scanner
	depth int // containers open around the position
}

// NewTokenizer returns a Tokenizer over doc, which it never modifies.
func NewTokenizer(doc []byte) *Tokenizer {
	// A reader that has already ended: the scanner never refills, so its
	// buffer stays doc.
	return &Tokenizer{s: scanner{window: inMemory(doc)}}
}

// Peek returns the first byte of the next value (or the closing byte of
// the current container), after whitespace, or 0 at the end of the
// document. Peek itself consumes nothing.
func (t *Tokenizer) Peek() byte {
	// The document is all in buf: no refill, and a loop small enough to
	// be inlined into every caller.
	for buf := t.s.buf; t.s.pos < len(buf); { // len(buf) == end
		switch c := buf[t.s.pos]; c {
		case ' ', '\t', '\n', '\r':
			t.s.pos++
		default:
			return c
		}
	}
	return 0
}

// Offset is the byte offset of the position in the document.
func (t *Tokenizer) Offset() int64 { return int64(t.s.pos) }

// Object reads an object, calling member with each key; member must
// consume the member's value (with another method, or Skip).
func (t *Tokenizer) Object(member func(key string) error) error {
	if err := t.open('{', "object"); err != nil {
		return err
	}
	if t.Peek() == '}' {
		return t.close()
	}
	for {
		if t.Peek() != '"' {
			return t.unexpected("beginning of object key string")
		}
		key, err := t.String()
		if err != nil {
			return err
		}
		if t.Peek() != ':' {
			return t.unexpected("colon after object key")
		}
		t.s.pos++
		if err := member(key); err != nil {
			return err
		}
		switch t.Peek() {
		case ',':
			t.s.pos++
		case '}':
			return t.close()
		default:
			return t.unexpected("comma or end of object after member")
		}
	}
}

// Array reads an array, calling elem with each element's index; elem must
// consume the element. It returns the array's length.
func (t *Tokenizer) Array(elem func(i int) error) (int, error) {
	if err := t.open('[', "array"); err != nil {
		return 0, err
	}
	if t.Peek() == ']' {
		return 0, t.close()
	}
	for i := 0; ; i++ {
		if t.Peek() == 0 {
			return 0, t.unexpected("array element")
		}
		if err := elem(i); err != nil {
			return 0, err
		}
		switch t.Peek() {
		case ',':
			t.s.pos++
		case ']':
			return i + 1, t.close()
		default:
			return 0, t.unexpected("comma or end of array after element")
		}
	}
}

// open consumes the opening byte c of a container.
func (t *Tokenizer) open(c byte, what string) error {
	if t.Peek() != c {
		return t.unexpected("beginning of " + what)
	}
	if t.depth++; t.depth > maxDepth {
		return t.s.errorf(t.s.pos, "exceeded max depth of %d", maxDepth)
	}
	t.s.pos++
	return nil
}

// close consumes the closing byte of a container.
func (t *Tokenizer) close() error {
	t.s.pos++
	t.depth--
	return nil
}

// unexpected is the error for the byte at the position, which is not what.
func (t *Tokenizer) unexpected(what string) error {
	if t.Peek() == 0 && t.s.pos >= t.s.end {
		return t.s.readErr(what)
	}
	return t.s.errorf(t.s.pos, "invalid character %q looking for %s", t.s.buf[t.s.pos], what)
}

// String reads a string. One without escapes or non-ASCII bytes is a
// substring of the document (no copy); others are unquoted by the
// scanner's rules into new memory.
func (t *Tokenizer) String() (string, error) {
	if t.Peek() != '"' {
		return "", t.unexpected("beginning of string")
	}
	buf, start := t.s.buf, t.s.pos+1
	for i := start; i < len(buf); i++ {
		switch c := buf[i]; {
		case c == '"':
			t.s.pos = i + 1
			if i == start {
				return "", nil
			}
			return unsafe.String(&buf[start], i-start), nil
		case c == '\\' || c < 0x20 || c >= utf8.RuneSelf:
			b, err := t.s.scanStringSlow(i - t.s.pos)
			return string(b), err
		}
	}
	_, err := t.s.scanString() // unterminated: its error
	return "", err
}

// Bool reads true or false.
func (t *Tokenizer) Bool() (bool, error) {
	switch t.Peek() {
	case 't':
		return true, t.s.literal("true")
	case 'f':
		return false, t.s.literal("false")
	}
	return false, t.unexpected("beginning of boolean")
}

// Null consumes a null when one is next, and reports whether it did.
func (t *Tokenizer) Null() (bool, error) {
	if t.Peek() != 'n' {
		return false, nil
	}
	return true, t.s.literal("null")
}

// Skip validates and consumes the next value whatever it is. A number need
// only be well formed (as when encoding/json skips a member no struct
// field takes).
func (t *Tokenizer) Skip() error { return t.s.skip(t.depth, false) }

// End checks that nothing but whitespace follows the top-level value.
func (t *Tokenizer) End() error {
	if t.Peek() != 0 || t.s.pos < t.s.end {
		return t.unexpected("end of input after top-level value")
	}
	return nil
}
