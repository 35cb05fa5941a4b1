package restmapper

import (
	"context"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// RefreshGroup reloads one group now, for callers that learn of a change
// before any lookup misses (a watch of CustomResourceDefinitions or
// APIServices, see package dynamic/follow): it tells an Invalidator Source
// to drop that group, looks the group up once (Source.ServerGroupAndResources)
// and publishes the index with the group replaced — or removed, when the
// server no longer serves it, so its kinds stop resolving at once instead of
// being served from the old index. Negative entries are forgotten.
//
// It does not wait for MinRefreshInterval and does not share a fetch that
// started before it was called, so what it publishes was read after the
// call. A Mapper that has not run discovery yet, or that Reset marked stale,
// publishes nothing (its next lookup runs discovery anyway); the Source is
// still told to drop the group. No lock is held across the lookup.
func (m *Mapper) RefreshGroup(ctx context.Context, group string) error {
	st := m.st
	if st.src == nil {
		return fmt.Errorf("restmapper: refreshing group %q: the Mapper has no Source", group)
	}
	if inv, ok := st.src.(Invalidator); ok {
		inv.Invalidate(group)
	}
	if st.snap.Load() == nil || st.stale.Load() {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, st.opts.RefreshTimeout)
	defer cancel()
	g, lists, err := st.src.ServerGroupAndResources(ctx, group)
	switch {
	case apierrors.IsNotFound(err):
		st.dropGroup(group)
		return nil
	case err != nil:
		return fmt.Errorf("restmapper: refreshing group %q: %w", group, err)
	case g == nil:
		return fmt.Errorf("restmapper: refreshing group %q: the Source returned no group and no error", group)
	}
	if g.Name != group {
		return fmt.Errorf("restmapper: refreshing group %q: the Source returned group %q", group, g.Name)
	}
	st.publishGroup(*g, lists)
	return nil
}

// dropGroup publishes the current index without the named group (and
// forgets negative entries). It does nothing without an index.
func (st *state) dropGroup(name string) {
	st.pubMu.Lock()
	defer st.pubMu.Unlock()
	old := st.snap.Load()
	if old == nil {
		return
	}
	var groups []metav1.APIGroup
	for _, g := range old.groups {
		if g.Name != name {
			groups = append(groups, g)
		}
	}
	var lists []*metav1.APIResourceList
	for gv, l := range old.lists {
		if groupOf(gv) != name {
			lists = append(lists, l)
		}
	}
	fetched := old.fetched
	if fetched.IsZero() {
		fetched = time.Now()
	}
	st.publishLocked(buildSnapshot(groups, lists, fetched))
}
