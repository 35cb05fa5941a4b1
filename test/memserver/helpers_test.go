package memserver

import (
	"context"
	"testing"
	"time"

	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/rest"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var (
	cmGVR     = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	nsGVR     = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
	deployGVR = schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}
	crdGVR    = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	widgetGVR = schema.GroupVersionResource{Group: "memtest.example.com", Version: "v1", Resource: "widgets"}
)

// clients starts a server and returns it with a kubedyn rest and dynamic
// client.
func clients(t testing.TB, opts Options) (*Server, *rest.Client, *dynamic.Client) {
	t.Helper()
	s := New(t, opts)
	cfg := s.RESTConfig()
	cfg.WarningHandler = rest.DiscardWarnings
	cfg.MaxRetries = -1
	rc, err := rest.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dc, err := dynamic.New(rc, dynamic.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s, rc, dc
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// u builds an unstructured object from a literal.
func u(o map[string]any) *unstructured.Unstructured { return &unstructured.Unstructured{Object: o} }

func configMap(name string, labels map[string]any, data map[string]any) *unstructured.Unstructured {
	md := map[string]any{"name": name}
	if labels != nil {
		md["labels"] = labels
	}
	o := map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": md}
	if data != nil {
		o["data"] = data
	}
	return u(o)
}

// widgetCRD is a namespaced CRD with status and scale subresources, a
// default, an enum and a printer column.
func widgetCRD() *unstructured.Unstructured {
	return u(map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
		"metadata": map[string]any{"name": "widgets.memtest.example.com"},
		"spec": map[string]any{
			"group": "memtest.example.com", "scope": "Namespaced",
			"names": map[string]any{"plural": "widgets", "singular": "widget", "kind": "Widget", "shortNames": []any{"wd"}},
			"versions": []any{map[string]any{
				"name": "v1", "served": true, "storage": true,
				"subresources":             map[string]any{"status": map[string]any{}, "scale": map[string]any{"specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas"}},
				"additionalPrinterColumns": []any{map[string]any{"name": "Color", "type": "string", "jsonPath": ".spec.color"}},
				"schema": map[string]any{"openAPIV3Schema": map[string]any{
					"type": "object",
					"properties": map[string]any{
						"spec": map[string]any{"type": "object", "properties": map[string]any{
							"color":    map[string]any{"type": "string", "enum": []any{"red", "blue"}, "default": "red"},
							"replicas": map[string]any{"type": "integer"},
							"tags":     map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
						}},
						"status": map[string]any{"type": "object", "properties": map[string]any{
							"replicas": map[string]any{"type": "integer"},
							"phase":    map[string]any{"type": "string"},
						}},
					},
				}},
			}},
		},
	})
}

func widget(name string, spec map[string]any) *unstructured.Unstructured {
	o := map[string]any{"apiVersion": "memtest.example.com/v1", "kind": "Widget", "metadata": map[string]any{"name": name}}
	if spec != nil {
		o["spec"] = spec
	}
	return u(o)
}
