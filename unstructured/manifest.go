package unstructured

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// ManifestError reports a manifest document that could not be read.
type ManifestError struct {
	// Doc is the 1-based position of the document among the non-empty
	// documents of the stream (documents holding only comments, blank
	// lines or null are skipped and not counted).
	Doc int
	// Item is the 1-based position of the failing item when the document
	// is a list (kind: List), else 0.
	Item int
	// Line is the 1-based line, within the whole stream, of the error when
	// the YAML or JSON parser names one, else of the document's first line
	// of content; 0 when unknown. For YAML it is go-yaml's line translated
	// to the stream, and go-yaml names the line where the construct it was
	// reading began for some errors ("did not find expected key" names the
	// mapping's previous line), as kubectl reports it.
	Line int
	// Err is why: a YAML error (its line rewritten to the stream's), a
	// *SyntaxError for JSON, or a decoding error such as a missing kind.
	Err error
}

// Error says which document (and item) failed, at which line, and why.
func (e *ManifestError) Error() string {
	s := fmt.Sprintf("unstructured: manifest document %d", e.Doc)
	if e.Line > 0 {
		s += fmt.Sprintf(" (line %d)", e.Line)
	}
	if e.Item > 0 {
		s += fmt.Sprintf(", item %d", e.Item)
	}
	return s + ": " + strings.TrimPrefix(e.Err.Error(), "unstructured: ")
}

// Unwrap returns the underlying error.
func (e *ManifestError) Unwrap() error { return e.Err }

// ManifestReader reads Kubernetes objects from a stream of YAML or JSON
// documents, one object at a time. See ReadManifests for the format.
// A ManifestReader is not safe for concurrent use.
type ManifestReader struct {
	br        *bufio.Reader
	started   bool
	json      *jsonManifests // set in JSON mode
	line      int            // lines read so far (YAML mode)
	carry     []byte         // a separator line read ahead: the next document's first line
	carryLine int            // its line number
	docs      int            // non-empty documents seen
	pending   []*k8su.Unstructured
	err       error // sticky: a read error, or any error in JSON mode
	max       int   // bound on one document's bytes; <= 0 for none
}

// DefaultMaxDocumentBytes is the bound on one manifest document when
// ManifestOptions.MaxDocumentBytes is 0: 16 MiB. The API server refuses a
// request body over 3 MiB, so no single object it accepts comes near it,
// even written as YAML, whose indentation can make a deeply nested object
// larger than its JSON; a kind: List document may hold several such
// objects. And it is small enough that a stream that never ends a document
// (/dev/zero, `yes 'a: b'`) fails with ErrDocumentTooLarge after reading
// 16 MiB instead of growing until the process runs out of memory.
const DefaultMaxDocumentBytes = 16 << 20

// ErrDocumentTooLarge is wrapped by the *ManifestError of a document that
// exceeds the reader's bound. It ends the stream: a document that does not
// end may never end.
var ErrDocumentTooLarge = errors.New("unstructured: manifest document too large")

// ManifestOptions configures a ManifestReader.
type ManifestOptions struct {
	// MaxDocumentBytes bounds the bytes of one document (for a YAML
	// stream, from its first line to its end; for a JSON stream, from the
	// object's first byte, give or take the reader's 64 KiB read-ahead).
	// 0 means DefaultMaxDocumentBytes; a negative value means no bound.
	MaxDocumentBytes int
}

// NewManifestReader returns a ManifestReader reading from r, with the
// default options (documents bounded by DefaultMaxDocumentBytes).
func NewManifestReader(r io.Reader) *ManifestReader {
	return NewManifestReaderWithOptions(r, ManifestOptions{})
}

// NewManifestReaderWithOptions returns a ManifestReader reading from r with
// opts.
func NewManifestReaderWithOptions(r io.Reader, opts ManifestOptions) *ManifestReader {
	max := opts.MaxDocumentBytes
	if max == 0 {
		max = DefaultMaxDocumentBytes
	}
	return &ManifestReader{br: bufio.NewReaderSize(r, 64<<10), max: max}
}

// tooLarge is the error of a document over the bound, starting at line.
func (m *ManifestReader) tooLarge(line int) error {
	return &ManifestError{Doc: m.docs + 1, Line: line,
		Err: fmt.Errorf("%w: more than %d bytes (ManifestOptions.MaxDocumentBytes)", ErrDocumentTooLarge, m.max)}
}

// ReadManifests reads every object from a stream of Kubernetes manifests:
//
//   - YAML documents separated by lines starting with "---" (a line "..."
//     also ends a document); documents holding only comments, blank lines
//     or null are skipped;
//   - or, when the first byte that is not whitespace is '{', a stream of
//     JSON objects separated by whitespace (what kubectl get -o json and
//     jq -c print).
//
// A document with an "items" member (kind: List, or any *List kind) is
// expanded into its items, which get the list's apiVersion and kind minus
// "List" when they have neither (as apimachinery's decoder does); items
// that are lists themselves are not expanded further. Every object must
// have a kind. Numbers are int64 when they are integers and
// float64 otherwise, exactly as apimachinery's UnstructuredJSONScheme
// decodes them (YAML goes through sigs.k8s.io/yaml's YAMLToJSON, as
// kubectl's does).
//
// Reading goes on past a YAML document that fails: the result holds every
// object that was read, and the error joins a *ManifestError per failed
// document (naming the document, the list item and the line within the
// stream). In a JSON stream, and on a read error, reading stops at the
// first error.
func ReadManifests(r io.Reader) ([]*k8su.Unstructured, error) {
	mr := NewManifestReader(r)
	var objs []*k8su.Unstructured
	var errs []error
	for {
		obj, err := mr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		objs = append(objs, obj)
	}
	return objs, errors.Join(errs...)
}

// Next returns the next object of the stream, or io.EOF at its end, so a
// caller may simply call it until io.EOF whatever the errors. After a
// *ManifestError in a YAML stream the next call moves on to the next
// document; in a JSON stream (where a syntax error leaves no way to find the
// next document), and after a read error, the error ends the stream: it is
// returned once and later calls return io.EOF.
func (m *ManifestReader) Next() (*k8su.Unstructured, error) {
	obj, err := m.next()
	if err != nil && m.err != nil && m.err != io.EOF {
		m.err = io.EOF // a fatal error is reported once
	}
	return obj, err
}

// next is Next without the rule that a fatal error is reported once.
func (m *ManifestReader) next() (*k8su.Unstructured, error) {
	for len(m.pending) == 0 {
		if m.err != nil {
			return nil, m.err
		}
		if !m.started {
			if err := m.start(); err != nil {
				m.err = err
				return nil, err
			}
		}
		var err error
		if m.json != nil {
			err = m.nextJSON()
		} else {
			err = m.nextYAML()
		}
		if err != nil {
			return nil, err
		}
	}
	obj := m.pending[0]
	m.pending[0] = nil
	m.pending = m.pending[1:]
	return obj, nil
}

// start skips a byte-order mark and picks the mode from the first byte that
// is not whitespace. In JSON mode the leading whitespace is consumed; in
// YAML mode nothing is, since it may be the first line's indentation.
func (m *ManifestReader) start() error {
	m.started = true
	if b, err := m.br.Peek(3); err == nil && bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		m.br.Discard(3) //nolint:errcheck // Peek saw the bytes
	}
	for n := 1; ; n++ {
		b, err := m.br.Peek(n)
		if len(b) < n {
			if err == io.EOF {
				m.err = io.EOF
				return io.EOF
			} else if errors.Is(err, bufio.ErrBufferFull) {
				return nil // a lot of whitespace: let the YAML reader skip it
			}
			return fmt.Errorf("unstructured: reading manifests: %w", err)
		}
		if isSpace(b[n-1]) {
			continue
		}
		if b[n-1] == '{' {
			lines := bytes.Count(b[:n-1], []byte("\n"))
			m.br.Discard(n - 1) //nolint:errcheck // Peek saw the bytes
			m.json = newJSONManifests(m.br, int64(n-1), lines, int64(m.max))
		}
		return nil
	}
}

// nextJSON reads the next JSON object of the stream into pending.
func (m *ManifestReader) nextJSON() error {
	j := m.json
	d := j.dec
	if _, ok := d.s.skipSpace(); !ok {
		switch {
		case errors.Is(d.s.rerr, ErrDocumentTooLarge):
			m.err = m.tooLarge(0)
		case d.s.rerr != nil && !errors.Is(d.s.rerr, io.EOF):
			m.err = fmt.Errorf("unstructured: reading manifests: %w", d.s.rerr)
		default:
			m.err = io.EOF
		}
		return m.err
	}
	m.docs++
	start := d.s.base + int64(d.s.pos)
	j.lines.forget(start)
	j.lines.docStart = start
	startLine := j.lines.line(start)
	mapping, err := d.topObject()
	if err != nil {
		line := startLine
		var se *SyntaxError
		if errors.As(err, &se) {
			line = j.lines.line(se.Offset)
		}
		if errors.Is(err, ErrDocumentTooLarge) {
			m.err = m.tooLarge(startLine)
			return m.err
		}
		m.err = &ManifestError{Doc: m.docs, Line: line, Err: err}
		return m.err
	}
	obj, err := toObject(mapping)
	if err == nil {
		err = m.expand(obj, startLine)
	} else {
		err = &ManifestError{Doc: m.docs, Line: startLine, Err: err}
	}
	if err != nil {
		m.err = err
	}
	return err
}

// nextYAML reads the next non-empty YAML document into pending.
func (m *ManifestReader) nextYAML() error {
	doc, start, content, err := m.readDoc()
	if err != nil {
		m.err = err
		return err
	}
	m.docs++
	js, err := yaml.YAMLToJSON(doc)
	if err != nil {
		last := start + bytes.Count(bytes.TrimSuffix(doc, []byte("\n")), []byte("\n"))
		line, msg := yamlLine(err.Error(), start, last)
		if line == 0 {
			line = content
		}
		return &ManifestError{Doc: m.docs, Line: line, Err: errors.New(msg)}
	}
	if bytes.Equal(js, []byte("null")) {
		m.docs-- // a document of only null (or ~) counts as empty
		return nil
	}
	obj, err := Decode(bytes.NewReader(js))
	if err != nil {
		return &ManifestError{Doc: m.docs, Line: content, Err: err}
	}
	return m.expand(obj, content)
}

// expand queues obj, or a list's items, checking that each has a kind.
func (m *ManifestReader) expand(obj any, line int) error {
	switch t := obj.(type) {
	case *k8su.Unstructured:
		m.pending = append(m.pending, t)
	case *k8su.UnstructuredList:
		items := make([]*k8su.Unstructured, 0, len(t.Items))
		for i := range t.Items {
			item := &t.Items[i]
			if item.GetKind() == "" {
				return &ManifestError{Doc: m.docs, Item: i + 1, Line: line, Err: fmt.Errorf("list item has no kind (list kind %q)", t.GetKind())}
			}
			items = append(items, item)
		}
		m.pending = append(m.pending, items...)
	}
	return nil
}

// yamlLineRE finds the line a go-yaml error names.
var yamlLineRE = regexp.MustCompile(`\bline (\d+)\b`)

// yamlLine rewrites the first "line N" of a go-yaml error, which counts
// from the document's first line (start), into a line of the whole stream,
// no later than the document's last line (go-yaml may name the line after
// the end for errors at the end of the input).
func yamlLine(msg string, start, last int) (int, string) {
	loc := yamlLineRE.FindStringSubmatchIndex(msg)
	if loc == nil {
		return 0, msg
	}
	n, err := strconv.Atoi(msg[loc[2]:loc[3]])
	if err != nil {
		return 0, msg
	}
	abs := min(start+n-1, last)
	return abs, msg[:loc[2]] + strconv.Itoa(abs) + msg[loc[3]:]
}
