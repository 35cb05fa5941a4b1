package memserver

import (
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/kube-openapi/pkg/validation/spec"
)

var namespacesGR = schema.GroupResource{Resource: "namespaces"}

// pruneUnknown drops fields the resource's schema does not know, reporting
// them under fieldValidation (the server's typed decoding for built-ins,
// structural pruning for custom resources), and applies CRD defaults.
func (c *call) pruneUnknown(obj object) error {
	s, models := c.s.kindSchema(c.res)
	if s == nil {
		return c.strictness(nil)
	}
	w := &schemaWalker{models: models, deflt: c.res.crd != nil, structs: c.res.crd == nil, dropNulls: true, facts: c.s.kindFacts(c.res)}
	var meta *spec.Schema
	if m, ok := models[objectMetaModel]; ok {
		meta = m
	}
	w.walkRoot(obj, s, meta)
	applyBuiltinDefaults(c.res, obj)
	if c.res.crd == nil && c.res.groupResource() == namespacesGR {
		setNamespaceNameLabel(obj)
	}
	msgs := make([]string, 0, len(w.unknown))
	for _, u := range w.unknown {
		msgs = append(msgs, "unknown field "+strconv.Quote(u))
	}
	return c.strictness(msgs)
}

const objectMetaModel = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

// prepareCreate applies the resource's create strategy: status reset when
// it is a subresource, generation 1, the type's initial fields.
func (s *Server) prepareCreate(res *resource, obj object) error {
	if res.status {
		if res.crd != nil {
			delete(obj, "status")
		} else {
			obj["status"] = object{}
		}
	}
	if res.generation || res.crd != nil {
		setMeta(obj, "generation", int64(1))
	}
	switch {
	case res.crd == nil && res.groupResource() == namespacesGR:
		obj["spec"] = object{"finalizers": []any{"kubernetes"}}
		obj["status"] = object{"phase": "Active"}
		setNamespaceNameLabel(obj)
	case isCRDResource(res):
		return s.prepareCRD(obj, nil)
	}
	return nil
}

// prepareUpdate applies the update strategy of the resource or its
// subresource and returns the object to store.
func (s *Server) prepareUpdate(res *resource, sub string, old, nu object) object {
	for _, f := range []string{"uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"} {
		if v, ok := metaOf(old)[f]; ok {
			setMeta(nu, f, v)
		} else {
			setMeta(nu, f, nil)
		}
	}
	setMeta(nu, "selfLink", nil)
	if res.crd == nil && res.groupResource() == namespacesGR {
		setNamespaceNameLabel(nu)
	}
	switch {
	case sub == "finalize":
		out := copyObject(old)
		spec, _ := nu["spec"].(object)
		out["spec"] = object{"finalizers": spec["finalizers"]}
		if spec["finalizers"] == nil {
			out["spec"] = object{}
		}
		setMeta(out, "managedFields", metaOf(nu)["managedFields"])
		return out
	case sub == "status":
		out := copyObject(old)
		if st, ok := nu["status"]; ok {
			out["status"] = st
		} else {
			delete(out, "status")
		}
		setMeta(out, "managedFields", metaOf(nu)["managedFields"])
		return out
	case res.status:
		if st, ok := old["status"]; ok {
			nu["status"] = st
		} else {
			delete(nu, "status")
		}
	}
	if res.crd == nil && res.groupResource() == namespacesGR && sub == "" {
		nu["status"] = old["status"]
		nu["spec"] = old["spec"]
	}
	if (res.generation || res.crd != nil) && s.specChanged(res, old, nu) {
		setMeta(nu, "generation", generationOf(old)+1)
	}
	if isCRDResource(res) {
		_ = s.prepareCRD(nu, old)
	}
	return nu
}

// specChanged says whether anything outside metadata (and status, when it
// is a subresource) differs.
func (s *Server) specChanged(res *resource, old, nu object) bool {
	skip := []string{"metadata"}
	if res.status {
		skip = append(skip, "status")
	}
	return !deepEqual(withoutKeys(old, skip...), withoutKeys(nu, skip...))
}

// keepsOnDelete: a namespace with spec.finalizers stays Terminating (no
// controller-manager finalizes it, as on the local control plane); a CRD
// is kept while its objects are cleaned up.
func (s *Server) keepsOnDelete(res *resource, obj object) bool {
	if res.crd == nil && res.groupResource() == namespacesGR {
		spec, _ := obj["spec"].(object)
		f, _ := spec["finalizers"].([]any)
		return len(f) > 0
	}
	return false
}

// prepareDelete sets what a graceful delete changes beyond the metadata.
func (s *Server) prepareDelete(res *resource, obj object) {
	if res.crd == nil && res.groupResource() == namespacesGR {
		obj["status"] = object{"phase": "Terminating"}
	}
}

// returnsDeletedObject: kube-apiserver answers a delete with the object
// for custom resources and some built-ins, with a Status for the rest.
func (s *Server) returnsDeletedObject(res *resource) bool {
	if res.crd != nil {
		return false
	}
	switch res.groupResource() {
	case schema.GroupResource{Resource: "pods"}, schema.GroupResource{Resource: "services"},
		schema.GroupResource{Group: "apiextensions.k8s.io", Resource: "customresourcedefinitions"}:
		return true
	}
	return false
}

// validateObject runs the type-specific validation memserver knows:
// custom resources against their schema, CRDs themselves.
func (c *call) validateObject(obj, old object) error {
	if c.res.crd != nil {
		return c.res.crd.validate(c, obj)
	}
	if isCRDResource(c.res) {
		return c.s.validateCRD(c, obj, old)
	}
	return nil
}

// afterWriteLocked reacts to a committed write (CRD registration).
func (s *Server) afterWriteLocked(res *resource, old, nu object) {
	if isCRDResource(res) {
		s.syncCRDLocked(nu)
	}
}

// afterDeleteLocked reacts to a removed object (a CRD stops being served).
func (s *Server) afterDeleteLocked(res *resource, obj object) {
	if isCRDResource(res) {
		s.removeCRDLocked(metaString(obj, "name"))
	}
}

func isCRDResource(res *resource) bool {
	return res.crd == nil && res.gvr.Group == "apiextensions.k8s.io" && res.gvr.Resource == "customresourcedefinitions"
}

var _ = strings.TrimSpace

// setNamespaceNameLabel sets kubernetes.io/metadata.name, the label the
// Namespace defaulting adds.
func setNamespaceNameLabel(obj object) {
	labels, _ := metaOf(obj)["labels"].(object)
	if labels == nil {
		labels = object{}
	}
	labels["kubernetes.io/metadata.name"] = metaString(obj, "name")
	metaOf(obj)["labels"] = labels
}
