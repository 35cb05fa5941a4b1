package follow

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubedyn/kubedyn/dynamic/internal/listwatch"
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
		{gvr: CustomResourceDefinitions, diff: diffOf(CustomResourceDefinitions.Resource, parseCRD, crdChange,
			func(s crdState) (string, []schema.GroupVersionResource) { return s.Group, s.served() })},
		{gvr: APIServices, diff: diffOf(APIServices.Resource, parseAPIService, apiServiceChange,
			func(s apiServiceState) (string, []schema.GroupVersionResource) { return s.Group, nil })},
	}
}

// start follows each source in its own goroutine (added to wg).
func (f *Follower) start(ctx context.Context, wg *sync.WaitGroup) {
	for _, s := range f.sources() {
		wg.Go(func() { f.follow(ctx, s) })
	}
}

// follow runs the list-and-watch engine on s until ctx is done. It
// resumes and relists by itself; refusals (403, 404) are reported to
// refused and retried, like other failures, with a jittered backoff of up
// to RetryInterval.
func (f *Follower) follow(ctx context.Context, s *source) {
	h := f.opts.Client.Resource(s.gvr)
	known := map[string]any{}
	first := true // the first initial state: recorded only
	_ = listwatch.Run(ctx, listwatch.UnstructuredSource(h.List, h.Watch), listwatch.Options[*unstructured.Unstructured]{
		StreamingList: true, Ending: listwatch.RetryRefusal, Record: listwatch.RecordKeys,
		InitialEventsTimeout: f.opts.InitialEventsTimeout, MaxBackoff: f.opts.RetryInterval,
		What: "watch " + s.gvr.GroupResource().String(), Report: h.Observe, Resource: s.gvr,
		Observe: func(n listwatch.Note) {
			if n.Kind == listwatch.NoteConnected {
				f.setFollowing(s, true)
			}
		},
	}, func(ev listwatch.Event[*unstructured.Unstructured]) bool {
		switch {
		case ev.Type == watch.Error:
			f.failed(s, ev.Err)
		case ev.Type == watch.Bookmark && ev.Mark == listwatch.MarkSynced && first:
			first = false
			f.endFirst(s)
		case ev.Type != watch.Bookmark:
			obj := ev.Object
			if ev.Type == watch.Deleted {
				obj = nil
			}
			f.apply(s, known, ev.Object.GetName(), obj, first)
		}
		return true
	})
}

// failed records a failed attempt; a refusal makes the Follower fall back.
func (f *Follower) failed(s *source, err error) {
	f.log.Debug("follow: watch failed; retrying", "resource", s.gvr.GroupResource().String(), "err", err)
	f.setFollowing(s, false)
	if listwatch.Refusal(err) {
		f.mu.Lock()
		f.reasons[s.gvr.Resource] = fmt.Sprintf("watching %s cluster-wide: %v", s.gvr.GroupResource(), err)
		f.mu.Unlock()
		f.markSynced(s)
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

// endFirst closes the first initial state: anything may have changed
// before the Follower started, so the cache and the mapper rediscover
// once. Later lists (after an expiry) arrive as their difference.
func (f *Follower) endFirst(s *source) {
	if f.opts.Cache != nil {
		f.opts.Cache.Invalidate()
	}
	if f.opts.Mapper != nil {
		f.opts.Mapper.Reset()
	}
	f.markSynced(s)
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

// markSynced notes that s delivered its state (or was refused) and closes
// Synced when both have. Once both have, a refusal is logged, once per
// Follower, naming every refused watch: discovery falls back to the
// Mapper's refresh on miss.
func (f *Follower) markSynced(s *source) {
	f.mu.Lock()
	if !f.synced[s.gvr.Resource] {
		f.synced[s.gvr.Resource] = true
		if len(f.synced) == len(f.sources()) {
			close(f.syncedCh)
		}
	}
	var reasons []error
	if len(f.synced) == len(f.sources()) && len(f.reasons) > 0 && !f.logged["fallback"] {
		f.logged["fallback"] = true
		for _, r := range slices.Sorted(maps.Values(f.reasons)) {
			reasons = append(reasons, errors.New(r))
		}
	}
	f.mu.Unlock()
	if len(reasons) > 0 {
		f.log.Warn("follow: cannot follow discovery changes; falling back to the mapper's refresh on miss (retrying quietly)",
			"reasons", errors.Join(reasons...).Error())
	}
}

// diffOf makes a source.diff from a parser of states of resource, the
// function that compares two states, and the group and resources a state
// names.
func diffOf[S any](resource string, parse func(*unstructured.Unstructured) (S, error),
	change func(prev, cur *S) (Reason, expectation, bool), names func(S) (string, []schema.GroupVersionResource),
) func(string, any, *unstructured.Unstructured) (*Change, expectation, any, error) {
	return func(name string, old any, obj *unstructured.Unstructured) (*Change, expectation, any, error) {
		var prev, cur *S
		if o, ok := old.(S); ok {
			prev = &o
		}
		var state any
		if obj != nil {
			st, err := parse(obj)
			if err != nil {
				return nil, expectation{}, nil, err
			}
			cur, state = &st, st
		}
		reason, exp, changed := change(prev, cur)
		if !changed {
			return nil, exp, state, nil
		}
		c := &Change{Reason: reason, Object: describe(resource, name)}
		if cur != nil {
			c.Group, c.Resources = names(*cur)
		} else {
			c.Group, _ = names(*prev)
		}
		return c, exp, state, nil
	}
}
