package main

import (
	"syscall"
	"testing"
	"time"

	"github.com/kubedyn/kubedyn/dynamic/shard"
)

// The sharding tests run three replicas with --shards over shardObjects
// ConfigMaps (shards_harness_integration_test.go), against whichever
// server they are given: with the ShardedListAndWatch gate the server
// filters, without it the informers do; ownership is the same either way.
// Every time bound below is a failure bound with room for a shared
// machine, not a speed goal; the times measured are logged.

// TestIntegrationShards: at steady state the claims of three replicas
// partition the hash space, and when every object's label is removed, each
// object gets it back from exactly one replica: the one whose claim holds
// the hash of its uid. After kill -9 of one replica, its ranges are served
// by the other two within the lease duration and a few rounds (the bound
// of dynamic/shard), its objects changed meanwhile are reconciled by them
// (no resync is needed: the gained ranges are listed), and the two then
// split every object between them.
func TestIntegrationShards(t *testing.T) {
	ids := []string{"shard-r0", "shard-r1", "shard-r2"}
	g, claims := newShardGroup(t, ids...)
	g.reconcileAll(claims)

	// kill -9 of one replica: its Lease stays until it expires.
	dead := ids[2]
	deadObjects := g.objectsIn(claims[dead])
	killed := time.Now()
	if err := g.procs[dead].cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("kill -9 %s: %v", dead, err)
	}
	<-g.procs[dead].done
	took := g.handedOver(deadObjects, killed)
	claims = g.waitPartition(ids[:2])
	t.Logf("kill -9: the %d objects of the killed replica were reconciled by the others %v after it (lease %v)",
		len(deadObjects), took.Round(time.Millisecond), shardLease)
	// dynamic/shard's bound: the lease duration and about two rounds.
	g.handover("kill -9", killed, map[string]time.Time{dead: killed}, 2*shardLease)
	g.checkOwners(claims, deadObjects)
	g.reconcileAll(claims)
	if bound := shardLease + shardSlack; took > bound {
		t.Errorf("the objects of the killed replica were reconciled %v after kill -9, beyond %v", took, bound)
	}
}

// TestIntegrationShardsJoin: a fourth replica joins three. The claims
// become the 4-way split of the hash space; while the ranges move, no hash
// is unserved for longer than the lease duration and none is served twice;
// the objects of the range the newcomer takes, changed from the moment its
// Lease appears, are reconciled; and at the new steady state every object
// is reconciled by exactly its owner among the four.
func TestIntegrationShardsJoin(t *testing.T) {
	ids := []string{"join-r0", "join-r1", "join-r2"}
	g, _ := newShardGroup(t, ids...)

	newcomer := "join-r3"
	all := append(append([]string(nil), ids...), newcomer)
	moving := g.objectsIn(shard.Ranges{shard.Assign(all)[newcomer]})
	started := time.Now()
	g.start(newcomer)
	waitFor(t, "the newcomer's Lease", func() (bool, string) {
		claims, err := g.claims()
		if err != nil {
			return false, err.Error()
		}
		_, ok := claims[newcomer]
		return ok, "no Lease yet"
	})
	joined := time.Now()
	took := g.handedOver(moving, joined)
	claims := g.waitPartition(all)
	t.Logf("join: Lease written %v after start; the %d objects of the newcomer's range were reconciled %v after it (lease %v)",
		joined.Sub(started).Round(time.Millisecond), len(moving), took.Round(time.Millisecond), shardLease)
	g.handover("join", started, nil, shardLease)
	g.reconcileAll(claims)
	if bound := shardLease + shardSlack; took > bound {
		t.Errorf("the objects of the newcomer's range were reconciled %v after it joined, beyond %v", took, bound)
	}
}

// TestIntegrationShardsSIGTERM: SIGTERM of one of three replicas, while
// its queue is full, hands its ranges over at once: it stops its work
// without draining, its Lease is gone well within the lease duration, its
// ranges are served by the other two within the lease duration, it exits
// cleanly, and its objects, changed just before the signal, are
// reconciled; the two left then split every object between them.
func TestIntegrationShardsSIGTERM(t *testing.T) {
	ids := []string{"term-r0", "term-r1", "term-r2"}
	g, claims := newShardGroup(t, ids...)

	leaving := ids[1]
	objects := g.objectsIn(claims[leaving])
	p := g.procs[leaving]
	g.unlabel(objects) // its queue fills
	signalled := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM to %s: %v", leaving, err)
	}
	waitFor(t, "the Lease of "+leaving+" to be released", func() (bool, string) {
		claims, err := g.claims()
		if err != nil {
			return false, err.Error()
		}
		rs, ok := claims[leaving]
		return !ok || rs.Empty(), "claims " + rs.String()
	})
	released := time.Since(signalled)
	waitReconciled(t, g.h, shardObjects, false, "")
	took := time.Since(signalled)
	claims = g.waitPartition([]string{ids[0], ids[2]})
	t.Logf("SIGTERM: the Lease was released %v after the signal; its %d objects were all reconciled %v after it (lease %v)",
		released.Round(time.Millisecond), len(objects), took.Round(time.Millisecond), shardLease)
	if code := p.exitCode(t); code != exitOK {
		t.Errorf("%s exited with code %d after SIGTERM, want %d", leaving, code, exitOK)
	}
	if len(p.lines("shut down cleanly", nil)) != 1 {
		t.Errorf("%s did not log \"shut down cleanly\"", leaving)
	}
	g.handover("SIGTERM", signalled, map[string]time.Time{leaving: signalled}, shardLease)
	if bound := shardLease / 2; released > bound {
		t.Errorf("the Lease of %s was released %v after SIGTERM, beyond %v (half the lease duration)", leaving, released, bound)
	}
	if bound := shardLease + shardSlack; took > bound {
		t.Errorf("the objects of %s were reconciled %v after SIGTERM, beyond %v", leaving, took, bound)
	}
	g.reconcileAll(claims)
}
