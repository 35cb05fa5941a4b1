package shard

import (
	"time"
)

// peer is what a member knows of another member's Lease: its last read,
// and when this member saw it change. Expiry is measured from that local
// time, never from the renewTime another machine wrote, so clock offsets
// between machines cannot make a live Lease look expired.
type peer struct {
	lease      peerLease
	observedAt time.Time
}

// view is a member's knowledge of its group, by Lease name.
type view map[string]peer

// observe folds one list of the group's Leases into prev: a Lease whose
// resourceVersion changed (or is new) is stamped now; a Lease missing from
// the list is dropped (deleted: its member left).
func observe(prev view, leases []peerLease, now time.Time) view {
	next := make(view, len(leases))
	for _, l := range leases {
		if p, ok := prev[l.name]; ok && p.lease.rv == l.rv {
			p.lease = l
			next[l.name] = p
			continue
		}
		next[l.name] = peer{lease: l, observedAt: now}
	}
	return next
}

// live reports whether p's Lease has not run out: its duration has not
// passed since it was last seen to change.
func (p peer) live(now time.Time) bool {
	d := time.Duration(p.lease.seconds) * time.Second
	return now.Before(p.observedAt.Add(d))
}

// others returns the identities of the live members of v other than me,
// and the union of what every live Lease other than me's claims.
func (v view) others(me string, now time.Time) (members []string, claimed Ranges) {
	for _, p := range v {
		if p.lease.identity == me || !p.live(now) {
			continue
		}
		if p.lease.identity != "" {
			members = append(members, p.lease.identity)
		}
		claimed = claimed.Union(p.lease.claimed)
	}
	return members, claimed
}

// share is me's target — its range of the sorted live members, me
// included — and what the other live Leases claim.
func (v view) share(me string, now time.Time) (target, others Ranges) {
	members, others := v.others(me, now)
	return Ranges{Assign(append(members, me))[me]}, others
}

// holding is what a member serves and what it has written as its claim.
// serving is always within claimed.
type holding struct {
	serving Ranges // the ranges OnChange last reported
	claimed Ranges // the claim last written successfully
}

// plan is one round's decision before writing: what to stop serving at
// once, and the claim to write.
type plan struct {
	target  Ranges // this member's share of the current membership
	serving Ranges // serving, less what left the target (report before writing)
	claimed Ranges // the claim to write
}

// decide is the handover's pure core, run after each read of the group:
// the target is this member's range of the sorted live members; ranges
// outside it are dropped from serving and from the claim (a release); ranges
// inside it are claimed unless another live member claims them (the
// release is awaited). Claims already written are kept even when another
// member claims the same range too: neither serves it until one lets go.
func decide(v view, me string, h holding, now time.Time) plan {
	target, others := v.share(me, now)
	claimed := h.claimed.Intersect(target).Union(target.Subtract(others))
	return plan{target: target, serving: h.serving.Intersect(target), claimed: claimed}
}

// promote returns what a member may serve after a read of the group that
// began after its claim h.claimed was written: what it serves, plus every
// claimed range of its target that no other live member claims. Two members
// that promote the same range would each have read the other's claim (each
// wrote its claim before it read, and keeps it while it serves), so at most
// one of them serves it.
func promote(v view, me string, h holding, now time.Time) Ranges {
	target, others := v.share(me, now)
	return h.serving.Union(h.claimed.Intersect(target).Subtract(others))
}
