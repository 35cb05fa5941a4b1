package restmapper

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/discovery"
	"github.com/kubedyn/kubedyn/rest"
	"github.com/kubedyn/kubedyn/test/cluster"
)

// The mapper's integration tests run on the real discovery stack: a
// discovery.Cached over a discovery.Client (aggregated discovery for a full
// run, the group's own legacy documents for a one-group lookup after
// Invalidate) over a rest.Client whose transport counts every request.

// countingRT counts round trips and adds the admin token: a caller's own
// HTTP client under rest.Config.HTTPClient.
type countingRT struct {
	next  http.RoundTripper
	n     *atomic.Int64
	token string
}

func (c countingRT) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+c.token)
	return c.next.RoundTrip(r)
}

// cachedDiscovery is what the tests need of discovery.Cached.
type cachedDiscovery interface {
	Source
	Invalidator
}

// ownGroups is a Source over real discovery that hides the groups other
// packages' tests install on the shared control plane (see foreign), and
// the failures of their group-versions.
type ownGroups struct {
	src      cachedDiscovery
	requests *atomic.Int64 // HTTP requests discovery made
}

var (
	_ Source      = (*ownGroups)(nil)
	_ Invalidator = (*ownGroups)(nil)
)

// newServerSource returns an ownGroups over discovery.NewCached(discovery.New(...))
// on the control plane, as admin.
func newServerSource(t testing.TB, env *cluster.Env) *ownGroups {
	t.Helper()
	base, ok := env.HTTPClient().Transport.(*http.Transport)
	if !ok {
		t.Fatalf("env.HTTPClient's transport is %T", env.HTTPClient().Transport)
	}
	tr := base.Clone()
	tr.ForceAttemptHTTP2 = true
	t.Cleanup(tr.CloseIdleConnections)
	s := &ownGroups{requests: &atomic.Int64{}}
	rc, err := rest.NewClient(&rest.Config{Host: env.Server, HTTPClient: &http.Client{Transport: countingRT{next: tr, n: s.requests, token: env.Admin.Token}}})
	if err != nil {
		t.Fatal(err)
	}
	s.src = discovery.NewCached(discovery.New(rc, discovery.Options{}), discovery.CacheOptions{})
	return s
}

// foreign reports whether group was installed by another package's tests on
// the shared control plane (neither a built-in group nor one of ours). The
// source hides such groups: the kubectl expectations were checked on a
// server with only this package's CRDs, and another package's "widgets" in
// a group that sorts first would rightly win the bare name.
func foreign(group string) bool {
	return strings.Contains(group, ".") && !strings.HasSuffix(group, ".k8s.io") && !strings.HasSuffix(group, fixtureGroupSuffix)
}

func (s *ownGroups) ServerGroupsAndResources(ctx context.Context) ([]metav1.APIGroup, []*metav1.APIResourceList, error) {
	groups, lists, err := s.src.ServerGroupsAndResources(ctx)
	var keptGroups []metav1.APIGroup
	for _, g := range groups {
		if !foreign(g.Name) {
			keptGroups = append(keptGroups, g)
		}
	}
	var keptLists []*metav1.APIResourceList
	for _, l := range lists {
		if !foreign(groupOf(l.GroupVersion)) {
			keptLists = append(keptLists, l)
		}
	}
	return keptGroups, keptLists, ownFailures(err)
}

// ownFailures drops from a *discovery.PartialError the group-versions of
// foreign groups (another package's broken APIService, a CRD it is
// deleting); other errors pass unchanged.
func ownFailures(err error) error {
	var pe *discovery.PartialError
	if !errors.As(err, &pe) {
		return err
	}
	failed := map[schema.GroupVersion]error{}
	for gv, cause := range pe.Failed {
		if !foreign(gv.Group) {
			failed[gv] = cause
		}
	}
	if len(failed) == 0 {
		return nil
	}
	return &discovery.PartialError{Failed: failed}
}

func (s *ownGroups) ServerGroupAndResources(ctx context.Context, group string) (*metav1.APIGroup, []*metav1.APIResourceList, error) {
	g, lists, err := s.src.ServerGroupAndResources(ctx, group)
	if foreign(group) && (err == nil || discovery.IsPartial(err)) {
		return nil, nil, apierrors.NewNotFound(schema.GroupResource{Resource: "apigroups"}, group)
	}
	return g, lists, ownFailures(err)
}

func (s *ownGroups) Invalidate(groups ...string) { s.src.Invalidate(groups...) }
