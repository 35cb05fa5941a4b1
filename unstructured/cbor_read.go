package unstructured

import (
	"errors"
	"fmt"
	"io"
)

// CBORError reports malformed or refused CBOR at a byte offset of the input.
type CBORError struct {
	Offset int64  // offset of the offending data item's first byte from the start of the input
	Msg    string // what was wrong
}

// Error says where the CBOR is malformed or what was refused.
func (e *CBORError) Error() string {
	return fmt.Sprintf("unstructured: invalid CBOR at offset %d: %s", e.Offset, e.Msg)
}

// CBOR major types (RFC 8949 section 3.1).
const (
	cborUint   = 0
	cborNegInt = 1
	cborBytes  = 2
	cborText   = 3
	cborArray  = 4
	cborMap    = 5
	cborTag    = 6
	cborSimple = 7
)

// cborIndefinite is the additional information of an indefinite length.
const cborIndefinite = 31

// cborBreak is the "break" stop code ending an indefinite-length item.
const cborBreak = 0xff

// cborReader reads CBOR data items from an io.Reader through a sliding
// buffer. fill keeps every byte from min(pos, mark), so a data item being
// captured raw (mark >= 0) never moves out from under it.
type cborReader struct {
	window
}

func newCBORReader(r io.Reader) cborReader {
	return cborReader{newWindow(r)}
}

func (s *cborReader) errorf(off int, format string, args ...any) error {
	return &CBORError{Offset: s.base + int64(off), Msg: fmt.Sprintf(format, args...)}
}

// need makes sure n bytes from pos are buffered; false at the end of input.
func (s *cborReader) need(n int) bool {
	for s.end-s.pos < n {
		if !s.fill() {
			return false
		}
	}
	return true
}

// atEnd reports whether the input is exhausted (after a clean read).
func (s *cborReader) atEnd() bool {
	return s.pos == s.end && !s.fill()
}

// readErr turns the sticky read error into the error for an unexpected end.
func (s *cborReader) readErr(what string) error {
	if s.rerr == nil || errors.Is(s.rerr, io.EOF) {
		return &CBORError{Offset: s.base + int64(s.end), Msg: "unexpected end of input in " + what}
	}
	return fmt.Errorf("unstructured: reading CBOR: %w", s.rerr)
}

// head reads the initial byte and argument of the data item at pos: its
// major type, its additional information and its argument (the value, the
// length, or the tag number; 0 for an indefinite length). It leaves pos
// after the head.
func (s *cborReader) head() (major, info byte, arg uint64, err error) {
	if s.pos >= s.end && !s.need(1) {
		return 0, 0, 0, s.readErr("data item")
	}
	b := s.buf[s.pos]
	major, info = b>>5, b&0x1f
	if info < 24 {
		s.pos++
		return major, info, uint64(info), nil
	}
	var n int
	switch info {
	case 24:
		n = 1
	case 25:
		n = 2
	case 26:
		n = 4
	case 27:
		n = 8
	case cborIndefinite:
		if major == cborUint || major == cborNegInt || major == cborTag {
			return 0, 0, 0, s.errorf(s.pos, "additional information 31 on major type %d", major)
		}
		s.pos++
		return major, info, 0, nil
	default:
		return 0, 0, 0, s.errorf(s.pos, "reserved additional information %d", info)
	}
	if !s.need(1 + n) {
		return 0, 0, 0, s.readErr("data item head")
	}
	p := s.buf[s.pos+1 : s.pos+1+n]
	for _, c := range p {
		arg = arg<<8 | uint64(c)
	}
	s.pos += 1 + n
	return major, info, arg, nil
}

// bytes returns the n bytes at pos (valid until the next read) and moves
// past them.
func (s *cborReader) bytes(n uint64, what string) ([]byte, error) {
	if n > uint64(maxCBORString) {
		return nil, s.errorf(s.pos, "%s of %d bytes is too long", what, n)
	}
	if !s.need(int(n)) {
		return nil, s.readErr(what)
	}
	b := s.buf[s.pos : s.pos+int(n)]
	s.pos += int(n)
	return b, nil
}

// shortString returns the content of the byte string of at most 255 bytes
// whose first byte b (0x40 to 0x58) is at pos, when it is buffered whole,
// and moves past it; ok is false, and pos unchanged, when it is not.
func (s *cborReader) shortString(b byte) (c []byte, ok bool) {
	p, n := s.pos+1, int(b&0x1f)
	if n == 24 {
		if p >= s.end {
			return nil, false
		}
		n, p = int(s.buf[p]), p+1
	}
	if n > s.end-p {
		return nil, false
	}
	s.pos = p + n
	return s.buf[p : p+n], true
}

// tinyString is shortString for a byte string of at most 23 bytes (its
// length in its first byte), small enough to be inlined where most map
// keys are read.
func (s *cborReader) tinyString() (c []byte, ok bool) {
	if s.pos >= s.end {
		return nil, false
	}
	b := s.buf[s.pos]
	p, e := s.pos+1, s.pos+1+int(b&0x1f)
	if b < 0x40 || b > 0x57 || e > s.end {
		return nil, false
	}
	s.pos = e
	return s.buf[p:e], true
}

// maxCBORString bounds one string's declared length: no Kubernetes object
// is near it, and the buffer grows only as data arrives in any case.
const maxCBORString = 1 << 30
