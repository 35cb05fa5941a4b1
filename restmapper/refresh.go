package restmapper

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubedyn/kubedyn/rest"
)

// state is shared by a Mapper and every copy WithContext makes.
type state struct {
	src  Source
	opts Options

	snap    atomic.Pointer[snapshot] // current index; replaced whole, never mutated
	stale   atomic.Bool              // set by Reset: the next lookup runs discovery first
	flights singleflight.Group       // one fetch per key ("" = full run, "g/NAME" = one group)

	pubMu sync.Mutex // serialises read-modify-write of snap (build + Store); never held across I/O

	mu          sync.Mutex           // guards neg and lastRefresh; never held across I/O
	neg         map[string]time.Time // missed lookup key → when its negative entry expires
	lastRefresh time.Time            // when the last full run started
}

// fresh returns the published snapshot for a lock-free lookup, or nil when
// there is none or Reset marked it stale.
func (st *state) fresh() *snapshot {
	if st.stale.Load() {
		return nil
	}
	return st.snap.Load()
}

// current returns the published snapshot, running discovery once if there
// is none yet or Reset marked it stale; ran says it did.
func (st *state) current(ctx context.Context) (s *snapshot, ran bool, err error) {
	if s := st.fresh(); s != nil {
		return s, false, nil
	}
	old := st.snap.Load()
	reason := "first use"
	if old != nil {
		reason = "Reset"
	}
	s, err = st.refreshAll(ctx, old, old != nil, reason)
	if s != nil {
		return s, true, nil // a partial run still answers; Refresh reports it
	}
	return nil, true, err
}

// refreshAll runs discovery once for all concurrent callers and publishes
// the result. seen is the snapshot the caller missed on: if a newer one is
// already published it is returned without I/O. Unless force is set, a run
// starts at most once per MinRefreshInterval: a caller that comes sooner
// waits for the interval (or its ctx) and then shares the next run. reason
// says why, for Options.Observer.
func (st *state) refreshAll(ctx context.Context, seen *snapshot, force bool, reason string) (*snapshot, error) {
	if cur := st.snap.Load(); cur != nil && cur != seen {
		return cur, nil
	}
	ch := st.flights.DoChan("", func() (any, error) {
		if !force {
			if err := st.waitInterval(ctx); err != nil {
				return nil, err
			}
		}
		if cur := st.snap.Load(); cur != nil && cur != seen {
			return cur, nil
		}
		start := time.Now()
		s, err := st.fetchAll(context.WithoutCancel(ctx))
		st.observe(rest.MapperRefreshEvent{Reason: reason, Duration: time.Since(start), Err: err})
		return s, err
	})
	select {
	case r := <-ch:
		s, _ := r.Val.(*snapshot)
		return s, r.Err
	case <-ctx.Done():
		return nil, fmt.Errorf("restmapper: waiting for discovery: %w", ctx.Err())
	}
}

// waitInterval sleeps until MinRefreshInterval has passed since the last
// full run, then records a new start.
func (st *state) waitInterval(ctx context.Context) error {
	st.mu.Lock()
	wait := time.Until(st.lastRefresh.Add(st.opts.MinRefreshInterval))
	st.mu.Unlock()
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return fmt.Errorf("restmapper: waiting to refresh discovery: %w", ctx.Err())
		}
	}
	return nil
}

// fetchAll does the I/O of a full run with no lock held, then publishes.
// Group-versions that failed keep their last good resource list.
func (st *state) fetchAll(ctx context.Context) (*snapshot, error) {
	if st.src == nil {
		return nil, fmt.Errorf("restmapper: the Mapper has no Source (use New with a discovery client)")
	}
	start := time.Now()
	st.mu.Lock()
	st.lastRefresh = start
	st.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, st.opts.RefreshTimeout)
	defer cancel()
	if inv, ok := st.src.(Invalidator); ok && st.snap.Load() != nil {
		inv.Invalidate()
	}
	groups, lists, err := st.src.ServerGroupsAndResources(ctx)
	if len(groups) == 0 {
		if err == nil {
			err = fmt.Errorf("the server listed no API groups")
		}
		return nil, fmt.Errorf("restmapper: discovering the server's resources: %w", err)
	}
	st.pubMu.Lock()
	s := buildSnapshot(groups, keepStale(groups, lists, st.snap.Load()), start)
	st.publishLocked(s)
	st.pubMu.Unlock()
	if err != nil {
		return s, fmt.Errorf("restmapper: discovery was partial, kept last good data for failed group-versions: %w", err)
	}
	return s, nil
}

// keepStale adds, for each group-version listed in groups but missing from
// lists, its resource list from old.
func keepStale(groups []metav1.APIGroup, lists []*metav1.APIResourceList, old *snapshot) []*metav1.APIResourceList {
	if old == nil {
		return lists
	}
	have := make(map[string]bool, len(lists))
	for _, l := range lists {
		if l != nil {
			have[l.GroupVersion] = true
		}
	}
	for _, g := range groups {
		for _, v := range g.Versions {
			if l := old.lists[v.GroupVersion]; l != nil && !have[v.GroupVersion] {
				lists = append(lists, l)
			}
		}
	}
	return lists
}

// refreshGroup loads one group with a one-shot lookup, shared by concurrent
// callers, and publishes a snapshot with that group replaced (a new group
// goes last until the next full run places it). A group the server does not
// serve leaves the snapshot as it is.
func (st *state) refreshGroup(ctx context.Context, seen *snapshot, name string) (*snapshot, error) {
	if cur := st.snap.Load(); cur != nil && cur != seen {
		return cur, nil
	}
	ch := st.flights.DoChan("g/"+name, func() (any, error) {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), st.opts.RefreshTimeout)
		defer cancel()
		start := time.Now()
		var err error
		defer func() {
			st.observe(rest.MapperRefreshEvent{Reason: "no match in group " + name, Groups: []string{name}, Duration: time.Since(start), Err: err})
		}()
		if inv, ok := st.src.(Invalidator); ok {
			inv.Invalidate(name)
		}
		var g *metav1.APIGroup
		var lists []*metav1.APIResourceList
		g, lists, err = st.src.ServerGroupAndResources(fctx, name)
		if apierrors.IsNotFound(err) {
			return seen, nil
		}
		if err != nil || g == nil {
			return nil, fmt.Errorf("restmapper: discovering group %q: %w", name, err)
		}
		return st.publishGroup(*g, lists), nil
	})
	select {
	case r := <-ch:
		s, _ := r.Val.(*snapshot)
		return s, r.Err
	case <-ctx.Done():
		return nil, fmt.Errorf("restmapper: waiting for discovery of group %q: %w", name, ctx.Err())
	}
}

// observe reports ev to Options.Observer, if any.
func (st *state) observe(ev rest.MapperRefreshEvent) {
	if st.opts.Observer != nil {
		st.opts.Observer.Observe(ev)
	}
}

// publishGroup builds and publishes a snapshot from the current one with
// group g and its lists replaced.
func (st *state) publishGroup(g metav1.APIGroup, lists []*metav1.APIResourceList) *snapshot {
	st.pubMu.Lock()
	defer st.pubMu.Unlock()
	old := st.snap.Load()
	var groups []metav1.APIGroup
	var all []*metav1.APIResourceList
	replaced := false
	if old != nil {
		for _, og := range old.groups {
			if og.Name == g.Name {
				og, replaced = g, true
			}
			groups = append(groups, og)
		}
		for gv, l := range old.lists {
			if groupOf(gv) != g.Name {
				all = append(all, l)
			}
		}
	}
	if !replaced {
		groups = append(groups, g)
	}
	all = append(all, lists...)
	fetched := time.Now()
	if old != nil {
		fetched = old.fetched
	}
	s := buildSnapshot(groups, all, fetched)
	st.publishLocked(s)
	return s
}

func groupOf(groupVersion string) string {
	for i := len(groupVersion) - 1; i >= 0; i-- {
		if groupVersion[i] == '/' {
			return groupVersion[:i]
		}
	}
	return ""
}

// publishLocked makes s current and forgets every negative entry: they
// were answers about the old snapshot. The caller holds pubMu.
func (st *state) publishLocked(s *snapshot) {
	st.snap.Store(s)
	st.stale.Store(false)
	st.mu.Lock()
	clear(st.neg)
	st.mu.Unlock()
}

// negative reports whether key missed recently enough to fail without I/O.
func (st *state) negative(key string) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	exp, ok := st.neg[key]
	if ok && time.Now().After(exp) {
		delete(st.neg, key)
		return false
	}
	return ok
}

// remember records that key missed even after a refresh.
func (st *state) remember(key string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.neg == nil {
		st.neg = map[string]time.Time{}
	}
	st.neg[key] = time.Now().Add(st.opts.NegativeTTL)
}
