package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/test/cluster"
)

var configMaps = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}

// TestIntegrationConfigMaps runs the controller on a built-in resource
// with no status subresource, by short name, in one namespace: objects get
// the label and the annotation ("0": ConfigMaps have no generation) and no
// status; ConfigMaps of other namespaces are left alone.
func TestIntegrationConfigMaps(t *testing.T) {
	env := cluster.Get(t)
	c := newClients(t, env)
	ns, other := env.Namespace(t), env.Namespace(&subName{t, "other"})
	h := c.dyn.Resource(configMaps).Namespace(ns)
	createConfigMaps(t, h, "before", 5)
	createConfigMaps(t, c.dyn.Resource(configMaps).Namespace(other), "elsewhere", 2)

	p := start(t, env, "cm", "-n", ns, "cm")
	p.waitLog(t, 1, "resource served; starting", map[string]string{"gvr": "configmaps.v1", "status": "false"})
	createConfigMaps(t, h, "after", 5)
	waitReconciled(t, h, 10, false, "kubedyn-controller")

	// A label removed by someone else comes back.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	patch := `{"metadata":{"labels":{"kubedyn.io/reconciled":null}}}`
	if _, err := h.Patch(ctx, "after-000", types.MergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	waitReconciled(t, h, 10, false, "kubedyn-controller")

	p.terminate(t)
	for _, cm := range listItems(t, c.dyn.Resource(configMaps).Namespace(other)) {
		if v, ok := cm.GetLabels()["kubedyn.io/reconciled"]; ok {
			t.Errorf("%s/%s in another namespace got the label (%q)", other, cm.GetName(), v)
		}
	}
	if n := len(p.lines("waiting for resource to be served", nil)); n != 0 {
		t.Errorf("logged \"waiting for resource to be served\" %d times for a built-in resource", n)
	}
}

// TestIntegrationDrainOnSIGTERM sends SIGTERM as soon as the cache has
// synced: every object's key is queued by then (handlers see the sync after
// the initial adds), so a clean shutdown that drains the queue leaves every
// object reconciled, with one worker and however far it had got.
func TestIntegrationDrainOnSIGTERM(t *testing.T) {
	env := cluster.Get(t)
	c := newClients(t, env)
	ns := env.Namespace(t)
	h := c.dyn.Resource(configMaps).Namespace(ns)
	const n = 150
	createConfigMaps(t, h, "drain", n)
	p := start(t, env, "drain", "-n", ns, "--workers", "1", "--shutdown-timeout", "3m", "configmaps")
	p.waitLog(t, 1, "cache synced; reconciling", map[string]string{"objects": fmt.Sprint(n)})
	p.terminate(t)
	for _, cm := range listItems(t, h) {
		if pr := problem(&cm, false, ""); pr != "" {
			t.Errorf("after a drained shutdown: %s", pr)
		}
	}
	log := p.logText()
	i := strings.Index(log, "shutting down: draining the queue")
	if i < 0 {
		t.Fatalf("no \"shutting down: draining the queue\" line in:\n%s", log)
	}
	after := strings.Count(log[i:], `"msg":"metadata patched"`)
	t.Logf("%d of %d objects were reconciled after SIGTERM, while draining", after, n)
}

// TestIntegrationUnsupportedResource gives the controller a resource it
// cannot list, watch or patch: it exits 1 at once with a clear error.
func TestIntegrationUnsupportedResource(t *testing.T) {
	env := cluster.Get(t)
	p := start(t, env, "tokenreviews", "tokenreviews")
	if code := p.exitCode(t); code != exitError {
		t.Fatalf("exit code %d, want %d", code, exitError)
	}
	want := "tokenreviews.v1.authentication.k8s.io: cannot be reconciled: the server does not offer list, watch, patch on it (verbs: create)"
	if got := p.lines("stopped with an error", map[string]string{"err": want}); len(got) != 1 {
		t.Errorf("no \"stopped with an error\" line with err %q in:\n%s", want, p.logText())
	}
}

// createConfigMaps creates n ConfigMaps prefix-000… with a label and an
// annotation of their own, several at once.
func createConfigMaps(t *testing.T, h *dynamic.ResourceHandle, prefix string, n int) {
	t.Helper()
	inParallel(t, n, func(ctx context.Context, i int) error {
		obj := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "v1",
			"kind":       "ConfigMap",
			"metadata": map[string]any{
				"name":        fmt.Sprintf("%s-%03d", prefix, i),
				"labels":      map[string]any{"app": "test"},
				"annotations": map[string]any{"owner": "test"},
			},
			"data": map[string]any{"i": fmt.Sprint(i)},
		}}
		if _, err := h.Create(ctx, obj, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("create ConfigMap %s-%03d: %w", prefix, i, err)
		}
		return nil
	})
}

// listItems lists h's objects.
func listItems(t *testing.T, h *dynamic.ResourceHandle) []unstructured.Unstructured {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	l, err := h.List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatalf("list %s: %v", h.GroupVersionResource(), err)
	}
	return l.Items
}

// subName is t with a name suffix, so env.Namespace gives a second,
// distinct namespace to the same test.
type subName struct {
	*testing.T
	suffix string
}

func (s *subName) Name() string { return s.T.Name() + "-" + s.suffix }
