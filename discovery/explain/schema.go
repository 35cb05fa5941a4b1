package explain

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Document is one group-version's OpenAPI v3 document, parsed once for
// any number of lookups. It is not modified after Parse and is safe for
// concurrent use.
type Document struct {
	root map[string]any
}

// Parse reads an OpenAPI v3 document (JSON).
func Parse(data []byte) (*Document, error) {
	var root map[string]any
	if err := json.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("explain: parse the OpenAPI v3 document: %w", err)
	}
	if root == nil {
		return nil, errors.New("explain: parse the OpenAPI v3 document: not a JSON object")
	}
	return &Document{root: root}, nil
}

// ErrNotFound is wrapped by the errors of a resource, kind or field the
// document does not describe.
var ErrNotFound = errors.New("not found in the OpenAPI schema")

// FieldNotFoundError reports a field path that leads nowhere. Field is the
// path's last element, as kubectl names it.
type FieldNotFoundError struct {
	Path  []string
	Field string
}

func (e *FieldNotFoundError) Error() string {
	return fmt.Sprintf("field %q does not exist", e.Field)
}

// Is makes errors.Is(err, ErrNotFound) true.
func (e *FieldNotFoundError) Is(target error) bool { return target == ErrNotFound }

// KindFor returns the kind a resource's paths serve, looking in the
// document's paths for the resource's collection and object, cluster-wide
// and namespaced, as kubectl explain does.
func (d *Document) KindFor(gvr schema.GroupVersionResource) (schema.GroupVersionKind, error) {
	prefix := "/apis/" + gvr.Group
	if gvr.Group == "" {
		prefix = "/api"
	}
	base := prefix + "/" + gvr.Version
	var gvk map[string]any
	paths, _ := d.root["paths"].(map[string]any)
	for _, p := range []string{
		base + "/" + gvr.Resource,
		base + "/" + gvr.Resource + "/{name}",
		base + "/namespaces/{namespace}/" + gvr.Resource,
		base + "/namespaces/{namespace}/" + gvr.Resource + "/{name}",
	} {
		item := asMap(paths[p])
		for _, method := range []string{"get", "post", "put", "patch", "delete"} {
			if g := asMap(asMap(item[method])["x-kubernetes-group-version-kind"]); g != nil {
				gvk = g // a later path wins, as in kubectl's template
				break
			}
		}
	}
	if gvk == nil {
		return schema.GroupVersionKind{}, fmt.Errorf("explain: GVR (%s) %w", gvr, ErrNotFound)
	}
	str := func(k string) string { s, _ := gvk[k].(string); return s }
	return schema.GroupVersionKind{Group: str("group"), Version: str("version"), Kind: str("kind")}, nil
}

// kindSchema returns the components/schemas entry of gvk: the first, in
// name order, whose x-kubernetes-group-version-kind lists it.
func (d *Document) kindSchema(gvk schema.GroupVersionKind) map[string]any {
	schemas := asMap(asMap(d.root["components"])["schemas"])
	want := map[string]any{"group": gvk.Group, "version": gvk.Version, "kind": gvk.Kind}
	names := make([]string, 0, len(schemas))
	for n := range schemas {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		s, _ := schemas[n].(map[string]any)
		list, _ := s["x-kubernetes-group-version-kind"].([]any)
		for _, g := range list {
			if reflect.DeepEqual(g, want) {
				return s
			}
		}
	}
	return nil
}

// resolve follows a local $ref ("#/components/schemas/..."); nil when
// there is none or it leads nowhere.
func (d *Document) resolve(ref string) map[string]any {
	frag, ok := strings.CutPrefix(ref, "#")
	if !ok || ref == "" {
		return nil
	}
	cur := d.root
	for _, k := range strings.Split(frag, "/") {
		if k == "" {
			continue
		}
		next, ok := cur[k].(map[string]any)
		if !ok {
			return nil
		}
		cur = next
	}
	return cur
}

// resolved is s's $ref target, or s itself.
func (d *Document) resolved(s map[string]any) map[string]any {
	if r := asMap(d.resolve(refOf(s))); r != nil {
		return r
	}
	return s
}

func refOf(s map[string]any) string { r, _ := s["$ref"].(string); return r }

// asMap returns v as a non-empty map, else nil: a template's truth.
func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	if len(m) == 0 {
		return nil
	}
	return m
}

// mapValues returns a schema's additionalProperties when they are a schema
// (not a bool).
func mapValues(s map[string]any) map[string]any { return asMap(s["additionalProperties"]) }

func allOf(s map[string]any) []map[string]any {
	list, _ := s["allOf"].([]any)
	out := make([]map[string]any, 0, len(list))
	for _, a := range list {
		if m, ok := a.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func stringOf(s map[string]any, k string) string { v, _ := s[k].(string); return v }

// typeGuess names a schema's type as kubectl explain does.
func (d *Document) typeGuess(s map[string]any) string {
	switch {
	case asMap(s["items"]) != nil:
		return "[]" + d.typeGuess(asMap(s["items"]))
	case mapValues(s) != nil:
		return "map[string]" + d.typeGuess(mapValues(s))
	case len(allOf(s)) == 1 && asMap(s["properties"]) == nil:
		return d.typeGuess(allOf(s)[0])
	case refOf(s) != "":
		ref := refOf(s)
		target := asMap(d.resolve(ref))
		if t := stringOf(target, "type"); target != nil && t != "" && t != "object" {
			return t
		}
		name := ref[strings.LastIndex(ref, "/")+1:]
		if short := name[strings.LastIndex(name, ".")+1:]; short != "" {
			return short
		}
		return "Object"
	}
	if t := stringOf(s, "type"); t != "" && t != "object" {
		return t
	}
	return "Object"
}

// description joins the descriptions of s (through its $ref) and of its
// allOf alternatives, array items and map values, each followed by a
// newline, as kubectl's DESCRIPTION.
func (d *Document) description(s map[string]any) string {
	s = asMap(d.resolved(s))
	if s == nil {
		return ""
	}
	var b strings.Builder
	if desc := stringOf(s, "description"); desc != "" {
		b.WriteString(desc + "\n")
	}
	for _, a := range allOf(s) {
		b.WriteString(d.description(a))
	}
	if items := asMap(s["items"]); items != nil {
		b.WriteString(d.description(items))
	}
	if mv := mapValues(s); mv != nil {
		b.WriteString(d.description(mv))
	}
	return b.String()
}
