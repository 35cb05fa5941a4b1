package main

import (
	"context"
	"strings"
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/dynamic/leader"
	"github.com/kubedyn/kubedyn/test/cluster"
)

// TestIntegrationLeaderElection runs two replicas with --leader-elect:
// only the one holding the Lease writes (each has its own field manager, so
// the objects' managedFields say who wrote). The leader is frozen (SIGSTOP)
// past the lease duration: the other takes over, and the frozen one, woken
// up, finds it lost the lease, stops at once and rejoins the election. When
// the new leader ends with SIGTERM it releases the Lease and the first one
// takes over again.
func TestIntegrationLeaderElection(t *testing.T) {
	env := cluster.Get(t)
	c := newClients(t, env)
	ns := env.Namespace(t)
	h := c.dyn.Resource(configMaps).Namespace(ns)
	createConfigMaps(t, h, "first", 10)

	args := func(id string) []string {
		return []string{"-n", ns, "--leader-elect", "--leader-elect-lease-name", "ctrl-test",
			"--leader-elect-identity", id, "--field-manager", id,
			"--leader-elect-lease-duration", "12s", "--leader-elect-renew-deadline", "9s",
			"--leader-elect-retry-period", "1s", "configmaps"}
	}
	a := start(t, env, "replica-a", args("replica-a")...)
	a.waitLog(t, 1, "started leading", map[string]string{"identity": "replica-a"})
	b := start(t, env, "replica-b", args("replica-b")...)
	b.waitLog(t, 1, "leader observed", map[string]string{"holder": "replica-a"})
	waitReconciled(t, h, 10, false, "")
	checkManagers(t, h, "replica-a", "replica-b")
	if n := len(b.lines("started leading", nil)); n != 0 {
		t.Fatalf("replica-b started leading while replica-a held the lease")
	}
	if holder := leaseHolder(t, c.dyn, ns, "ctrl-test"); holder != "replica-a" {
		t.Fatalf("lease holder %q, want replica-a", holder)
	}

	t.Run("LeaderFrozen", func(t *testing.T) {
		a.signal(t, syscall.SIGSTOP)
		b.waitLog(t, 1, "started leading", map[string]string{"identity": "replica-b"})
		a.signal(t, syscall.SIGCONT)
		a.waitLog(t, 1, "lost the lease; rejoining the election", nil)
		a.waitLog(t, 1, "leadership lost: stopping at once", nil)
		createConfigMaps(t, h, "second", 5)
		waitReconciled(t, h, 15, false, "")
		checkWrittenBy(t, h, "second-", "replica-b")
	})

	t.Run("LeaderTerminated", func(t *testing.T) {
		b.terminate(t)
		a.waitLog(t, 2, "started leading", map[string]string{"identity": "replica-a"})
		createConfigMaps(t, h, "third", 5)
		waitReconciled(t, h, 20, false, "")
		checkWrittenBy(t, h, "third-", "replica-a")
	})

	a.terminate(t)
	if holder := leaseHolder(t, c.dyn, ns, "ctrl-test"); holder != "" {
		t.Errorf("lease holder %q after both replicas ended, want \"\" (released)", holder)
	}
}

// checkWrittenBy fails unless every object of h whose name starts with
// prefix lists manager in its managedFields.
func checkWrittenBy(t *testing.T, h *dynamic.ResourceHandle, prefix, manager string) {
	t.Helper()
	for _, cm := range listItems(t, h) {
		if strings.HasPrefix(cm.GetName(), prefix) && !managedBy(&cm, manager) {
			t.Errorf("%s was not written by %s, the leader: %v", cm.GetName(), manager, cm.GetManagedFields())
		}
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
