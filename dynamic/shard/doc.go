// Package shard spreads the objects of a controller over its replicas: it
// splits the 64-bit hash space the API server shards on (KEP-5866, feature
// gate ShardedListAndWatch) into contiguous ranges, one per live replica,
// and hands ranges over between replicas as they come and go, using only
// coordination.k8s.io/v1 Leases read and written through the dynamic client.
// Use it when one replica no longer holds every object comfortably; use
// dynamic/leader instead when one active replica is enough.
//
// # Ranges and selectors (pure)
//
// An object's place in the space is the 64-bit FNV-1a hash of its
// metadata.uid (KeyUID) or metadata.namespace (KeyNamespace) — Hash, the
// server's own hash (k8s.io/apimachinery/pkg/sharding.HashField). Split(n)
// cuts the space into n contiguous ranges, range i being
// [floor(i·2^64/n), floor((i+1)·2^64/n)); Assign gives the sorted member
// identities one each, so with a stable membership every hash has exactly
// one owner. A Range keeps its last hash (inclusive) because the end of the
// space, 2^64, does not fit a uint64; on the wire it is half-open. Ranges is
// a canonical set of them (sorted, disjoint, merged); empty Ranges own
// nothing, never everything.
//
// A Selector is what a member owns for one key. ShardSelector writes it as
// ListOptions.ShardSelector in the server's normalised form,
//
//	shardRange(object.metadata.uid, '0x0000000000000000', '0x8000000000000000') || …
//
// and refuses an empty set (the empty shardSelector selects everything).
// Matches is the same filter on the client, for a server that ignores the
// selector; the two agree on every object (a fuzz target holds them equal
// to apimachinery's sharding.Selector). A server that honoured the selector
// echoes it in a list's metadata.shardInfo.selector; EchoedBy compares that
// echo with the Selector after parsing and normalising both (bounds of any
// length and case, ranges in any order, split or merged). No echo means
// the server did not filter: fall back to Matches.
//
// # Membership
//
//	m, err := shard.New(shard.Config{
//		Client: dc, Namespace: "kube-system", Group: "my-controller",
//		Identity: podName, ReleaseOnCancel: true,
//		OnChange: func(rs shard.Ranges) { informer.SetRanges(rs) },
//	}, slog.Default())
//	err = m.Run(ctx)
//
// Each member keeps one Lease, named Group-Identity and labelled
// shard.kubedyn.io/group=Group: spec.holderIdentity is its identity,
// leaseDurationSeconds its LeaseDuration, renewTime its last renewal, and
// the annotation shard.kubedyn.io/claimed the ranges it claims (Ranges.String,
// "0x…-0x…,…"). Every RetryPeriod a member lists the group's Leases, renews
// its own (an update with the resourceVersion it last wrote) and decides.
// A member is live while its Lease keeps changing: another member counts it
// gone once LeaseDuration has passed, on its own clock, since it last saw
// the Lease's resourceVersion change — never from the renewTime another
// machine wrote. The live members, sorted, split the space (Assign); a
// member's share of that split is its target.
//
// # Handover
//
// Owning a range has two steps, claim and serve; OnChange reports what a
// member serves.
//
//  1. Release. A range that left the target stops being served at once —
//     OnChange reports the smaller set, and must not return until the
//     consumer has stopped acting on objects of the ranges that left — and
//     only then is it removed from the claim in the member's Lease.
//  2. Claim. A range of the target that no other live member claims is
//     added to the claim, and written.
//  3. Serve. After that write, the member lists the group again; what it
//     claims and no other live member claims, it serves (OnChange reports
//     the larger set).
//
// A member never serves what it has not claimed, and keeps a claim while it
// serves. Two members cannot serve the same hash at once: each wrote its
// claim before the read that let it serve, so the later of the two reads
// would have seen the other's claim. The API server's linearizable writes
// and quorum reads (etcd) are all this needs; there is no other state.
// Claims of a member whose Lease has expired are ignored, which is safe
// because of the bound below. Two members whose views briefly disagree may
// claim the same range; neither serves it until the one whose target no
// longer holds it lets go.
//
// Leaving. With ReleaseOnCancel, when Run's ctx ends the member reports
// owning nothing and then deletes its Lease; the others take its ranges at
// their next round (within about two RetryPeriods). Without it, or on
// kill -9, the Lease stays until it expires, and the others take over
// LeaseDuration after they last saw it renewed, plus up to two rounds. A
// Lease unchanged for twice its duration is deleted by the next member
// that notices (conditionally on the resourceVersion seen).
//
// # The bound, and the clock skew it tolerates
//
// A member that has not renewed its Lease for RenewDeadline (measured on
// its own clock from the start of its last successful write) stops serving
// everything — every request it makes ends by that deadline, and it wakes
// for it between rounds — before any other member can count it gone: the
// others wait LeaseDuration from when they saw that write, which came after
// it started.
// Only durations are compared, each on one machine, so clock offsets between
// machines do not matter. Clock rates do: the guarantee holds while no
// member's clock runs slower than an observer's by a factor of more than
// LeaseDuration/RenewDeadline (1.5 with the defaults, 15s and 10s; 5s of
// margin per 15s, far beyond real drift), less the time OnChange takes to
// return. Within that, no hash is ever owned twice, and a hash is unowned
// for at most: about one round after a graceful release (the others' next
// read, a claim, a read); LeaseDuration plus about two rounds after a
// member dies or is cut off; and about two rounds during a rebalance (the
// previous owner's next round after it sees the change, then the new
// owner's). The consumer is part of the bound: one that keeps working on a
// released range after OnChange returned breaks it.
//
// # The seam for informers
//
// The output of a Member is the sequence of Ranges passed to
// Config.OnChange (and Member.Owned, the latest). A sharded informer turns
// each into a Selector for its key: it sends ShardSelector on list and
// watch when the server echoes it, filters with Matches otherwise, delivers
// deletes for held objects that left the ranges before OnChange returns,
// and lists the ranges gained (Delta gives both halves of a change).
// OnChange runs on Run's goroutine: renewals wait for it, so it must hand
// slow work (the list of a gained range) to another goroutine.
//
// # Permissions
//
// The identity needs list, get, create, update and delete on leases in
// Namespace. Failures are retried every RetryPeriod and reported to the
// *slog.Logger given to New.
package shard
