package restmapper

import (
	"context"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Source is what a Mapper needs from discovery: a full run and a one-shot
// lookup of one group. Both return apimachinery's discovery types as the
// server serves them, with ctx first.
type Source interface {
	// ServerGroupsAndResources returns every group the server serves, in
	// the server's order (the core group "" first, then /apis in the order
	// the server lists it), and the resource list of each served
	// group-version. When some group-versions fail it returns what
	// succeeded together with an error naming the failures.
	ServerGroupsAndResources(ctx context.Context) ([]metav1.APIGroup, []*metav1.APIResourceList, error)
	// ServerGroupAndResources returns one group and the resource lists of
	// its versions. A group the server does not serve yields an error for
	// which apierrors.IsNotFound is true.
	ServerGroupAndResources(ctx context.Context, group string) (*metav1.APIGroup, []*metav1.APIResourceList, error)
}

// Invalidator is implemented by Sources that cache what they discover. A
// Mapper calls Invalidate before each discovery run it makes after the
// first (with no names for a full run, with the group's name for a
// one-shot group lookup), so that a refresh reads the server, not the
// Source's cache.
type Invalidator interface {
	Invalidate(groups ...string)
}

// StaticSource is a Source that always answers with the same discovery
// documents, for tests and for tools that read recorded discovery. It does
// no I/O.
type StaticSource struct {
	Groups    []metav1.APIGroup
	Resources []*metav1.APIResourceList
}

// ServerGroupsAndResources returns s.Groups and s.Resources.
func (s StaticSource) ServerGroupsAndResources(context.Context) ([]metav1.APIGroup, []*metav1.APIResourceList, error) {
	return s.Groups, s.Resources, nil
}

// ServerGroupAndResources returns the named group of s.Groups and its lists.
func (s StaticSource) ServerGroupAndResources(_ context.Context, group string) (*metav1.APIGroup, []*metav1.APIResourceList, error) {
	for i := range s.Groups {
		g := &s.Groups[i]
		if g.Name != group {
			continue
		}
		var lists []*metav1.APIResourceList
		for _, v := range g.Versions {
			for _, l := range s.Resources {
				if l.GroupVersion == v.GroupVersion {
					lists = append(lists, l)
				}
			}
		}
		return g, lists, nil
	}
	return nil, nil, groupNotFound(group)
}
