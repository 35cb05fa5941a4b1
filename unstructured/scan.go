package unstructured

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth is the nesting limit of encoding/json (and sigs.k8s.io/json),
// which apimachinery's decoder inherits: 10000 containers deep is accepted,
// one more is an error.
const maxDepth = 10000

// internLimit bounds each of the decoder's intern tables, so a hostile stream
// of unique keys cannot grow them without end.
const internLimit = 1 << 14

// maxInternedValue is the longest string value whose boxed interface is shared.
const maxInternedValue = 40

// SyntaxError reports malformed JSON at a byte offset of the input.
type SyntaxError struct {
	Offset int64  // offset of the offending byte from the start of the input
	Msg    string // what was wrong
}

// Error says where the JSON is malformed.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("unstructured: invalid JSON at offset %d: %s", e.Offset, e.Msg)
}

// scanner reads JSON bytes from an io.Reader through a sliding buffer.
// Tokens are scanned with d.pos at their first byte; fill keeps every byte
// from min(d.pos, d.mark) so a token (or a raw value being captured) never
// moves out from under its scanner.
type scanner struct {
	window
	keys   map[string]string
	values map[string]any
	tmp    []byte
}

func newScanner(r io.Reader) scanner {
	return scanner{
		window: newWindow(r),
		keys:   make(map[string]string, 256),
		values: make(map[string]any, 256),
	}
}

func (s *scanner) errorf(off int, format string, args ...any) error {
	return &SyntaxError{Offset: s.base + int64(off), Msg: fmt.Sprintf(format, args...)}
}

// readErr turns the sticky read error into the error for an unexpected end.
func (s *scanner) readErr(what string) error {
	if s.rerr == nil || errors.Is(s.rerr, io.EOF) {
		return &SyntaxError{Offset: s.base + int64(s.end), Msg: "unexpected end of input in " + what}
	}
	return fmt.Errorf("unstructured: reading JSON: %w", s.rerr)
}

// skipSpace advances over JSON whitespace and returns the next byte.
// ok is false at the end of the input.
func (s *scanner) skipSpace() (c byte, ok bool) {
	for {
		for s.pos < s.end {
			c = s.buf[s.pos]
			if c != ' ' && c != '\n' && c != '\t' && c != '\r' {
				return c, true
			}
			s.pos++
		}
		if !s.fill() {
			return 0, false
		}
	}
}

// need makes sure n bytes from pos are buffered; false at the end of input.
func (s *scanner) need(n int) bool {
	for s.end-s.pos < n {
		if !s.fill() {
			return false
		}
	}
	return true
}

// scanString scans the string starting at pos (a '"') and returns its
// content as a byte slice valid until the next scan. It leaves pos after the
// quote.
func (s *scanner) scanString() ([]byte, error) {
	i := s.pos + 1
	for {
		for i < s.end {
			c := s.buf[i]
			if c == '"' {
				b := s.buf[s.pos+1 : i]
				s.pos = i + 1
				return b, nil
			}
			if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
				return s.scanStringSlow(i - s.pos)
			}
			i++
		}
		off := i - s.pos
		if !s.fill() {
			return nil, s.readErr("string")
		}
		i = s.pos + off
	}
}

// scanStringSlow unquotes a string that has escapes or non-ASCII bytes the
// way encoding/json does: invalid UTF-8 and lone surrogates become U+FFFD.
// off is the offset from pos of the first byte needing care.
func (s *scanner) scanStringSlow(off int) ([]byte, error) {
	t := append(s.tmp[:0], s.buf[s.pos+1:s.pos+off]...)
	for {
		if !s.need(off + 1) {
			return nil, s.readErr("string")
		}
		c := s.buf[s.pos+off]
		switch {
		case c == '"':
			s.pos += off + 1
			s.tmp = t
			return t, nil
		case c < 0x20:
			return nil, s.errorf(s.pos+off, "control character %#x in string", c)
		case c == '\\':
			n, r, err := s.escape(off)
			if err != nil {
				return nil, err
			}
			t = utf8.AppendRune(t, r)
			off += n
		case c < utf8.RuneSelf:
			t = append(t, c)
			off++
		default:
			s.need(off + utf8.UTFMax) // short reads at the end are fine
			r, size := utf8.DecodeRune(s.buf[s.pos+off : s.end])
			if r == utf8.RuneError && size == 1 {
				t = utf8.AppendRune(t, unicode.ReplacementChar)
			} else {
				t = append(t, s.buf[s.pos+off:s.pos+off+size]...)
			}
			off += size
		}
	}
}

// escape decodes the escape sequence at pos+off and returns its length.
func (s *scanner) escape(off int) (int, rune, error) {
	if !s.need(off + 2) {
		return 0, 0, s.readErr("string")
	}
	switch c := s.buf[s.pos+off+1]; c {
	case '"', '\\', '/':
		return 2, rune(c), nil
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
		r, err := s.hex4(off + 2)
		if err != nil {
			return 0, 0, err
		}
		if !utf16.IsSurrogate(r) {
			return 6, r, nil
		}
		// A surrogate pair is two \u escapes; anything else is U+FFFD.
		if s.need(off+12) && s.buf[s.pos+off+6] == '\\' && s.buf[s.pos+off+7] == 'u' {
			if r2, err := s.hex4(off + 8); err == nil {
				if dec := utf16.DecodeRune(r, r2); dec != unicode.ReplacementChar {
					return 12, dec, nil
				}
			}
		}
		return 6, unicode.ReplacementChar, nil
	default:
		return 0, 0, s.errorf(s.pos+off+1, "invalid escape character %q", c)
	}
}

func (s *scanner) hex4(off int) (rune, error) {
	if !s.need(off + 4) {
		return 0, s.readErr("string")
	}
	var r rune
	for _, c := range s.buf[s.pos+off : s.pos+off+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, s.errorf(s.pos+off, "invalid \\u escape")
		}
		r = r*16 + rune(c)
	}
	return r, nil
}

// key scans an object key and returns it interned.
func (s *scanner) key() (string, error) {
	b, err := s.scanString()
	if err != nil {
		return "", err
	}
	if s.keys == nil { // no interning (DecodeObjectBytes)
		return string(b), nil
	}
	if k, ok := s.keys[string(b)]; ok {
		return k, nil
	}
	k := string(b)
	if len(s.keys) < internLimit {
		s.keys[k] = k
	}
	return k, nil
}

// stringValue scans a string value and returns it boxed, sharing the box of
// short repeated values.
func (s *scanner) stringValue() (any, error) {
	b, err := s.scanString()
	if err != nil {
		return nil, err
	}
	if len(b) > maxInternedValue || s.values == nil {
		return string(b), nil
	}
	if v, ok := s.values[string(b)]; ok {
		return v, nil
	}
	str := string(b)
	var v any = str
	if len(s.values) < internLimit {
		s.values[str] = v
	}
	return v, nil
}

// number scans a JSON number and converts it as sigs.k8s.io/json does with
// PreserveInts: int64 when it has no '.' and fits, else float64, else error.
func (s *scanner) number() (any, error) {
	off, frac, err := s.scanNumber()
	if err != nil {
		return nil, err
	}
	b := s.buf[s.pos : s.pos+off]
	start := s.pos
	s.pos += off
	if !frac && len(b) <= 18 {
		var n int64
		neg := b[0] == '-'
		digits := b
		if neg {
			digits = b[1:]
		}
		simple := true
		for _, c := range digits {
			if c < '0' || c > '9' {
				simple = false
				break
			}
			n = n*10 + int64(c-'0')
		}
		if simple {
			if neg {
				n = -n
			}
			return n, nil
		}
	}
	str := string(b)
	if !frac {
		if n, err := strconv.ParseInt(str, 10, 64); err == nil {
			return n, nil
		}
	}
	f, err := strconv.ParseFloat(str, 64)
	if err != nil {
		return nil, s.errorf(start, "number %s does not fit a float64", str)
	}
	return f, nil
}

// scanNumber validates the number at pos and returns its length and whether
// it contains a '.' (the PreserveInts test).
func (s *scanner) scanNumber() (n int, frac bool, err error) {
	at := func(i int) int {
		if !s.need(i + 1) {
			return -1
		}
		return int(s.buf[s.pos+i])
	}
	digit := func(c int) bool { return c >= '0' && c <= '9' }
	i := 0
	if at(i) == '-' {
		i++
	}
	switch c := at(i); {
	case c == '0':
		i++
	case c >= '1' && c <= '9':
		for i++; digit(at(i)); i++ {
		}
	default:
		return 0, false, s.errorf(s.pos+i, "invalid number")
	}
	if at(i) == '.' {
		frac = true
		i++
		if !digit(at(i)) {
			return 0, false, s.errorf(s.pos+i, "invalid number: no digit after '.'")
		}
		for i++; digit(at(i)); i++ {
		}
	}
	if c := at(i); c == 'e' || c == 'E' {
		i++
		if c := at(i); c == '+' || c == '-' {
			i++
		}
		if !digit(at(i)) {
			return 0, false, s.errorf(s.pos+i, "invalid number: no digit in exponent")
		}
		for i++; digit(at(i)); i++ {
		}
	}
	if s.rerr != nil && !errors.Is(s.rerr, io.EOF) && s.end-s.pos <= i {
		return 0, false, s.readErr("number")
	}
	return i, frac, nil
}

// literal consumes the literal word (true, false, null) at pos.
func (s *scanner) literal(word string) error {
	if !s.need(len(word)) {
		if s.end-s.pos < len(word) && string(s.buf[s.pos:s.end]) == word[:s.end-s.pos] {
			return s.readErr("literal")
		}
	}
	for i := 0; i < len(word); i++ {
		if s.pos+i >= s.end || s.buf[s.pos+i] != word[i] {
			return s.errorf(s.pos+i, "invalid character in literal %s", word)
		}
	}
	s.pos += len(word)
	return nil
}
