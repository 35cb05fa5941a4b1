package memserver

import (
	"path"
	"sort"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/kube-openapi/pkg/validation/spec"
)

// schemaWalker prunes, defaults and type-checks JSON values against an
// OpenAPI v3 schema, resolving $ref against models.
type schemaWalker struct {
	models  map[string]*spec.Schema
	unknown []string // paths of pruned fields, "spec.foo"
	deflt   bool     // apply schema defaults
	// dropNulls removes null values of non-nullable properties, as typed
	// decoding (built-ins) and structural defaulting (custom resources) do.
	dropNulls bool
	// structs sets only the {} defaults: the non-pointer struct fields a
	// typed round trip of a built-in always writes.
	structs bool
	// zeros also sets absent required properties to their type's zero
	// value (null for lists): a typed zero value, for the field manager's
	// empty live object.
	zeros bool
	// facts, when set, holds the facts of the (immutable) schemas walked.
	facts *factCache
}

// prop is the schema of s's property k, if it has one.
func (w *schemaWalker) prop(s *spec.Schema, k string) (*spec.Schema, bool) {
	if w.facts != nil {
		p, ok := w.facts.of(s).props[k]
		return p, ok
	}
	ps, ok := s.Properties[k]
	return &ps, ok
}

// resolve follows $ref and a single-element allOf.
func (w *schemaWalker) resolve(s *spec.Schema) *spec.Schema {
	for i := 0; s != nil && i < 32; i++ {
		if ref := s.Ref.String(); ref != "" {
			_, name := path.Split(ref)
			s = w.models[name]
			continue
		}
		if len(s.AllOf) == 1 && len(s.Properties) == 0 && len(s.Type) == 0 {
			s = &s.AllOf[0]
			continue
		}
		return s
	}
	return s
}

func preserves(s *spec.Schema) bool {
	b, _ := s.Extensions["x-kubernetes-preserve-unknown-fields"].(bool)
	return b
}

func embedded(s *spec.Schema) bool {
	b, _ := s.Extensions["x-kubernetes-embedded-resource"].(bool)
	return b
}

func intOrString(s *spec.Schema) bool {
	b, _ := s.Extensions["x-kubernetes-int-or-string"].(bool)
	return b || s.Format == "int-or-string"
}

// walkRoot handles a whole object: apiVersion, kind and metadata are always
// known; metadata is pruned against ObjectMeta when the models have it.
func (w *schemaWalker) walkRoot(obj object, s *spec.Schema, meta *spec.Schema) {
	s = w.resolve(s)
	if s == nil {
		return
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := obj[k]
		switch k {
		case "apiVersion", "kind":
			continue
		case "metadata":
			if m, ok := v.(object); ok && meta != nil {
				w.walkObject(m, w.resolve(meta), "metadata")
			}
			continue
		}
		ps, ok := w.prop(s, k)
		if !ok {
			if !preserves(s) {
				delete(obj, k)
				w.unknown = append(w.unknown, k)
			}
			continue
		}
		if v == nil && w.dropNulls && !w.resolveNullable(ps) {
			delete(obj, k)
			continue
		}
		obj[k] = w.walk(v, ps, k)
	}
	w.defaults(obj, s)
}

// walk prunes and defaults v under s and returns it.
func (w *schemaWalker) walk(v any, s *spec.Schema, at string) any {
	s = w.resolve(s)
	if s == nil {
		return v
	}
	switch x := v.(type) {
	case object:
		if embedded(s) {
			if m, ok := x["metadata"].(object); ok {
				_ = m // metadata of embedded resources is kept as sent
			}
		}
		w.walkObject(x, s, at)
	case []any:
		if s.Items != nil && s.Items.Schema != nil {
			for i := range x {
				x[i] = w.walk(x[i], s.Items.Schema, at+"["+itoa(i)+"]")
			}
		}
	}
	return v
}

func (w *schemaWalker) walkObject(x object, s *spec.Schema, at string) {
	if len(s.Properties) == 0 && s.AdditionalProperties == nil {
		return // untyped or preserving: anything goes
	}
	keys := make([]string, 0, len(x))
	for k := range x {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if embedded(s) && (k == "apiVersion" || k == "kind" || k == "metadata") {
			continue
		}
		if _, ok := s.Properties[k]; ok {
			w.walkProperty(x, s, k, at)
			continue
		}
		if ap := s.AdditionalProperties; ap != nil && (ap.Allows || ap.Schema != nil) {
			if ap.Schema != nil && nested(x[k]) {
				x[k] = w.walk(x[k], ap.Schema, at+"."+k)
			}
			continue
		}
		if !preserves(s) {
			delete(x, k)
			w.unknown = append(w.unknown, at+"."+k)
		}
	}
	w.defaults(x, s)
}

// walkProperty handles x[k], a known property of s. Only objects and lists
// are walked (and their property schema copied): a scalar has nothing to
// prune or default, and a null is kept only when nullable.
func (w *schemaWalker) walkProperty(x object, s *spec.Schema, k, at string) {
	v := x[k]
	switch {
	case v == nil && w.dropNulls:
		ps, _ := w.prop(s, k)
		if !w.resolveNullable(ps) {
			delete(x, k)
		}
	case nested(v):
		ps, _ := w.prop(s, k)
		x[k] = w.walk(v, ps, at+"."+k)
	}
}

// nested says whether v is an object or a list, which walk descends into.
func nested(v any) bool {
	switch v.(type) {
	case object, []any:
		return true
	}
	return false
}

// defaults sets absent properties that have a default, and walks into
// what it set (defaults nest).
func (w *schemaWalker) defaults(x object, s *spec.Schema) {
	if !w.deflt && !w.structs {
		return
	}
	if w.zeros {
		for _, k := range s.Required {
			if _, ok := x[k]; !ok {
				x[k] = w.zeroOf(s.Properties[k])
			}
		}
	}
	if w.facts != nil {
		for _, k := range w.facts.of(s).defaults {
			w.setDefault(x, s, k)
		}
		return
	}
	for k := range s.Properties {
		w.setDefault(x, s, k)
	}
}

// setDefault sets x[k] to the default of s's property k, if it has one
// and x has no k.
func (w *schemaWalker) setDefault(x object, s *spec.Schema, k string) {
	if _, ok := x[k]; ok || s.Properties[k].Default == nil {
		return
	}
	ps, _ := w.prop(s, k)
	if w.structs && !w.deflt {
		if m, ok := ps.Default.(map[string]any); !ok || len(m) != 0 {
			return
		}
	}
	x[k] = w.walk(runtime.DeepCopyJSONValue(jsonValue(ps.Default)), ps, k)
}

// jsonValue turns a decoded default (float64 numbers) into the value types
// of decoded objects (int64 for integers).
func jsonValue(v any) any {
	switch x := v.(type) {
	case float64:
		if x == float64(int64(x)) {
			return int64(x)
		}
		return x
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = jsonValue(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonValue(e)
		}
		return out
	}
	return v
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

func (w *schemaWalker) resolveNullable(s *spec.Schema) bool {
	if s.Nullable {
		return true
	}
	r := w.resolve(s)
	return r != nil && r.Nullable
}

// zeroOf is the JSON of a typed zero value of a property.
func (w *schemaWalker) zeroOf(ps spec.Schema) any {
	r := w.resolve(&ps)
	if r == nil || len(r.Type) == 0 {
		return nil
	}
	switch r.Type[0] {
	case "string":
		return ""
	case "integer":
		return int64(0)
	case "boolean":
		return false
	case "object":
		if len(r.Properties) > 0 {
			return w.walk(object{}, r, "")
		}
	}
	return nil
}
