package main

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/test/cluster"
)

var deployments = schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}

// TestIntegrationDeployments runs the controller on "deploy": a built-in
// resource with a status subresource whose generation is incremented by
// annotation changes and whose conditions have no observedGeneration. The
// controller must learn both and settle: the annotation equals the
// generation, the condition is there, and the writes stop.
func TestIntegrationDeployments(t *testing.T) {
	env := cluster.Get(t)
	c := newClients(t, env)
	ns := env.Namespace(t)
	h := c.dyn.Resource(deployments).Namespace(ns)
	createDeployments(t, h, "a", 3)

	p := start(t, env, "deploy", "-n", ns, "deploy")
	p.waitLog(t, 1, "resource served; starting", map[string]string{"gvr": "deployments.v1.apps", "status": "true"})
	waitDeploymentsSettled(t, h, 3)
	p.waitLog(t, 1, "the resource increments metadata.generation when annotations change; recording the generation each write produces", nil)
	p.waitLog(t, 1, "the resource's conditions have no observedGeneration field; writing them without it", nil)
	gens := generations(t, h)

	// A later object settles too, and the first ones were left alone
	// meanwhile: no write loop.
	createDeployments(t, h, "b", 1)
	waitDeploymentsSettled(t, h, 4)
	for name, gen := range generations(t, h) {
		if before, ok := gens[name]; ok && before != gen {
			t.Errorf("%s: generation %d, was %d once settled: the controller keeps writing", name, gen, before)
		}
	}
	if n := len(p.lines("metadata patched", nil)); n > 2*4 {
		t.Errorf("metadata patched %d times for 4 deployments, want at most 2 each", n)
	}
	p.terminate(t)
}

// waitDeploymentsSettled waits until h holds n deployments, each with the
// label, the annotation equal to its generation, and a True Reconciled
// condition.
func waitDeploymentsSettled(t *testing.T, h *dynamic.ResourceHandle, n int) {
	t.Helper()
	waitFor(t, fmt.Sprintf("%d deployments to settle", n), func() (bool, string) {
		items := listItems(t, h)
		if len(items) != n {
			return false, fmt.Sprintf("%d deployments", len(items))
		}
		for _, d := range items {
			gen := strconv.FormatInt(d.GetGeneration(), 10)
			if d.GetLabels()["kubedyn.io/reconciled"] != "true" || d.GetAnnotations()["kubedyn.io/observed-generation"] != gen {
				return false, fmt.Sprintf("%s: generation %s, labels %v, annotations %v", d.GetName(), gen, d.GetLabels(), d.GetAnnotations())
			}
			conds, _, _ := unstructured.NestedSlice(d.Object, "status", "conditions")
			ok := false
			for _, ci := range conds {
				c, _ := ci.(map[string]any)
				ok = ok || (c["type"] == "Reconciled" && c["status"] == "True" && c["reason"] == "Reconciled")
			}
			if !ok {
				return false, fmt.Sprintf("%s: conditions %v", d.GetName(), conds)
			}
		}
		return true, ""
	})
}

// generations maps each deployment of h to its generation.
func generations(t *testing.T, h *dynamic.ResourceHandle) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, d := range listItems(t, h) {
		out[d.GetName()] = d.GetGeneration()
	}
	return out
}

// createDeployments creates n deployments prefix-0… (nothing runs them:
// the test server has no controller-manager).
func createDeployments(t *testing.T, h *dynamic.ResourceHandle, prefix string, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	for i := range n {
		name := fmt.Sprintf("%s-%d", prefix, i)
		labels := map[string]any{"app": name}
		obj := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "apps/v1",
			"kind":       "Deployment",
			"metadata":   map[string]any{"name": name},
			"spec": map[string]any{
				"selector": map[string]any{"matchLabels": labels},
				"template": map[string]any{
					"metadata": map[string]any{"labels": labels},
					"spec": map[string]any{"containers": []any{
						map[string]any{"name": "web", "image": "registry.example/web:1"},
					}},
				},
			},
		}}
		if _, err := h.Create(ctx, obj, metav1.CreateOptions{}); err != nil {
			t.Fatalf("create deployment %s: %v", name, err)
		}
	}
}
