package patch

import (
	"encoding/json"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/types"
)

// Operation is one RFC 6902 JSON patch operation. Paths are JSON pointers
// (RFC 6901): "/spec/template/spec/containers/0/image", with "~" written "~0"
// and "/" written "~1" inside a name (see [Pointer]).
type Operation struct {
	// Op is "add", "remove", "replace", "move", "copy" or "test".
	Op string `json:"op"`
	// Path is the JSON pointer the operation acts on.
	Path string `json:"path"`
	// From is the source pointer of move and copy; empty otherwise.
	From string `json:"from,omitempty"`
	// Value is the value of add, replace and test. For those three a nil
	// Value is sent as JSON null; for the others it is left out.
	Value any `json:"value,omitempty"`
}

// MarshalJSON writes the operation with "value" present exactly when the
// operation takes one, so that add, replace and test can carry null.
func (o Operation) MarshalJSON() ([]byte, error) {
	type plain struct {
		Op    string `json:"op"`
		Path  string `json:"path"`
		From  string `json:"from,omitempty"`
		Value *any   `json:"value,omitempty"`
	}
	p := plain{Op: o.Op, Path: o.Path, From: o.From}
	if needsValue(o.Op) {
		p.Value = &o.Value
	}
	return json.Marshal(p)
}

// JSONPatch returns a JSON patch (RFC 6902) made of ops, after checking each
// operation as [Parse] does.
func JSONPatch(ops ...Operation) (Patch, error) {
	if ops == nil {
		ops = []Operation{}
	}
	data, err := json.Marshal(ops)
	if err != nil {
		return Patch{}, fmt.Errorf("patch: encode JSON patch: %w", err)
	}
	return Parse(types.JSONPatchType, data)
}

// Operations decodes the operations of a JSON patch. It fails for other patch
// types and for malformed patches.
func (p Patch) Operations() ([]Operation, error) {
	if p.Type != types.JSONPatchType {
		return nil, fmt.Errorf("patch: Operations of a %s patch: only JSON patches (%s) have operations", p.Type, types.JSONPatchType)
	}
	ops, err := decodeOperations(p.Data)
	if err != nil {
		return nil, fmt.Errorf("patch: decode JSON patch: %w", err)
	}
	return ops, nil
}

func needsValue(op string) bool { return op == "add" || op == "replace" || op == "test" }

// decodeOperations parses and checks an RFC 6902 document.
func decodeOperations(data []byte) ([]Operation, error) {
	v, err := decodeJSON(data)
	if err != nil {
		return nil, err
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("a JSON patch is an array of operations, got %s", jsonKind(v))
	}
	ops := make([]Operation, 0, len(list))
	for i, e := range list {
		op, err := decodeOperation(e)
		if err != nil {
			return nil, fmt.Errorf("operation %d: %w", i, err)
		}
		ops = append(ops, op)
	}
	return ops, nil
}

func decodeOperation(e any) (Operation, error) {
	m, ok := e.(map[string]any)
	if !ok {
		return Operation{}, fmt.Errorf("want an object, got %s", jsonKind(e))
	}
	var op Operation
	for _, f := range []struct {
		name string
		dst  *string
	}{{"op", &op.Op}, {"path", &op.Path}, {"from", &op.From}} {
		v, ok := m[f.name]
		if !ok {
			continue
		}
		s, ok := v.(string)
		if !ok {
			return Operation{}, fmt.Errorf("%q must be a string, got %s", f.name, jsonKind(v))
		}
		*f.dst = s
	}
	switch op.Op {
	case "add", "remove", "replace", "move", "copy", "test":
	case "":
		return Operation{}, fmt.Errorf(`no "op" member`)
	default:
		return Operation{}, fmt.Errorf("unknown op %q (want add, remove, replace, move, copy or test)", op.Op)
	}
	if _, ok := m["path"]; !ok {
		return Operation{}, fmt.Errorf("%s has no \"path\"", op.Op)
	}
	if err := checkPointer(op.Path); err != nil {
		return Operation{}, fmt.Errorf("%s path %q: %w", op.Op, op.Path, err)
	}
	if op.Op == "move" || op.Op == "copy" {
		if _, ok := m["from"]; !ok {
			return Operation{}, fmt.Errorf("%s has no \"from\"", op.Op)
		}
		if err := checkPointer(op.From); err != nil {
			return Operation{}, fmt.Errorf("%s from %q: %w", op.Op, op.From, err)
		}
		if op.Op == "move" && strings.HasPrefix(op.Path+"/", op.From+"/") && op.Path != op.From {
			return Operation{}, fmt.Errorf("move from %q into its own child %q", op.From, op.Path)
		}
	}
	if needsValue(op.Op) {
		v, ok := m["value"]
		if !ok {
			return Operation{}, fmt.Errorf("%s %q has no \"value\"", op.Op, op.Path)
		}
		op.Value = v
	}
	return op, nil
}

// checkPointer checks RFC 6901 syntax: empty, or "/"-separated reference
// tokens in which "~" is only followed by "0" or "1".
func checkPointer(p string) error {
	if p == "" {
		return nil
	}
	if p[0] != '/' {
		return fmt.Errorf("a JSON pointer starts with \"/\"")
	}
	for i := 0; i < len(p); i++ {
		if p[i] == '~' && (i+1 == len(p) || (p[i+1] != '0' && p[i+1] != '1')) {
			return fmt.Errorf("\"~\" at offset %d is not followed by 0 or 1", i)
		}
	}
	return nil
}

// Pointer builds an RFC 6901 JSON pointer from field names and list indexes,
// escaping "~" and "/": Pointer("metadata", "labels", "app/name") is
// "/metadata/labels/app~1name".
func Pointer(tokens ...string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(escapePointer(t))
	}
	return b.String()
}

func escapePointer(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// canonical encodes a decoded JSON value with sorted keys and numbers in
// their shortest form, so equal values give equal strings.
func canonical(v any) string {
	b, err := json.Marshal(normalizeNumbers(v))
	if err != nil {
		return fmt.Sprintf("%#v", v)
	}
	return string(b)
}

// normalizeNumbers turns json.Number into int64 or float64, recursively, so
// that 1, 1.0 and 1e0 compare equal.
func normalizeNumbers(v any) any {
	switch t := v.(type) {
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		if f, err := t.Float64(); err == nil {
			return f
		}
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = normalizeNumbers(e)
		}
		return m
	case []any:
		l := make([]any, len(t))
		for i, e := range t {
			l[i] = normalizeNumbers(e)
		}
		return l
	}
	return v
}
