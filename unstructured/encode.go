package unstructured

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// Marshal returns the JSON encoding of an *unstructured.Unstructured or
// *unstructured.UnstructuredList. The bytes are exactly those of
// encoding/json (keys sorted, HTML characters escaped, no trailing newline),
// which is what UnstructuredJSONScheme sends, produced without reflection.
// A list is written with its Items as "items".
func Marshal(obj runtime.Unstructured) ([]byte, error) {
	e := encoder{buf: make([]byte, 0, 1024)}
	if err := e.object(obj); err != nil {
		return nil, err
	}
	return e.buf, nil
}

// Encode writes Marshal's bytes for obj to w, followed by a newline as
// json.Encoder (and so UnstructuredJSONScheme) does.
func Encode(w io.Writer, obj runtime.Unstructured) error {
	e := encoder{buf: make([]byte, 0, 1024)}
	if err := e.object(obj); err != nil {
		return err
	}
	e.buf = append(e.buf, '\n')
	_, err := w.Write(e.buf)
	return err
}

type encoder struct {
	buf  []byte
	keys []string // reusable key-sorting scratch
}

func (e *encoder) object(obj runtime.Unstructured) error {
	switch t := obj.(type) {
	case *k8su.Unstructured:
		return e.value(t.Object, 0)
	case *k8su.UnstructuredList:
		m := make(map[string]any, len(t.Object)+1)
		for k, v := range t.Object {
			m[k] = v
		}
		items := make([]any, len(t.Items))
		for i := range t.Items {
			items[i] = t.Items[i].Object
		}
		m["items"] = items
		return e.value(m, 0)
	case nil:
		return fmt.Errorf("unstructured: encoding a nil object")
	default:
		return e.value(obj.UnstructuredContent(), 0)
	}
}

func (e *encoder) value(v any, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("unstructured: encoding: exceeded max depth of %d", maxDepth)
	}
	switch t := v.(type) {
	case nil:
		e.buf = append(e.buf, "null"...)
	case string:
		e.str(t)
	case int64:
		e.buf = strconv.AppendInt(e.buf, t, 10)
	case int:
		e.buf = strconv.AppendInt(e.buf, int64(t), 10)
	case int32:
		e.buf = strconv.AppendInt(e.buf, int64(t), 10)
	case float64:
		return e.float(t)
	case bool:
		e.buf = strconv.AppendBool(e.buf, t)
	case map[string]any:
		return e.mapValue(t, depth)
	case []any:
		e.buf = append(e.buf, '[')
		for i, x := range t {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			if err := e.value(x, depth+1); err != nil {
				return err
			}
		}
		e.buf = append(e.buf, ']')
	default:
		b, err := json.Marshal(t)
		if err != nil {
			return fmt.Errorf("unstructured: encoding a %T: %w", t, err)
		}
		e.buf = append(e.buf, b...)
	}
	return nil
}

func (e *encoder) mapValue(m map[string]any, depth int) error {
	if m == nil {
		e.buf = append(e.buf, "null"...)
		return nil
	}
	mark := len(e.keys)
	for k := range m {
		e.keys = append(e.keys, k)
	}
	keys := e.keys[mark:]
	slices.Sort(keys)
	e.buf = append(e.buf, '{')
	for i, k := range keys {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.str(k)
		e.buf = append(e.buf, ':')
		if err := e.value(m[k], depth+1); err != nil {
			return err
		}
	}
	e.buf = append(e.buf, '}')
	e.keys = e.keys[:mark]
	return nil
}

// float formats like encoding/json's float64 encoder.
func (e *encoder) float(f float64) error {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return fmt.Errorf("unstructured: encoding unsupported float value %v", f)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	e.buf = strconv.AppendFloat(e.buf, f, format, -1, 64)
	if format == 'e' {
		n := len(e.buf)
		if n >= 4 && e.buf[n-4] == 'e' && e.buf[n-3] == '-' && e.buf[n-2] == '0' {
			e.buf[n-2] = e.buf[n-1]
			e.buf = e.buf[:n-1]
		}
	}
	return nil
}

const hexDigits = "0123456789abcdef"

// str writes a quoted string escaped as encoding/json does (HTML-safe).
func (e *encoder) str(s string) {
	e.buf = append(e.buf, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			e.buf = append(e.buf, s[start:i]...)
			switch c {
			case '\\', '"':
				e.buf = append(e.buf, '\\', c)
			case '\b':
				e.buf = append(e.buf, '\\', 'b')
			case '\f':
				e.buf = append(e.buf, '\\', 'f')
			case '\n':
				e.buf = append(e.buf, '\\', 'n')
			case '\r':
				e.buf = append(e.buf, '\\', 'r')
			case '\t':
				e.buf = append(e.buf, '\\', 't')
			default:
				e.buf = append(e.buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			e.buf = append(e.buf, s[start:i]...)
			e.buf = append(e.buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			e.buf = append(e.buf, s[start:i]...)
			e.buf = append(e.buf, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	e.buf = append(e.buf, s[start:]...)
	e.buf = append(e.buf, '"')
}
