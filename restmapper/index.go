package restmapper

import (
	"strings"
	"sync"
	"time"
	"unicode/utf8"

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

// snapshot is an immutable index of one discovery run. Its fields are
// written by buildSnapshot only, except res, which the first lookup that
// needs it builds once (resources); readers never lock.
type snapshot struct {
	groups  []metav1.APIGroup                  // server order, core first
	lists   map[string]*metav1.APIResourceList // by groupVersion
	byKind  map[schema.GroupKind][]*entry      // Kind → entries in rank order (see kinds)
	fetched time.Time

	// The maps of resource names are built on first use, by the first
	// lookup of a resource, short name or category: a mapper asked only
	// for RESTMappings of kinds never pays for them.
	resOnce sync.Once
	res     resourceMaps
	members []member // what resOnce builds res from; nil after
}

// resourceMaps index the names of resources.
type resourceMaps struct {
	byResource map[string][]*entry           // lowercase plural or singular → entries in rank order
	names      map[string][]string           // exact Name or SingularName → groups serving it
	lowerKinds map[schema.GroupKind][]*entry // lowercase Kind → entries in rank order
	shortcuts  map[string][]shortcut         // exact short name → resources in priority order
	categories map[string][]schema.GroupResource
}

// member is one indexed resource, in rank order.
type member struct {
	e     *entry
	r     *metav1.APIResource
	group string
}

// kinds returns the entries of a kind in rank order. Kinds match exactly
// or all in lowercase ("deployment"), which the maps of names index.
func (s *snapshot) kinds(gk schema.GroupKind) []*entry {
	if isLower(gk.Kind) {
		return s.resources().lowerKinds[gk]
	}
	return s.byKind[gk]
}

// isLower reports whether strings.ToLower(k) == k, without allocating for
// ASCII.
func isLower(k string) bool {
	for i := 0; i < len(k); i++ {
		c := k[i]
		if c >= utf8.RuneSelf {
			return strings.ToLower(k) == k
		}
		if 'A' <= c && c <= 'Z' {
			return false
		}
	}
	return true
}

// resources returns the maps of resource names, building them on first use.
func (s *snapshot) resources() *resourceMaps {
	s.resOnce.Do(s.buildResources)
	return &s.res
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
		groups:  groups,
		lists:   make(map[string]*metav1.APIResourceList, len(lists)),
		byKind:  make(map[schema.GroupKind][]*entry, n),
		members: make([]member, 0, n),
		fetched: fetched,
	}
	b := &builder{
		s:        s,
		entries:  make([]entry, 0, n),
		mappings: make([]meta.RESTMapping, 0, n),
		ptrSlab:  make([]*entry, n),
	}
	for _, l := range lists {
		if l != nil {
			s.lists[l.GroupVersion] = l
		}
	}
	rank := 0
	for gi := range groups {
		g := &groups[gi]
		pi := preferredIndex(g)
		for i := -1; i < len(g.Versions); i++ {
			// The preferred version first, then the others in server
			// order, as orderedVersions lists them.
			j := i
			if i < 0 {
				j = pi
			} else if g.Versions[i].Version == g.PreferredVersion.Version {
				continue
			}
			if j < 0 {
				continue
			}
			gv := schema.GroupVersion{Group: g.Name, Version: g.Versions[j].Version}
			l := s.lists[listKey(gv, g.Versions[j].GroupVersion)]
			if l == nil {
				continue
			}
			b.addList(gv, l, rank)
			rank++
		}
	}
	return s
}

// preferredIndex returns the index of g's preferred version in g.Versions,
// or -1.
func preferredIndex(g *metav1.APIGroup) int {
	pref := g.PreferredVersion.Version
	if pref == "" {
		return -1
	}
	for i := range g.Versions {
		if g.Versions[i].Version == pref {
			return i
		}
	}
	return -1
}

// listKey returns gv.String(), reusing declared (the group's own
// GroupVersion string for it) when it is equal, to save an allocation.
func listKey(gv schema.GroupVersion, declared string) string {
	if gv.Group == "" {
		if declared == gv.Version {
			return declared
		}
	} else if len(declared) == len(gv.Group)+1+len(gv.Version) && strings.HasPrefix(declared, gv.Group) &&
		declared[len(gv.Group)] == '/' && strings.HasSuffix(declared, gv.Version) {
		return declared
	}
	return gv.String()
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

// addList indexes the kinds of one list and records its resources for the
// maps of names.
func (b *builder) addList(gv schema.GroupVersion, l *metav1.APIResourceList, rank int) {
	s := b.s
	b.kinds = b.kinds[:0]
	for i := range l.APIResources {
		r := &l.APIResources[i]
		if r.Name == "" || r.Kind == "" || strings.Contains(r.Name, "/") {
			continue
		}
		e := b.newEntry(gv, r, rank)
		s.members = append(s.members, member{e: e, r: r, group: gv.Group})
		// Like apimachinery's DefaultRESTMapper, the last resource of a
		// group-version that declares a kind owns it.
		b.setKind(schema.GroupKind{Group: gv.Group, Kind: r.Kind}, e)
	}
	b.flushKinds(s.byKind)
}

// flushKinds appends the owners of the current list's kinds to m.
func (b *builder) flushKinds(m map[schema.GroupKind][]*entry) {
	for _, k := range b.kinds {
		if es := m[k.gk]; es != nil {
			m[k.gk] = append(es, k.e)
		} else {
			m[k.gk] = one(&b.ptrSlab, k.e)
		}
	}
	b.kinds = b.kinds[:0]
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

// buildResources builds s.res from s.members (run once, by resources).
func (s *snapshot) buildResources() {
	n := len(s.members)
	b := &builder{s: s, ptrSlab: make([]*entry, 3*n), strSlab: make([]string, 2*n), scSlab: make([]shortcut, n)}
	s.res = resourceMaps{
		byResource: make(map[string][]*entry, 2*n),
		names:      make(map[string][]string, 2*n),
		lowerKinds: make(map[schema.GroupKind][]*entry, n),
		shortcuts:  map[string][]shortcut{},
		categories: map[string][]schema.GroupResource{},
	}
	for i, m := range s.members {
		e, r := m.e, m.r
		// Lowercase kinds as addList indexes exact ones, list by list (the
		// members of one list share its rank).
		if i > 0 && s.members[i-1].e.rank != e.rank {
			b.flushKinds(s.res.lowerKinds)
		}
		b.setKind(schema.GroupKind{Group: m.group, Kind: strings.ToLower(r.Kind)}, e)
		lower := strings.ToLower(r.Name)
		b.addResourceKey(lower, e)
		if e.singular != lower {
			b.addResourceKey(e.singular, e)
		}
		b.addName(r.Name, m.group)
		if r.SingularName != "" {
			b.addName(r.SingularName, m.group)
		}
		gr := schema.GroupResource{Group: m.group, Resource: r.Name}
		for _, sn := range r.ShortNames {
			b.addShortcut(sn, shortcut{group: m.group, long: gr})
		}
		for _, c := range r.Categories {
			s.res.addCategory(c, gr)
		}
	}
	b.flushKinds(s.res.lowerKinds)
	s.members = nil
}

// addCategory adds gr to category c once. Resources are added group by
// group, so a resource already in c (from another version of its group)
// is among the last members, those of its group.
func (rm *resourceMaps) addCategory(c string, gr schema.GroupResource) {
	members := rm.categories[c]
	for i := len(members) - 1; i >= 0 && members[i].Group == gr.Group; i-- {
		if members[i] == gr {
			return
		}
	}
	rm.categories[c] = append(members, gr)
}

func (b *builder) addResourceKey(key string, e *entry) {
	rm := &b.s.res
	es := rm.byResource[key]
	for _, old := range es {
		if old == e {
			return
		}
	}
	if es == nil {
		rm.byResource[key] = one(&b.ptrSlab, e)
		return
	}
	rm.byResource[key] = append(es, e)
}

// addShortcut records a short name once per resource: kubectl lists it
// once per version but warns about each other resource only once. Only
// the resources after the first can lose a short name, so only they get
// kubectl's warning.
func (b *builder) addShortcut(name string, sc shortcut) {
	rm := &b.s.res
	scs := rm.shortcuts[name]
	for _, old := range scs {
		if old.long == sc.long {
			return
		}
	}
	if scs == nil {
		rm.shortcuts[name] = one(&b.scSlab, sc)
		return
	}
	sc.warning = shortWarning(name, sc.long)
	rm.shortcuts[name] = append(scs, sc)
}

func (b *builder) addName(name, group string) {
	rm := &b.s.res
	gs := rm.names[name]
	for _, g := range gs {
		if g == group {
			return
		}
	}
	if gs == nil {
		rm.names[name] = one(&b.strSlab, group)
		return
	}
	rm.names[name] = append(gs, group)
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
