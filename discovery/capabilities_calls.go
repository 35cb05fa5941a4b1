package discovery

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Snapshot runs a full discovery and returns the Capabilities of every
// resource it found, built directly from the aggregated documents (or from
// the legacy resource lists on a server without aggregated discovery).
// When some group-versions fail it returns the snapshot of the others and
// a *PartialError; Snapshot.Covers tells them apart.
func (c *Client) Snapshot(ctx context.Context) (*Snapshot, error) {
	r, err := c.discover(ctx)
	if err != nil {
		return nil, err
	}
	return r.snapshot(), partialOrNil(r.failed)
}

// Resource returns the capabilities of one resource with the fewest
// requests: the legacy resource list of its group-version alone (one small
// document, whatever Options.Mode). served is false, with a nil error,
// when the server does not serve gvr (its group-version answers 404, or
// does not list it); an error means the question could not be answered.
func (c *Client) Resource(ctx context.Context, gvr schema.GroupVersionResource) (caps Capabilities, served bool, err error) {
	if err := checkGVR(gvr); err != nil {
		return Capabilities{}, false, fmt.Errorf("discovery on %s: %w", c.rc.Host(), err)
	}
	l, err := c.fetchList(ctx, gvr.GroupVersion())
	if apierrors.IsNotFound(err) {
		return Capabilities{}, false, nil
	}
	if err != nil {
		return Capabilities{}, false, fmt.Errorf("capabilities of %s: %w", gvr, err)
	}
	s := &Snapshot{index: map[schema.GroupVersionResource]int{}, gvs: map[schema.GroupVersion]struct{}{}}
	s.addList(gvr.GroupVersion(), l.APIResources)
	s.sortFrom(0)
	caps, served = s.Resource(gvr)
	return caps, served, nil
}

// checkGVR refuses a resource without a version or a plural name, or
// naming a subresource: it names no one resource.
func checkGVR(gvr schema.GroupVersionResource) error {
	if gvr.Version == "" || gvr.Resource == "" {
		return fmt.Errorf("incomplete resource %q: want a version and a plural name", gvr)
	}
	if isSubresource(gvr.Resource) {
		return fmt.Errorf("resource %q names a subresource: ask its resource's Capabilities.Subresource", gvr)
	}
	return nil
}

// Snapshot returns the Capabilities of the cached discovery run, built
// once per run and shared by every caller until Invalidate. Like
// ServerGroupsAndResources it runs discovery when nothing is memoised
// (after Invalidate, of everything or of named groups).
func (c *Cached) Snapshot(ctx context.Context) (*Snapshot, error) {
	r, err := c.run(ctx)
	if err != nil {
		return nil, err
	}
	return r.snapshot(), partialOrNil(r.failed)
}

// Resource returns the capabilities of one resource: from the memoised
// run's Snapshot when it covers the resource's group-version, else (no run
// yet, its group named by Invalidate, its group-version failed) as
// Client.Resource does, reading that group-version's list alone. served is
// false with a nil error when the server does not serve gvr.
func (c *Cached) Resource(ctx context.Context, gvr schema.GroupVersionResource) (caps Capabilities, served bool, err error) {
	if err := checkGVR(gvr); err != nil {
		return Capabilities{}, false, fmt.Errorf("discovery on %s: %w", c.client.rc.Host(), err)
	}
	c.mu.Lock()
	full, dirty := c.full, c.dirty[gvr.Group]
	c.mu.Unlock()
	if full != nil && !dirty {
		if s := full.snapshot(); s.Covers(gvr.GroupVersion()) {
			caps, served = s.Resource(gvr)
			return caps, served, nil
		}
	}
	return c.client.Resource(ctx, gvr)
}
