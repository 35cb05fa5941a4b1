package memserver

import (
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/kube-openapi/pkg/validation/spec"
)

// serveOpenAPI answers /openapi/v3 and /openapi/v3/{group-version path}.
func (s *Server) serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	p := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/openapi/v3"), "/")
	if p == "" {
		s.writeCached(w, r, "application/json", s.openAPIRoot())
		return
	}
	if b := s.openAPIDoc(p); b != nil {
		if r.URL.Query().Get("hash") != "" {
			w.Header().Set("Cache-Control", "public, immutable")
		}
		s.writeCached(w, r, "application/json", b)
		return
	}
	writeRaw(w, http.StatusNotFound, "text/plain; charset=utf-8", []byte("404 page not found\n"))
}

// openAPIDoc is the document of one group-version path, or nil.
func (s *Server) openAPIDoc(p string) []byte {
	if gv, ok := crdGVOfPath(p); ok {
		if b := s.crdOpenAPI(gv); b != nil {
			return b
		}
	}
	d, _ := s.surface.openAPIDocument(p)
	return d
}

func crdGVOfPath(p string) (schema.GroupVersion, bool) {
	rest, ok := strings.CutPrefix(p, "apis/")
	if !ok {
		return schema.GroupVersion{}, false
	}
	g, v, ok := strings.Cut(rest, "/")
	return schema.GroupVersion{Group: g, Version: v}, ok && !strings.Contains(v, "/")
}

// openAPIRoot lists every document with a content hash.
func (s *Server) openAPIRoot() []byte {
	type entry struct {
		URL string `json:"serverRelativeURL"`
	}
	paths := map[string]entry{}
	add := func(p string, doc []byte) {
		sum := sha512.Sum512(doc)
		paths[p] = entry{URL: "/openapi/v3/" + p + "?hash=" + strings.ToUpper(hex.EncodeToString(sum[:]))}
	}
	// The hash only has to change with the content: the compressed
	// recording will do, and no document is decompressed for the index.
	for p, gz := range s.surface.rec.OpenAPI {
		add(p, gz)
	}
	_, _, byGV := s.crdGroups()
	for gv := range byGV {
		p := openAPIPath(gv)
		add(p, s.openAPIDoc(p))
	}
	b, _ := json.Marshal(map[string]any{"paths": paths})
	return b
}

// crdModelName is the model name kube-apiserver gives a CRD's kind: the
// reversed group, the version and the kind.
func crdModelName(gvk schema.GroupVersionKind) string {
	parts := strings.Split(gvk.Group, ".")
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, ".") + "." + gvk.Version + "." + gvk.Kind
}

// crdOpenAPI builds the OpenAPI v3 document of a CRD group-version.
func (s *Server) crdOpenAPI(gv schema.GroupVersion) []byte {
	_, _, byGV := s.crdGroups()
	rs := byGV[gv]
	if len(rs) == 0 {
		return nil
	}
	schemas := map[string]*spec.Schema{}
	paths := map[string]any{}
	for _, r := range rs {
		for p, ops := range crdPaths(r) {
			paths[p] = ops
		}
		root, models := r.crd.schemaWithMeta(s.surface)
		if root == nil {
			continue
		}
		for k, v := range models {
			schemas[k] = v
		}
		list := &spec.Schema{}
		list.Type = spec.StringOrArray{"object"}
		list.Required = []string{"items"}
		list.Properties = map[string]spec.Schema{
			"apiVersion": *spec.StringProperty(),
			"items":      *spec.ArrayProperty(spec.RefSchema("#/components/schemas/" + crdModelName(r.gvk()))),
			"kind":       *spec.StringProperty(),
			"metadata":   *spec.RefSchema("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"),
		}
		lgvk := r.gvr.GroupVersion().WithKind(r.crd.listKind)
		list.Extensions = spec.Extensions{"x-kubernetes-group-version-kind": []any{map[string]any{"group": lgvk.Group, "version": lgvk.Version, "kind": lgvk.Kind}}}
		schemas[crdModelName(lgvk)] = list
		if r.scale != nil {
			if g, err := s.surface.schemasFor(scaleGVK.GroupVersion()); err == nil {
				for _, n := range []string{"io.k8s.api.autoscaling.v1.Scale", "io.k8s.api.autoscaling.v1.ScaleSpec", "io.k8s.api.autoscaling.v1.ScaleStatus"} {
					if m := g.models[n]; m != nil {
						schemas[n] = m
					}
				}
			}
		}
	}
	for _, name := range []string{"io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta", "io.k8s.apimachinery.pkg.apis.meta.v1.Status", "io.k8s.apimachinery.pkg.apis.meta.v1.StatusDetails", "io.k8s.apimachinery.pkg.apis.meta.v1.StatusCause", "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions", "io.k8s.apimachinery.pkg.apis.meta.v1.Preconditions", "io.k8s.apimachinery.pkg.apis.meta.v1.Patch"} {
		if m := s.coreModel(name); m != nil {
			schemas[name] = m
		}
	}
	doc := map[string]any{
		"openapi":    "3.0.0",
		"info":       map[string]any{"title": "Kubernetes CRD Swagger", "version": "v0.1.0"},
		"paths":      paths,
		"components": map[string]any{"schemas": schemas},
	}
	b, _ := json.Marshal(doc)
	return b
}

// coreModel is a model of the recorded core/v1 document, or nil.
func (s *Server) coreModel(name string) *spec.Schema {
	g, err := s.surface.schemasFor(schema.GroupVersion{Version: "v1"})
	if err != nil {
		return nil
	}
	return g.models[name]
}
