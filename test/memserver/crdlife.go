package memserver

import (
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/kube-openapi/pkg/validation/spec"
	"strconv"
)

const crdCleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io"

var crdGR = schema.GroupResource{Group: "apiextensions.k8s.io", Resource: "customresourcedefinitions"}

// schemaWithMeta returns the version's schema as a model named for its
// kind, with apiVersion, kind and metadata, plus the ObjectMeta models.
func (cv *crdVersion) schemaWithMeta(s *Surface) (*spec.Schema, map[string]*spec.Schema) {
	if cv.schema == nil {
		return nil, nil
	}
	models := metaModels(s)
	root := *cv.schema
	root.Properties = map[string]spec.Schema{}
	for k, v := range cv.schema.Properties {
		root.Properties[k] = v
	}
	root.Properties["apiVersion"] = *spec.StringProperty()
	root.Properties["kind"] = *spec.StringProperty()
	root.Properties["metadata"] = *spec.RefSchema("#/components/schemas/" + objectMetaModel)
	root.Type = spec.StringOrArray{"object"}
	root.Extensions = spec.Extensions{}
	for k, v := range cv.schema.Extensions {
		root.Extensions[k] = v
	}
	root.Extensions["x-kubernetes-group-version-kind"] = []any{map[string]any{"group": cv.gvk.Group, "version": cv.gvk.Version, "kind": cv.gvk.Kind}}
	out := make(map[string]*spec.Schema, len(models)+1)
	for k, v := range models {
		out[k] = v
	}
	name := crdModelName(cv.gvk)
	out[name] = &root
	return &root, out
}

// metaModels are ObjectMeta and the models it references, from the
// recorded core/v1 document.
func metaModels(s *Surface) map[string]*spec.Schema {
	g, err := s.schemasFor(schema.GroupVersion{Version: "v1"})
	if err != nil {
		return map[string]*spec.Schema{}
	}
	out := map[string]*spec.Schema{}
	var visit func(name string)
	visit = func(name string) {
		if _, ok := out[name]; ok {
			return
		}
		m, ok := g.models[name]
		if !ok {
			return
		}
		out[name] = m
		for _, ref := range refsOf(m) {
			visit(ref)
		}
	}
	visit(objectMetaModel)
	return out
}

// refsOf lists the model names s references.
func refsOf(s *spec.Schema) []string {
	var out []string
	var walk func(s *spec.Schema)
	walk = func(s *spec.Schema) {
		if s == nil {
			return
		}
		if r := s.Ref.String(); r != "" {
			out = append(out, r[strings.LastIndexByte(r, '/')+1:])
		}
		for i := range s.AllOf {
			walk(&s.AllOf[i])
		}
		for _, p := range s.Properties {
			walk(&p)
		}
		if s.Items != nil {
			walk(s.Items.Schema)
		}
		if s.AdditionalProperties != nil {
			walk(s.AdditionalProperties.Schema)
		}
	}
	walk(s)
	return out
}

// prepareCRD sets what kube-apiserver sets on a CRD it accepts: the cleanup
// finalizer, defaulted names and conversion, and (on create) an empty
// status with storedVersions.
func (s *Server) prepareCRD(obj, old object) error {
	sp, _ := obj["spec"].(object)
	if sp == nil {
		return nil
	}
	names, _ := sp["names"].(object)
	if names != nil {
		if k, _ := names["kind"].(string); k != "" {
			if names["singular"] == nil {
				names["singular"] = strings.ToLower(k)
			}
			if names["listKind"] == nil {
				names["listKind"] = k + "List"
			}
		}
	}
	if sp["conversion"] == nil {
		sp["conversion"] = object{"strategy": "None"}
	}
	if old == nil {
		obj["status"] = object{"conditions": nil, "acceptedNames": object{"plural": "", "kind": ""}, "storedVersions": storedVersions(sp)}
	}
	return nil
}

func storedVersions(sp object) []any {
	vs, _ := sp["versions"].([]any)
	for _, v := range vs {
		m, _ := v.(object)
		if st, _ := m["storage"].(bool); st {
			return []any{m["name"]}
		}
	}
	return []any{}
}

// validateCRD checks what clients most often get wrong.
func (s *Server) validateCRD(c *call, obj, old object) error {
	sp, err := decodeCRDSpec(obj)
	if err != nil {
		return apierrors.NewBadRequest(err.Error())
	}
	var errs field.ErrorList
	name := metaString(obj, "name")
	if want := sp.Names.Plural + "." + sp.Group; name != want {
		errs = append(errs, field.Invalid(field.NewPath("metadata", "name"), name, fmt.Sprintf("must be spec.names.plural+\".\"+spec.group")))
	}
	if len(sp.Versions) == 0 {
		errs = append(errs, field.Required(field.NewPath("spec", "versions"), "must have exactly one version marked as storage version"))
	}
	storage := 0
	for i, v := range sp.Versions {
		if v.Storage {
			storage++
		}
		if v.Schema == nil || v.Schema.OpenAPIV3Schema == nil {
			errs = append(errs, field.Required(field.NewPath("spec", "versions").Index(i).Child("schema", "openAPIV3Schema"), "schemas are required"))
		}
	}
	if len(sp.Versions) > 0 && storage != 1 {
		errs = append(errs, field.Invalid(field.NewPath("spec", "versions"), sp.Versions, "must have exactly one version marked as storage version"))
	}
	if len(errs) > 0 {
		return apierrors.NewInvalid(c.gk(), name, errs)
	}
	if old == nil {
		if other := s.reg.conflictingCRD(sp.Group, sp.Names.Plural, name); other {
			return apierrors.NewAlreadyExists(c.gr(), name)
		}
	}
	return nil
}

// syncCRDLocked serves what a stored CRD says, sets its conditions the
// first time, and cleans it up when it is being deleted.
func (s *Server) syncCRDLocked(obj object) {
	name := metaString(obj, "name")
	if metaString(obj, "deletionTimestamp") != "" {
		s.cleanupCRDLocked(obj)
		return
	}
	s.reg.mu.Lock()
	order := len(s.reg.crds)
	if e, ok := s.reg.crds[name]; ok && len(e.versions) > 0 {
		order = e.versions[0].crd.order
	}
	s.reg.mu.Unlock()
	res, err := crdResourcesOf(obj, order)
	if err != nil {
		return
	}
	s.reg.setCRD(name, res)
	st, _ := obj["status"].(object)
	if conds, _ := st["conditions"].([]any); len(conds) == 0 {
		s.establishCRDLocked(obj)
	}
}

// establishCRDLocked writes the NamesAccepted and Established conditions,
// as the apiextensions controllers do right after a create.
func (s *Server) establishCRDLocked(obj object) {
	nu := copyObject(obj)
	now := timestamp(s.opts.Clock.Now())
	sp, _ := nu["spec"].(object)
	st, _ := nu["status"].(object)
	if st == nil {
		st = object{}
	}
	names, _ := sp["names"].(object)
	st["acceptedNames"] = copyObject(names)
	st["conditions"] = []any{
		object{"type": "NamesAccepted", "status": "True", "lastTransitionTime": now, "reason": "NoConflicts", "message": "no conflicts found"},
		object{"type": "Established", "status": "True", "lastTransitionTime": now, "reason": "InitialNamesAccepted", "message": "the initial names have been accepted"},
	}
	nu["status"] = st
	s.internalWriteLocked(crdGR, objKey{name: metaString(obj, "name")}, nu, watch.Modified)
}

// cleanupCRDLocked deletes every object of the CRD and then the CRD.
func (s *Server) cleanupCRDLocked(obj object) {
	sp, err := decodeCRDSpec(obj)
	if err != nil {
		return
	}
	gr := schema.GroupResource{Group: sp.Group, Resource: sp.Names.Plural}
	snap, _ := s.store.snapshotLocked(gr, "", 0)
	for _, e := range snap {
		o := mustDecode(e.obj)
		s.internalWriteLocked(gr, e.key, o, watch.Deleted)
	}
	nu := copyObject(obj)
	var fins []any
	for _, f := range finalizersOf(nu) {
		if f != crdCleanupFinalizer {
			fins = append(fins, f)
		}
	}
	setMeta(nu, "finalizers", nil)
	if len(fins) > 0 {
		metaOf(nu)["finalizers"] = fins
		s.internalWriteLocked(crdGR, objKey{name: metaString(obj, "name")}, nu, watch.Modified)
		return
	}
	s.internalWriteLocked(crdGR, objKey{name: metaString(obj, "name")}, nu, watch.Deleted)
	s.removeCRDLocked(metaString(obj, "name"))
}

// internalWriteLocked commits a write the server makes itself.
func (s *Server) internalWriteLocked(gr schema.GroupResource, k objKey, obj object, typ watch.EventType) {
	rv := s.store.nextRVLocked()
	setMeta(obj, "resourceVersion", strconv.FormatUint(rv, 10))
	s.store.commitLocked(gr, k, typ, rv, mustEncode(obj))
}

// removeCRDLocked stops serving a CRD's versions.
func (s *Server) removeCRDLocked(name string) {
	s.reg.mu.RLock()
	e := s.reg.crds[name]
	s.reg.mu.RUnlock()
	if e != nil && len(e.versions) > 0 {
		gr := e.versions[0].groupResource()
		for w := range s.store.watchers {
			if w.gr == gr {
				w.stop()
			}
		}
	}
	s.reg.setCRD(name, nil)
}

// deleteCRDLocked marks a CRD for deletion as its registry does: the
// cleanup finalizer and a Terminating condition, no generation bump; the
// cleanup (objects, then the CRD) follows at once.
func (c *call) deleteCRDLocked(old, obj object) ([]byte, bool, error) {
	if metaString(obj, "deletionTimestamp") != "" {
		return mustEncode(obj), false, nil
	}
	now := timestamp(c.s.opts.Clock.Now())
	setMeta(obj, "deletionTimestamp", now)
	metaOf(obj)["finalizers"] = withFinalizer(finalizersOf(obj), crdCleanupFinalizer)
	st, _ := obj["status"].(object)
	if st == nil {
		st = object{}
		obj["status"] = st
	}
	conds, _ := st["conditions"].([]any)
	st["conditions"] = append(append([]any(nil), conds...), object{"type": "Terminating", "status": "True", "lastTransitionTime": now,
		"reason": "InstanceDeletionPending", "message": "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon"})
	out, _, err := c.commitUpdateLocked(old, obj)
	return out, false, err
}
