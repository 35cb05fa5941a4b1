package informer

import (
	"unique"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// maxInterned is the longest string the lean functions intern; longer ones
// (file contents, certificates) are rarely repeated and stay as they are.
const maxInterned = 512

// LeanUnstructured makes u smaller for a long-lived cache, in place, and
// returns it, for use as (or in) an Options.Transform; Options.Lean applies
// it after Transform. It drops metadata.managedFields (server-side apply
// bookkeeping that controllers rarely read, often half of an object's
// bytes) and interns strings with Go's unique package: map keys
// ("metadata", "containerPort"…) and repeated values (namespaces, label
// values, images, "True") are stored once for all objects, each value in
// one canonical boxed interface, rather than once per object. Interned
// strings are freed when no object holds them, so there is no table to
// grow. Values unique by nature (metadata.name, uid and resourceVersion)
// and strings over 512 bytes are left as they are: interning them would
// cost an entry and save nothing. Each map is rebuilt at its exact size.
func LeanUnstructured(u *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	if md, ok := u.Object["metadata"].(map[string]any); ok {
		delete(md, "managedFields")
	}
	u.Object = leanMap(u.Object, "")
	return u, nil
}

// LeanMetadata drops m's managedFields and interns its repeated strings
// (namespace, labels, annotations, owners, finalizers) in place, and
// returns it; Options.Lean applies it to metadata informers.
func LeanMetadata(m *metav1.PartialObjectMetadata) (*metav1.PartialObjectMetadata, error) {
	m.ManagedFields = nil
	m.Namespace = intern(m.Namespace)
	m.GenerateName = intern(m.GenerateName)
	m.APIVersion, m.Kind = intern(m.APIVersion), intern(m.Kind)
	m.Labels = internStrings(m.Labels)
	m.Annotations = internStrings(m.Annotations)
	for n := range m.OwnerReferences {
		r := &m.OwnerReferences[n]
		r.APIVersion, r.Kind, r.Name = intern(r.APIVersion), intern(r.Kind), intern(r.Name)
	}
	for n := range m.Finalizers {
		m.Finalizers[n] = intern(m.Finalizers[n])
	}
	return m, nil
}

// leanObject leans an object of either kind the informers cache.
func leanObject(obj Object) {
	switch o := obj.(type) {
	case *unstructured.Unstructured:
		_, _ = LeanUnstructured(o)
	case *metav1.PartialObjectMetadata:
		_, _ = LeanMetadata(o)
	}
}

// leanMap returns m rebuilt with interned keys and values; parent is the
// key m is under, to recognise metadata's unique fields.
func leanMap(m map[string]any, parent string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		ik := intern(k)
		if parent == "metadata" && (k == "name" || k == "uid" || k == "resourceVersion") {
			out[ik] = v
			continue
		}
		out[ik] = leanValue(v, k)
	}
	return out
}

func leanValue(v any, key string) any {
	switch x := v.(type) {
	case string:
		if len(x) > maxInterned {
			return v
		}
		return unique.Make[any](intern(x)).Value()
	case map[string]any:
		return leanMap(x, key)
	case []any:
		for n := range x {
			x[n] = leanValue(x[n], "")
		}
		return x
	}
	return v
}

func intern(s string) string {
	if s == "" || len(s) > maxInterned {
		return s
	}
	return unique.Make(s).Value()
}

func internStrings(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[intern(k)] = intern(v)
	}
	return out
}
