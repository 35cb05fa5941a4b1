package unstructured

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
)

// readDoc reads the next YAML document that has content: its bytes (a
// separator line that opens it is kept, so go-yaml's line numbers count
// from start), the stream line of its first line, and the stream line of
// its first line of content. It returns io.EOF when no document with
// content is left.
func (m *ManifestReader) readDoc() (doc []byte, start, content int, err error) {
	var buf []byte
	open := func(line []byte, n int) { // start a document with line n
		buf, start, content = append(buf[:0], line...), n, 0
		if isSeparator(line) && hasContent(line[3:]) {
			content = n
		} else if !isSeparator(line) && hasContent(line) {
			content = n
		}
	}
	if m.carry != nil {
		open(m.carry, m.carryLine)
		m.carry = nil
	}
	for {
		line, rerr := m.readLine(len(buf))
		if errors.Is(rerr, ErrDocumentTooLarge) {
			if start == 0 {
				start = m.line + 1
			}
			return nil, 0, 0, m.tooLarge(start)
		}
		if len(line) > 0 {
			m.line++
			switch {
			case isSeparator(line) && content > 0:
				m.carry, m.carryLine = line, m.line
				return buf, start, content, nil
			case isSeparator(line):
				open(line, m.line)
			case isDocEnd(line) && content > 0:
				return append(buf, line...), start, content, nil
			case isDocEnd(line):
				buf = buf[:0]
			case len(buf) == 0:
				open(line, m.line)
			default:
				buf = append(buf, line...)
				if content == 0 && hasContent(line) {
					content = m.line
				}
			}
		}
		if rerr == io.EOF {
			if content > 0 {
				return buf, start, content, nil
			}
			return nil, 0, 0, io.EOF
		}
		if rerr != nil {
			return nil, 0, 0, fmt.Errorf("unstructured: reading manifests after line %d: %w", m.line, rerr)
		}
	}
}

// readLine reads the next line as bufio's ReadBytes('\n') does, but
// refuses (with ErrDocumentTooLarge) to gather a line that would take a
// document already of used bytes over the bound: a stream with no newline
// (/dev/zero) must not grow one line without end.
func (m *ManifestReader) readLine(used int) ([]byte, error) {
	var line []byte
	for {
		frag, err := m.br.ReadSlice('\n')
		if m.max > 0 && used+len(line)+len(frag) > m.max {
			return nil, ErrDocumentTooLarge
		}
		line = append(line, frag...)
		if !errors.Is(err, bufio.ErrBufferFull) {
			return line, err
		}
	}
}

// isSeparator reports whether line starts a document: "---" at the start
// of the line, alone or followed by whitespace.
func isSeparator(line []byte) bool {
	return bytes.HasPrefix(line, []byte("---")) && (len(line) == 3 || isSpace(line[3]))
}

// isDocEnd reports whether line is a document end marker "...".
func isDocEnd(line []byte) bool {
	return bytes.HasPrefix(line, []byte("...")) && (len(line) == 3 || isSpace(line[3]))
}

// hasContent reports whether a line holds something other than blanks and
// a comment.
func hasContent(line []byte) bool {
	t := bytes.TrimLeft(line, " \t\r\n")
	return len(t) > 0 && t[0] != '#'
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// jsonManifests is the state of a ManifestReader reading a JSON stream.
type jsonManifests struct {
	dec   *Decoder
	lines *lineIndex
}

func newJSONManifests(br *bufio.Reader, off int64, lines int, max int64) *jsonManifests {
	li := &lineIndex{r: br, off: off, base: lines, max: max, docStart: off}
	d := NewDecoder(li)
	d.s.base = off // offsets count from the start of the stream
	return &jsonManifests{dec: d, lines: li}
}

// lineIndex records where the newlines of a stream are, so a byte offset
// can be turned into a line number. It forgets newlines before the current
// document, so it holds only those of one document and the read-ahead.
type lineIndex struct {
	r    io.Reader
	off  int64   // stream offset of the next byte Read returns
	base int     // newlines before nl[0]
	nl   []int64 // offsets of the newlines not yet forgotten
	// max bounds the bytes read past docStart, the current document's
	// first byte (<= 0: no bound); Read then returns ErrDocumentTooLarge.
	max, docStart int64
}

func (l *lineIndex) Read(p []byte) (int, error) {
	if l.max > 0 && l.off-l.docStart > l.max {
		return 0, ErrDocumentTooLarge
	}
	n, err := l.r.Read(p)
	for i, c := range p[:n] {
		if c == '\n' {
			l.nl = append(l.nl, l.off+int64(i))
		}
	}
	l.off += int64(n)
	return n, err
}

// line returns the 1-based line of the byte at off.
func (l *lineIndex) line(off int64) int {
	return l.base + sort.Search(len(l.nl), func(i int) bool { return l.nl[i] >= off }) + 1
}

// forget drops the newlines before off.
func (l *lineIndex) forget(off int64) {
	n := sort.Search(len(l.nl), func(i int) bool { return l.nl[i] >= off })
	l.base += n
	l.nl = append(l.nl[:0], l.nl[n:]...)
}
