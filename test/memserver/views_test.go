package memserver

import (
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestViews(t *testing.T) {
	_, rc, dc := clients(t, Options{CRDs: []*unstructured.Unstructured{widgetCRD()}})
	ctx := testCtx(t)
	if _, err := dc.Resource(cmGVR).Namespace("default").Create(ctx, configMap("v", nil, map[string]any{"a": "1", "b": "2"}), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := dc.Resource(widgetGVR).Namespace("default").Create(ctx, widget("w", map[string]any{"color": "blue"}), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	const (
		tableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
		metaAccept  = "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json"
	)
	tests := []struct {
		name, path, accept string
		wantCode           int
		wantKind           string
		wantColumns        []string
		wantCells          []any
	}{
		{name: "configmap table", path: "/api/v1/namespaces/default/configmaps", accept: tableAccept, wantCode: 200, wantKind: "Table", wantColumns: []string{"Name", "Data", "Age"}, wantCells: []any{"v", float64(2)}},
		{name: "widget table", path: "/apis/memtest.example.com/v1/namespaces/default/widgets", accept: tableAccept, wantCode: 200, wantKind: "Table", wantColumns: []string{"Name", "Color"}, wantCells: []any{"w", "blue"}},
		{name: "one object as table", path: "/api/v1/namespaces/default/configmaps/v", accept: tableAccept, wantCode: 200, wantKind: "Table"},
		{name: "metadata list", path: "/api/v1/namespaces/default/configmaps", accept: metaAccept, wantCode: 200, wantKind: "PartialObjectMetadataList"},
		{name: "metadata get", path: "/api/v1/namespaces/default/configmaps/v", accept: "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io", wantCode: 200, wantKind: "PartialObjectMetadata"},
		{name: "not acceptable", path: "/api/v1/namespaces/default/configmaps/v", accept: "application/xml", wantCode: 406},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got struct {
				Kind              string
				ColumnDefinitions []struct{ Name string }
				Rows              []struct{ Cells []any }
			}
			code := getJSON(t, rc, tc.path, tc.accept, &got)
			if code != tc.wantCode || (code == 200 && got.Kind != tc.wantKind) {
				t.Fatalf("GET %s: %d %q, want %d %q", tc.path, code, got.Kind, tc.wantCode, tc.wantKind)
			}
			if tc.wantColumns != nil {
				var cols []string
				for _, c := range got.ColumnDefinitions {
					cols = append(cols, c.Name)
				}
				if len(cols) != len(tc.wantColumns) || len(got.Rows) != 1 {
					t.Fatalf("columns %v rows %d", cols, len(got.Rows))
				}
				for i, want := range tc.wantCells {
					if got.Rows[0].Cells[i] != want {
						t.Errorf("cell %d = %v, want %v", i, got.Rows[0].Cells[i], want)
					}
				}
			}
		})
	}
	err := dc.Resource(cmGVR).Namespace("default").Delete(ctx, "v", metav1.DeleteOptions{PropagationPolicy: ptrTo(metav1.DeletionPropagation("Sideways"))})
	if !apierrors.IsInvalid(err) {
		t.Errorf("delete with an unknown propagationPolicy: %v, want Invalid", err)
	}
}

func ptrTo[T any](v T) *T { return &v }
