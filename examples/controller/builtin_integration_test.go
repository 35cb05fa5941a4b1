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
	"github.com/kubedyn/kubedyn/dynamic/leader"
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

// TestIntegrationLeaderElection runs two replicas with --leader-elect:
// only the one holding the Lease writes (each has its own field manager,
// so the objects' managedFields and condition messages say who wrote);
// when it ends with SIGTERM it releases the Lease, and the other takes over.
func TestIntegrationLeaderElection(t *testing.T) {
	env := cluster.Get(t)
	c := newClients(t, env)
	ns := env.Namespace(t)
	h := c.dyn.Resource(configMaps).Namespace(ns)
	createConfigMaps(t, h, "first", 10)

	args := func(id string) []string {
		return []string{"-n", ns, "--leader-elect", "--leader-elect-lease-name", "ctrl-test",
			"--leader-elect-identity", id, "--field-manager", id,
			"--leader-elect-lease-duration", "6s", "--leader-elect-renew-deadline", "4s",
			"--leader-elect-retry-period", "500ms", "configmaps"}
	}
	a := start(t, env, "replica-a", args("replica-a")...)
	a.waitLog(t, 1, "started leading", map[string]string{"identity": "replica-a"})
	b := start(t, env, "replica-b", args("replica-b")...)
	b.waitLog(t, 1, "leader observed", map[string]string{"holder": "replica-a"})
	waitReconciled(t, h, 10, false, "replica-a")
	checkManagers(t, h, "replica-a", "replica-b")
	if n := len(b.lines("started leading", nil)); n != 0 {
		t.Fatalf("replica-b started leading while replica-a held the lease")
	}
	if holder := leaseHolder(t, c.dyn, ns, "ctrl-test"); holder != "replica-a" {
		t.Fatalf("lease holder %q, want replica-a", holder)
	}

	a.terminate(t)
	b.waitLog(t, 1, "started leading", map[string]string{"identity": "replica-b"})
	createConfigMaps(t, h, "second", 5)
	waitReconciled(t, h, 15, false, "")
	for _, cm := range listItems(t, h) {
		if strings.HasPrefix(cm.GetName(), "second-") && !managedBy(&cm, "replica-b") {
			t.Errorf("%s, created after replica-a ended, was not written by replica-b: %v", cm.GetName(), cm.GetManagedFields())
		}
	}
	b.terminate(t)
	if holder := leaseHolder(t, c.dyn, ns, "ctrl-test"); holder != "" {
		t.Errorf("lease holder %q after both replicas ended, want \"\" (released)", holder)
	}
}

// checkManagers fails unless some object of h was written by manager want
// and none by manager notWant.
func checkManagers(t *testing.T, h *dynamic.ResourceHandle, want, notWant string) {
	t.Helper()
	for _, cm := range listItems(t, h) {
		if !managedBy(&cm, want) {
			t.Errorf("%s was not written by %s, the leader", cm.GetName(), want)
		}
		if managedBy(&cm, notWant) {
			t.Errorf("%s was written by %s, which did not lead", cm.GetName(), notWant)
		}
	}
}

// managedBy reports whether obj's managedFields name manager.
func managedBy(obj *unstructured.Unstructured, manager string) bool {
	for _, mf := range obj.GetManagedFields() {
		if mf.Manager == manager {
			return true
		}
	}
	return false
}

// leaseHolder returns the holderIdentity of the Lease ns/name.
func leaseHolder(t *testing.T, dyn *dynamic.Client, ns, name string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	lease, err := dyn.Resource(leader.Leases).Namespace(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get lease %s/%s: %v", ns, name, err)
	}
	rec, err := leader.ParseRecord(lease)
	if err != nil {
		t.Fatal(err)
	}
	return rec.HolderIdentity
}

// createConfigMaps creates n ConfigMaps prefix-000… with a label and an
// annotation of their own.
func createConfigMaps(t *testing.T, h *dynamic.ResourceHandle, prefix string, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	for i := range n {
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
			t.Fatalf("create ConfigMap %s-%03d: %v", prefix, i, err)
		}
	}
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
