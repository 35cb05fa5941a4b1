package dynamic

import (
	"context"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubedyn/kubedyn/restmapper"
)

// TestBadInputSendsNothing checks that mistakes a client can see are
// reported, naming the call, before any request is sent.
func TestBadInputSendsNothing(t *testing.T) {
	ctx := context.Background()
	c, w := newWireClient(t, "{}")
	mapped, mw := newWireClient(t, "{}")
	mapped.mapper = restmapper.New(restmapper.StaticSource{
		Groups: []metav1.APIGroup{
			{Name: "", Versions: []metav1.GroupVersionForDiscovery{{GroupVersion: "v1", Version: "v1"}},
				PreferredVersion: metav1.GroupVersionForDiscovery{GroupVersion: "v1", Version: "v1"}},
		},
		Resources: []*metav1.APIResourceList{{GroupVersion: "v1", APIResources: []metav1.APIResource{
			{Name: "configmaps", SingularName: "configmap", Namespaced: true, Kind: "ConfigMap", Verbs: []string{"get"}},
			{Name: "namespaces", SingularName: "namespace", Kind: "Namespace", Verbs: []string{"get"}},
		}}},
	}, restmapper.Options{})
	cm := c.Resource(schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}).Namespace("ns")
	named := object("v1", "ConfigMap", "ns", "a")
	tests := []struct {
		name    string
		do      func() error
		wantErr string
	}{
		{"get with empty name", func() error { _, err := cm.Get(ctx, "", metav1.GetOptions{}); return err }, `get configmaps.v1 in namespace "ns": invalid name`},
		{"get with slash", func() error { _, err := cm.Get(ctx, "a/b", metav1.GetOptions{}); return err }, `get configmaps.v1 "a/b"`},
		{"get with dot-dot", func() error { _, err := cm.Get(ctx, "..", metav1.GetOptions{}); return err }, "invalid name"},
		{"delete with percent", func() error { return cm.Delete(ctx, "a%2f", metav1.DeleteOptions{}) }, "invalid name"},
		{"bad namespace", func() error {
			_, err := c.Resource(cm.gvr).Namespace("a/b").List(ctx, metav1.ListOptions{})
			return err
		}, "invalid name"},
		{"bad subresource", func() error { _, err := cm.Get(ctx, "a", metav1.GetOptions{}, "../x"); return err }, "subresource"},
		{"create nil", func() error { _, err := cm.Create(ctx, nil, metav1.CreateOptions{}); return err }, "nil object"},
		{"create without name", func() error {
			_, err := cm.Create(ctx, &unstructured.Unstructured{Object: map[string]any{"kind": "ConfigMap"}}, metav1.CreateOptions{})
			return err
		}, "neither metadata.name nor metadata.generateName"},
		{"update without name", func() error {
			_, err := cm.Update(ctx, &unstructured.Unstructured{Object: map[string]any{}}, metav1.UpdateOptions{})
			return err
		}, "invalid name"},
		{"update nil", func() error { _, err := cm.Update(ctx, nil, metav1.UpdateOptions{}); return err }, "nil object"},
		{"apply without field manager", func() error { _, err := cm.Apply(ctx, "a", named, metav1.ApplyOptions{}); return err }, "FieldManager is required"},
		{"apply with another name", func() error {
			_, err := cm.Apply(ctx, "b", named, metav1.ApplyOptions{FieldManager: "m"})
			return err
		}, `the object is named "a"`},
		{"apply nil", func() error { _, err := cm.Apply(ctx, "a", nil, metav1.ApplyOptions{FieldManager: "m"}); return err }, "nil object"},
		{"patch without type", func() error { _, err := cm.Patch(ctx, "a", "", []byte("{}"), metav1.PatchOptions{}); return err }, "no patch type"},
		{"patch nil", func() error {
			_, err := cm.Patch(ctx, "a", types.MergePatchType, nil, metav1.PatchOptions{})
			return err
		}, "nil patch"},
		{"no version", func() error {
			_, err := c.Resource(schema.GroupVersionResource{Resource: "configmaps"}).List(ctx, metav1.ListOptions{})
			return err
		}, "needs a version and a resource"},
		{"for object without mapper", func() error { _, err := c.ForObject(ctx, named); return err }, "has no Mapper"},
		{"for nil object", func() error { _, err := mapped.ForObject(ctx, nil); return err }, "nil object"},
		{"for object without kind", func() error {
			_, err := mapped.ForObject(ctx, &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1"}})
			return err
		}, "needs apiVersion and kind"},
		{"namespace on cluster-scoped kind", func() error {
			_, err := mapped.ForObject(ctx, object("v1", "Namespace", "ns", "x"))
			return err
		}, `namespaces is cluster-scoped, but namespace "ns" was given`},
		{"no namespace for namespaced kind", func() error {
			_, err := mapped.ForObject(ctx, object("v1", "ConfigMap", "", "x"))
			return err
		}, "configmaps is namespaced, and neither the object nor the client's default names a namespace"},
		{"unknown kind", func() error {
			_, err := mapped.ForObject(ctx, object("v1", "Gizmo", "ns", "x"))
			return err
		}, "Gizmo"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.do()
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
	if len(w.requests)+len(mw.requests) != 0 {
		t.Errorf("bad input sent %d requests:\n%s", len(w.requests)+len(mw.requests), strings.Join(append(w.requests, mw.requests...), "---\n"))
	}
}

func TestForObjectUsesDefaultNamespace(t *testing.T) {
	c, _ := newWireClient(t, "{}")
	c.mapper = restmapper.New(restmapper.StaticSource{
		Groups: []metav1.APIGroup{{Name: "", Versions: []metav1.GroupVersionForDiscovery{{GroupVersion: "v1", Version: "v1"}},
			PreferredVersion: metav1.GroupVersionForDiscovery{GroupVersion: "v1", Version: "v1"}}},
		Resources: []*metav1.APIResourceList{{GroupVersion: "v1", APIResources: []metav1.APIResource{
			{Name: "configmaps", SingularName: "configmap", Namespaced: true, Kind: "ConfigMap", Verbs: []string{"get"}}}}},
	}, restmapper.Options{})
	c.defNS = "team-a"
	h, err := c.ForObject(context.Background(), object("v1", "ConfigMap", "", "x"))
	if err != nil {
		t.Fatal(err)
	}
	if h.NamespaceName() != "team-a" || h.GroupVersionResource().Resource != "configmaps" {
		t.Errorf("handle on %v in %q, want configmaps in team-a", h.GroupVersionResource(), h.NamespaceName())
	}
}
