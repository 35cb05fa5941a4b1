package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kubedyn/kubedyn/discovery"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// target is one incarnation of the RESOURCE argument: what it resolved to,
// and whether the server serves its status subresource. A CRD deleted and
// created again may resolve differently (another version, no status), so a
// target is looked up afresh each time work (re)starts.
type target struct {
	gvr        schema.GroupVersionResource
	kind       string
	namespaced bool
	hasStatus  bool
}

// errNotServed says the RESOURCE argument does not name a resource the
// server serves now; the controller waits for it.
var errNotServed = errors.New("not served")

// supervise runs the controller for each incarnation of the resource until
// ctx ends: it waits until the resource is served, reconciles until it is
// gone (or changed), and waits again. It returns nil when ctx ends, and an
// error only when waiting cannot help: the RESOURCE argument is ambiguous,
// or names a resource without list, watch or patch.
func (s *stack) supervise(ctx context.Context) error {
	for ctx.Err() == nil {
		t, err := s.waitServed(ctx)
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return nil
		}
		s.runTarget(ctx, t)
	}
	return nil
}

// waitServed looks the resource up until it is served, waking on every
// discovery change the Follower reports and else on a backoff from 1s to
// 30s. "waiting for resource to be served" is logged once per wait; other
// errors once each time they change. It returns a zero target and nil when
// ctx ends.
func (s *stack) waitServed(ctx context.Context) (target, error) {
	b := backoff{next: time.Second, max: 30 * time.Second}
	waitingLogged := false
	lastErr := ""
	for {
		t, err := s.lookup(ctx)
		switch {
		case err == nil:
			return t, nil
		case ctx.Err() != nil:
			return target{}, nil
		case meta.IsAmbiguousError(err):
			return target{}, fmt.Errorf("resolve %q: %w", s.opts.resource, err)
		case errors.Is(err, errUnsupported):
			return target{}, err
		case errors.Is(err, errNotServed) || meta.IsNoMatchError(err):
			if !waitingLogged {
				s.log.Info("waiting for resource to be served", "resource", s.opts.resource)
				waitingLogged = true
			}
		case err.Error() != lastErr:
			s.log.Warn("cannot look the resource up; retrying", "resource", s.opts.resource, "err", err)
			lastErr = err.Error()
		}
		timer := time.NewTimer(b.step())
		select {
		case <-ctx.Done():
			timer.Stop()
			return target{}, nil
		case <-s.anyChange:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// lookup resolves the RESOURCE argument through the mapper (kubectl's
// rules) and asks uncached discovery for the resource's capabilities (one
// request: its group-version's list), which say whether it is served, takes
// the verbs the controller needs and has a status subresource. When the
// mapper still knows a resource that discovery no longer serves (a CRD
// just deleted), the group is refreshed so the next lookup misses too.
func (s *stack) lookup(ctx context.Context) (target, error) {
	m, err := s.mapper.Resolve(ctx, s.opts.resource)
	if err != nil {
		return target{}, err
	}
	gvr := m.Resource
	caps, served, err := s.disco.Resource(ctx, gvr)
	if err != nil {
		return target{}, fmt.Errorf("discover %s: %w", gvr.GroupVersion(), err)
	}
	if !served {
		s.cached.Invalidate(gvr.Group)
		if err := s.mapper.RefreshGroup(ctx, gvr.Group); err != nil {
			s.log.Debug("refresh of a vanished group failed", "group", gvr.Group, "err", err)
		}
		return target{}, fmt.Errorf("%s: %w", gvr, errNotServed)
	}
	if err := checkVerbs(caps); err != nil {
		return target{}, fmt.Errorf("%s: %w", gvrString(gvr), err)
	}
	_, hasStatus := caps.Subresource("status")
	return target{gvr: gvr, kind: m.GroupVersionKind.Kind, namespaced: m.Scope.Name() == meta.RESTScopeNameNamespace, hasStatus: hasStatus}, nil
}

// errUnsupported says the resource cannot be reconciled: waiting will not
// help.
var errUnsupported = errors.New("cannot be reconciled")

// neededVerbs are the verbs an informer and merge patches need.
var neededVerbs = []string{discovery.VerbList, discovery.VerbWatch, discovery.VerbPatch}

// checkVerbs fails, wrapping errUnsupported, unless discovery says the
// resource takes every verb of neededVerbs (tokenreviews, bindings and the
// like do not).
func checkVerbs(caps discovery.Capabilities) error {
	var missing []string
	for _, v := range neededVerbs {
		if !caps.Supports(v) {
			missing = append(missing, v)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: the server does not offer %s on it (verbs: %s)", errUnsupported,
			strings.Join(missing, ", "), strings.Join(caps.Verbs, ", "))
	}
	return nil
}

// runTarget reconciles t until ctx ends, the resource is gone, or a
// discovery change makes the RESOURCE argument resolve to something else
// (another version or group, a status subresource added or removed); then
// it stops the controller (draining its queue unless leadership was lost)
// and returns.
func (s *stack) runTarget(ctx context.Context, t target) {
	c := newController(s, t)
	c.start(ctx)
	for {
		select {
		case <-ctx.Done():
			c.stop(s.stopping(t))
			return
		case err := <-c.gone:
			c.stop(true)
			s.log.Info("resource gone; stopped work", "resource", s.opts.resource, "gvr", gvrString(t.gvr), "err", err)
			return
		case <-s.anyChange:
			now, err := s.lookup(ctx)
			if err != nil || now == t {
				continue // gone is the informer's to report; unchanged is nothing
			}
			c.stop(true)
			s.log.Info("resource changed; restarting", "resource", s.opts.resource,
				"gvr", gvrString(now.gvr), "status", now.hasStatus)
			return
		}
	}
}

// stopping logs why the work on t stops now that runTarget's ctx is done,
// and reports whether the queue is drained first. Only a signal to an
// unsharded controller drains: a lost leadership stops at once, and a
// sharded replica stops at once so that its ranges are handed over at once
// (runSharded releases them when the work has stopped); their next owners
// list them and reconcile every object, the queued ones included.
func (s *stack) stopping(t target) (drain bool) {
	switch {
	case s.shutdown.Err() == nil:
		s.log.Warn("leadership lost: stopping at once", "gvr", gvrString(t.gvr))
		return false
	case s.shards != nil:
		s.log.Info("shutting down: handing the ranges over, the queue to their next owners", "gvr", gvrString(t.gvr))
		return false
	}
	s.log.Info("shutting down: draining the queue", "gvr", gvrString(t.gvr))
	return true
}

// backoff doubles a wait from next up to max.
type backoff struct{ next, max time.Duration }

// step returns the current wait and doubles the next one.
func (b *backoff) step() time.Duration {
	d := b.next
	b.next = min(b.next*2, b.max)
	return d
}

// gvrString names a resource as kubectl's fully qualified form does:
// "widgets.v1.example.com", "configmaps.v1" for the core group.
func gvrString(gvr schema.GroupVersionResource) string {
	s := gvr.Resource + "." + gvr.Version
	if gvr.Group != "" {
		s += "." + gvr.Group
	}
	return s
}
