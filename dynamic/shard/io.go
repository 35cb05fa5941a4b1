package shard

import (
	"context"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// read lists the group's Leases and folds them into the view. A Lease that
// cannot be read counts as a live non-member claiming everything, so
// nothing is taken on the strength of a record not understood. It reports
// whether the list succeeded.
func (m *Member) read(ctx context.Context, now time.Time) bool {
	list, err := m.h.List(ctx, metav1.ListOptions{LabelSelector: GroupLabel + "=" + m.cfg.Group})
	if err != nil {
		if ctx.Err() == nil {
			m.log.Warn("shard: could not list the group's leases", "err", err)
		}
		return false
	}
	leases := make([]peerLease, 0, len(list.Items))
	for i := range list.Items {
		p, err := readLease(&list.Items[i])
		if err != nil {
			m.log.Warn("shard: a lease of the group is unreadable; its ranges stay claimed until it expires", "err", err)
			p = peerLease{name: p.name, rv: p.rv, seconds: m.seconds, claimed: Ranges{Full}}
		}
		leases = append(leases, p)
	}
	m.view = observe(m.view, leases, now)
	m.collect(ctx, now)
	return true
}

// write renews this member's Lease with claimed as its claim: an update of
// the copy it last wrote (one request), or after a conflict or on the first
// round a read and an update, or a create. It reports success.
func (m *Member) write(ctx context.Context, claimed Ranges, now time.Time) bool {
	if m.last != nil {
		lease := m.last.DeepCopy()
		m.cfg.stamp(lease, m.seconds, claimed, now)
		updated, err := m.h.Update(ctx, lease, metav1.UpdateOptions{})
		if err == nil {
			m.last, m.renewed = updated, now
			return true
		}
		m.last = nil
		if !apierrors.IsConflict(err) && !apierrors.IsNotFound(err) {
			m.warn("could not renew the lease", err)
			return false
		}
	}
	lease, err := m.h.Get(ctx, m.cfg.leaseName(), metav1.GetOptions{})
	var written *unstructured.Unstructured
	switch {
	case apierrors.IsNotFound(err):
		lease = m.cfg.newLease()
		m.cfg.stamp(lease, m.seconds, claimed, now)
		written, err = m.h.Create(ctx, lease, metav1.CreateOptions{})
	case err == nil:
		m.cfg.stamp(lease, m.seconds, claimed, now)
		written, err = m.h.Update(ctx, lease, metav1.UpdateOptions{})
	}
	if err != nil {
		m.warn("could not write the lease", err)
		return false
	}
	m.last, m.renewed = written, now
	return true
}

func (m *Member) warn(msg string, err error) {
	m.log.Warn("shard: "+msg, "lease", m.cfg.leaseName(), "err", err)
}

// release deletes this member's Lease (if it is still the one this member
// wrote), so the others see it leave at their next read.
func (m *Member) release(ctx context.Context) error {
	opts := metav1.DeleteOptions{}
	if m.last != nil {
		uid := m.last.GetUID()
		opts.Preconditions = &metav1.Preconditions{UID: &uid}
	}
	m.last = nil
	err := m.h.Delete(ctx, m.cfg.leaseName(), opts)
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("shard: releasing group %s/%s as %q: %w", m.cfg.Namespace, m.cfg.Group, m.cfg.Identity, err)
	}
	return nil
}

// collect deletes the Leases of members gone for more than twice their
// duration (killed without a release), so a group does not accumulate
// them. The delete is conditional on the resourceVersion seen: a member
// that came back in between keeps its Lease.
func (m *Member) collect(ctx context.Context, now time.Time) {
	for name, p := range m.view {
		if p.lease.identity == m.cfg.Identity || name == m.cfg.leaseName() {
			continue
		}
		d := 2 * time.Duration(max(p.lease.seconds, 1)) * time.Second
		if now.Before(p.observedAt.Add(d)) {
			continue
		}
		rv := p.lease.rv
		err := m.h.Delete(ctx, name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{ResourceVersion: &rv}})
		if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
			m.warn("could not delete the expired lease "+name, err)
		}
	}
}
