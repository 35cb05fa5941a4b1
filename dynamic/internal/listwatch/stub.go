package listwatch

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// stub returns an object of type T with only namespace, name and
// resourceVersion: what a RecordKeys engine's synthesised DELETED event
// carries. A type other than the two the engine serves yields T's zero.
func stub[T Object](ns, name, rv string) T {
	var out T
	var m metav1.Object
	switch any(out).(type) {
	case *unstructured.Unstructured:
		u := &unstructured.Unstructured{Object: map[string]any{}}
		out, m = any(u).(T), u
	case *metav1.PartialObjectMetadata:
		p := &metav1.PartialObjectMetadata{}
		out, m = any(p).(T), p
	default:
		return out
	}
	m.SetNamespace(ns)
	m.SetName(name)
	m.SetResourceVersion(rv)
	return out
}
