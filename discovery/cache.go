package discovery

import (
	"context"
	"sort"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/version"
)

// CacheOptions configure a Cached.
type CacheOptions struct {
	// Dir, when set, keeps a copy of every document on disk (one directory
	// per server URL, files 0600, written atomically), so a new process
	// revalidates with If-None-Match instead of downloading. A corrupt or
	// truncated file is ignored.
	Dir string
	// Now returns the current time (fetch times and ages); nil means time.Now.
	Now func() time.Time
}

// Stale describes one document served from cache because its refresh failed.
type Stale struct {
	Key   string        // the request: Accept, path and query
	Age   time.Duration // how old the served copy is
	Since time.Time     // when the served copy was fetched
	Err   error         // why the last refresh failed
}

// Cached is a caching wrapper around a Client, safe for concurrent use.
// A discovery run's result is kept in memory until Invalidate; concurrent
// callers share one fetch (singleflight) and no lock is held across network
// I/O. A refresh revalidates every document it has with If-None-Match when
// the server sent an ETag (an unchanged server answers 304 with no body),
// and when a document's refresh fails the last good copy is served and
// reported by Stale.
type Cached struct {
	client *Client // a copy of the wrapped Client whose store is this cache
	now    func() time.Time
	disk   *diskStore // nil: memory only
	flight singleflight.Group

	mu sync.Mutex // guards docs, fresh, stale, full, dirty, groups, lastGood, gen (never held across I/O)
	// docs is the last good copy of every document, by key.
	docs map[string]doc
	// fresh holds the keys of group-version lists that are served without
	// asking the server until Invalidate names their group.
	fresh map[string]bool
	// lastGood is the last good resource list of each group-version, served
	// when a later run reports that group-version failed or Stale.
	lastGood map[string]goodList
	// stale records the documents served after a failed refresh.
	stale map[string]Stale
	// full is the memoised full discovery run; nil after Invalidate with no
	// names. It answers no call while dirty is not empty, except
	// ServerGroupAndResources for a group that is not dirty.
	full *result
	// dirty holds the groups named by Invalidate since full was memoised.
	dirty map[string]bool
	// groups holds the one-group answers of ServerGroupAndResources for
	// dirty groups, read with legacy documents of that group alone.
	groups map[string]groupAnswer
	// gen counts invalidations, so a run that started before one is not memoised.
	gen uint64
}

// NewCached wraps c in a cache.
func NewCached(c *Client, opts CacheOptions) *Cached {
	cc := &Cached{now: opts.Now, docs: map[string]doc{}, fresh: map[string]bool{}, stale: map[string]Stale{}, lastGood: map[string]goodList{},
		dirty: map[string]bool{}, groups: map[string]groupAnswer{}}
	if cc.now == nil {
		cc.now = time.Now
	}
	if opts.Dir != "" {
		cc.disk = newDiskStore(opts.Dir, c.rc.Host())
	}
	inner := *c
	inner.store = cc
	inner.now = cc.now
	cc.client = &inner
	return cc
}

// goodList is a resource list and when it was discovered.
type goodList struct {
	list *metav1.APIResourceList
	at   time.Time
}

func (c *Cached) load(key string) (doc, bool, bool) {
	c.mu.Lock()
	d, ok := c.docs[key]
	fresh := c.fresh[key]
	c.mu.Unlock()
	if ok || c.disk == nil {
		return d, ok, fresh
	}
	d, ok = c.disk.load(key)
	return d, ok, false
}

func (c *Cached) save(key string, d doc) {
	c.mu.Lock()
	c.docs[key] = d
	if keyGroup(key) != nil {
		c.fresh[key] = true
	}
	delete(c.stale, key)
	c.mu.Unlock()
	if c.disk != nil {
		c.disk.save(key, d)
	}
}

func (c *Cached) failed(key string, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	d := c.docs[key]
	c.stale[key] = Stale{Key: key, Since: d.FetchedAt, Err: err}
}

// Stale lists the documents currently served from an older copy because
// their last refresh failed, with the copy's age, sorted by key.
func (c *Cached) Stale() []Stale {
	c.mu.Lock()
	out := make([]Stale, 0, len(c.stale))
	for _, s := range c.stale {
		out = append(out, s)
	}
	c.mu.Unlock()
	now := c.now()
	for i := range out {
		if !out[i].Since.IsZero() {
			out[i].Age = now.Sub(out[i].Since)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// DiskProblem says why the on-disk cache (CacheOptions.Dir) is not in use,
// for example because the server's directory was replaced by a symbolic
// link: nil when it is in use or none was asked for. The cache then works
// from memory alone.
func (c *Cached) DiskProblem() error {
	if c.disk == nil {
		return nil
	}
	return c.disk.problem()
}

// Invalidate drops the memoised discovery so the next call asks the server
// again: /api and /apis (and, with aggregated discovery, everything) are
// revalidated with If-None-Match. With no names the legacy group-version
// lists of every group are refetched too; with names, only those groups',
// and ServerGroupAndResources of a named group reads that group alone
// (/apis/GROUP and its versions, a few small legacy documents, whatever the
// mode) instead of running discovery again. Copies are kept for
// revalidation and stale-while-error. It satisfies restmapper.Invalidator.
func (c *Cached) Invalidate(groups ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if len(groups) == 0 {
		c.full = nil
		clear(c.dirty)
		clear(c.groups)
		clear(c.fresh)
		return
	}
	for _, name := range groups {
		c.dirty[name] = true
		delete(c.groups, name)
	}
	for key := range c.fresh {
		g := keyGroup(key)
		for _, name := range groups {
			if g != nil && *g == name {
				delete(c.fresh, key)
			}
		}
	}
}

// run returns the memoised full discovery, or runs it once for all
// concurrent callers; each caller stops waiting when its ctx ends.
func (c *Cached) run(ctx context.Context) (*result, error) {
	r, gen := c.memoised()
	if r != nil {
		return r, nil
	}
	ch := c.flight.DoChan("full", func() (any, error) {
		// A flight that ended between memoised above and DoChan has
		// stored its result: use it rather than run discovery again.
		if r, _ := c.memoised(); r != nil {
			return r, nil
		}
		r, err := c.client.discover(context.WithoutCancel(ctx))
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		r = c.patchStaleLocked(r)
		if c.gen == gen {
			c.full = r
			clear(c.dirty)
			clear(c.groups)
		}
		return r, nil
	})
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		return res.Val.(*result), nil
	}
}

// memoised returns the memoised full run when it answers calls (nil while
// a group is dirty), and the invalidation generation.
func (c *Cached) memoised() (*result, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.dirty) > 0 {
		return nil, c.gen
	}
	return c.full, c.gen
}

// patchStaleLocked remembers r's good lists and replaces each failed
// group-version that has an earlier good list by that list, recording it
// as stale (stale-while-error). It returns a new result.
func (c *Cached) patchStaleLocked(r *result) *result {
	now := c.now()
	for _, l := range r.lists {
		c.lastGood[l.GroupVersion] = goodList{list: l, at: now}
		delete(c.stale, "groupversion "+l.GroupVersion)
	}
	if len(r.failed) == 0 {
		return r
	}
	out := &result{groups: r.groups, lists: append([]*metav1.APIResourceList(nil), r.lists...), agg: r.agg}
	for gv, err := range r.failed {
		g, ok := c.lastGood[gv.String()]
		if !ok {
			if out.failed == nil {
				out.failed = map[schema.GroupVersion]error{}
			}
			out.failed[gv] = err
			continue
		}
		out.lists = append(out.lists, g.list)
		key := "groupversion " + gv.String()
		c.stale[key] = Stale{Key: key, Since: g.at, Err: err}
	}
	return out
}

// ServerVersion returns the server's /version (revalidated on each call).
func (c *Cached) ServerVersion(ctx context.Context) (*version.Info, error) {
	return c.client.ServerVersion(ctx)
}

// ServerGroups returns the groups of the cached discovery run.
func (c *Cached) ServerGroups(ctx context.Context) (*metav1.APIGroupList, error) {
	r, err := c.run(ctx)
	if err != nil {
		return nil, err
	}
	return &metav1.APIGroupList{TypeMeta: metav1.TypeMeta{Kind: "APIGroupList", APIVersion: "v1"}, Groups: r.groups}, nil
}

// ServerResourcesForGroupVersion returns one group-version's list from the
// cached run, or fetches it (legacy) when the run does not hold it.
func (c *Cached) ServerResourcesForGroupVersion(ctx context.Context, groupVersion string) (*metav1.APIResourceList, error) {
	r, err := c.run(ctx)
	if err == nil {
		for _, l := range r.lists {
			if l.GroupVersion == groupVersion {
				return l, nil
			}
		}
	}
	return c.client.ServerResourcesForGroupVersion(ctx, groupVersion)
}

// ServerGroupsAndResources is Client.ServerGroupsAndResources, cached.
func (c *Cached) ServerGroupsAndResources(ctx context.Context) ([]metav1.APIGroup, []*metav1.APIResourceList, error) {
	r, err := c.run(ctx)
	if err != nil {
		return nil, nil, err
	}
	return r.groups, r.lists, partialOrNil(r.failed)
}

// ServerGroupAndResources is Client.ServerGroupAndResources, answered from
// the cached run. For a group named by Invalidate since that run it reads
// the group alone with legacy documents (/apis/GROUP, or /api for the core
// group, and the list of each version), shared by concurrent callers, and
// keeps the answer until the next run or Invalidate of the group.
func (c *Cached) ServerGroupAndResources(ctx context.Context, group string) (*metav1.APIGroup, []*metav1.APIResourceList, error) {
	c.mu.Lock()
	full, dirty, gen := c.full, c.dirty[group], c.gen
	ans, answered := c.groups[group]
	c.mu.Unlock()
	switch {
	case full != nil && !dirty:
		return pickGroup(full, group, c.client.rc.Host())
	case answered:
		return ans.group, ans.lists, ans.err
	case full == nil:
		r, err := c.run(ctx)
		if err != nil {
			return nil, nil, err
		}
		return pickGroup(r, group, c.client.rc.Host())
	}
	ch := c.flight.DoChan("group "+group, func() (any, error) {
		ans, err := c.fetchGroup(context.WithoutCancel(ctx), group)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.gen == gen {
			c.groups[group] = ans
		}
		return ans, nil
	})
	select {
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	case res := <-ch:
		if res.Err != nil {
			return nil, nil, res.Err
		}
		ans := res.Val.(groupAnswer)
		return ans.group, ans.lists, ans.err
	}
}

// groupAnswer is what ServerGroupAndResources returns for one group: the
// group and its lists, or a not-found error; err may also be a
// *PartialError naming failed versions.
type groupAnswer struct {
	group *metav1.APIGroup
	lists []*metav1.APIResourceList
	err   error
}

// fetchGroup reads one group alone. A group the server does not serve is
// an answer (a not-found error); any other failure is an error.
func (c *Cached) fetchGroup(ctx context.Context, group string) (groupAnswer, error) {
	host := c.client.rc.Host()
	r, err := c.client.discoverGroupLegacy(ctx, group)
	if apierrors.IsNotFound(err) {
		_, _, nf := pickGroup(&result{}, group, host)
		return groupAnswer{err: nf}, nil
	}
	if err != nil {
		return groupAnswer{}, err
	}
	g, lists, err := pickGroup(r, group, host)
	return groupAnswer{group: g, lists: lists, err: err}, nil
}

// ServerPreferredResources is Client.ServerPreferredResources, cached.
func (c *Cached) ServerPreferredResources(ctx context.Context) ([]*metav1.APIResourceList, error) {
	r, err := c.run(ctx)
	if err != nil {
		return nil, err
	}
	return preferred(r, false), partialOrNil(r.failed)
}

// ServerPreferredNamespacedResources is
// Client.ServerPreferredNamespacedResources, cached.
func (c *Cached) ServerPreferredNamespacedResources(ctx context.Context) ([]*metav1.APIResourceList, error) {
	r, err := c.run(ctx)
	if err != nil {
		return nil, err
	}
	return preferred(r, true), partialOrNil(r.failed)
}

// OpenAPIV3Paths returns the OpenAPI v3 index, revalidated with its ETag.
func (c *Cached) OpenAPIV3Paths(ctx context.Context) (map[string]string, error) {
	return c.client.OpenAPIV3Paths(ctx)
}

// OpenAPIV3Schema returns one group-version's OpenAPI v3 document, cached
// by its immutable ?hash= URL.
func (c *Cached) OpenAPIV3Schema(ctx context.Context, groupVersionPath string) ([]byte, error) {
	return c.client.OpenAPIV3Schema(ctx, groupVersionPath)
}
