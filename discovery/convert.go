package discovery

import (
	"slices"
	"sort"
	"sync"
	"unsafe"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// result is one discovery run: groups in server order, the resource list of
// every served group-version, and the group-versions that failed. With
// aggregated discovery it keeps the decoded documents, from which its
// Snapshot is built (once, on first use) without going through the lists.
type result struct {
	groups []metav1.APIGroup
	lists  []*metav1.APIResourceList
	failed map[schema.GroupVersion]error
	agg    []*groupDiscoveryList

	once sync.Once // guards the building of snap
	snap *Snapshot
}

// snapshot returns the run's Snapshot, building it on the first call.
func (r *result) snapshot() *Snapshot {
	r.once.Do(func() { r.snap = buildSnapshot(r.agg, r.lists) })
	return r.snap
}

// fromAggregated converts an aggregated discovery list into apimachinery's
// legacy shapes. Versions keep the server's (preference) order; the first is
// the preferred version. A Stale version is listed in its group but has no
// resource list: it is recorded in failed. It keeps l in into.agg, from
// which the run's Snapshot is built. It does no I/O.
//
// The slices it makes are cut from a few arrays sized up front, each with
// its capacity cut to its length (appending to one never touches another).
func fromAggregated(l *groupDiscoveryList, into *result) {
	into.agg = append(into.agg, l)
	c := newConverter(l)
	into.groups = slices.Grow(into.groups, len(l.Items))
	into.lists = slices.Grow(into.lists, len(c.lists))
	for i := range l.Items {
		g := &l.Items[i]
		group := metav1.APIGroup{Name: g.Metadata.Name, Versions: c.cutVersions(len(g.Versions))}
		for j := range g.Versions {
			v := &g.Versions[j]
			gv := schema.GroupVersion{Group: g.Metadata.Name, Version: v.Version}
			gvs := v.Version
			if gv.Group != "" {
				gvs = c.strs.concat(gv.Group, "/", gv.Version)
			}
			group.Versions[j] = metav1.GroupVersionForDiscovery{GroupVersion: gvs, Version: v.Version}
			if v.Freshness == freshnessStale {
				if into.failed == nil {
					into.failed = map[schema.GroupVersion]error{}
				}
				into.failed[gv] = &StaleError{GroupVersion: gv}
				continue
			}
			into.lists = append(into.lists, c.resourceList(gv, gvs, v.Resources))
		}
		if len(group.Versions) > 0 {
			group.PreferredVersion = group.Versions[0]
		}
		into.groups = append(into.groups, group)
	}
}

// converter holds the arrays one fromAggregated cuts its results from.
type converter struct {
	versions  []metav1.GroupVersionForDiscovery
	lists     []metav1.APIResourceList
	resources []metav1.APIResource
	strs      stringArena
}

func newConverter(l *groupDiscoveryList) *converter {
	var nv, nl, nr int
	for i := range l.Items {
		nv += len(l.Items[i].Versions)
		for j := range l.Items[i].Versions {
			v := &l.Items[i].Versions[j]
			if v.Freshness == freshnessStale {
				continue
			}
			nl++
			nr += len(v.Resources)
			for k := range v.Resources {
				nr += len(v.Resources[k].Subresources)
			}
		}
	}
	return &converter{
		versions:  make([]metav1.GroupVersionForDiscovery, nv),
		lists:     make([]metav1.APIResourceList, nl),
		resources: make([]metav1.APIResource, nr),
	}
}

func (c *converter) cutVersions(n int) []metav1.GroupVersionForDiscovery {
	if n == 0 {
		return nil
	}
	out := c.versions[:n:n]
	c.versions = c.versions[n:]
	return out
}

// resourceList converts one aggregated version (gvs is gv.String()) into
// an APIResourceList, with each subresource following its parent as legacy
// discovery lists it ("deployments/status").
func (c *converter) resourceList(gv schema.GroupVersion, gvs string, rs []resourceDiscovery) *metav1.APIResourceList {
	n := len(rs)
	for i := range rs {
		n += len(rs[i].Subresources)
	}
	list := &c.lists[0]
	c.lists = c.lists[1:]
	*list = metav1.APIResourceList{
		TypeMeta:     metav1.TypeMeta{Kind: "APIResourceList", APIVersion: "v1"},
		GroupVersion: gvs,
		APIResources: c.resources[:0:n],
	}
	c.resources = c.resources[n:]
	for i := range rs {
		r := &rs[i]
		namespaced := r.Scope != scopeCluster
		res := metav1.APIResource{
			Name:         r.Resource,
			SingularName: r.SingularResource,
			Namespaced:   namespaced,
			Verbs:        metav1.Verbs(r.Verbs),
			ShortNames:   r.ShortNames,
			Categories:   r.Categories,
		}
		setKind(&res, r.ResponseKind, gv)
		list.APIResources = append(list.APIResources, res)
		for j := range r.Subresources {
			s := &r.Subresources[j]
			sub := metav1.APIResource{
				Name:       c.strs.concat(r.Resource, "/", s.Subresource),
				Namespaced: namespaced,
				Verbs:      metav1.Verbs(s.Verbs),
			}
			setKind(&sub, s.ResponseKind, gv)
			list.APIResources = append(list.APIResources, sub)
		}
	}
	return list
}

// stringArena makes strings out of blocks of bytes, one allocation per
// block. Bytes are only ever appended after the strings already made, so
// no string's bytes change.
type stringArena struct{ buf []byte }

// concat returns a + b + c.
func (s *stringArena) concat(a, b, c string) string {
	n := len(a) + len(b) + len(c)
	if n == 0 {
		return ""
	}
	if cap(s.buf)-len(s.buf) < n {
		s.buf = make([]byte, 0, max(n, 4096))
	}
	start := len(s.buf)
	s.buf = append(append(append(s.buf, a...), b...), c...)
	return unsafe.String(&s.buf[start], n)
}

// setKind copies a response kind, keeping group and version only when they
// differ from the list's own (as legacy discovery does: "deployments/scale"
// answers autoscaling/v1 Scale).
func setKind(res *metav1.APIResource, k *metav1.GroupVersionKind, gv schema.GroupVersion) {
	if k == nil {
		return
	}
	res.Kind = k.Kind
	if k.Group != gv.Group || k.Version != gv.Version {
		if k.Group != "" || k.Version != "" {
			res.Group, res.Version = k.Group, k.Version
		}
	}
}

// Normalize returns deep copies of groups and lists in the canonical form
// under which aggregated and legacy discovery of one server are equal:
//
//   - StorageVersionHash is cleared (aggregated discovery does not carry it);
//   - a resource's Group and Version are cleared when they equal its list's
//     group-version (aggregated sets them on custom resources, legacy does not);
//   - a subresource's SingularName is cleared (the two formats disagree);
//   - nil and empty slices (verbs, short names, categories) are made nil;
//   - every list carries TypeMeta APIResourceList/v1, its resources are
//     sorted by name and lists are sorted by group-version.
//
// Groups keep their order; versions keep theirs (preference order in both).
func Normalize(groups []metav1.APIGroup, lists []*metav1.APIResourceList) ([]metav1.APIGroup, []*metav1.APIResourceList) {
	outGroups := make([]metav1.APIGroup, len(groups))
	for i := range groups {
		g := groups[i].DeepCopy()
		g.TypeMeta = metav1.TypeMeta{}
		g.ServerAddressByClientCIDRs = nil
		outGroups[i] = *g
	}
	outLists := make([]*metav1.APIResourceList, 0, len(lists))
	for _, l := range lists {
		n := l.DeepCopy()
		n.TypeMeta = metav1.TypeMeta{Kind: "APIResourceList", APIVersion: "v1"}
		gv, _ := schema.ParseGroupVersion(n.GroupVersion)
		for i := range n.APIResources {
			normalizeResource(&n.APIResources[i], gv)
		}
		sort.Slice(n.APIResources, func(i, j int) bool { return n.APIResources[i].Name < n.APIResources[j].Name })
		outLists = append(outLists, n)
	}
	sort.Slice(outLists, func(i, j int) bool { return outLists[i].GroupVersion < outLists[j].GroupVersion })
	return outGroups, outLists
}

func normalizeResource(r *metav1.APIResource, gv schema.GroupVersion) {
	r.StorageVersionHash = ""
	if r.Group == gv.Group && r.Version == gv.Version {
		r.Group, r.Version = "", ""
	}
	if isSubresource(r.Name) {
		r.SingularName = ""
	}
	if len(r.Verbs) == 0 {
		r.Verbs = nil
	}
	if len(r.ShortNames) == 0 {
		r.ShortNames = nil
	}
	if len(r.Categories) == 0 {
		r.Categories = nil
	}
}

func isSubresource(name string) bool {
	for i := 0; i < len(name); i++ {
		if name[i] == '/' {
			return true
		}
	}
	return false
}
