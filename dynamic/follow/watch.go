package follow

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubedyn/kubedyn/dynamic"

	"github.com/kubedyn/kubedyn/dynamic/internal/pause"
)

// source is one watched resource and how its objects turn into changes.
type source struct {
	gvr schema.GroupVersionResource
	// diff parses obj (nil: deleted) against the last known state of its
	// name and returns the change to make, if any, and the new state.
	diff func(name string, old any, obj *unstructured.Unstructured) (c *Change, exp expectation, state any, err error)
}

func (f *Follower) sources() []*source {
	return []*source{
		{gvr: CustomResourceDefinitions, diff: diffCRD},
		{gvr: APIServices, diff: diffAPIService},
	}
}

// start opens both watches, logs the fallback once if the server refuses
// either, and follows each in its own goroutine (added to wg).
func (f *Follower) start(ctx context.Context, wg *sync.WaitGroup) {
	srcs := f.sources()
	ws := make([]watch.Interface, len(srcs))
	errs := make([]error, len(srcs))
	var refused []string
	for i, s := range srcs {
		ws[i], errs[i] = f.open(ctx, s)
		if isRefusal(errs[i]) {
			refused = append(refused, refusal(s, errs[i]))
			f.markSynced(s)
		}
	}
	if len(refused) > 0 {
		f.fallBack(refused)
	}
	for i, s := range srcs {
		wg.Go(func() { f.follow(ctx, s, ws[i], errs[i]) })
	}
}

// open starts a resumable watch of s from the current state.
func (f *Follower) open(ctx context.Context, s *source) (watch.Interface, error) {
	w, err := f.opts.Client.Resource(s.gvr).WatchResumable(ctx, metav1.ListOptions{}, dynamic.ResumeOptions{StreamingList: true})
	if err != nil {
		f.mu.Lock()
		f.attempts++
		f.mu.Unlock()
	}
	return w, err
}

// isRefusal tells a server that will not let us watch (no permission, not
// served, a request it rejects) from a failure worth retrying soon.
func isRefusal(err error) bool {
	return apierrors.IsForbidden(err) || apierrors.IsUnauthorized(err) || apierrors.IsNotFound(err) ||
		apierrors.IsBadRequest(err) || apierrors.IsInvalid(err) || apierrors.IsMethodNotSupported(err)
}

// refusal describes why s cannot be followed.
func refusal(s *source, err error) string {
	return fmt.Sprintf("watching %s cluster-wide: %v", s.gvr.GroupResource(), err)
}

// follow consumes w until ctx is done, reopening the watch when it ends.
// w is nil when opening it failed with err. While the server refuses the
// watch it is retried every RetryInterval (the fallback); other failures
// (the server starting, a dropped connection) are retried sooner, backing
// off from 100ms to 10s.
func (f *Follower) follow(ctx context.Context, s *source, w watch.Interface, err error) {
	known := map[string]any{}
	first := true
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		if w == nil {
			d := backoff
			if isRefusal(err) {
				d = f.opts.RetryInterval
			}
			if !pause.Sleep(ctx, d) {
				return
			}
			if w, err = f.open(ctx, s); err != nil {
				if ctx.Err() == nil && isRefusal(err) {
					f.fallBack([]string{refusal(s, err)})
					f.markSynced(s)
				}
				backoff = min(2*backoff, 10*time.Second)
				continue
			}
		}
		f.setFollowing(s, true)
		var synced bool
		synced, err = f.consume(ctx, s, w, known, first)
		w.Stop()
		w = nil
		first = first && !synced
		f.setFollowing(s, false)
		backoff = 100 * time.Millisecond
		if err != nil && ctx.Err() == nil && isRefusal(err) {
			f.fallBack([]string{refusal(s, err)})
		}
	}
}

// consume applies the events of one watch to known. The initial state of
// the first watch is only recorded (the cache and Mapper are told to
// rediscover once, since anything may have changed before); later initial
// states are compared with known, so changes missed while not watching are
// acted on, deletions included. It reports whether the initial state was
// complete, and the error that ended the watch.
func (f *Follower) consume(ctx context.Context, s *source, w watch.Interface, known map[string]any, first bool) (synced bool, err error) {
	initial, seen := true, map[string]bool{}
	for {
		var ev watch.Event
		var ok bool
		select {
		case ev, ok = <-w.ResultChan():
		case <-ctx.Done():
			return !initial, nil
		}
		if !ok {
			return !initial, nil // ended without an error: reopen
		}
		switch ev.Type {
		case watch.Error:
			st, _ := ev.Object.(*metav1.Status)
			if st == nil {
				return !initial, fmt.Errorf("watch error %T", ev.Object)
			}
			return !initial, apierrors.FromObject(st)
		case watch.Bookmark:
			u, _ := ev.Object.(*unstructured.Unstructured)
			if initial && u != nil && u.GetAnnotations()[dynamic.InitialEventsEndAnnotation] == "true" {
				initial = false
				f.endInitial(s, known, seen, first)
			}
			continue
		}
		u, _ := ev.Object.(*unstructured.Unstructured)
		if u == nil {
			continue
		}
		name := u.GetName()
		if initial {
			seen[name] = true
		}
		obj := u
		if ev.Type == watch.Deleted {
			obj = nil
		}
		f.apply(s, known, name, obj, initial && first)
	}
}

// apply folds one object (nil: deleted) into known and enqueues the change
// it makes, unless record is set (the first initial state).
func (f *Follower) apply(s *source, known map[string]any, name string, obj *unstructured.Unstructured, record bool) {
	c, exp, state, err := s.diff(name, known[name], obj)
	if err != nil {
		// A malformed object: keep the old state; the next event retries.
		f.log.Debug("follow: ignoring an object", "err", err)
		return
	}
	if state == nil {
		delete(known, name)
	} else {
		known[name] = state
	}
	if c != nil && !record {
		f.enqueue(*c, exp)
	}
}

// endInitial closes an initial state: on the first, it asks for one full
// rediscovery; on later ones, names that were known but not listed again
// were deleted while not watching.
func (f *Follower) endInitial(s *source, known map[string]any, seen map[string]bool, first bool) {
	if first {
		if f.opts.Cache != nil {
			f.opts.Cache.Invalidate()
		}
		if f.opts.Mapper != nil {
			f.opts.Mapper.Reset()
		}
	} else {
		for name := range known {
			if !seen[name] {
				f.apply(s, known, name, nil, false)
			}
		}
	}
	f.markSynced(s)
}

// fallBack logs, once per Follower, that discovery falls back to the
// Mapper's refresh on miss, and why.
func (f *Follower) fallBack(reasons []string) {
	f.mu.Lock()
	done := f.logged["fallback"]
	f.logged["fallback"] = true
	f.mu.Unlock()
	if done {
		return
	}
	f.log.Warn("follow: cannot follow discovery changes; falling back to the mapper's refresh on miss (retrying quietly)",
		"reasons", errors.Join(stringErrs(reasons)...).Error())
}

func stringErrs(ss []string) []error {
	var out []error
	for _, s := range ss {
		out = append(out, errors.New(s))
	}
	return out
}

// setFollowing records whether s's watch runs, and logs once when a watch
// starts after a fallback.
func (f *Follower) setFollowing(s *source, on bool) {
	f.mu.Lock()
	f.following[s.gvr.Resource] = on
	say := on && f.logged["fallback"] && !f.logged["recovered"]
	if say {
		f.logged["recovered"] = true
	}
	f.mu.Unlock()
	if say {
		f.log.Info("follow: following discovery changes again", "resource", s.gvr.GroupResource().String())
	}
}

// markSynced notes that s delivered its state (or fell back) and closes
// Synced when both have.
func (f *Follower) markSynced(s *source) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.synced[s.gvr.Resource] {
		return
	}
	f.synced[s.gvr.Resource] = true
	if len(f.synced) == len(f.sources()) {
		close(f.syncedCh)
	}
}

// diffCRD is source.diff for CustomResourceDefinitions.
func diffCRD(name string, old any, obj *unstructured.Unstructured) (*Change, expectation, any, error) {
	var prev, cur *crdState
	if o, ok := old.(crdState); ok {
		prev = &o
	}
	if obj != nil {
		st, err := parseCRD(obj)
		if err != nil {
			return nil, expectation{}, nil, err
		}
		cur = &st
	}
	reason, exp, changed := crdChange(prev, cur)
	var state any
	if cur != nil {
		state = *cur
	}
	if !changed {
		return nil, exp, state, nil
	}
	c := &Change{Reason: reason, Object: describe(CustomResourceDefinitions.Resource, name)}
	if cur != nil {
		c.Group, c.Resources = cur.Group, cur.served()
	} else {
		c.Group = prev.Group
	}
	return c, exp, state, nil
}

// diffAPIService is source.diff for APIServices.
func diffAPIService(name string, old any, obj *unstructured.Unstructured) (*Change, expectation, any, error) {
	var prev, cur *apiServiceState
	if o, ok := old.(apiServiceState); ok {
		prev = &o
	}
	if obj != nil {
		st, err := parseAPIService(obj)
		if err != nil {
			return nil, expectation{}, nil, err
		}
		cur = &st
	}
	reason, exp, changed := apiServiceChange(prev, cur)
	var state any
	if cur != nil {
		state = *cur
	}
	if !changed {
		return nil, exp, state, nil
	}
	c := &Change{Reason: reason, Object: describe(APIServices.Resource, name)}
	if cur != nil {
		c.Group = cur.Group
	} else {
		c.Group = prev.Group
	}
	return c, exp, state, nil
}
