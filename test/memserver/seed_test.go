package memserver

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestSeed(t *testing.T) {
	ns := u(map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "team"}})
	cm := configMap("seeded", nil, map[string]any{"k": "v"})
	cm.SetNamespace("team")
	w := widget("w", nil)
	w.SetNamespace("team")
	_, _, dc := clients(t, Options{CRDs: []*unstructured.Unstructured{widgetCRD()}, Objects: []*unstructured.Unstructured{ns, cm, w}})
	ctx := testCtx(t)
	tests := []struct {
		name string
		get  func() (*unstructured.Unstructured, error)
	}{
		{name: "default namespace", get: func() (*unstructured.Unstructured, error) {
			return dc.Resource(nsGVR).Get(ctx, "kube-system", metav1.GetOptions{})
		}},
		{name: "seeded configmap", get: func() (*unstructured.Unstructured, error) {
			return dc.Resource(cmGVR).Namespace("team").Get(ctx, "seeded", metav1.GetOptions{})
		}},
		{name: "seeded custom resource", get: func() (*unstructured.Unstructured, error) {
			return dc.Resource(widgetGVR).Namespace("team").Get(ctx, "w", metav1.GetOptions{})
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.get(); err != nil {
				t.Fatal(err)
			}
		})
	}
	_, err := Start(ctx, Options{Objects: []*unstructured.Unstructured{configMap("Bad_Name", nil, nil)}})
	if err == nil || !strings.Contains(err.Error(), "422") {
		t.Errorf("Start with an invalid object: %v, want the server's 422", err)
	}
}
