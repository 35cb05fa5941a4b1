package printer

import (
	"encoding/json"
	"fmt"
	"io"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// JSON writes v as kubectl -o json does: indented by four spaces, keys sorted
// (encoding/json's map order), then a newline.
func JSON(w io.Writer, v any) error {
	data, err := json.MarshalIndent(v, "", "    ")
	if err != nil {
		return fmt.Errorf("encode JSON: %w", err)
	}
	_, err = w.Write(append(data, '\n'))
	return err
}

// YAML writes v as kubectl -o yaml does (sigs.k8s.io/yaml: JSON, then YAML
// with sorted keys).
func YAML(w io.Writer, v any) error {
	data, err := yaml.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode YAML: %w", err)
	}
	_, err = w.Write(data)
	return err
}

// List builds the "List" kubectl get -o json|yaml prints for several
// objects: apiVersion v1, kind List, empty resourceVersion, the items as
// they are.
func List(items []unstructured.Unstructured) *unstructured.UnstructuredList {
	return &unstructured.UnstructuredList{
		Object: map[string]any{
			"apiVersion": "v1",
			"kind":       "List",
			"metadata":   map[string]any{"resourceVersion": ""},
		},
		Items: items,
	}
}

// WithoutManagedFields returns a copy of obj without metadata.managedFields,
// as kubectl prints objects unless --show-managed-fields.
func WithoutManagedFields(obj *unstructured.Unstructured) *unstructured.Unstructured {
	c := obj.DeepCopy()
	if md, ok := c.Object["metadata"].(map[string]any); ok {
		delete(md, "managedFields")
	}
	return c
}
