package unstructured

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Errors a PathError wraps, to test with errors.Is.
var (
	// ErrNotFound: an object has no such member (or it is null on the way
	// to a deeper one), or a list index is out of range.
	ErrNotFound = errors.New("not found")
	// ErrWrongType: a value is not what the path or the typed read needs,
	// such as a field step on a list or GetString on a number.
	ErrWrongType = errors.New("wrong type")
	// ErrNoMatch: a [key=value] selector matched no list element.
	ErrNoMatch = errors.New("selector matched nothing")
	// ErrAmbiguous: a [key=value] selector matched more than one element.
	ErrAmbiguous = errors.New("selector matched several elements")
	// ErrNumber: a number cannot be read as asked (a fraction read as an
	// integer, an overflow, or an unparsable json.Number).
	ErrNumber = errors.New("number not representable")
)

// PathError reports which step of a path failed and why. Err is one of
// ErrNotFound, ErrWrongType, ErrNoMatch, ErrAmbiguous or ErrNumber (or a
// *PathSyntaxError for a path that does not parse, with Step -1).
type PathError struct {
	Op     string // "get", "set" or "remove"
	Path   string // the whole path
	Step   int    // index of the failing segment, 0-based
	At     string // the path up to and including the failing segment
	Detail string // what was found, e.g. `"spec" is a string, not an object`
	Err    error
}

// Error names the operation, the path, the failing step and what was there.
func (e *PathError) Error() string {
	if e.Step < 0 { // the path did not parse: Err says where
		return fmt.Sprintf("unstructured: %s: %s", e.Op, strings.TrimPrefix(e.Err.Error(), "unstructured: "))
	}
	return fmt.Sprintf("unstructured: %s %q: at %s: %s: %v", e.Op, e.Path, e.At, e.Detail, e.Err)
}

// Unwrap returns the sentinel (or *PathSyntaxError) for errors.Is and As.
func (e *PathError) Unwrap() error { return e.Err }

// pathErr builds the PathError for segment i of p.
func (p Path) pathErr(op string, i int, err error, format string, args ...any) *PathError {
	at := Path{segs: p.segs[:i+1]}
	return &PathError{Op: op, Path: p.String(), Step: i, At: at.String(), Detail: fmt.Sprintf(format, args...), Err: err}
}

// Get returns the value at the path in obj (nil for an explicit null). It
// never panics and never copies: the value is shared with obj.
func (p Path) Get(obj map[string]any) (any, error) {
	if len(p.segs) == 0 {
		return nil, p.emptyErr("get")
	}
	var cur any = obj
	for i := range p.segs {
		next, _, err := p.step("get", i, cur)
		if err != nil {
			return nil, err
		}
		cur = next
	}
	return cur, nil
}

func (p Path) emptyErr(op string) error {
	return &PathError{Op: op, Step: -1, Err: &PathSyntaxError{Msg: "empty path"}}
}

// step applies segment i to cur, returning the selected value and its
// position in cur: the member name for a field, the element index for a list.
func (p Path) step(op string, i int, cur any) (any, int, error) {
	sg := p.segs[i]
	if sg.kind == segField {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, 0, p.pathErr(op, i, ErrWrongType, "found %s, not an object", describe(cur))
		}
		v, ok := m[sg.key]
		if !ok {
			return nil, 0, p.pathErr(op, i, ErrNotFound, "no field %q", sg.key)
		}
		if v == nil && i < len(p.segs)-1 {
			return nil, 0, p.pathErr(op, i, ErrNotFound, "field %q is null", sg.key)
		}
		return v, 0, nil
	}
	list, ok := cur.([]any)
	if !ok {
		return nil, 0, p.pathErr(op, i, ErrWrongType, "found %s, not a list", describe(cur))
	}
	if sg.kind == segIndex {
		j := sg.index
		if j < 0 {
			j += len(list)
		}
		if j < 0 || j >= len(list) {
			return nil, 0, p.pathErr(op, i, ErrNotFound, "index %d out of range (list of %d)", sg.index, len(list))
		}
		return list[j], j, nil
	}
	found := -1
	for j, e := range list {
		if m, ok := e.(map[string]any); ok && matches(m[sg.key], sg.value) {
			if found >= 0 {
				return nil, 0, p.pathErr(op, i, ErrAmbiguous, "elements %d and %d both have %s=%s", found, j, sg.key, sg.value)
			}
			found = j
		}
	}
	if found < 0 {
		return nil, 0, p.pathErr(op, i, ErrNoMatch, "none of %d elements has %s=%s", len(list), sg.key, sg.value)
	}
	return list[found], found, nil
}

// matches reports whether a list element's member v equals a selector's
// value, compared as text (a whole float64 as an integer).
func matches(v any, want string) bool {
	switch t := v.(type) {
	case string:
		return t == want
	case int64:
		return strconv.FormatInt(t, 10) == want
	case float64:
		if n, err := floatToInt64(t); err == nil {
			return strconv.FormatInt(n, 10) == want // 80.0 matches [port=80]
		}
		return strconv.FormatFloat(t, 'g', -1, 64) == want
	case bool:
		return strconv.FormatBool(t) == want
	case nil:
		return false
	default:
		n, err := ToInt64(v)
		return err == nil && strconv.FormatInt(n, 10) == want
	}
}

// describe names a value's JSON type for error messages, with short strings
// and numbers shown.
func describe(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return fmt.Sprintf("an object (%d fields)", len(t))
	case []any:
		return fmt.Sprintf("a list (%d elements)", len(t))
	case string:
		if len(t) > 40 {
			return fmt.Sprintf("a string (%d bytes)", len(t))
		}
		return fmt.Sprintf("the string %q", t)
	case bool:
		return fmt.Sprintf("the boolean %t", t)
	case int64, float64, int, int32:
		return fmt.Sprintf("the number %v", t)
	default:
		return fmt.Sprintf("a %T", v)
	}
}

// Set stores value at the path in obj. Missing (or null) objects on the way
// are created for field steps; list steps must select an existing element,
// which is replaced when it is the last step. value is deep-copied and
// normalized to JSON types (int, int32, uint8… become int64; float32
// becomes float64; []string and map[string]string become []any and
// map[string]any); a value with no JSON form is an ErrWrongType.
func (p Path) Set(obj map[string]any, value any) error {
	if len(p.segs) == 0 {
		return p.emptyErr("set")
	}
	if obj == nil {
		return p.pathErr("set", 0, ErrWrongType, "cannot set a field of a nil object")
	}
	v, err := normalize(value, 0)
	if err != nil {
		return &PathError{Op: "set", Path: p.String(), Step: len(p.segs) - 1, At: p.String(), Detail: "the value to set", Err: fmt.Errorf("%w: %v", ErrWrongType, err)}
	}
	var cur any = obj
	for i, sg := range p.segs {
		last := i == len(p.segs)-1
		if sg.kind == segField {
			m, ok := cur.(map[string]any)
			if !ok {
				return p.pathErr("set", i, ErrWrongType, "found %s, not an object", describe(cur))
			}
			if last {
				m[sg.key] = v
				return nil
			}
			if next, ok := m[sg.key]; ok && next != nil {
				cur = next
				continue
			}
			child := map[string]any{}
			m[sg.key] = child
			cur = child
			continue
		}
		next, j, err := p.step("set", i, cur)
		if err != nil {
			return err
		}
		if last {
			cur.([]any)[j] = v
			return nil
		}
		cur = next
	}
	return nil
}

// Remove deletes the member or list element the path names. Removing a list
// element stores the shortened list in its parent. A missing member is an
// ErrNotFound, which a caller that only wants it gone can ignore.
func (p Path) Remove(obj map[string]any) error {
	if len(p.segs) == 0 {
		return p.emptyErr("remove")
	}
	var parent, cur any = nil, obj
	var parentPos int
	for i := 0; i < len(p.segs)-1; i++ {
		next, j, err := p.step("remove", i, cur)
		if err != nil {
			return err
		}
		parent, parentPos, cur = cur, j, next
		if p.segs[i].kind == segField {
			parentPos = i // a member: its name is p.segs[i].key
		}
	}
	i := len(p.segs) - 1
	_, j, err := p.step("remove", i, cur)
	if err != nil {
		return err
	}
	if p.segs[i].kind == segField {
		delete(cur.(map[string]any), p.segs[i].key)
		return nil
	}
	list := cur.([]any)
	shorter := append(list[:j:j], list[j+1:]...)
	switch holder := parent.(type) {
	case map[string]any:
		holder[p.segs[parentPos].key] = shorter
	case []any:
		holder[parentPos] = shorter
	}
	return nil
}
