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

// builder holds the scratch state of one buildSnapshot.
type builder struct {
	s        *snapshot
	entries  []entry            // backing store of every entry, sized up front
	mappings []meta.RESTMapping // backing store of every mapping, sized up front
	kinds    []kindEntry        // per list: the entry owning each kind
	// Slabs the first element of each map value is cut from (most keys
	// have one), so building does not allocate once per key; capacities
	// are cut to 1, so a second element moves the value out of the slab.
	ptrSlab []*entry
	strSlab []string
	scSlab  []shortcut
}

// one returns a one-element slice holding v, cut from *slab when it has room.
func one[T any](slab *[]T, v T) []T {
	if len(*slab) == 0 {
		return []T{v}
	}
	out := (*slab)[:1:1]
	*slab = (*slab)[1:]
	out[0] = v
	return out
}

// kindEntry is one kind of a list and the entry that owns it.
type kindEntry struct {
	gk schema.GroupKind
	e  *entry
}

func buildSnapshot(groups []metav1.APIGroup, lists []*metav1.APIResourceList, fetched time.Time) *snapshot {
	n := 0 // resources, not counting subresources
	for _, l := range lists {
		if l == nil {
			continue
		}
		for i := range l.APIResources {
			if !strings.Contains(l.APIResources[i].Name, "/") {
				n++
			}
		}
	}
	s := &snapshot{
		groups:     groups,
		lists:      make(map[string]*metav1.APIResourceList, len(lists)),
		byResource: make(map[string][]*entry, 2*n),
		byKind:     make(map[schema.GroupKind][]*entry, 2*n),
		names:      make(map[string][]string, 2*n),
		shortcuts:  map[string][]shortcut{},
		categories: map[string][]schema.GroupResource{},
		known:      make(map[string]bool, len(groups)),
		all:        make([]*entry, 0, n),
		fetched:    fetched,
	}
	b := &builder{
		s:        s,
		entries:  make([]entry, 0, n),
		mappings: make([]meta.RESTMapping, 0, n),
		ptrSlab:  make([]*entry, 4*n),
		strSlab:  make([]string, 2*n),
		scSlab:   make([]shortcut, n),
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
			b.addList(gv, l, rank)
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

func (b *builder) addList(gv schema.GroupVersion, l *metav1.APIResourceList, rank int) {
	s := b.s
	b.kinds = b.kinds[:0]
	for i := range l.APIResources {
		r := &l.APIResources[i]
		if r.Name == "" || r.Kind == "" || strings.Contains(r.Name, "/") {
			continue
		}
		e := b.newEntry(gv, r, rank)
		s.all = append(s.all, e)
		lower := strings.ToLower(r.Name)
		b.addResourceKey(lower, e)
		if e.singular != lower {
			b.addResourceKey(e.singular, e)
		}
		// Like apimachinery's DefaultRESTMapper, the last resource of a
		// group-version that declares a kind owns it.
		b.setKind(schema.GroupKind{Group: gv.Group, Kind: r.Kind}, e)
		if lk := strings.ToLower(r.Kind); lk != r.Kind {
			b.setKind(schema.GroupKind{Group: gv.Group, Kind: lk}, e)
		}
		b.addName(r.Name, gv.Group)
		if r.SingularName != "" {
			b.addName(r.SingularName, gv.Group)
		}
		gr := schema.GroupResource{Group: gv.Group, Resource: r.Name}
		for _, sn := range r.ShortNames {
			b.addShortcut(sn, shortcut{group: gv.Group, long: gr})
		}
		for _, c := range r.Categories {
			s.addCategory(c, gr)
		}
	}
	for _, k := range b.kinds {
		if es := s.byKind[k.gk]; es != nil {
			s.byKind[k.gk] = append(es, k.e)
		} else {
			s.byKind[k.gk] = one(&b.ptrSlab, k.e)
		}
	}
}

// setKind makes e the owner of gk in the current list.
func (b *builder) setKind(gk schema.GroupKind, e *entry) {
	for i := range b.kinds {
		if b.kinds[i].gk == gk {
			b.kinds[i].e = e
			return
		}
	}
	b.kinds = append(b.kinds, kindEntry{gk: gk, e: e})
}

// addCategory adds gr to category c once. Lists are added group by group,
// so a resource already in c (from another version of its group) is among
// the last members, those of its group.
func (s *snapshot) addCategory(c string, gr schema.GroupResource) {
	members := s.categories[c]
	for i := len(members) - 1; i >= 0 && members[i].Group == gr.Group; i-- {
		if members[i] == gr {
			return
		}
	}
	s.categories[c] = append(members, gr)
}

// newEntry returns the entry of resource r of gv, from the builder's
// backing stores.
func (b *builder) newEntry(gv schema.GroupVersion, r *metav1.APIResource, rank int) *entry {
	scope := meta.RESTScopeNamespace
	if !r.Namespaced {
		scope = meta.RESTScopeRoot
	}
	singular := strings.ToLower(r.SingularName)
	if singular == "" {
		_, sg := meta.UnsafeGuessKindToResource(gv.WithKind(r.Kind))
		singular = sg.Resource
	}
	b.mappings = append(b.mappings, meta.RESTMapping{
		Resource:         gv.WithResource(r.Name),
		GroupVersionKind: gv.WithKind(r.Kind),
		Scope:            scope,
	})
	b.entries = append(b.entries, entry{mapping: &b.mappings[len(b.mappings)-1], singular: singular, rank: rank})
	return &b.entries[len(b.entries)-1]
}

func (b *builder) addResourceKey(key string, e *entry) {
	es := b.s.byResource[key]
	for _, old := range es {
		if old == e {
			return
		}
	}
	if es == nil {
		b.s.byResource[key] = one(&b.ptrSlab, e)
		return
	}
	b.s.byResource[key] = append(es, e)
}

// addShortcut records a short name once per resource: kubectl lists it
// once per version but warns about each other resource only once. Only
// the resources after the first can lose a short name, so only they get
// kubectl's warning.
func (b *builder) addShortcut(name string, sc shortcut) {
	scs := b.s.shortcuts[name]
	for _, old := range scs {
		if old.long == sc.long {
			return
		}
	}
	if scs == nil {
		b.s.shortcuts[name] = one(&b.scSlab, sc)
		return
	}
	sc.warning = shortWarning(name, sc.long)
	b.s.shortcuts[name] = append(scs, sc)
}

func (b *builder) addName(name, group string) {
	gs := b.s.names[name]
	for _, g := range gs {
		if g == group {
			return
		}
	}
	if gs == nil {
		b.s.names[name] = one(&b.strSlab, group)
		return
	}
	b.s.names[name] = append(gs, group)
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
