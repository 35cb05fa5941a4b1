package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/yaml"

	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/test/cluster"
)

var crds = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// TestIntegrationCRDLifecycle starts the controller before its CRD exists,
// then creates the CRD and 50 objects, bumps some generations, adds a
// condition of someone else's, deletes the CRD and creates it again, and
// ends the controller with SIGTERM.
func TestIntegrationCRDLifecycle(t *testing.T) {
	env := cluster.Get(t)
	c := newClients(t, env)
	ns := env.Namespace(t)
	group := fmt.Sprintf("c%06d.ctrl.example.com", rand.IntN(1e6))
	resource := "widgets." + group
	t.Cleanup(func() { c.deleteCRD(t, group) })

	p := start(t, env, "widgets", "--workers", "4", resource)
	p.waitLog(t, 1, "waiting for resource to be served", map[string]string{"resource": resource})

	c.createCRD(t, group, "Namespaced")
	h := c.dyn.Resource(schema.GroupVersionResource{Group: group, Version: "v1", Resource: "widgets"}).Namespace(ns)
	c.createWidgets(t, h, group, 50)
	waitReconciled(t, h, 50, true, "kubedyn-controller")
	checkWrites(t, p, 50)
	if n := len(p.lines("waiting for resource to be served", nil)); n != 1 {
		t.Errorf("logged \"waiting for resource to be served\" %d times before the CRD came, want once", n)
	}

	t.Run("GenerationBump", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		for i := range 5 {
			name := fmt.Sprintf("w-%03d", i*10)
			patch := fmt.Sprintf(`{"spec":{"size":%d}}`, 100+i)
			out, err := h.Patch(ctx, name, types.MergePatchType, []byte(patch), metav1.PatchOptions{})
			if err != nil {
				t.Fatalf("patch %s: %v", name, err)
			}
			if out.GetGeneration() < 2 {
				t.Fatalf("%s: generation %d after a spec change, want ≥ 2", name, out.GetGeneration())
			}
		}
		waitReconciled(t, h, 50, true, "kubedyn-controller")
		checkWrites(t, p, 55)
	})

	t.Run("OthersConditionsKept", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		// Someone else replaces the conditions with theirs alone.
		patch := `{"status":{"conditions":[{"type":"Ready","status":"False","reason":"Waiting","message":"theirs","lastTransitionTime":"2026-01-01T00:00:00Z"}]}}`
		if _, err := h.Patch(ctx, "w-001", types.MergePatchType, []byte(patch), metav1.PatchOptions{}, "status"); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "w-001 to carry both conditions", func() (bool, string) {
			obj, err := h.Get(ctx, "w-001", metav1.GetOptions{})
			if err != nil {
				return false, err.Error()
			}
			conds, _, _ := unstructured.NestedSlice(obj.Object, "status", "conditions")
			if len(conds) != 2 || conds[0].(map[string]any)["type"] != "Ready" {
				return false, fmt.Sprintf("conditions %v", conds)
			}
			return problem(obj, true, "kubedyn-controller") == "", fmt.Sprintf("conditions %v", conds)
		})
	})

	t.Run("DeletedAndRecreated", func(t *testing.T) {
		c.deleteCRD(t, group)
		p.waitLog(t, 1, "resource gone; stopped work", map[string]string{"resource": resource})
		p.waitLog(t, 2, "waiting for resource to be served", map[string]string{"resource": resource})
		c.createCRD(t, group, "Namespaced")
		c.createWidgets(t, h, group, 50)
		waitReconciled(t, h, 50, true, "kubedyn-controller")
		if n := len(p.lines("resource served; starting", nil)); n != 2 {
			t.Errorf("logged \"resource served; starting\" %d times, want twice (once per CRD)", n)
		}
	})

	t.Run("StatusSubresourceRemoved", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		patch := `[{"op":"remove","path":"/spec/versions/0/subresources"}]`
		if _, err := c.dyn.Resource(crds).Patch(ctx, "widgets."+group, types.JSONPatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
			t.Fatal(err)
		}
		p.waitLog(t, 1, "resource changed; restarting", map[string]string{"resource": resource, "status": "false"})
		p.waitLog(t, 1, "resource served; starting", map[string]string{"status": "false"})
	})

	p.terminate(t)
	if n := len(p.lines("shutting down: draining the queue", nil)); n != 1 {
		t.Errorf("logged \"shutting down: draining the queue\" %d times, want once", n)
	}
}

// TestIntegrationTermWhileWaiting ends a controller whose resource never
// comes: it must exit 0 as promptly as one at work.
func TestIntegrationTermWhileWaiting(t *testing.T) {
	env := cluster.Get(t)
	resource := fmt.Sprintf("nothings.n%06d.ctrl.example.com", rand.IntN(1e6))
	p := start(t, env, "waiting", resource)
	p.waitLog(t, 1, "waiting for resource to be served", map[string]string{"resource": resource})
	p.terminate(t)
}

// TestIntegrationClusterScoped runs the controller on a cluster-scoped
// custom resource, given -n (which it must ignore, saying so), and ends it
// with SIGINT (Ctrl-C).
func TestIntegrationClusterScoped(t *testing.T) {
	env := cluster.Get(t)
	c := newClients(t, env)
	group := fmt.Sprintf("s%06d.ctrl.example.com", rand.IntN(1e6))
	t.Cleanup(func() { c.deleteCRD(t, group) })
	p := start(t, env, "cluster-widgets", "-n", "default", "widgets."+group)
	p.waitLog(t, 1, "waiting for resource to be served", nil)
	c.createCRD(t, group, "Cluster")
	h := c.dyn.Resource(schema.GroupVersionResource{Group: group, Version: "v1", Resource: "widgets"})
	c.createWidgets(t, h, group, 5)
	waitReconciled(t, h, 5, true, "kubedyn-controller")
	p.waitLog(t, 1, "--namespace ignored: the resource is cluster-scoped", nil)
	p.stop(t, syscall.SIGINT)
}

// checkWrites checks that the controller patched metadata and status n
// times each in all: once per object and generation, never again because
// its own writes came back as events. Conflicts are logged, not counted:
// another writer may cause them.
func checkWrites(t *testing.T, p *proc, n int) {
	t.Helper()
	p.waitLog(t, n, "metadata patched", nil)
	p.waitLog(t, n, "status patched", nil)
	for _, msg := range []string{"metadata patched", "status patched"} {
		if got := len(p.lines(msg, nil)); got != n {
			t.Errorf("logged %q %d times, want %d (one per object and generation)", msg, got, n)
		}
	}
	t.Logf("conflicts so far: %d on metadata, %d on status; reconciles skipped while the cache was behind our write: %d",
		len(p.lines("patch metadata: conflict; requeued", nil)), len(p.lines("patch status: conflict; requeued", nil)),
		len(p.lines("cache behind our own write; waiting for its event", nil)))
}

// createCRD creates the Widget CRD of the tour (tour/widget-crd.yaml:
// status subresource, standard conditions) in group, with scope Namespaced
// or Cluster, and waits until discovery serves it.
func (c *clients) createCRD(t *testing.T, group, scope string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("tour", "widget-crd.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.ReplaceAll(string(raw), "tour.controller.example.com", group)
	doc = strings.Replace(doc, "scope: Namespaced", "scope: "+scope, 1)
	obj := &unstructured.Unstructured{}
	if err := yaml.Unmarshal([]byte(doc), &obj.Object); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	if _, err := c.dyn.Resource(crds).Create(ctx, obj, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create CRD widgets.%s: %v", group, err)
	}
	waitFor(t, "CRD widgets."+group+" to be served", func() (bool, string) {
		list, err := c.disco.ServerResourcesForGroupVersion(ctx, group+"/v1")
		if err != nil {
			return false, err.Error()
		}
		for _, r := range list.APIResources {
			if r.Name == "widgets" {
				return true, ""
			}
		}
		return false, "not in discovery"
	})
}

// deleteCRD deletes the Widget CRD of group, if any, and waits until it
// is gone.
func (c *clients) deleteCRD(t *testing.T, group string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	h := c.dyn.Resource(crds)
	name := "widgets." + group
	if err := h.Delete(ctx, name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		t.Fatalf("delete CRD %s: %v", name, err)
	}
	waitFor(t, "CRD "+name+" to be deleted", func() (bool, string) {
		_, err := h.Get(ctx, name, metav1.GetOptions{})
		return apierrors.IsNotFound(err), fmt.Sprint(err)
	})
}

// createWidgets creates n widgets w-000… with a label and an annotation of
// their own, which the controller must keep.
func (c *clients) createWidgets(t *testing.T, h *dynamic.ResourceHandle, group string, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	for i := range n {
		obj := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": group + "/v1",
			"kind":       "Widget",
			"metadata": map[string]any{
				"name":        fmt.Sprintf("w-%03d", i),
				"labels":      map[string]any{"app": "test"},
				"annotations": map[string]any{"owner": "test"},
			},
			"spec": map[string]any{"size": int64(i)},
		}}
		if _, err := h.Create(ctx, obj, metav1.CreateOptions{}); err != nil {
			t.Fatalf("create widget %d: %v", i, err)
		}
	}
}

// problem says what obj lacks of the controller's work, "" when nothing:
// the label, the annotation equal to its generation, the test's own label
// and annotation kept, and with wantStatus a Reconciled condition (True,
// observedGeneration, reason, message naming manager, transition time)
// or else no status at all.
func problem(obj *unstructured.Unstructured, wantStatus bool, manager string) string {
	gen := obj.GetGeneration()
	name := obj.GetName()
	if v := obj.GetLabels()["kubedyn.io/reconciled"]; v != "true" {
		return fmt.Sprintf("%s: label kubedyn.io/reconciled=%q", name, v)
	}
	if v := obj.GetAnnotations()["kubedyn.io/observed-generation"]; v != strconv.FormatInt(gen, 10) {
		return fmt.Sprintf("%s: observed-generation %q, generation %d", name, v, gen)
	}
	if obj.GetLabels()["app"] != "test" || obj.GetAnnotations()["owner"] != "test" {
		return fmt.Sprintf("%s: its own label or annotation was lost: %v %v", name, obj.GetLabels(), obj.GetAnnotations())
	}
	status, hasStatus := obj.Object["status"]
	if !wantStatus {
		if hasStatus {
			return fmt.Sprintf("%s: unexpected status %v", name, status)
		}
		return ""
	}
	conds, _, _ := unstructured.NestedSlice(obj.Object, "status", "conditions")
	for _, ci := range conds {
		c, _ := ci.(map[string]any)
		if c["type"] != "Reconciled" {
			continue
		}
		og, _ := c["observedGeneration"].(int64)
		ltt, _ := c["lastTransitionTime"].(string)
		if c["status"] != "True" || og != gen || c["reason"] != "Reconciled" ||
			c["message"] != "reconciled by "+manager || ltt == "" {
			return fmt.Sprintf("%s (generation %d): condition %v", name, gen, c)
		}
		if _, err := time.Parse(time.RFC3339, ltt); err != nil {
			return fmt.Sprintf("%s: lastTransitionTime %q: %v", name, ltt, err)
		}
		return ""
	}
	return fmt.Sprintf("%s: no Reconciled condition in %v", name, conds)
}

// waitReconciled waits until h holds exactly n objects and problem finds
// nothing wrong with any.
func waitReconciled(t *testing.T, h *dynamic.ResourceHandle, n int, wantStatus bool, manager string) {
	t.Helper()
	waitFor(t, fmt.Sprintf("%d objects of %s to be reconciled", n, h.GroupVersionResource()), func() (bool, string) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		l, err := h.List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, err.Error()
		}
		if len(l.Items) != n {
			return false, fmt.Sprintf("%d objects", len(l.Items))
		}
		bad, first := 0, ""
		for i := range l.Items {
			if p := problem(&l.Items[i], wantStatus, manager); p != "" {
				if bad == 0 {
					first = p
				}
				bad++
			}
		}
		return bad == 0, fmt.Sprintf("%d of %d not reconciled, first: %s", bad, n, first)
	})
}
