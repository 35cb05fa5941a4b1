package main

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/kubedyn/kubedyn/dynamic/informer"
	"github.com/kubedyn/kubedyn/dynamic/shard"
)

// shards is the state of --shards: the ranges this replica owns (reported
// by its shard.Member) and the informer of the current target, which is
// told every change.
type shards struct {
	key shard.Key

	mu     sync.Mutex // guards ranges, inf
	ranges shard.Ranges
	inf    *informer.Informer[*unstructured.Unstructured]
}

// selector is the informer option for a new target: the ranges owned now
// (nil when not sharded).
func (s *stack) shardSelector() *shard.Selector {
	if s.shards == nil {
		return nil
	}
	s.shards.mu.Lock()
	defer s.shards.mu.Unlock()
	sel, err := shard.NewSelector(s.shards.key, s.shards.ranges)
	if err != nil {
		return &shard.Selector{} // never: the key is valid and the ranges the member's
	}
	return &sel
}

// attachShard makes inf the informer told of range changes, and gives it
// the ranges owned now (they may have changed since it was made).
func (s *stack) attachShard(inf *informer.Informer[*unstructured.Unstructured]) {
	if s.shards == nil {
		return
	}
	s.shards.mu.Lock()
	defer s.shards.mu.Unlock()
	s.shards.inf = inf
	if err := inf.SetShard(s.shards.ranges); err != nil {
		s.log.Error("cannot set the informer's shard", "err", err)
	}
}

// onShardChange is the member's OnChange: the informer drops the objects of
// the ranges that left (their keys reach the queue as deletes, which the
// workers skip, the objects being gone from the cache) and lists the
// ranges gained.
func (s *stack) onShardChange(rs shard.Ranges) {
	s.shards.mu.Lock()
	defer s.shards.mu.Unlock()
	s.shards.ranges = rs
	s.log.Info("shard ranges changed", "ranges", rs.String())
	if s.shards.inf != nil {
		if err := s.shards.inf.SetShard(rs); err != nil {
			s.log.Error("cannot set the informer's shard", "err", err)
		}
	}
}

// runSharded takes part in the shard group on the Leases the flags name
// and reconciles the objects of the ranges this replica owns, until ctx
// ends; then it stops its informer and workers at once (no drain: the next
// owners list the ranges and reconcile every object), and the member
// releases its ranges and deletes its Lease, so that the others take them
// at once.
func (s *stack) runSharded(ctx context.Context) error {
	o := s.opts
	key := shard.KeyUID
	if o.shardKey == "namespace" {
		key = shard.KeyNamespace
	}
	s.shards = &shards{key: key}
	ns := firstNonEmpty(o.leaseNS, o.namespace, s.cfg.Namespace, "default")
	group := shardGroupFor(firstNonEmpty(o.leaseName, leaseNameFor(o.resource)))
	id := firstNonEmpty(o.identity, dnsIdentity(defaultIdentity()))
	log := s.log.With("shard-group", ns+"/"+group, "identity", id)
	m, err := shard.New(shard.Config{
		Client: s.dyn, Namespace: ns, Group: group, Identity: id,
		LeaseDuration: o.leaseDuration, RenewDeadline: o.renewDeadline, RetryPeriod: o.retryPeriod,
		ReleaseOnCancel: true, OnChange: s.onShardChange,
	}, log.With("component", "shard"))
	if err != nil {
		return fmt.Errorf("shard group %s/%s: %w", ns, group, err)
	}
	mctx, stopMember := context.WithCancel(context.WithoutCancel(ctx))
	memberDone := make(chan error, 1)
	go func() { memberDone <- m.Run(mctx) }()
	err = s.supervise(ctx) // stops the work at once when ctx ends
	stopMember()           // then releases the ranges and deletes the Lease
	if merr := <-memberDone; merr != nil && mctx.Err() == nil {
		return merr
	}
	return err
}

// shardGroupFor makes a Lease name a shard group name: a label value of at
// most 63 characters.
func shardGroupFor(name string) string {
	if len(name) > validation.LabelValueMaxLength {
		name = strings.TrimRight(name[:validation.LabelValueMaxLength], ".-_")
	}
	return name
}

// dnsIdentity makes an identity usable in a Lease name (a DNS subdomain):
// lowercase, every character but [a-z0-9.-] turned into '-'.
func dnsIdentity(id string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(id) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), ".-")
}
