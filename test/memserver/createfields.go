package memserver

import (
	"fmt"
	"time"
	"unicode/utf8"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
	"sigs.k8s.io/structured-merge-diff/v6/typed"
)

// createFields computes the managedFields of a create without a prior
// managed-fields entry with the same structured-merge-diff calls the field
// manager makes (ObjectToTyped, Compare against the typed empty object,
// the reset-field filter, the metadata strip set), minus the layers that
// only matter when there are managers already: decoding and re-encoding
// managedFields through runtime conversion, version conversion (a no-op
// here), deep copies. The typed empty object is built once per resource.
// TestCreateFieldsMatchFieldManager and FuzzCreateFields prove the result
// equal to FieldManager.UpdateNoErrors'.
type createFields struct {
	tc         managedfields.TypeConverter
	live       *typed.TypedValue // the typed zero value, read-only
	empty      object            // the same as an object, read-only
	shapes     shapeCache
	stamps     stamps // the entries' times
	apiVersion string
	filter     fieldpath.Filter // reset fields of the resource, or nil
}

// stripSet is the field manager's stripMetaManager set: fields nobody owns.
var stripSet = fieldpath.NewSet(
	fieldpath.MakePathOrDie("apiVersion"),
	fieldpath.MakePathOrDie("kind"),
	fieldpath.MakePathOrDie("metadata"),
	fieldpath.MakePathOrDie("metadata", "name"),
	fieldpath.MakePathOrDie("metadata", "namespace"),
	fieldpath.MakePathOrDie("metadata", "creationTimestamp"),
	fieldpath.MakePathOrDie("metadata", "selfLink"),
	fieldpath.MakePathOrDie("metadata", "uid"),
	fieldpath.MakePathOrDie("metadata", "clusterName"),
	fieldpath.MakePathOrDie("metadata", "generation"),
	fieldpath.MakePathOrDie("metadata", "managedFields"),
	fieldpath.MakePathOrDie("metadata", "resourceVersion"),
)

// createFieldsFor returns the resource's createFields, built on first use
// (nil when its empty object is not typed: the field manager then runs).
func (c *call) createFieldsFor() *createFields {
	s := c.s
	k := managerKey{gvr: c.res.gvr, sub: c.sub, crd: c.res.crd}
	s.fms.mu.Lock()
	defer s.fms.mu.Unlock()
	if cf, ok := s.fms.create[k]; ok {
		return cf
	}
	if s.fms.create == nil {
		s.fms.create = map[managerKey]*createFields{}
	}
	var cf *createFields
	if tc, err := s.typeConverter(c.res); err == nil {
		empty := c.emptyObject()
		if live, err := tc.ObjectToTyped(empty, typed.AllowDuplicates); err == nil {
			v := c.res.gvr.GroupVersion().String()
			cf = &createFields{tc: tc, live: live, empty: empty.Object, apiVersion: v, filter: resetFields(c.res, c.sub)[fieldpath.APIVersion(v)]}
		}
	}
	s.fms.create[k] = cf
	return cf
}

// track sets obj's managedFields as an Update by manager from the empty
// object would, and says whether it could: false leaves obj untouched for
// the field manager (a body that carries managedFields, a manager name the
// identifier's JSON round trip would change, an object that does not
// convert to its type). entry is the managedFields entry set, as metadata
// validation reads it (nil when there is none: no field is owned).
func (cf *createFields) track(obj object, manager string) (entry *metav1.ManagedFieldsEntry, ok bool) {
	md, ok := obj["metadata"].(object)
	if !ok || !utf8.ValidString(manager) {
		return nil, false
	}
	if _, ok := md["managedFields"]; ok {
		return nil, false
	}
	fields, ok := cf.fieldsFor(obj)
	if !ok {
		return nil, false
	}
	if fields == nil {
		return nil, true
	}
	if manager == "" {
		manager = "unknown"
	}
	md["managedFields"] = []any{map[string]any{
		"manager":    manager,
		"operation":  "Update",
		"apiVersion": cf.apiVersion,
		"time":       cf.stamps.format(time.Now()),
		"fieldsType": "FieldsV1",
		"fieldsV1":   copyFields(fields),
	}}
	return &metav1.ManagedFieldsEntry{Manager: manager, Operation: metav1.ManagedFieldsOperationUpdate, APIVersion: cf.apiVersion, FieldsType: "FieldsV1"}, true
}

// fieldsFor is the FieldsV1 obj's creator owns (nil: none), from the
// cache when an object of the same shape was tracked before. The result
// is shared: callers copy it.
func (cf *createFields) fieldsFor(obj object) (map[string]any, bool) {
	var buf [512]byte
	shape, cacheable := shapeOf(buf[:0], obj, cf.empty)
	cacheable = cacheable && len(shape) <= maxShapeBytes
	if cacheable {
		if r, hit := cf.shapes.get(shape); hit {
			return r.fields, r.ok
		}
	}
	fields, ok := cf.compute(obj)
	if cacheable {
		cf.shapes.put(shape, shapeResult{ok: ok, fields: fields})
	}
	return fields, ok
}

// compute is fieldsFor without the cache.
func (cf *createFields) compute(obj object) (map[string]any, bool) {
	nu, err := cf.tc.ObjectToTyped(toUnstructured(obj), typed.AllowDuplicates)
	if err != nil {
		return nil, false
	}
	cmp, err := cf.live.Compare(nu)
	if err != nil {
		return nil, false
	}
	set := cmp.Modified.Union(cmp.Added)
	if cf.filter != nil {
		set = cf.filter.Filter(set)
	}
	set = set.Difference(stripSet)
	if set.Empty() {
		return nil, true
	}
	fields, err := fieldsOf(set)
	if err != nil {
		return nil, false
	}
	return fields, true
}

// fieldsOf is a set's FieldsV1 as an unstructured value: what decoding
// set.ToJSON() gives, built without the JSON (the same keys, members and
// children merged in the set's order, "." for a child that is a member).
func fieldsOf(set *fieldpath.Set) (map[string]any, error) {
	return fieldsNode(set, false)
}

func fieldsNode(set *fieldpath.Set, self bool) (map[string]any, error) {
	var mbuf, cbuf [8]fieldpath.PathElement // most nodes have fewer
	members, children := mbuf[:0], cbuf[:0]
	set.Members.Iterate(func(pe fieldpath.PathElement) { members = append(members, pe) })
	set.Children.Iterate(func(pe fieldpath.PathElement) { children = append(children, pe) })
	m := make(map[string]any, len(members)+len(children)+1)
	if self && (len(members) > 0 || len(children) > 0) {
		m["."] = map[string]any{}
	}
	mi, ci := 0, 0
	for mi < len(members) || ci < len(children) {
		var pe fieldpath.PathElement
		var child *fieldpath.Set
		member := false
		switch {
		case ci == len(children) || (mi < len(members) && members[mi].Compare(children[ci]) < 0):
			pe, member = members[mi], true
			mi++
		case mi == len(members) || members[mi].Compare(children[ci]) > 0:
			pe = children[ci]
			child, _ = set.Children.Get(pe)
			ci++
		default:
			pe, member = children[ci], true
			child, _ = set.Children.Get(pe)
			mi++
			ci++
		}
		key, err := pathElementKey(pe)
		if err != nil {
			return nil, err
		}
		if !utf8.ValidString(key) {
			// Decoding JSON would replace the invalid bytes.
			return nil, fmt.Errorf("field path element %q is not UTF-8", key)
		}
		if child == nil {
			m[key] = map[string]any{}
			continue
		}
		v, err := fieldsNode(child, member)
		if err != nil {
			return nil, err
		}
		m[key] = v
	}
	return m, nil
}

// pathElementKey is fieldpath.SerializePathElement, with field names (the
// most common element) written directly as it writes them: "f:" and the
// name.
func pathElementKey(pe fieldpath.PathElement) (string, error) {
	if pe.FieldName != nil {
		return "f:" + *pe.FieldName, nil
	}
	return fieldpath.SerializePathElement(pe)
}
