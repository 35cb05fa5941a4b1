package restmapper

import (
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// entry is one resource of one group-version, as the index stores it.
// Entries are immutable once a snapshot is published.
type entry struct {
	mapping  *meta.RESTMapping // shared with callers; read-only
	singular string            // lowercase singular resource name
	rank     int               // position of its group-version in priority order; lower wins
}

// shortcut is one short name of one resource, as kubectl's shortcut expander sees it.
type shortcut struct {
	group   string // group of the resource that declares the short name
	long    schema.GroupResource
	warning string // kubectl's warning when this resource loses the short name
}

// snapshot is an immutable index of one discovery run. Every field is
// written by buildSnapshot only; readers never lock.
type snapshot struct {
	groups []metav1.APIGroup                  // server order, core first
	lists  map[string]*metav1.APIResourceList // by groupVersion

	byResource map[string][]*entry           // lowercase plural or singular → entries in rank order
	byKind     map[schema.GroupKind][]*entry // Kind and lowercase Kind → entries in rank order
	names      map[string][]string           // exact Name or SingularName → groups serving it
	shortcuts  map[string][]shortcut         // exact short name → resources in priority order
	categories map[string][]schema.GroupResource
	known      map[string]bool // group names served

	all     []*entry // every entry in rank order
	fetched time.Time
}

// Index is a read-only view of one discovery run, built by NewIndex. It
// answers every lookup with map lookups and never does I/O. An Index is
// safe for concurrent use.
type Index struct{ s *snapshot }

// NewIndex builds an Index from groups in server order (core "" first, then
// /apis in the order the server lists them) and the resource lists of their
// group-versions. Versions not listed in a group, lists of unknown
// group-versions and subresources ("deployments/scale") are ignored.
func NewIndex(groups []metav1.APIGroup, lists []*metav1.APIResourceList) *Index {
	return &Index{s: buildSnapshot(groups, lists, time.Time{})}
}

func buildSnapshot(groups []metav1.APIGroup, lists []*metav1.APIResourceList, fetched time.Time) *snapshot {
	s := &snapshot{
		groups:     groups,
		lists:      make(map[string]*metav1.APIResourceList, len(lists)),
		byResource: map[string][]*entry{},
		byKind:     map[schema.GroupKind][]*entry{},
		names:      map[string][]string{},
		shortcuts:  map[string][]shortcut{},
		categories: map[string][]schema.GroupResource{},
		known:      map[string]bool{},
		fetched:    fetched,
	}
	for _, l := range lists {
		if l != nil {
			s.lists[l.GroupVersion] = l
		}
	}
	rank := 0
	for _, g := range groups {
		s.known[g.Name] = true
		for _, v := range orderedVersions(g) {
			gv := schema.GroupVersion{Group: g.Name, Version: v}
			l := s.lists[gv.String()]
			if l == nil {
				continue
			}
			s.addList(gv, l, rank)
			rank++
		}
	}
	return s
}

// orderedVersions lists a group's versions with the preferred version
// first, then the others in the order the server lists them: the order
// kubectl's PriorityRESTMapper uses.
func orderedVersions(g metav1.APIGroup) []string {
	out := make([]string, 0, len(g.Versions))
	pref := g.PreferredVersion.Version
	if pref != "" {
		for _, v := range g.Versions {
			if v.Version == pref {
				out = append(out, pref)
				break
			}
		}
	}
	for _, v := range g.Versions {
		if v.Version != pref {
			out = append(out, v.Version)
		}
	}
	return out
}

func (s *snapshot) addList(gv schema.GroupVersion, l *metav1.APIResourceList, rank int) {
	kinds := map[schema.GroupKind]*entry{}
	for i := range l.APIResources {
		r := &l.APIResources[i]
		if r.Name == "" || r.Kind == "" || strings.Contains(r.Name, "/") {
			continue
		}
		e := newEntry(gv, r, rank)
		s.all = append(s.all, e)
		s.addResourceKey(strings.ToLower(r.Name), e)
		if e.singular != strings.ToLower(r.Name) {
			s.addResourceKey(e.singular, e)
		}
		// Like apimachinery's DefaultRESTMapper, the last resource of a
		// group-version that declares a kind owns it.
		kinds[schema.GroupKind{Group: gv.Group, Kind: r.Kind}] = e
		kinds[schema.GroupKind{Group: gv.Group, Kind: strings.ToLower(r.Kind)}] = e
		s.addName(r.Name, gv.Group)
		if r.SingularName != "" {
			s.addName(r.SingularName, gv.Group)
		}
		gr := schema.GroupResource{Group: gv.Group, Resource: r.Name}
		for _, sn := range r.ShortNames {
			s.addShortcut(sn, shortcut{group: gv.Group, long: gr})
		}
		for _, c := range r.Categories {
			s.categories[c] = appendUniqueGR(s.categories[c], gr)
		}
	}
	for gk, e := range kinds {
		s.byKind[gk] = append(s.byKind[gk], e)
	}
}

func newEntry(gv schema.GroupVersion, r *metav1.APIResource, rank int) *entry {
	scope := meta.RESTScopeNamespace
	if !r.Namespaced {
		scope = meta.RESTScopeRoot
	}
	singular := strings.ToLower(r.SingularName)
	if singular == "" {
		_, sg := meta.UnsafeGuessKindToResource(gv.WithKind(r.Kind))
		singular = sg.Resource
	}
	return &entry{
		mapping: &meta.RESTMapping{
			Resource:         gv.WithResource(r.Name),
			GroupVersionKind: gv.WithKind(r.Kind),
			Scope:            scope,
		},
		singular: singular,
		rank:     rank,
	}
}

func (s *snapshot) addResourceKey(key string, e *entry) {
	for _, old := range s.byResource[key] {
		if old == e {
			return
		}
	}
	s.byResource[key] = append(s.byResource[key], e)
}

// addShortcut records a short name once per resource: kubectl lists it
// once per version but warns about each other resource only once.
func (s *snapshot) addShortcut(name string, sc shortcut) {
	for _, old := range s.shortcuts[name] {
		if old.long == sc.long {
			return
		}
	}
	sc.warning = shortWarning(name, sc.long)
	s.shortcuts[name] = append(s.shortcuts[name], sc)
}

func (s *snapshot) addName(name, group string) {
	for _, g := range s.names[name] {
		if g == group {
			return
		}
	}
	s.names[name] = append(s.names[name], group)
}

func appendUniqueGR(list []schema.GroupResource, gr schema.GroupResource) []schema.GroupResource {
	for _, x := range list {
		if x == gr {
			return list
		}
	}
	return append(list, gr)
}

// Resolve returns the mapping for one resource string as Mapper.Resolve
// does, without refreshing: a miss is an error for which
// meta.IsNoMatchError is true. The result is shared: do not modify it.
func (x *Index) Resolve(arg string) (*meta.RESTMapping, error) {
	rs, err := ParseResourceString(arg)
	if err != nil {
		return nil, err
	}
	mp, _, err := x.s.resolveResult(arg, rs, nil)
	return mp, err
}

// Category returns the resources of a category ("all") in priority order,
// as kubectl expands it; ok is false when no resource declares it. The
// slice is shared: do not modify it.
func (x *Index) Category(name string) (grs []schema.GroupResource, ok bool) {
	return x.s.expandCategory(name)
}

// Groups returns the groups in server order, core first, as discovered.
// The slice is shared: do not modify it.
func (x *Index) Groups() []metav1.APIGroup { return x.s.groups }

// Fetched returns when the discovery run behind the index started (zero
// for an Index from NewIndex).
func (x *Index) Fetched() time.Time { return x.s.fetched }
