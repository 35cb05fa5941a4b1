package patch

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
)

// Schema holds the patch metadata of every kind described by one or more
// OpenAPI v3 documents, as served by the API server at
// /openapi/v3/apis/GROUP/VERSION (or /openapi/v3/api/v1 for the core group).
// The caller fetches the documents (through discovery); Schema does no I/O.
//
// A Schema is immutable once built and safe for concurrent use.
type Schema struct {
	defs  map[string]*node                      // components.schemas by name
	kinds map[schema.GroupVersionKind]kindEntry // every kind a document declares
}

type kindEntry struct {
	def       string // name in defs
	strategic bool   // the server accepts strategic merge patches for it
	served    bool   // some path of a document operates on it
	shared    bool   // the definition names several kinds (DeleteOptions, WatchEvent)
}

// node is the part of an OpenAPI v3 schema object that patching needs.
type node struct {
	Ref                  string           `json:"$ref"`
	AllOf                []*node          `json:"allOf"`
	Type                 string           `json:"type"`
	Properties           map[string]*node `json:"properties"`
	AdditionalProperties json.RawMessage  `json:"additionalProperties"`
	Items                *node            `json:"items"`
	PatchMergeKey        string           `json:"x-kubernetes-patch-merge-key"`
	PatchStrategy        string           `json:"x-kubernetes-patch-strategy"`
	ListType             string           `json:"x-kubernetes-list-type"`
	ListMapKeys          []string         `json:"x-kubernetes-list-map-keys"`
	GVK                  []gvkExtension   `json:"x-kubernetes-group-version-kind"`

	additional *node // decoded AdditionalProperties when it is a schema
}

type gvkExtension struct {
	Group   string `json:"group"`
	Version string `json:"version"`
	Kind    string `json:"kind"`
}

func (g gvkExtension) gvk() schema.GroupVersionKind {
	return schema.GroupVersionKind{Group: g.Group, Version: g.Version, Kind: g.Kind}
}

// document is the part of an OpenAPI v3 document that patching needs.
type document struct {
	OpenAPI    string `json:"openapi"`
	Components struct {
		Schemas map[string]*node `json:"schemas"`
	} `json:"components"`
	Paths map[string]map[string]json.RawMessage `json:"paths"`
}

type operation struct {
	GVK         *gvkExtension `json:"x-kubernetes-group-version-kind"`
	RequestBody struct {
		Content map[string]json.RawMessage `json:"content"`
	} `json:"requestBody"`
}

// NewSchema parses OpenAPI v3 documents (JSON) into a Schema. Pass every
// document whose kinds you will patch; a definition referenced by one
// document and defined in another is found across them.
//
// A kind supports native strategic merge (see [Type.NativeStrategic]) when
// the document's PATCH operation for it accepts
// application/strategic-merge-patch+json: true for built-in kinds, false
// for custom resources.
func NewSchema(docs ...[]byte) (*Schema, error) {
	s := &Schema{defs: map[string]*node{}, kinds: map[schema.GroupVersionKind]kindEntry{}}
	for i, data := range docs {
		if err := s.add(data); err != nil {
			return nil, fmt.Errorf("patch: OpenAPI v3 document %d of %d: %w", i+1, len(docs), err)
		}
	}
	return s, nil
}

func (s *Schema) add(data []byte) error {
	var doc document
	if err := json.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("invalid JSON: %w", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		return fmt.Errorf("not an OpenAPI v3 document (openapi: %q)", doc.OpenAPI)
	}
	for name, n := range doc.Components.Schemas {
		if n == nil {
			continue
		}
		if err := n.decodeAdditional(); err != nil {
			return fmt.Errorf("schema %s: %w", name, err)
		}
		s.defs[name] = n
		for _, g := range n.GVK {
			if _, seen := s.kinds[g.gvk()]; !seen {
				s.kinds[g.gvk()] = kindEntry{def: name, shared: len(n.GVK) > 1}
			}
		}
	}
	for path, ops := range doc.Paths {
		for method, raw := range ops {
			if !httpMethods[method] {
				continue // parameters, summary, ...
			}
			var op operation
			if err := json.Unmarshal(raw, &op); err != nil {
				return fmt.Errorf("%s %s: %w", strings.ToUpper(method), path, err)
			}
			if op.GVK == nil {
				continue
			}
			e, ok := s.kinds[op.GVK.gvk()]
			if !ok || strings.Contains(path, "/{name}/") {
				continue // a subresource, or a kind without a definition
			}
			e.served = true
			if _, ok := op.RequestBody.Content[string(types.StrategicMergePatchType)]; ok && method == "patch" {
				e.strategic = true
			}
			s.kinds[op.GVK.gvk()] = e
		}
	}
	return nil
}

// httpMethods are the operations of an OpenAPI path item.
var httpMethods = map[string]bool{"get": true, "put": true, "post": true, "delete": true, "options": true, "head": true, "patch": true, "trace": true}

// decodeAdditional decodes additionalProperties when it is a schema (it may
// also be a boolean), recursively through the node.
func (n *node) decodeAdditional() error {
	if n == nil {
		return nil
	}
	if len(n.AdditionalProperties) > 0 && n.AdditionalProperties[0] == '{' {
		n.additional = new(node)
		if err := json.Unmarshal(n.AdditionalProperties, n.additional); err != nil {
			return fmt.Errorf("additionalProperties: %w", err)
		}
	}
	kids := append([]*node{n.Items, n.additional}, n.AllOf...)
	for _, p := range n.Properties {
		kids = append(kids, p)
	}
	for _, k := range kids {
		if err := k.decodeAdditional(); err != nil {
			return err
		}
	}
	return nil
}

// Kinds lists the kinds the Schema describes, sorted by group, version and
// kind: every definition with x-kubernetes-group-version-kind, including
// those (such as DeleteOptions) that carry many.
func (s *Schema) Kinds() []schema.GroupVersionKind {
	out := make([]schema.GroupVersionKind, 0, len(s.kinds))
	for g := range s.kinds {
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// Type returns the patch metadata of one kind, or an error naming the kinds
// the Schema knows in that group and version.
func (s *Schema) Type(gvk schema.GroupVersionKind) (*Type, error) {
	e, ok := s.kinds[gvk]
	if !ok {
		known := s.knownKinds(gvk.GroupVersion())
		if len(known) == 0 {
			return nil, fmt.Errorf("patch: no schema for %s: no OpenAPI v3 document given for %s", gvk.Kind, gvk.GroupVersion())
		}
		return nil, fmt.Errorf("patch: no schema for %s in %s (known kinds: %s)", gvk.Kind, gvk.GroupVersion(), strings.Join(known, ", "))
	}
	t := &Type{schema: s, name: e.def, native: e.strategic, node: s.defs[e.def]}
	return t.resolve(), nil
}

// knownKinds names the kinds of gv for an error message: those the
// documents serve, or when no path serves any (a document of definitions
// only), those with a definition of their own.
func (s *Schema) knownKinds(gv schema.GroupVersion) []string {
	var served, own []string
	for _, g := range s.Kinds() {
		if g.GroupVersion() != gv {
			continue
		}
		if e := s.kinds[g]; e.served {
			served = append(served, g.Kind)
		} else if !e.shared {
			own = append(own, g.Kind)
		}
	}
	if served != nil {
		return served
	}
	return own
}
