package memserver

import (
	"fmt"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"net/http"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// scaleOf builds the autoscaling/v1 Scale of obj.
func scaleOf(res *resource, obj object) object {
	md := metaOf(obj)
	sm := object{"name": md["name"], "uid": md["uid"], "resourceVersion": md["resourceVersion"], "creationTimestamp": md["creationTimestamp"]}
	if ns, ok := md["namespace"]; ok {
		sm["namespace"] = ns
	}
	spec := object{}
	if v := lookupPath(obj, res.scale.spec); v != nil {
		spec["replicas"] = v
	}
	status := object{"replicas": int64(0)}
	if v := lookupPath(obj, res.scale.status); v != nil {
		status["replicas"] = v
	}
	switch {
	case res.crd == nil:
		// Built-in scale subresources print spec.selector.
		if sel := builtinScaleSelector(obj); sel != "" {
			status["selector"] = sel
		}
	case res.scale.selector != "":
		if v, ok := lookupPath(obj, res.scale.selector).(string); ok {
			status["selector"] = v
		}
	}
	return object{"kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": sm, "spec": spec, "status": status}
}

// respondScale writes the Scale of obj.
func (c *call) respondScale(code int, obj object) error {
	c.flushWarnings()
	writeJSON(c.w, code, scaleOf(c.res, obj))
	return nil
}

// updateScale answers PUT on /scale.
func (c *call) updateScale(scale object) error {
	st := c.s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	raw := st.getLocked(c.gr(), c.key())
	if raw == nil {
		return c.notFound()
	}
	return c.writeScaleLocked(mustDecode(raw), scale)
}

// writeScaleLocked sets spec replicas from a Scale.
func (c *call) writeScaleLocked(old, scale object) error {
	if rv := metaString(scale, "resourceVersion"); rv != "" && rv != metaString(old, "resourceVersion") {
		return apierrors.NewConflict(c.gr(), c.name, fmt.Errorf("the object has been modified; please apply your changes to the latest version and try again"))
	}
	spec, _ := scale["spec"].(object)
	replicas, ok := spec["replicas"].(int64)
	if !ok || replicas < 0 {
		return apierrors.NewInvalid(c.gk(), c.name, field.ErrorList{field.Invalid(field.NewPath("spec", "replicas"), spec["replicas"], "must be greater than or equal to 0")})
	}
	nu := copyObject(old)
	setPath(nu, c.res.scale.spec, replicas)
	if err := c.trackScale(old, nu, scale); err != nil {
		return err
	}
	if (c.res.generation || c.res.crd != nil) && c.s.specChanged(c.res, old, nu) {
		setMeta(nu, "generation", generationOf(old)+1)
	}
	out, _, err := c.commitUpdateLocked(old, nu)
	if err != nil {
		return err
	}
	return c.respondScale(http.StatusOK, mustDecode(out))
}

// setPath sets a dotted path, creating objects on the way.
func setPath(obj object, p string, v any) {
	segs := strings.Split(strings.TrimPrefix(p, "."), ".")
	cur := obj
	for _, s := range segs[:len(segs)-1] {
		next, ok := cur[s].(object)
		if !ok {
			next = object{}
			cur[s] = next
		}
		cur = next
	}
	cur[segs[len(segs)-1]] = v
}

var scaleGVK = schema.GroupVersionKind{Group: "autoscaling", Version: "v1", Kind: "Scale"}

// trackScale records a /scale write in nu's managedFields as the server
// does: the parent's entries are moved to the Scale's shape, the field
// manager updates them for the new Scale, and they are moved back
// (apimachinery's managedfields.ScaleHandler).
func (c *call) trackScale(old, nu, scale object) error {
	fm, err := c.scaleFieldManager()
	if err != nil {
		return err
	}
	gv := c.res.gvr.GroupVersion()
	path := fieldpath.MakePathOrDie(toInterfaces(strings.Split(strings.TrimPrefix(c.res.scale.spec, "."), "."))...)
	h := managedfields.NewScaleHandler(toUnstructured(old).GetManagedFields(), gv, managedfields.ResourcePathMappings{gv.String(): path})
	entries, err := h.ToSubresource()
	if err != nil {
		return apierrors.NewInternalError(err)
	}
	oldScale := toUnstructured(scaleOf(c.res, old))
	oldScale.SetManagedFields(entries)
	newScale := toUnstructured(copyObject(scale))
	newScale.SetManagedFields(entries)
	out := fm.UpdateNoErrors(oldScale, newScale, c.fieldManagerName())
	u, ok := out.(*unstructured.Unstructured)
	if !ok {
		return apierrors.NewInternalError(fmt.Errorf("field manager returned %T", out))
	}
	parent, err := h.ToParent(u.GetManagedFields())
	if err != nil {
		return apierrors.NewInternalError(err)
	}
	toUnstructured(nu).SetManagedFields(parent)
	return nil
}

func toInterfaces(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// scaleFieldManager is the field manager of autoscaling/v1 Scale writes.
func (c *call) scaleFieldManager() (*managedfields.FieldManager, error) {
	s := c.s
	k := managerKey{gvr: scaleGVK.GroupVersion().WithResource("scale"), sub: "scale"}
	s.fms.mu.Lock()
	defer s.fms.mu.Unlock()
	if s.fms.m == nil {
		s.fms.m = map[managerKey]*managedfields.FieldManager{}
	}
	if fm := s.fms.m[k]; fm != nil {
		return fm, nil
	}
	tc := managedfields.NewDeducedTypeConverter()
	if g, err := s.surface.schemasFor(scaleGVK.GroupVersion()); err == nil && g.byKind[scaleGVK] != "" {
		tc = g.tc
	}
	fm, err := managedfields.NewDefaultCRDFieldManager(tc, versionConverter{}, nopDefaulter{}, creater{}, scaleGVK, scaleGVK.GroupVersion(), "scale", nil)
	if err != nil {
		return nil, apierrors.NewInternalError(err)
	}
	s.fms.m[k] = fm
	return fm, nil
}

// builtinScaleSelector formats spec.selector as a label selector string.
func builtinScaleSelector(obj object) string {
	raw, ok := lookupPath(obj, ".spec.selector").(object)
	if !ok {
		return ""
	}
	var ls metav1.LabelSelector
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(raw, &ls); err != nil {
		return ""
	}
	sel, err := metav1.LabelSelectorAsSelector(&ls)
	if err != nil {
		return ""
	}
	return sel.String()
}
