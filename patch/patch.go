package patch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/yaml"
)

// Patch is a patch body together with the type that tells the server (or
// [Apply]) how to read it. The zero value is not a valid patch; build one with
// [Parse], [JSONPatch], or one of the Create functions.
//
// Send it as the body of a PATCH request with the header
// Content-Type: p.ContentType().
type Patch struct {
	// Type is the patch type, one of types.JSONPatchType,
	// types.MergePatchType, types.StrategicMergePatchType and
	// types.ApplyPatchType (server-side apply).
	Type types.PatchType
	// Data is the patch body: JSON for the first three types, YAML or JSON
	// for server-side apply.
	Data []byte
}

// ContentType returns the media type to send the patch with, for example
// "application/merge-patch+json".
func (p Patch) ContentType() string { return string(p.Type) }

// String returns the patch type and body, for logs and test failures.
func (p Patch) String() string { return fmt.Sprintf("%s %s", p.Type, p.Data) }

// IsEmpty reports whether the patch changes nothing: an empty JSON patch
// ("[]"), or a merge or strategic merge patch that is an empty object ("{}").
// An apply patch is never empty, because the server also uses it to decide
// field ownership.
func (p Patch) IsEmpty() bool {
	d := bytes.TrimSpace(p.Data)
	switch p.Type {
	case types.JSONPatchType:
		return bytes.Equal(d, []byte("[]"))
	case types.MergePatchType, types.StrategicMergePatchType:
		return bytes.Equal(d, []byte("{}"))
	}
	return false
}

// Parse checks that data is a well-formed patch of type t and returns it as a
// Patch. It checks what can be checked without the object the patch is for:
//
//   - JSON patch (RFC 6902): a JSON array of operations, each with a known
//     "op", a valid JSON pointer "path", "value" for add, replace and test,
//     and a valid "from" for move and copy.
//   - JSON merge patch (RFC 7386): any JSON value.
//   - Strategic merge patch: a JSON object whose directives are well formed
//     ($patch is replace, delete or merge; $retainKeys, $setElementOrder/x and
//     $deleteFromPrimitiveList/x hold lists).
//   - Apply patch: a YAML or JSON object with apiVersion and kind.
//
// The returned Patch holds data unchanged.
func Parse(t types.PatchType, data []byte) (Patch, error) {
	var err error
	switch t {
	case types.JSONPatchType:
		_, err = decodeOperations(data)
	case types.MergePatchType:
		_, err = decodeJSON(data)
	case types.StrategicMergePatchType:
		err = checkStrategic(data)
	case types.ApplyPatchType:
		err = checkApply(data)
	default:
		return Patch{}, fmt.Errorf("patch: unknown patch type %q (want %q, %q, %q or %q)", t,
			types.JSONPatchType, types.MergePatchType, types.StrategicMergePatchType, types.ApplyPatchType)
	}
	if err != nil {
		return Patch{}, fmt.Errorf("patch: parse %s: %w", t, err)
	}
	return Patch{Type: t, Data: data}, nil
}

// decodeJSON decodes one JSON value, numbers kept as json.Number, and
// rejects trailing data and objects with a member name twice (RFC 6902
// A.13: such a document is not a valid patch, whatever member wins).
func decodeJSON(data []byte) (any, error) {
	if err := checkDuplicateNames(data); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("invalid JSON: data after the first value at offset %d", dec.InputOffset())
	}
	return v, nil
}

// checkJSON checks that a document (an object, not a patch) is one JSON
// value, cheaply; the error is decodeJSON's. Duplicate member names are not
// looked for: a document from the server has none.
func checkJSON(data []byte) error {
	if json.Valid(data) {
		return nil
	}
	_, err := decodeJSON(data)
	if err == nil {
		err = fmt.Errorf("invalid JSON")
	}
	return err
}

// checkDuplicateNames walks the tokens of data and fails on the first object
// that has a member name twice. Syntax errors are left to the decoder.
func checkDuplicateNames(data []byte) error {
	if !bytes.Contains(data, []byte(`"`)) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		names map[string]bool // nil for an array
		key   bool            // the next string token of an object is a name
	}
	var stack []frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil // end of input, or a syntax error decodeJSON reports
		}
		top := len(stack) - 1
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{':
				stack = append(stack, frame{names: map[string]bool{}, key: true})
			case '[':
				stack = append(stack, frame{})
			default:
				if top < 0 {
					return nil // unbalanced: a syntax error decodeJSON reports
				}
				stack = stack[:top]
				if top > 0 && stack[top-1].names != nil {
					stack[top-1].key = true
				}
			}
			continue
		}
		if top < 0 || stack[top].names == nil {
			continue
		}
		if !stack[top].key { // a member's scalar value
			stack[top].key = true
			continue
		}
		name := tok.(string)
		if stack[top].names[name] {
			return fmt.Errorf("invalid JSON: duplicate member name %q at offset %d", name, dec.InputOffset())
		}
		stack[top].names[name] = true
		stack[top].key = false
	}
}

// decodeObject decodes a JSON object; what names the document in errors.
func decodeObject(what string, data []byte) (map[string]any, error) {
	v, err := decodeJSON(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: want a JSON object, got %s", what, jsonKind(v))
	}
	return m, nil
}

// jsonKind names the JSON type of a decoded value for error messages.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number, float64, int64, int:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func checkApply(data []byte) error {
	j, err := yaml.YAMLToJSON(data)
	if err != nil {
		return fmt.Errorf("invalid YAML or JSON: %w", err)
	}
	m, err := decodeObject("apply patch", j)
	if err != nil {
		return err
	}
	for _, k := range []string{"apiVersion", "kind"} {
		if s, _ := m[k].(string); s == "" {
			return fmt.Errorf("apply patch has no %s: the server needs apiVersion and kind in every apply patch", k)
		}
	}
	return nil
}

// checkStrategic checks the directives of a strategic merge patch.
func checkStrategic(data []byte) error {
	m, err := decodeObject("strategic merge patch", data)
	if err != nil {
		return err
	}
	return checkDirectives(m, "")
}

func checkDirectives(v any, path string) error {
	switch v := v.(type) {
	case []any:
		for i, e := range v {
			if err := checkDirectives(e, fmt.Sprintf("%s/%d", path, i)); err != nil {
				return err
			}
		}
	case map[string]any:
		for k, e := range v {
			p := path + "/" + escapePointer(k)
			if err := checkDirective(k, e, p); err != nil {
				return err
			}
			if err := checkDirectives(e, p); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkDirective(k string, v any, path string) error {
	switch {
	case k == directivePatch:
		if s, _ := v.(string); s != "replace" && s != "delete" && s != "merge" {
			return fmt.Errorf("at %s: $patch must be \"replace\", \"delete\" or \"merge\", got %s", path, compact(v))
		}
	case k == directiveRetainKeys:
		l, ok := v.([]any)
		if !ok {
			return fmt.Errorf("at %s: $retainKeys must be a list of field names, got %s", path, jsonKind(v))
		}
		for _, e := range l {
			if _, ok := e.(string); !ok {
				return fmt.Errorf("at %s: $retainKeys must hold strings, got %s", path, compact(e))
			}
		}
	case strings.HasPrefix(k, prefixSetElementOrder), strings.HasPrefix(k, prefixDeleteFromPrimitiveList):
		if _, ok := v.([]any); !ok {
			return fmt.Errorf("at %s: %s must be a list, got %s", path, k, jsonKind(v))
		}
		if strings.TrimPrefix(strings.TrimPrefix(k, prefixSetElementOrder), prefixDeleteFromPrimitiveList) == "" {
			return fmt.Errorf("at %s: directive %q names no field", path, k)
		}
	}
	return nil
}

// compact renders a decoded JSON value for an error message.
func compact(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	if len(b) > 80 {
		return string(b[:77]) + "..."
	}
	return string(b)
}

// Strategic merge patch directives.
const (
	directivePatch                = "$patch"
	directiveRetainKeys           = "$retainKeys"
	prefixSetElementOrder         = "$setElementOrder/"
	prefixDeleteFromPrimitiveList = "$deleteFromPrimitiveList/"
)
