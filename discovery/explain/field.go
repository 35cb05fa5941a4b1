package explain

import (
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Field is one field of a kind's schema, or the kind itself.
type Field struct {
	// Name is the field's name; "" for the kind itself.
	Name string
	// Type is kubectl explain's name for the field's type: "string",
	// "integer", "boolean", "Object", "[]Container", "map[string]string",
	// "ObjectMeta".
	Type string
	// Description is the field's own description. For the field Lookup
	// returns (and for a kind) it is kubectl's DESCRIPTION: the field's,
	// then its type's (through $ref, allOf, items and map values), each
	// ending in a newline.
	Description string
	// Required says the parent's schema lists the field as required.
	Required bool
	// Enum are the values the field may take, as JSON decodes them
	// (strings, float64, bool); nil when any value goes.
	Enum []any
	// ListType is x-kubernetes-list-type for a list: "atomic", "set" or
	// "map"; "" when the schema does not say.
	ListType string
	// MapKeys is x-kubernetes-list-map-keys for a list of type "map".
	MapKeys []string
	// ExternalDocs is the schema's externalDocs, if any.
	ExternalDocs *ExternalDocs

	doc *Document
	// list is the schema whose fields Fields lists, history the $refs
	// already followed on the way to it (a cycle stops there).
	list    map[string]any
	history map[string]bool
}

// ExternalDocs is a schema's link to more documentation.
type ExternalDocs struct {
	Description, URL string
}

// Lookup returns the field at path under the schema of kind gvk, or the
// kind itself for an empty path. A path that leads nowhere is a
// *FieldNotFoundError; a kind the document does not describe wraps
// ErrNotFound.
func (d *Document) Lookup(gvk schema.GroupVersionKind, path ...string) (*Field, error) {
	root := d.kindSchema(gvk)
	if root == nil {
		return nil, fmt.Errorf("explain: GVK %s %w", gvk, ErrNotFound)
	}
	f := &Field{doc: d}
	if !d.walk(root, path, map[string]bool{}, f) {
		return nil, &FieldNotFoundError{Path: path, Field: path[len(path)-1]}
	}
	return f, nil
}

// walk follows path from s as kubectl explain's "output" template does,
// filling f at the end. It reports whether the path was found.
func (d *Document) walk(s map[string]any, path []string, history map[string]bool, f *Field) bool {
	ref := refOf(s)
	next := with(history, ref)
	res := d.resolved(s)
	switch {
	case len(path) == 0:
		f.Description = d.description(res)
		f.ExternalDocs = externalDocs(res)
		f.list, f.history = res, map[string]bool{}
		return true
	case ref != "" && history[ref]:
		return false // a cycle
	}
	if sub := asMap(asMap(res["properties"])[path[0]]); sub != nil {
		if len(path) == 1 {
			d.describe(f, path[0], sub, res)
		}
		return d.walk(sub, path[1:], map[string]bool{}, f)
	}
	if items := asMap(res["items"]); items != nil {
		return d.walk(items, path, next, f)
	}
	if mv := mapValues(res); mv != nil {
		return d.walk(mv, path, next, f)
	}
	for _, a := range allOf(res) {
		if d.walk(a, path, next, f) {
			return true
		}
	}
	return false
}

// describe fills f with what the schema of field name (sub, in parent)
// says about it.
func (d *Document) describe(f *Field, name string, sub, parent map[string]any) {
	f.Name = name
	f.Type = d.typeGuess(sub)
	f.Description = stringOf(sub, "description")
	req, _ := parent["required"].([]any)
	f.Required = slices.Contains(req, any(name))
	f.Enum, _ = sub["enum"].([]any)
	if len(f.Enum) == 0 {
		f.Enum = nil
	}
	f.ExternalDocs = externalDocs(sub)
	for _, s := range []map[string]any{sub, d.resolved(sub)} {
		if f.ListType == "" {
			f.ListType = stringOf(s, "x-kubernetes-list-type")
		}
		if keys, ok := s["x-kubernetes-list-map-keys"].([]any); ok && f.MapKeys == nil {
			for _, k := range keys {
				if ks, ok := k.(string); ok {
					f.MapKeys = append(f.MapKeys, ks)
				}
			}
		}
	}
}

// Fields returns the fields of f's type in kubectl explain's order: the
// properties of its schema by name, then those of its allOf alternatives,
// array items and map values. A $ref already followed on the way to f is
// a cycle and contributes nothing.
func (f *Field) Fields() []*Field {
	if f.doc == nil || f.list == nil {
		return nil
	}
	return f.doc.fieldList(f.list, f.history)
}

// fieldList is kubectl's "fieldList" template: one level of fields of s.
func (d *Document) fieldList(s map[string]any, history map[string]bool) []*Field {
	ref := refOf(s)
	if ref != "" && history[ref] {
		return nil
	}
	next := with(history, ref)
	res := d.resolved(s)
	var out []*Field
	props := asMap(res["properties"])
	names := make([]string, 0, len(props))
	for n := range props {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		sub, _ := props[n].(map[string]any)
		c := &Field{doc: d, list: sub, history: next}
		d.describe(c, n, sub, res)
		out = append(out, c)
	}
	for _, a := range allOf(res) {
		out = append(out, d.fieldList(a, next)...)
	}
	if items := asMap(res["items"]); items != nil {
		out = append(out, d.fieldList(items, next)...)
	}
	if mv := mapValues(res); mv != nil {
		out = append(out, d.fieldList(mv, next)...)
	}
	return out
}

// with returns a copy of h with ref added.
func with(h map[string]bool, ref string) map[string]bool {
	out := make(map[string]bool, len(h)+1)
	for k, v := range h {
		out[k] = v
	}
	out[ref] = true
	return out
}

func externalDocs(s map[string]any) *ExternalDocs {
	e := asMap(s["externalDocs"])
	if e == nil {
		return nil
	}
	return &ExternalDocs{Description: stringOf(e, "description"), URL: stringOf(e, "url")}
}
