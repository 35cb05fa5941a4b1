package discovery

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/kubedyn/kubedyn/rest"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/version"
)

// Client discovers what one API server serves. It caches nothing but the
// immutable OpenAPI v3 schemas (keyed by their ?hash= URL); wrap it in
// NewCached for a cache. It is safe for concurrent use.
type Client struct {
	rc    *rest.Client
	opts  Options
	store docStore // nil: no cache
	oapi  *hashCache
	now   func() time.Time // the clock of fetch times
}

// New returns a Client that sends its requests through c (any *rest.Client,
// including one built on a caller's HTTPClient).
func New(c *rest.Client, opts Options) *Client {
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	return &Client{rc: c, opts: opts, oapi: &hashCache{m: map[string][]byte{}}, now: time.Now}
}

// ServerVersion returns the server's /version.
func (c *Client) ServerVersion(ctx context.Context) (*version.Info, error) {
	d, err := c.get(ctx, "/version", nil, "application/json")
	if err != nil {
		return nil, err
	}
	var v version.Info
	if err := strictJSON(d.Body, &v); err != nil {
		return nil, fmt.Errorf("discovery GET /version on %s: %w", c.rc.Host(), err)
	}
	return &v, nil
}

// ServerGroups returns every group the server serves, the core group ""
// first. It reads /api and /apis (aggregated or legacy, per Options.Mode).
func (c *Client) ServerGroups(ctx context.Context) (*metav1.APIGroupList, error) {
	r, err := c.groupsOnly(ctx)
	if err != nil {
		return nil, err
	}
	return &metav1.APIGroupList{TypeMeta: metav1.TypeMeta{Kind: "APIGroupList", APIVersion: "v1"}, Groups: r.groups}, nil
}

// ServerResourcesForGroupVersion returns the legacy resource list of one
// group-version ("v1", "apps/v1"). An unserved group-version gives an error
// for which apierrors.IsNotFound is true.
func (c *Client) ServerResourcesForGroupVersion(ctx context.Context, groupVersion string) (*metav1.APIResourceList, error) {
	gv, err := schema.ParseGroupVersion(groupVersion)
	if err != nil || gv.Version == "" {
		return nil, fmt.Errorf("discovery on %s: invalid group-version %q", c.rc.Host(), groupVersion)
	}
	return c.fetchList(ctx, gv)
}

// fetchList fetches one group-version's legacy list. A 5xx answer is not
// retried: for the group-version of an aggregated APIService it means the
// backend is down, which retries with backoff would only report seconds
// later (the failure goes to the caller's PartialError instead).
func (c *Client) fetchList(ctx context.Context, gv schema.GroupVersion) (*metav1.APIResourceList, error) {
	var l metav1.APIResourceList
	path := rest.GroupVersionPath(gv.Group, gv.Version)
	if err := c.getLegacy(ctx, path, "APIResourceList", &l, true); err != nil {
		return nil, err
	}
	if l.GroupVersion != gv.String() {
		return nil, fmt.Errorf("discovery GET %s on %s: list is for %q", path, c.rc.Host(), l.GroupVersion)
	}
	return &l, nil
}

// ServerGroupsAndResources returns every group in server order and the
// resource list of every served group-version. When some group-versions
// fail (or are reported Stale) it returns what succeeded and a
// *PartialError listing each failure.
func (c *Client) ServerGroupsAndResources(ctx context.Context) ([]metav1.APIGroup, []*metav1.APIResourceList, error) {
	r, err := c.discover(ctx)
	if err != nil {
		return nil, nil, err
	}
	return r.groups, r.lists, partialOrNil(r.failed)
}

// ServerGroupAndResources returns one group and the resource lists of its
// versions. A group the server does not serve gives an error for which
// apierrors.IsNotFound is true.
func (c *Client) ServerGroupAndResources(ctx context.Context, group string) (*metav1.APIGroup, []*metav1.APIResourceList, error) {
	r, err := c.discoverGroup(ctx, group)
	if err != nil {
		return nil, nil, err
	}
	return pickGroup(r, group, c.rc.Host())
}

// pickGroup selects one group of a result (pure).
func pickGroup(r *result, group, host string) (*metav1.APIGroup, []*metav1.APIResourceList, error) {
	for i := range r.groups {
		g := &r.groups[i]
		if g.Name != group {
			continue
		}
		var lists []*metav1.APIResourceList
		failed := map[schema.GroupVersion]error{}
		for _, v := range g.Versions {
			for _, l := range r.lists {
				if l.GroupVersion == v.GroupVersion {
					lists = append(lists, l)
				}
			}
			gv := schema.GroupVersion{Group: group, Version: v.Version}
			if err, ok := r.failed[gv]; ok {
				failed[gv] = err
			}
		}
		return g, lists, partialOrNil(failed)
	}
	nf := apierrors.NewNotFound(schema.GroupResource{Resource: "apigroups"}, group)
	nf.ErrStatus.Message = fmt.Sprintf("discovery on %s: group %q is not served", host, group)
	return nil, nil, nf
}

// ServerPreferredResources returns, for each group, every resource at the
// most preferred version that serves it, without subresources ("pods/log"),
// as client-go does, and a
// *PartialError if some group-versions failed.
func (c *Client) ServerPreferredResources(ctx context.Context) ([]*metav1.APIResourceList, error) {
	r, err := c.discover(ctx)
	if err != nil {
		return nil, err
	}
	return preferred(r, false), partialOrNil(r.failed)
}

// ServerPreferredNamespacedResources is ServerPreferredResources keeping
// only namespaced resources.
func (c *Client) ServerPreferredNamespacedResources(ctx context.Context) ([]*metav1.APIResourceList, error) {
	r, err := c.discover(ctx)
	if err != nil {
		return nil, err
	}
	return preferred(r, true), partialOrNil(r.failed)
}

// hashCache keeps immutable documents by URL.
type hashCache struct {
	mu sync.Mutex // guards m
	m  map[string][]byte
}
