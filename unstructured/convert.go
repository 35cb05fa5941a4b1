package unstructured

import (
	"errors"
	"fmt"
	"reflect"

	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// ToTyped converts u into a new T, a Go struct such as appsv1.Deployment,
// with runtime.DefaultUnstructuredConverter. Fields of u that T has no
// place for are dropped (ToTypedStrict reports them). An error names the
// object (kind, namespace/name) and the target type and says why; a panic
// in the converter is turned into such an error.
//
//	dep, err := unstructured.ToTyped[appsv1.Deployment](u)
func ToTyped[T any](u *k8su.Unstructured) (*T, error) {
	return toTyped[T](u, false)
}

// ToTypedStrict is ToTyped that fails when u has fields T has no place for
// (a misspelled field, a newer API version's field), naming them.
func ToTypedStrict[T any](u *k8su.Unstructured) (*T, error) {
	return toTyped[T](u, true)
}

func toTyped[T any](u *k8su.Unstructured, strict bool) (out *T, err error) {
	out = new(T)
	target := reflect.TypeFor[*T]().String()
	if u == nil || u.Object == nil {
		return nil, fmt.Errorf("unstructured: converting to %s: the object is nil", target)
	}
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("unstructured: converting %s to %s: converter panicked: %v", objectName(u), target, r)
		}
	}()
	if err := runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(u.Object, out, strict); err != nil {
		return nil, fmt.Errorf("unstructured: converting %s to %s: %w", objectName(u), target, err)
	}
	return out, nil
}

// FromTyped converts a typed object (a pointer to a Go struct such as
// *appsv1.Deployment) into an *unstructured.Unstructured with
// runtime.DefaultUnstructuredConverter. The result has the apiVersion and
// kind of the object's TypeMeta, which Go code often leaves empty: set them
// (obj.GetObjectKind().SetGroupVersionKind or u.SetGroupVersionKind) before
// sending the object to a server. An error names the type and says why; a
// panic in the converter is turned into such an error.
func FromTyped(obj any) (u *k8su.Unstructured, err error) {
	if obj == nil {
		return nil, errors.New("unstructured: converting a nil object")
	}
	typ := reflect.TypeOf(obj).String()
	if rv := reflect.ValueOf(obj); rv.Kind() != reflect.Pointer || rv.IsNil() {
		return nil, fmt.Errorf("unstructured: converting a %s: need a non-nil pointer to a struct", typ)
	}
	defer func() {
		if r := recover(); r != nil {
			u, err = nil, fmt.Errorf("unstructured: converting a %s: converter panicked: %v", typ, r)
		}
	}()
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, fmt.Errorf("unstructured: converting a %s: %w", typ, err)
	}
	return &k8su.Unstructured{Object: m}, nil
}

// objectName describes an object for error messages: kind and
// namespace/name, as far as they are known.
func objectName(u *k8su.Unstructured) string {
	kind := u.GetKind()
	if kind == "" {
		kind = "object"
	}
	if v := u.GetAPIVersion(); v != "" {
		kind += " (" + v + ")"
	}
	name := u.GetName()
	if ns := u.GetNamespace(); ns != "" {
		name = ns + "/" + name
	}
	if name == "" {
		return kind
	}
	return fmt.Sprintf("%s %q", kind, name)
}
