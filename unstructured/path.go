package unstructured

import (
	"fmt"
	"strconv"
	"strings"
)

// Path is a parsed field path such as
// spec.template.spec.containers[name=nginx].image. Parse it once with
// ParsePath and use it many times; the zero Path is empty and every
// operation on it fails. A Path is immutable and safe for concurrent use.
type Path struct {
	segs []segment
}

// segKind tells what a segment selects.
type segKind uint8

const (
	segField    segKind = iota // an object member: name or ["quoted name"]
	segIndex                   // a list element: [3], or [-1] for the last
	segSelector                // the one list element whose key equals value: [name=nginx]
)

// segment is one step of a Path.
type segment struct {
	kind  segKind
	key   string // the member name (segField) or the compared key (segSelector)
	value string // the compared value (segSelector)
	index int    // the index (segIndex); negative counts from the end
}

// PathSyntaxError reports a path that does not parse.
type PathSyntaxError struct {
	Path   string // the path as given
	Offset int    // byte offset of the problem in Path
	Msg    string // what was wrong
}

// Error says where the path is malformed.
func (e *PathSyntaxError) Error() string {
	return fmt.Sprintf("unstructured: invalid path %q at offset %d: %s", e.Path, e.Offset, e.Msg)
}

// maxPathLen bounds the length of a path, so a hostile one costs little.
const maxPathLen = 4096

// ParsePath parses a field path. The grammar:
//
//	path     = [ "." ] first { step }
//	first    = name | "[" bracket "]"
//	step     = "." name | "[" bracket "]"
//	name     = one or more bytes other than '.', '[', ']'
//	bracket  = quoted                          an object member with any name
//	         | [ "-" ] digits                  a list index; -1 is the last element
//	         | key "=" value                   the one list element whose key equals value
//	key      = quoted | one or more bytes other than '=', ']', '"'
//	value    = quoted | zero or more bytes other than ']', '"'
//	quoted   = a double-quoted Go string literal (strconv.Unquote)
//
// So metadata.annotations["example.com/a.b"] names an annotation whose key
// contains dots, containers[0] the first container, containers[-1] the last,
// and ports[containerPort=80] the port whose containerPort is 80 (a selector
// compares the element's value as text: strings as they are, integers
// (and whole floats) in decimal, other floats in strconv's shortest 'g'
// form, booleans as true or false; elements that are not objects never
// match). A leading '.' is allowed and ignored,
// as in kubectl's JSONPath.
func ParsePath(s string) (Path, error) {
	p := pathParser{src: s}
	segs, err := p.parse()
	if err != nil {
		return Path{}, err
	}
	return Path{segs: segs}, nil
}

// String returns the path in canonical form: ParsePath(p.String()) equals p.
// Names that need it are written as ["quoted"] members.
func (p Path) String() string {
	var b strings.Builder
	for i, sg := range p.segs {
		b.WriteString(sg.String(i == 0))
	}
	return b.String()
}

// String renders one segment; first is true for the path's first segment.
func (sg segment) String(first bool) string {
	switch sg.kind {
	case segIndex:
		return "[" + strconv.Itoa(sg.index) + "]"
	case segSelector:
		key, value := sg.key, sg.value
		if key == "" || strings.ContainsAny(key, "=]\"") {
			key = strconv.Quote(key)
		}
		if strings.ContainsAny(value, "]\"") {
			value = strconv.Quote(value)
		}
		return "[" + key + "=" + value + "]"
	default:
		if sg.key == "" || strings.ContainsAny(sg.key, ".[]") {
			return "[" + strconv.Quote(sg.key) + "]"
		}
		if first {
			return sg.key
		}
		return "." + sg.key
	}
}

// Len returns the number of segments.
func (p Path) Len() int { return len(p.segs) }

// pathParser is the state of one ParsePath call.
type pathParser struct {
	src string
	pos int
}

func (p *pathParser) fail(off int, format string, args ...any) error {
	return &PathSyntaxError{Path: p.src, Offset: off, Msg: fmt.Sprintf(format, args...)}
}

func (p *pathParser) parse() ([]segment, error) {
	if p.src == "" {
		return nil, p.fail(0, "empty path")
	}
	if len(p.src) > maxPathLen {
		return nil, p.fail(maxPathLen, "longer than %d bytes", maxPathLen)
	}
	var segs []segment
	if p.src[0] == '.' {
		p.pos = 1
	}
	for first := true; p.pos < len(p.src); first = false {
		switch c := p.src[p.pos]; {
		case c == '[':
			sg, err := p.bracket()
			if err != nil {
				return nil, err
			}
			segs = append(segs, sg)
		case c == '.' && !first:
			p.pos++
			name := p.name()
			if name == "" {
				return nil, p.fail(p.pos, "empty field name after '.'")
			}
			segs = append(segs, segment{kind: segField, key: name})
		case first && c != ']' && c != '.':
			segs = append(segs, segment{kind: segField, key: p.name()})
		default:
			return nil, p.fail(p.pos, "unexpected %q: expected '.' or '['", c)
		}
	}
	if len(segs) == 0 {
		return nil, p.fail(p.pos, "no field after '.'")
	}
	return segs, nil
}

// name reads a bare field name up to the next '.', '[' or ']'.
func (p *pathParser) name() string {
	start := p.pos
	for p.pos < len(p.src) && !strings.ContainsRune(".[]", rune(p.src[p.pos])) {
		p.pos++
	}
	return p.src[start:p.pos]
}

// bracket reads "[...]" at pos.
func (p *pathParser) bracket() (segment, error) {
	open := p.pos
	p.pos++
	if p.pos >= len(p.src) {
		return segment{}, p.fail(open, "unterminated '['")
	}
	var sg segment
	var err error
	switch c := p.src[p.pos]; {
	case c == '"':
		sg, err = p.quotedBracket()
	case c == '-' || (c >= '0' && c <= '9'):
		sg, err = p.index()
	default:
		sg, err = p.selector()
	}
	if err != nil {
		return segment{}, err
	}
	if p.pos >= len(p.src) || p.src[p.pos] != ']' {
		return segment{}, p.fail(p.pos, "expected ']' to close the '[' at offset %d", open)
	}
	p.pos++
	return sg, nil
}

// quotedBracket reads ["name"] or ["key"=value] after the '['.
func (p *pathParser) quotedBracket() (segment, error) {
	s, err := p.quoted()
	if err != nil {
		return segment{}, err
	}
	if p.pos < len(p.src) && p.src[p.pos] == '=' {
		return p.selectorValue(s)
	}
	return segment{kind: segField, key: s}, nil
}

// index reads a decimal list index, optionally negative.
func (p *pathParser) index() (segment, error) {
	start := p.pos
	if p.src[p.pos] == '-' {
		p.pos++
	}
	for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
		p.pos++
	}
	if p.pos < len(p.src) && p.src[p.pos] != ']' {
		p.pos = start // a selector whose key starts with a digit or '-'
		return p.selector()
	}
	n, err := strconv.Atoi(p.src[start:p.pos])
	if err != nil {
		return segment{}, p.fail(start, "invalid list index %q", p.src[start:p.pos])
	}
	return segment{kind: segIndex, index: n}, nil
}

// selector reads key=value after the '['.
func (p *pathParser) selector() (segment, error) {
	start := p.pos
	for p.pos < len(p.src) && !strings.ContainsRune("=]\"", rune(p.src[p.pos])) {
		p.pos++
	}
	if p.pos >= len(p.src) || p.src[p.pos] != '=' {
		return segment{}, p.fail(start, "expected a list index, a \"quoted\" name or key=value inside '[]'")
	}
	if p.pos == start {
		return segment{}, p.fail(start, "empty selector key before '='")
	}
	return p.selectorValue(p.src[start:p.pos])
}

// selectorValue reads "=value" after a selector's key.
func (p *pathParser) selectorValue(key string) (segment, error) {
	p.pos++ // '='
	if p.pos < len(p.src) && p.src[p.pos] == '"' {
		v, err := p.quoted()
		if err != nil {
			return segment{}, err
		}
		return segment{kind: segSelector, key: key, value: v}, nil
	}
	start := p.pos
	for p.pos < len(p.src) && p.src[p.pos] != ']' && p.src[p.pos] != '"' {
		p.pos++
	}
	return segment{kind: segSelector, key: key, value: p.src[start:p.pos]}, nil
}

// quoted reads a double-quoted string at pos with Go/JSON escapes.
func (p *pathParser) quoted() (string, error) {
	start := p.pos
	for i := start + 1; i < len(p.src); i++ {
		switch p.src[i] {
		case '\\':
			i++
		case '"':
			s, err := strconv.Unquote(p.src[start : i+1])
			if err != nil {
				return "", p.fail(start, "invalid quoted string %s: %v", p.src[start:i+1], err)
			}
			p.pos = i + 1
			return s, nil
		}
	}
	return "", p.fail(start, "unterminated quoted string")
}
