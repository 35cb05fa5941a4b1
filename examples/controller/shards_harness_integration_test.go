package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/dynamic/shard"
	"github.com/kubedyn/kubedyn/test/cluster"
)

// shardObjects is how many ConfigMaps the sharded controllers split: the
// issue's 1,000.
const shardObjects = 1000

// The timing of the replicas' Leases in the sharding tests: rounds of a
// second, so that handovers are quick, and a renew deadline that leaves a
// loaded server several seconds to answer (with 4s, four race-enabled
// replicas on a shared two-core machine were seen to give their ranges up
// for want of a renewal, which no handover can serve through).
const (
	shardLease = 10 * time.Second
	shardRenew = 7 * time.Second
	shardRetry = time.Second
)

// shardSlack is what the failure bounds of reconciling add to the lease
// duration: the time to reconcile a few hundred objects with race-enabled
// replicas on a shared two-core machine (a failure bound, not a goal).
const shardSlack = 40 * time.Second

// shardGroup is one sharding test's namespace of shardObjects ConfigMaps
// and the replicas reconciling them with --shards.
type shardGroup struct {
	t     *testing.T
	env   *cluster.Env
	c     *clients
	ns    string
	h     *dynamic.ResourceHandle
	procs map[string]*proc
}

// newShardGroup creates the ConfigMaps, starts a replica per id, waits
// until every object is reconciled and the replicas' claims partition the
// hash space, checks that each replica logged the shard mode of this
// server, and returns the group with the claims.
func newShardGroup(t *testing.T, ids ...string) (*shardGroup, map[string]shard.Ranges) {
	t.Helper()
	env := cluster.Get(t)
	g := &shardGroup{t: t, env: env, c: newClients(t, env), ns: env.Namespace(t), procs: map[string]*proc{}}
	g.h = g.c.dyn.Resource(configMaps).Namespace(g.ns)
	createConfigMaps(t, g.h, "obj", shardObjects)
	for _, id := range ids {
		g.start(id)
	}
	waitReconciled(t, g.h, shardObjects, false, "")
	claims := g.waitPartition(ids)
	for _, id := range ids {
		if len(g.procs[id].lines("sharded list and watch", map[string]string{"mode": shardMode()})) == 0 {
			t.Errorf("%s never logged the shard mode %q", id, shardMode())
		}
	}
	return g, claims
}

// start runs one replica with --shards, named id (its identity and field
// manager).
func (g *shardGroup) start(id string) *proc {
	g.t.Helper()
	g.procs[id] = start(g.t, g.env, id, "-n", g.ns, "--shards", "--leader-elect-identity", id, "--field-manager", id,
		"--leader-elect-lease-duration", shardLease.String(), "--leader-elect-renew-deadline", shardRenew.String(),
		"--leader-elect-retry-period", shardRetry.String(), "configmaps")
	return g.procs[id]
}

// shardMode is how the informers apply the shard on this server: "server"
// when it echoes the selector (the ShardedListAndWatch gate), "client"
// otherwise.
func shardMode() string {
	if strings.Contains(os.Getenv(cluster.FeatureGatesEnv), "ShardedListAndWatch=true") {
		return "server"
	}
	return "client"
}

// claims reads the group's Leases: the claim of each holder.
func (g *shardGroup) claims() (map[string]shard.Ranges, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	l, err := g.c.dyn.Resource(shard.Leases).Namespace(g.ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	claims := map[string]shard.Ranges{}
	for _, lease := range l.Items {
		holder, _, _ := unstructured.NestedString(lease.Object, "spec", "holderIdentity")
		rs, err := shard.ParseRanges(lease.GetAnnotations()[shard.ClaimedAnnotation])
		if err != nil {
			return nil, err
		}
		claims[holder] = rs
	}
	return claims, nil
}

// waitPartition waits until the claims in the Leases of ids are exactly
// the contiguous split of the hash space among them (shard.Assign: each
// non-empty, disjoint, covering the space), and returns them. Leases of
// others (a killed replica's, until it is collected) are not looked at.
func (g *shardGroup) waitPartition(ids []string) map[string]shard.Ranges {
	g.t.Helper()
	want := map[string]shard.Ranges{}
	for id, r := range shard.Assign(ids) {
		want[id] = shard.Ranges{r}
	}
	waitFor(g.t, fmt.Sprintf("the claims of %v to partition the hash space", ids), func() (bool, string) {
		claims, err := g.claims()
		if err != nil {
			return false, err.Error()
		}
		for id, rs := range want {
			if !claims[id].Equal(rs) {
				return false, fmt.Sprintf("claims %v, want %v", claims, want)
			}
		}
		return true, ""
	})
	return want
}

// objectsIn returns the names of the objects whose uid hashes into rs.
func (g *shardGroup) objectsIn(rs shard.Ranges) []string {
	g.t.Helper()
	var names []string
	for _, cm := range listItems(g.t, g.h) {
		if rs.Contains(shard.HashOf(shard.KeyUID, &cm)) {
			names = append(names, cm.GetName())
		}
	}
	return names
}

// unlabel removes the reconciled label from the named objects (nil: all),
// several at once.
func (g *shardGroup) unlabel(names []string) {
	g.t.Helper()
	if names == nil {
		names = g.objectsIn(shard.Ranges{shard.Full})
	}
	patch := []byte(`{"metadata":{"labels":{"kubedyn.io/reconciled":null}}}`)
	inParallel(g.t, len(names), func(ctx context.Context, i int) error {
		if _, err := g.h.Patch(ctx, names[i], types.MergePatchType, patch, metav1.PatchOptions{FieldManager: "shard-test"}); err != nil {
			return fmt.Errorf("remove the label of %s: %w", names[i], err)
		}
		return nil
	})
}

// reconcileAll removes every object's label, waits until all have it
// back, and checks that each got it from exactly its owner in claims.
func (g *shardGroup) reconcileAll(claims map[string]shard.Ranges) {
	g.t.Helper()
	g.unlabel(nil)
	waitReconciled(g.t, g.h, shardObjects, false, "")
	g.checkOwners(claims, nil)
}

// checkOwners fails unless the reconciled label of every named object
// (nil: all) was last written by the replica whose claim holds the hash of
// the object's uid (the owner of the label field in managedFields).
func (g *shardGroup) checkOwners(claims map[string]shard.Ranges, names []string) {
	g.t.Helper()
	per := map[string]int{}
	for _, cm := range listItems(g.t, g.h) {
		if names != nil && !slices.Contains(names, cm.GetName()) {
			continue
		}
		var want []string
		for id, rs := range claims {
			if rs.Contains(shard.HashOf(shard.KeyUID, &cm)) {
				want = append(want, id)
			}
		}
		var got []string
		for _, mf := range cm.GetManagedFields() {
			if mf.FieldsV1 != nil && strings.Contains(string(mf.FieldsV1.Raw), `"f:kubedyn.io/reconciled"`) {
				got = append(got, mf.Manager)
			}
		}
		if len(want) != 1 || len(got) != 1 || got[0] != want[0] {
			g.t.Errorf("%s: label written by %v, want by its owner %v", cm.GetName(), got, want)
			continue
		}
		per[got[0]]++
	}
	g.t.Logf("objects reconciled per replica: %v", per)
}

// handedOver removes the label of names (objects whose owner changes), at
// once, waits until every object is reconciled and returns how long after
// since that took. The label is removed after since, while the ranges
// move, so the time is an upper bound of how long a change of those
// objects went unreconciled: none was left unowned for longer.
func (g *shardGroup) handedOver(names []string, since time.Time) time.Duration {
	g.t.Helper()
	g.unlabel(names)
	waitReconciled(g.t, g.h, shardObjects, false, "")
	return time.Since(since)
}
