package patch

import (
	"strings"

	"k8s.io/apimachinery/pkg/util/strategicpatch"
)

// Type is the patch metadata of one kind, or of one field inside it: which
// lists merge and on which keys. Get one from [Schema.Type].
//
// Type implements apimachinery's strategicpatch.LookupPatchMeta, so it can be
// passed to the strategicpatch package directly. Fields the schema does not
// describe (unknown fields, x-kubernetes-preserve-unknown-fields) are
// untyped: their maps merge and their lists are replaced, as in a JSON merge
// patch.
type Type struct {
	schema *Schema
	name   string // where this type is, for error messages
	node   *node  // resolved schema; nil when untyped
	native bool   // the kind's server accepts strategic merge patches
}

var _ strategicpatch.LookupPatchMeta = (*Type)(nil)

// fieldMeta is the list and patch metadata written on a field.
type fieldMeta struct {
	mergeKey   string   // x-kubernetes-patch-merge-key
	strategies []string // x-kubernetes-patch-strategy, split on ","
	listType   string   // x-kubernetes-list-type: atomic, set or map
	mapKeys    []string // x-kubernetes-list-map-keys
}

// NativeStrategic reports whether the server itself accepts strategic merge
// patches for this kind. It is true for built-in kinds, whose patch metadata
// is x-kubernetes-patch-merge-key and x-kubernetes-patch-strategy, and false
// for custom resources (the server answers 415 Unsupported Media Type), whose
// lists are described by x-kubernetes-list-type instead. [Apply] and
// [CreateStrategicMergePatch] follow the server's rules when it is true and
// the custom-resource rules in the package documentation when it is false.
func (t *Type) NativeStrategic() bool { return t != nil && t.native }

// Name returns where the type is in its schema, such as
// "io.k8s.api.apps.v1.Deployment.spec.template.spec.containers[]".
func (t *Type) Name() string {
	if t == nil {
		return "untyped"
	}
	return t.name
}

// LookupPatchMetadataForStruct returns the type of field key of this object
// type and the field's patch metadata. It implements
// strategicpatch.LookupPatchMeta; an unknown field is untyped, not an error.
func (t *Type) LookupPatchMetadataForStruct(key string) (strategicpatch.LookupPatchMeta, strategicpatch.PatchMeta, error) {
	child, meta := t.field(key)
	return child, meta.patchMeta(), nil
}

// LookupPatchMetadataForSlice returns the type of the items of list field
// key and the field's patch metadata. It implements
// strategicpatch.LookupPatchMeta.
func (t *Type) LookupPatchMetadataForSlice(key string) (strategicpatch.LookupPatchMeta, strategicpatch.PatchMeta, error) {
	child, meta := t.field(key)
	return child.items(), meta.patchMeta(), nil
}

func (m fieldMeta) patchMeta() strategicpatch.PatchMeta {
	var p strategicpatch.PatchMeta
	p.SetPatchMergeKey(m.mergeKey)
	p.SetPatchStrategies(m.strategies)
	return p
}

// untyped returns an untyped Type at a path below t.
func (t *Type) untyped(name string) *Type {
	c := &Type{name: name}
	if t != nil {
		c.schema, c.native = t.schema, t.native
	}
	return c
}

// field returns the type of field key and the metadata written on it.
func (t *Type) field(key string) (*Type, fieldMeta) {
	name := t.Name() + "." + key
	if t == nil || t.node == nil {
		return t.untyped(name), fieldMeta{}
	}
	raw, ok := t.node.Properties[key]
	if !ok {
		raw = t.node.additional // a map's values; nil when it has none
		name = t.Name() + "[" + key + "]"
	}
	if raw == nil {
		return t.untyped(name), fieldMeta{}
	}
	c := &Type{schema: t.schema, name: name, node: raw, native: t.native}
	meta := c.meta()
	return c.resolve(), meta
}

// items returns the type of the items of a list type.
func (t *Type) items() *Type {
	name := t.Name() + "[]"
	if t == nil || t.node == nil || t.node.Items == nil {
		return t.untyped(name)
	}
	c := &Type{schema: t.schema, name: name, node: t.node.Items, native: t.native}
	return c.resolve()
}

// meta collects list and patch metadata from the node and, where it is a
// reference, from the nodes it leads to (the first value found wins).
func (t *Type) meta() fieldMeta {
	var m fieldMeta
	n := t.node
	for depth := 0; n != nil && depth < maxRefDepth; depth++ {
		if m.mergeKey == "" {
			m.mergeKey = n.PatchMergeKey
		}
		if m.strategies == nil && n.PatchStrategy != "" {
			m.strategies = strings.Split(n.PatchStrategy, ",")
		}
		if m.listType == "" {
			m.listType = n.ListType
		}
		if m.mapKeys == nil {
			m.mapKeys = n.ListMapKeys
		}
		n = t.schema.step(n)
	}
	return m
}

// maxRefDepth bounds $ref and allOf chains, so a cyclic document cannot loop.
const maxRefDepth = 32

// resolve follows $ref and allOf wrappers to the schema that has the
// properties or items.
func (t *Type) resolve() *Type {
	n := t.node
	for depth := 0; n != nil && depth < maxRefDepth; depth++ {
		next := t.schema.step(n)
		if next == nil {
			break
		}
		n = next
	}
	t.node = n
	return t
}

// step returns the schema n refers to ($ref, or the first allOf entry when
// n has no shape of its own), or nil.
func (s *Schema) step(n *node) *node {
	if s == nil || n == nil {
		return nil
	}
	if n.Ref != "" {
		return s.defs[strings.TrimPrefix(n.Ref, "#/components/schemas/")]
	}
	if len(n.AllOf) > 0 && n.Properties == nil && n.Items == nil && n.additional == nil {
		return n.AllOf[0]
	}
	return nil
}
