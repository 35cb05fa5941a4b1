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
	switch p := any(&out).(type) {
	case **unstructured.Unstructured:
		*p = &unstructured.Unstructured{Object: map[string]any{}}
	case **metav1.PartialObjectMetadata:
		*p = &metav1.PartialObjectMetadata{}
	default:
		return out
	}
	out.SetNamespace(ns)
	out.SetName(name)
	out.SetResourceVersion(rv)
	return out
}
