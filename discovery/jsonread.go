package discovery

import (
	"fmt"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// jsonReader is a single-pass reader of one JSON document held in memory,
// for the hand-written decoders of the discovery documents (aggjson.go,
// legacyjson.go). It accepts exactly what encoding/json accepts (RFC 8259,
// at most maxNesting containers deep) and unquotes strings as encoding/json
// does (invalid UTF-8 and lone surrogates become U+FFFD). Strings without
// escapes are substrings of s, so decoding them allocates nothing: the
// decoded values share s (see bytesString).
type jsonReader struct {
	s     string
	pos   int
	depth int          // containers open around pos
	strs  slab[string] // the arrays of strings
}

// maxNesting is encoding/json's nesting limit.
const maxNesting = 10000

// jsonError is a syntax or type error at a byte offset of the document.
type jsonError struct {
	Offset int
	Msg    string
}

func (e *jsonError) Error() string {
	return fmt.Sprintf("%s at offset %d", e.Msg, e.Offset)
}

func (r *jsonReader) errorf(format string, args ...any) error {
	return &jsonError{Offset: r.pos, Msg: fmt.Sprintf(format, args...)}
}

// next skips whitespace and returns the next byte, or 0 at the end (a NUL
// byte, never valid outside strings, also gives 0).
func (r *jsonReader) next() byte {
	for r.pos < len(r.s) {
		switch c := r.s[r.pos]; c {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return c
		}
	}
	return 0
}

// end checks that only whitespace follows the top-level value.
func (r *jsonReader) end() error {
	if r.next(); r.pos < len(r.s) {
		return r.errorf("invalid character %q after top-level value", r.s[r.pos])
	}
	return nil
}

// unexpected returns the error for a byte that cannot start what was wanted.
func (r *jsonReader) unexpected(what string) error {
	if r.pos >= len(r.s) {
		return r.errorf("unexpected end of JSON input in %s", what)
	}
	return r.errorf("invalid character %q in %s", r.s[r.pos], what)
}

// open enters a container whose opening byte is at pos.
func (r *jsonReader) open() error {
	r.depth++
	if r.depth > maxNesting {
		return r.errorf("exceeded max depth")
	}
	r.pos++
	return nil
}

// object reads an object (pos at '{'), calling field for each key with pos
// at its value; field must consume the value.
func (r *jsonReader) object(field func(key string) error) error {
	if err := r.open(); err != nil {
		return err
	}
	if r.next() == '}' {
		r.pos++
		r.depth--
		return nil
	}
	for {
		if r.next() != '"' {
			return r.unexpected("object key")
		}
		key, err := r.str()
		if err != nil {
			return err
		}
		if r.next() != ':' {
			return r.unexpected("object after key")
		}
		r.pos++
		if err := field(key); err != nil {
			return err
		}
		switch r.next() {
		case ',':
			r.pos++
		case '}':
			r.pos++
			r.depth--
			return nil
		default:
			return r.unexpected("object after value")
		}
	}
}

// array reads an array (pos at '['), calling elem with each element's index
// and pos at the element; elem must consume it. It returns the length.
func (r *jsonReader) array(elem func(i int) error) (int, error) {
	if err := r.open(); err != nil {
		return 0, err
	}
	if r.next() == ']' {
		r.pos++
		r.depth--
		return 0, nil
	}
	for i := 0; ; i++ {
		if r.next() == 0 {
			return 0, r.unexpected("array")
		}
		if err := elem(i); err != nil {
			return 0, err
		}
		switch r.next() {
		case ',':
			r.pos++
		case ']':
			r.pos++
			r.depth--
			return i + 1, nil
		default:
			return 0, r.unexpected("array after element")
		}
	}
}

// literal consumes lit (true, false, null) at pos.
func (r *jsonReader) literal(lit string) error {
	if len(r.s)-r.pos >= len(lit) && r.s[r.pos:r.pos+len(lit)] == lit {
		r.pos += len(lit)
		return nil
	}
	for i := 0; i < len(lit); i++ { // point at the first wrong byte
		if r.pos >= len(r.s) || r.s[r.pos] != lit[i] {
			return r.unexpected("literal " + lit)
		}
		r.pos++
	}
	return nil
}

// null consumes a null at the next token and reports whether there was one.
func (r *jsonReader) null() (bool, error) {
	if r.next() != 'n' {
		return false, nil
	}
	return true, r.literal("null")
}

// skip consumes and validates any value.
func (r *jsonReader) skip() error {
	switch c := r.next(); {
	case c == '{':
		return r.object(func(string) error { return r.skip() })
	case c == '[':
		_, err := r.array(func(int) error { return r.skip() })
		return err
	case c == '"':
		_, err := r.str()
		return err
	case c == 't':
		return r.literal("true")
	case c == 'f':
		return r.literal("false")
	case c == 'n':
		return r.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return r.number()
	}
	return r.unexpected("value")
}

// typeError consumes the value at pos and reports that it cannot be decoded
// as what (encoding/json's UnmarshalTypeError). A malformed value is
// reported as the syntax error it is.
func (r *jsonReader) typeError(what string) error {
	start := r.pos
	kind := "value"
	switch c := r.next(); {
	case c == '{':
		kind = "object"
	case c == '[':
		kind = "array"
	case c == '"':
		kind = "string"
	case c == 't' || c == 'f':
		kind = "bool"
	case c == '-' || (c >= '0' && c <= '9'):
		kind = "number"
	}
	if err := r.skip(); err != nil {
		return err
	}
	return &jsonError{Offset: start, Msg: fmt.Sprintf("cannot decode JSON %s into %s", kind, what)}
}

// number consumes a JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (r *jsonReader) number() error {
	s, i := r.s, r.pos
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() bool {
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i > j
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case !digits():
		r.pos = i
		return r.unexpected("number")
	}
	if i < len(s) && s[i] == '.' {
		i++
		if !digits() {
			r.pos = i
			return r.unexpected("number after decimal point")
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if !digits() {
			r.pos = i
			return r.unexpected("number exponent")
		}
	}
	r.pos = i
	return nil
}

// str reads a string (pos at its '"'). A string of plain characters is
// returned as a substring of the document.
func (r *jsonReader) str() (string, error) {
	s := r.s
	start := r.pos + 1
	for i := start; i < len(s); {
		c := s[i]
		switch {
		case c == '"':
			r.pos = i + 1
			return s[start:i], nil
		case c == '\\' || c < 0x20:
			return r.strSlow(start, i)
		case c < utf8.RuneSelf:
			i++
		default:
			rr, size := utf8.DecodeRuneInString(s[i:])
			if rr == utf8.RuneError && size == 1 {
				return r.strSlow(start, i)
			}
			i += size
		}
	}
	r.pos = len(s)
	return "", r.unexpected("string")
}

// strSlow unquotes a string with escapes, control characters or invalid
// UTF-8 from i on, as encoding/json does.
func (r *jsonReader) strSlow(start, i int) (string, error) {
	s := r.s
	b := make([]byte, 0, i-start+16)
	b = append(b, s[start:i]...)
	for i < len(s) {
		c := s[i]
		switch {
		case c == '"':
			r.pos = i + 1
			return string(b), nil
		case c < 0x20:
			r.pos = i
			return "", r.errorf("invalid character %q in string literal", c)
		case c == '\\':
			n, rr, err := r.escape(i)
			if err != nil {
				return "", err
			}
			b = utf8.AppendRune(b, rr)
			i += n
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			rr, size := utf8.DecodeRuneInString(s[i:])
			if rr == utf8.RuneError && size == 1 {
				b = utf8.AppendRune(b, unicode.ReplacementChar)
			} else {
				b = append(b, s[i:i+size]...)
			}
			i += size
		}
	}
	r.pos = len(s)
	return "", r.unexpected("string")
}

// escape decodes the escape sequence at i (a '\\'): its length and rune.
func (r *jsonReader) escape(i int) (int, rune, error) {
	s := r.s
	if i+1 >= len(s) {
		r.pos = len(s)
		return 0, 0, r.unexpected("string escape")
	}
	switch s[i+1] {
	case '"', '\\', '/':
		return 2, rune(s[i+1]), nil
	case 'b':
		return 2, '\b', nil
	case 'f':
		return 2, '\f', nil
	case 'n':
		return 2, '\n', nil
	case 'r':
		return 2, '\r', nil
	case 't':
		return 2, '\t', nil
	case 'u':
		rr := hex4(s, i+2)
		if rr < 0 {
			r.pos = i + 2
			for r.pos < len(s) && r.pos < i+6 && isHex(s[r.pos]) {
				r.pos++
			}
			return 0, 0, r.unexpected("\\u escape")
		}
		if !utf16.IsSurrogate(rr) {
			return 6, rr, nil
		}
		if i+7 < len(s) && s[i+6] == '\\' && s[i+7] == 'u' {
			if rr1 := hex4(s, i+8); rr1 >= 0 {
				if dec := utf16.DecodeRune(rr, rr1); dec != unicode.ReplacementChar {
					return 12, dec, nil
				}
			}
		}
		return 6, unicode.ReplacementChar, nil
	}
	r.pos = i + 1
	return 0, 0, r.unexpected("string escape")
}

// hex4 parses the four hex digits at s[i:], or returns -1.
func hex4(s string, i int) rune {
	if i+4 > len(s) {
		return -1
	}
	var v rune
	for _, c := range []byte(s[i : i+4]) {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		v = v<<4 | rune(c)
	}
	return v
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}
