package discovery

import (
	"context"
	"fmt"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// roots fetches /api and /apis. In Auto and Aggregated mode it asks for
// aggregated documents; the Content-Type of each answer decides. It returns
// either an aggregated result (agg true) or the legacy core versions and
// group list.
func (c *Client) roots(ctx context.Context) (agg *result, core *metav1.APIVersions, groups *metav1.APIGroupList, err error) {
	accept := "application/json"
	if c.opts.Mode != Legacy {
		accept = AcceptAggregated
	}
	docs := [2]doc{}
	for i, path := range [2]string{"/api", "/apis"} {
		if docs[i], err = c.get(ctx, path, nil, accept); err != nil {
			return nil, nil, nil, err
		}
	}
	var kinds [2]bool
	for i, path := range [2]string{"/api", "/apis"} {
		if kinds[i], err = isAggregated(docs[i].ContentType); err != nil {
			return nil, nil, nil, fmt.Errorf("discovery GET %s on %s: %w", path, c.rc.Host(), err)
		}
	}
	if kinds[0] && kinds[1] {
		r := &result{}
		for i, path := range [2]string{"/api", "/apis"} {
			l, err := decodeAggregated(docs[i].Body)
			if err != nil {
				return nil, nil, nil, fmt.Errorf("discovery GET %s on %s: decoding aggregated discovery: %w", path, c.rc.Host(), err)
			}
			fromAggregated(l, r)
		}
		return r, nil, nil, nil
	}
	if c.opts.Mode == Aggregated {
		return nil, nil, nil, fmt.Errorf("discovery on %s: %w (Content-Type %q, %q)", c.rc.Host(), ErrNotAggregated, docs[0].ContentType, docs[1].ContentType)
	}
	core, groups = &metav1.APIVersions{}, &metav1.APIGroupList{}
	if kinds[0] {
		err = c.getLegacy(ctx, "/api", "APIVersions", core, false)
	} else {
		err = c.decodeLegacyDoc("/api", docs[0], "APIVersions", core)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	if kinds[1] {
		err = c.getLegacy(ctx, "/apis", "APIGroupList", groups, false)
	} else {
		err = c.decodeLegacyDoc("/apis", docs[1], "APIGroupList", groups)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	return nil, core, groups, nil
}

// legacyGroups turns /api and /apis into the group list, core first.
func legacyGroups(core *metav1.APIVersions, groups *metav1.APIGroupList) []metav1.APIGroup {
	out := make([]metav1.APIGroup, 0, len(groups.Groups)+1)
	if len(core.Versions) > 0 {
		g := metav1.APIGroup{Name: ""}
		for _, v := range core.Versions {
			g.Versions = append(g.Versions, metav1.GroupVersionForDiscovery{GroupVersion: v, Version: v})
		}
		g.PreferredVersion = g.Versions[0]
		out = append(out, g)
	}
	return append(out, groups.Groups...)
}

// groupsOnly returns the groups without resource lists.
func (c *Client) groupsOnly(ctx context.Context) (*result, error) {
	agg, core, groups, err := c.roots(ctx)
	if err != nil {
		return nil, err
	}
	if agg != nil {
		return agg, nil
	}
	return &result{groups: legacyGroups(core, groups)}, nil
}

// discover runs a full discovery.
func (c *Client) discover(ctx context.Context) (*result, error) {
	agg, core, groups, err := c.roots(ctx)
	if err != nil {
		return nil, err
	}
	if agg != nil {
		return agg, nil
	}
	r := &result{groups: legacyGroups(core, groups)}
	c.fetchLists(ctx, r)
	return r, nil
}

// discoverGroup runs discovery for one group: aggregated discovery reads the
// whole (one-round-trip) document; legacy reads only that group's documents.
func (c *Client) discoverGroup(ctx context.Context, group string) (*result, error) {
	if c.opts.Mode != Legacy {
		return c.discover(ctx)
	}
	return c.discoverGroupLegacy(ctx, group)
}

// discoverGroupLegacy reads one group with legacy documents, whatever the
// mode: /apis/GROUP (or /api for the core group "") and the resource list
// of each of its versions. A group the server does not serve gives an error
// for which apierrors.IsNotFound is true.
func (c *Client) discoverGroupLegacy(ctx context.Context, group string) (*result, error) {
	var g metav1.APIGroup
	if group == "" {
		var core metav1.APIVersions
		if err := c.getLegacy(ctx, "/api", "APIVersions", &core, false); err != nil {
			return nil, err
		}
		gs := legacyGroups(&core, &metav1.APIGroupList{})
		if len(gs) == 0 {
			return &result{}, nil
		}
		g = gs[0]
	} else if err := c.getLegacy(ctx, "/apis/"+group, "APIGroup", &g, false); err != nil {
		return nil, err
	}
	r := &result{groups: []metav1.APIGroup{g}}
	c.fetchLists(ctx, r)
	return r, nil
}

// fetchLists fetches the resource list of every version of r.groups, at
// most Options.Concurrency at a time, keeping the groups' order. Failures
// go to r.failed.
func (c *Client) fetchLists(ctx context.Context, r *result) {
	var gvs []schema.GroupVersion
	for _, g := range r.groups {
		for _, v := range g.Versions {
			gvs = append(gvs, schema.GroupVersion{Group: g.Name, Version: v.Version})
		}
	}
	lists := make([]*metav1.APIResourceList, len(gvs))
	errs := make([]error, len(gvs))
	sem := make(chan struct{}, c.opts.Concurrency)
	var wg sync.WaitGroup
	for i, gv := range gvs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			lists[i], errs[i] = c.fetchList(ctx, gv)
		}()
	}
	wg.Wait()
	for i, gv := range gvs {
		if errs[i] != nil {
			if r.failed == nil {
				r.failed = map[schema.GroupVersion]error{}
			}
			r.failed[gv] = errs[i]
			continue
		}
		r.lists = append(r.lists, lists[i])
	}
}
