package shard

import (
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kubedyn/kubedyn/dynamic/leader"
)

// The labels and annotations of a member's Lease.
const (
	// GroupLabel is the label whose value is the member's Group; members
	// find each other by listing Leases with it.
	GroupLabel = "shard.kubedyn.io/group"
	// ClaimedAnnotation holds the ranges the member claims, in the form of
	// Ranges.String ("" for none). A member owns a range only while its
	// claim is written here; the others take a claimed range only after it
	// is removed from here or the Lease expires.
	ClaimedAnnotation = "shard.kubedyn.io/claimed"
)

// Leases is the resource members are recorded on.
var Leases = leader.Leases

// peerLease is what one read of a group's Lease says.
type peerLease struct {
	name     string
	identity string // spec.holderIdentity; "" if the member has left
	claimed  Ranges
	rv       string
	seconds  int32 // spec.leaseDurationSeconds
}

// readLease reads a member's Lease. An unreadable spec or claim is an
// error naming the Lease: the caller treats that member as claiming
// everything, so a bad write can never widen what another member takes.
func readLease(u *unstructured.Unstructured) (peerLease, error) {
	p := peerLease{name: u.GetName(), rv: u.GetResourceVersion()}
	rec, err := leader.ParseRecord(u)
	if err != nil {
		return p, fmt.Errorf("shard: %w", err)
	}
	p.identity, p.seconds = rec.HolderIdentity, rec.LeaseDurationSeconds
	p.claimed, err = ParseRanges(u.GetAnnotations()[ClaimedAnnotation])
	if err != nil {
		return p, fmt.Errorf("shard: lease %s/%s annotation %s: %w", u.GetNamespace(), u.GetName(), ClaimedAnnotation, err)
	}
	return p, nil
}

// newLease is this member's Lease before its first write.
func (c Config) newLease() *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
		"metadata": map[string]any{"name": c.leaseName(), "namespace": c.Namespace},
	}}
}

// stamp writes into lease this member's identity, duration, renewal time
// and claim, keeping other fields.
func (c Config) stamp(lease *unstructured.Unstructured, seconds int32, claimed Ranges, now time.Time) {
	labels := lease.GetLabels()
	if labels == nil {
		labels = map[string]string{}
	}
	labels[GroupLabel] = c.Group
	lease.SetLabels(labels)
	ann := lease.GetAnnotations()
	if ann == nil {
		ann = map[string]string{}
	}
	ann[ClaimedAnnotation] = claimed.String()
	lease.SetAnnotations(ann)
	spec, _ := lease.Object["spec"].(map[string]any)
	if spec == nil {
		spec = map[string]any{}
		lease.Object["spec"] = spec
	}
	ts := now.UTC().Format(leader.MicroTimeFormat)
	if spec["holderIdentity"] != c.Identity || spec["acquireTime"] == nil {
		spec["acquireTime"] = ts
	}
	spec["holderIdentity"] = c.Identity
	spec["leaseDurationSeconds"] = int64(seconds)
	spec["renewTime"] = ts
}
