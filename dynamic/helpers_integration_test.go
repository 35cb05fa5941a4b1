package dynamic

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/rest"
	"github.com/kubedyn/kubedyn/test/cluster"
)

// adminClient returns a dynamic Client for the real control plane as admin.
func adminClient(t testing.TB, env *cluster.Env) *Client {
	t.Helper()
	cfg, err := rest.Load(rest.LoadOptions{KubeconfigPath: env.Kubeconfig, Context: cluster.AdminContext})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := rest.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(rc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var crds = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// installWidgetCRD installs a CRD of a group unique to the test, with
// status and scale subresources, namespaced or cluster-scoped, waits until
// it is served, and returns its resource.
func installWidgetCRD(t *testing.T, c *Client, scope string) schema.GroupVersionResource {
	t.Helper()
	group := fmt.Sprintf("t%d.dynamic.kubedyn.test", rand.Uint32())
	crd := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
		"metadata": map[string]any{"name": "widgets." + group},
		"spec": map[string]any{
			"group": group, "scope": scope,
			"names": map[string]any{"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
			"versions": []any{map[string]any{
				"name": "v1", "served": true, "storage": true,
				"subresources": map[string]any{
					"status": map[string]any{},
					"scale":  map[string]any{"specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas"},
				},
				"schema": map[string]any{"openAPIV3Schema": map[string]any{
					"type": "object",
					"properties": map[string]any{
						"spec": map[string]any{"type": "object", "properties": map[string]any{
							"replicas": map[string]any{"type": "integer"},
							"color":    map[string]any{"type": "string"},
						}},
						"status": map[string]any{"type": "object", "properties": map[string]any{
							"replicas": map[string]any{"type": "integer"},
							"phase":    map[string]any{"type": "string"},
						}},
					},
				}},
			}},
		},
	}}
	return createCRD(t, c, crd, schema.GroupVersionResource{Group: group, Version: "v1", Resource: "widgets"})
}

// createCRD creates crd, deletes it when the test ends, and waits until the
// server serves gvr, its resource.
func createCRD(t *testing.T, c *Client, crd *unstructured.Unstructured, gvr schema.GroupVersionResource) schema.GroupVersionResource {
	t.Helper()
	ctx := context.Background()
	if _, err := c.Resource(crds).Create(ctx, crd, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Resource(crds).Delete(context.Background(), crd.GetName(), metav1.DeleteOptions{}) })
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := c.Resource(gvr).List(ctx, metav1.ListOptions{Limit: 1})
		if err == nil {
			return gvr
		}
		if time.Now().After(deadline) {
			t.Fatalf("CRD %s never served: %v", gvr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func widget(gvr schema.GroupVersionResource, ns, name string, replicas int64) *unstructured.Unstructured {
	u := object(gvr.GroupVersion().String(), "Widget", ns, name)
	u.Object["spec"] = map[string]any{"replicas": replicas, "color": "red"}
	return u
}

func configMap(ns, name string, data map[string]any) *unstructured.Unstructured {
	u := object("v1", "ConfigMap", ns, name)
	u.Object["data"] = data
	return u
}
