package informer

import (
	"unique"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	kdu "github.com/kubedyn/kubedyn/unstructured"
)

// maxInterned is the longest string LeanMetadata interns; longer ones are
// rarely repeated and stay as they are.
const maxInterned = 256

// LeanUnstructured makes u smaller for a long-lived cache, in place, and
// returns it, for use as (or in) an Options.Transform; Options.Lean applies
// it after Transform when the informer keeps trees (Options.StoreTrees),
// the compact store being smaller still. It is package unstructured's LeanInPlace: it drops
// metadata.managedFields (server-side apply bookkeeping that controllers
// rarely read, often half of an object's bytes), interns keys and repeated
// values (namespaces, label values, images, "True") with Go's unique
// package so they are stored once for all objects, each value in one
// canonical boxed interface, and rebuilds each map at its exact size.
// Interned strings are freed when no object holds them, so there is no
// table to grow.
func LeanUnstructured(u *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	kdu.LeanInPlace(u)
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
