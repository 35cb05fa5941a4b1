package dynamic

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sync/errgroup"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/test/cluster"
)

// TestIntegrationSubresources exercises status and scale of a CRD and of a
// Deployment, and pods/eviction through Create.
func TestIntegrationSubresources(t *testing.T) {
	env := cluster.Get(t)
	c := adminClient(t, env)
	ns := env.Namespace(t)
	ctx := context.Background()
	gvr := installWidgetCRD(t, c, "Namespaced")
	h := c.Resource(gvr).Namespace(ns)

	w, err := h.Create(ctx, widget(gvr, ns, "w", 2), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The main resource ignores status; the status subresource ignores spec.
	w.Object["status"] = map[string]any{"replicas": int64(2), "phase": "Ready"}
	w.Object["spec"].(map[string]any)["color"] = "blue"
	st, err := h.UpdateStatus(ctx, w, metav1.UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if phase, _, _ := unstructured.NestedString(st.Object, "status", "phase"); phase != "Ready" {
		t.Errorf("status.phase %q after UpdateStatus", phase)
	}
	if color, _, _ := unstructured.NestedString(st.Object, "spec", "color"); color != "red" {
		t.Errorf("UpdateStatus changed spec.color to %q", color)
	}
	applied, err := h.ApplyStatus(ctx, "w", &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": gvr.GroupVersion().String(), "kind": "Widget", "metadata": map[string]any{"name": "w"},
		"status": map[string]any{"phase": "Degraded"}}}, metav1.ApplyOptions{FieldManager: "status-writer", Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if phase, _, _ := unstructured.NestedString(applied.Object, "status", "phase"); phase != "Degraded" {
		t.Errorf("status.phase %q after ApplyStatus", phase)
	}

	scale, err := h.Get(ctx, "w", metav1.GetOptions{}, "scale")
	if err != nil {
		t.Fatal(err)
	}
	if scale.GetKind() != "Scale" {
		t.Fatalf("scale subresource kind %q", scale.GetKind())
	}
	if n, _, _ := unstructured.NestedInt64(scale.Object, "spec", "replicas"); n != 2 {
		t.Errorf("scale spec.replicas %d, want 2", n)
	}
	if err := unstructured.SetNestedField(scale.Object, int64(5), "spec", "replicas"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Update(ctx, scale, metav1.UpdateOptions{}, "scale"); err != nil {
		t.Fatal(err)
	}
	got, err := h.Get(ctx, "w", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n, _, _ := unstructured.NestedInt64(got.Object, "spec", "replicas"); n != 5 {
		t.Errorf("spec.replicas %d after a scale update, want 5", n)
	}
	if _, err := h.Get(ctx, "w", metav1.GetOptions{}, "nosuch"); !apierrors.IsNotFound(err) {
		t.Errorf("unknown subresource: %v, want NotFound", err)
	}

	// pods/eviction: a Pod needs its ServiceAccount, which no controller
	// creates here.
	core := func(r string) *ResourceHandle {
		return c.Resource(schema.GroupVersionResource{Version: "v1", Resource: r}).Namespace(ns)
	}
	if _, err := core("serviceaccounts").Create(ctx, object("v1", "ServiceAccount", ns, "default"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	pod := object("v1", "Pod", ns, "victim")
	pod.Object["spec"] = map[string]any{"containers": []any{map[string]any{"name": "c", "image": "busybox"}}}
	if _, err := core("pods").Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	eviction := object("policy/v1", "Eviction", ns, "victim")
	if _, err := core("pods").Create(ctx, eviction, metav1.CreateOptions{}, "eviction"); err != nil {
		t.Fatal(err)
	}
	if _, err := core("pods").Get(ctx, "victim", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("pod after eviction: %v, want NotFound", err)
	}
}

// TestIntegrationCollections deletes by label selector and pages through
// 1,000 objects 100 at a time.
func TestIntegrationCollections(t *testing.T) {
	env := cluster.Get(t)
	c := adminClient(t, env)
	ns := env.Namespace(t)
	ctx := context.Background()
	cms := c.Resource(schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}).Namespace(ns)

	const n = 1000
	var g errgroup.Group
	g.SetLimit(16)
	for i := range n {
		g.Go(func() error {
			cm := configMap(ns, fmt.Sprintf("cm-%04d", i), map[string]any{"i": fmt.Sprint(i)})
			cm.SetLabels(map[string]string{"parity": []string{"even", "odd"}[i%2]})
			_, err := cms.Create(ctx, cm, metav1.CreateOptions{})
			return err
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}

	page, err := cms.List(ctx, metav1.ListOptions{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 100 || page.GetContinue() == "" {
		t.Fatalf("first page: %d items, continue %q", len(page.Items), page.GetContinue())
	}
	seen := map[string]bool{}
	for obj, err := range cms.Items(ctx, metav1.ListOptions{Limit: 100}) {
		if err != nil {
			t.Fatal(err)
		}
		if seen[obj.GetName()] {
			t.Fatalf("%s seen twice", obj.GetName())
		}
		seen[obj.GetName()] = true
	}
	if len(seen) != n {
		t.Errorf("Items yielded %d objects, want %d", len(seen), n)
	}
	count := 0
	for range cms.Items(ctx, metav1.ListOptions{Limit: 100}) {
		if count++; count == 150 {
			break // stopping early must not fetch more or panic
		}
	}

	if err := cms.DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{LabelSelector: "parity=odd"}); err != nil {
		t.Fatal(err)
	}
	left, err := cms.List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(left.Items) != n/2 {
		t.Errorf("%d left after deleting the odd ones, want %d", len(left.Items), n/2)
	}
	for _, o := range left.Items {
		if o.GetLabels()["parity"] != "even" {
			t.Errorf("%s (parity %s) survived", o.GetName(), o.GetLabels()["parity"])
		}
	}
}

// TestIntegrationItemsExpiredContinue compacts etcd between two pages: the
// next page's continue token is then too old, and Items ends with an error
// that apierrors.IsResourceExpired recognises and that says how far it got.
func TestIntegrationItemsExpiredContinue(t *testing.T) {
	env := cluster.Get(t)
	c := adminClient(t, env)
	ns := env.Namespace(t)
	ctx := context.Background()
	// PodTemplates bypass the watch cache in the test control plane, so the
	// continue token is checked against etcd's compacted revision.
	pts := c.Resource(schema.GroupVersionResource{Version: "v1", Resource: "podtemplates"}).Namespace(ns)
	for i := range 5 {
		u := object("v1", "PodTemplate", ns, fmt.Sprintf("pt-%d", i))
		u.Object["template"] = map[string]any{"spec": map[string]any{"containers": []any{map[string]any{"name": "c", "image": "busybox"}}}}
		if _, err := pts.Create(ctx, u, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}

	var names []string
	var last error
	for obj, err := range pts.Items(ctx, metav1.ListOptions{Limit: 2}) {
		if err != nil {
			last = err
			break
		}
		names = append(names, obj.GetName())
		if len(names) == 2 {
			// A write moves etcd past the page's revision; compacting
			// there makes the continue token refer to a lost revision.
			if _, err := c.Resource(schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}).Namespace(ns).
				Create(ctx, configMap(ns, "bump", nil), metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
			if _, err := env.CompactEtcd(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	if diff := cmp.Diff([]string{"pt-0", "pt-1"}, names); diff != "" {
		t.Errorf("objects before the expired page (-want +got):\n%s", diff)
	}
	if last == nil {
		t.Fatal("Items ended without an error after the continue token expired")
	}
	if !apierrors.IsResourceExpired(last) {
		t.Errorf("IsResourceExpired(%v) = false", last)
	}
	for _, want := range []string{"continue token expired after 2 objects", "podtemplates", ns} {
		if !strings.Contains(last.Error(), want) {
			t.Errorf("error %q does not mention %q", last, want)
		}
	}
}
