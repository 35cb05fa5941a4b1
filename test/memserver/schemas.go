package memserver

import (
	"encoding/json"
	"fmt"
	"sync"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"k8s.io/kube-openapi/pkg/validation/spec"
)

// gvSchemas are the decoded OpenAPI v3 schemas of one recorded
// group-version, built on first use and shared by every server.
type gvSchemas struct {
	once   sync.Once
	err    error
	models map[string]*spec.Schema
	byKind map[schema.GroupVersionKind]string // kind -> model name
	tc     managedfields.TypeConverter
}

// openAPIPath is the OpenAPI v3 document path of a group-version.
func openAPIPath(gv schema.GroupVersion) string {
	if gv.Group == "" {
		return "api/" + gv.Version
	}
	return "apis/" + gv.Group + "/" + gv.Version
}

// schemasFor returns the recorded schemas of gv.
func (s *Surface) schemasFor(gv schema.GroupVersion) (*gvSchemas, error) {
	v, ok := s.schemas.Load(gv)
	if !ok {
		v, _ = s.schemas.LoadOrStore(gv, &gvSchemas{})
	}
	g := v.(*gvSchemas)
	g.once.Do(func() { g.err = g.load(s, gv) })
	return g, g.err
}

func (g *gvSchemas) load(s *Surface, gv schema.GroupVersion) error {
	raw, ok := s.openAPIDocument(openAPIPath(gv))
	if !ok {
		return fmt.Errorf("no recorded OpenAPI v3 document for %s", gv)
	}
	models, err := decodeComponents(raw)
	if err != nil {
		return fmt.Errorf("decode OpenAPI v3 of %s: %w", gv, err)
	}
	g.models = models
	g.byKind = map[schema.GroupVersionKind]string{}
	for name, m := range models {
		for _, gvk := range gvksOf(m) {
			g.byKind[gvk] = name
		}
	}
	g.tc, err = managedfields.NewTypeConverter(models, false)
	if err != nil {
		return fmt.Errorf("type converter for %s: %w", gv, err)
	}
	return nil
}

// decodeComponents reads components.schemas of an OpenAPI v3 document.
func decodeComponents(raw []byte) (map[string]*spec.Schema, error) {
	var doc struct {
		Components struct {
			Schemas map[string]*spec.Schema `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	return doc.Components.Schemas, nil
}

// gvksOf reads x-kubernetes-group-version-kind.
func gvksOf(m *spec.Schema) []schema.GroupVersionKind {
	l, _ := m.Extensions["x-kubernetes-group-version-kind"].([]any)
	var out []schema.GroupVersionKind
	for _, e := range l {
		mm, _ := e.(map[string]any)
		g, _ := mm["group"].(string)
		v, _ := mm["version"].(string)
		k, _ := mm["kind"].(string)
		out = append(out, schema.GroupVersionKind{Group: g, Version: v, Kind: k})
	}
	return out
}

// typeConverter returns the structured-merge-diff type converter for res.
func (s *Server) typeConverter(res *resource) (managedfields.TypeConverter, error) {
	if res.crd != nil {
		return res.crd.typeConverter(s.surface)
	}
	g, err := s.surface.schemasFor(res.gvr.GroupVersion())
	if err != nil || g.byKind[res.gvk()] == "" {
		// Not recorded: merge like a CRD without a schema (atomic lists).
		return managedfields.NewDeducedTypeConverter(), nil
	}
	return g.tc, nil
}

// kindSchema returns the schema of res's kind and the models to resolve
// its references, or nil when none is recorded.
func (s *Server) kindSchema(res *resource) (*spec.Schema, map[string]*spec.Schema) {
	if res.crd != nil {
		return res.crd.schemaWithMeta(s.surface)
	}
	if ks := res.schemas.Load(); ks != nil {
		return ks.root, ks.models
	}
	ks := &kindSchemas{}
	if g, err := s.surface.schemasFor(res.gvr.GroupVersion()); err == nil {
		if name, ok := g.byKind[res.gvk()]; ok {
			ks = &kindSchemas{root: g.models[name], models: g.models}
		}
	}
	res.schemas.Store(ks)
	return ks.root, ks.models
}
