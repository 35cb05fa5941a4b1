package memserver

import (
	"fmt"
	"net/http/httptest"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// defaultNamespaces exist on a fresh server, as on a fresh control plane.
var defaultNamespaces = []string{"default", "kube-node-lease", "kube-public", "kube-system"}

// seed creates the default namespaces, Options.CRDs and Options.Objects
// through the same handlers a client reaches.
func (s *Server) seed(opts Options) error {
	for _, ns := range defaultNamespaces {
		u := &unstructured.Unstructured{Object: object{"apiVersion": "v1", "kind": "Namespace", "metadata": object{"name": ns}}}
		if err := s.createDirect(u); err != nil {
			return err
		}
	}
	for _, crd := range opts.CRDs {
		if err := s.createDirect(crd); err != nil {
			return err
		}
	}
	for _, o := range opts.Objects {
		if err := s.createDirect(o); err != nil {
			return err
		}
	}
	return nil
}

// Create stores obj as a client's POST would (for seeding tests without a
// client). It returns the server's error for an invalid object.
func (s *Server) Create(obj *unstructured.Unstructured) error { return s.createDirect(obj) }

func (s *Server) createDirect(obj *unstructured.Unstructured) error {
	gvk := obj.GroupVersionKind()
	res := s.reg.byKind(gvk)
	if res == nil {
		return fmt.Errorf("memserver: create %s %q: the server does not serve kind %s", gvk.Kind, obj.GetName(), gvk)
	}
	body, err := obj.MarshalJSON()
	if err != nil {
		return fmt.Errorf("memserver: create %s %q: %w", gvk.Kind, obj.GetName(), err)
	}
	path := collectionPath(res.gvr, obj.GetNamespace(), res.namespaced)
	req := httptest.NewRequest("POST", path, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.certs.token)
	req.Header.Set("User-Agent", "memserver/seed")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code >= 300 {
		return fmt.Errorf("memserver: create %s %q: %d %s", gvk.Kind, obj.GetName(), rec.Code, strings.TrimSpace(rec.Body.String()))
	}
	return nil
}

// collectionPath is the REST path of a resource's collection.
func collectionPath(gvr schema.GroupVersionResource, ns string, namespaced bool) string {
	p := "/apis/" + gvr.Group + "/" + gvr.Version
	if gvr.Group == "" {
		p = "/api/" + gvr.Version
	}
	if namespaced {
		if ns == "" {
			ns = "default"
		}
		p += "/namespaces/" + ns
	}
	return p + "/" + gvr.Resource
}
