package restmapper

import (
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// kindFor answers meta.RESTMapper.KindFor on one snapshot, short names
// expanded: the entry, or the candidates when the highest priority is shared,
// or neither.
func (s *snapshot) kindFor(r schema.GroupVersionResource, warn func(string)) (*entry, []*entry) {
	return s.resourceFor(coerce(s.expand(r, warn)))
}

// resolve picks the mapping for one parsed resource string as kubectl 1.36
// does (cli-runtime's Builder.mappingFor over kubectl's mapper stack):
//
//  1. the string as resource.version.group, if it has two dots;
//  2. the string as resource[.group] (prefix of a group allowed);
//  3. the string as Kind.version.group, then as Kind[.group] (a kind with no
//     group is looked up in the core group only).
//
// Resources and short names are matched after lowercasing the resource part
// (short names case-sensitively); groups and kinds are never lowercased,
// except that a kind also matches in all lowercase.
// It returns the candidates when the first resource lookup that found
// anything found a tie and no kind matched.
func (s *snapshot) resolve(rs ResourceString, warn func(string)) (*entry, []*entry) {
	var e *entry
	var tie []*entry
	if rs.HasFull {
		e, tie = s.kindFor(rs.Full, warn)
	}
	if e == nil {
		var tie2 []*entry
		e, tie2 = s.kindFor(rs.Partial, warn)
		if tie == nil {
			tie = tie2
		}
	}
	if e != nil {
		gvk := e.mapping.GroupVersionKind
		if m := s.restMapping(gvk.GroupKind(), []string{gvk.Version}); m != nil {
			return m, nil
		}
		return e, nil
	}
	if rs.HasFull {
		gk := schema.GroupKind{Group: rs.Full.Group, Kind: rs.Full.Resource}
		if m := s.restMapping(gk, []string{rs.Full.Version}); m != nil {
			return m, nil
		}
	}
	gk := schema.GroupKind{Group: rs.Partial.Group, Kind: rs.Partial.Resource}
	if m := s.restMapping(gk, nil); m != nil {
		return m, nil
	}
	return nil, tie
}

// candidates returns every mapping a resource string could mean, in
// priority order, for tools that ask their user: all resources that match
// any reading of the string (every resource a short name may stand for,
// not only kubectl's pick), then kinds.
func (s *snapshot) candidates(rs ResourceString) []*entry {
	var out []*entry
	add := func(es []*entry) {
		for _, e := range es {
			if !containsEntry(out, e) {
				out = append(out, e)
			}
		}
	}
	if rs.HasFull {
		add(s.resourcesFor(coerce(s.expand(rs.Full, nil))))
		add(s.restMappings(schema.GroupKind{Group: rs.Full.Group, Kind: rs.Full.Resource}, []string{rs.Full.Version}))
	}
	add(s.resourcesFor(coerce(s.expand(rs.Partial, nil))))
	for _, sc := range s.resources().shortcuts[rs.Partial.Resource] { // every owner of a short name
		if rs.Partial.Group == "" || strings.HasPrefix(sc.group, rs.Partial.Group) {
			add(s.resourcesFor(schema.GroupVersionResource{Group: sc.long.Group, Resource: sc.long.Resource}))
		}
	}
	add(s.restMappings(schema.GroupKind{Group: rs.Partial.Group, Kind: rs.Partial.Resource}, nil))
	return out
}

func containsEntry(list []*entry, e *entry) bool {
	for _, x := range list {
		if x == e {
			return true
		}
	}
	return false
}

// expandCategory returns the resources of a category in priority order, as
// kubectl expands "all"; ok is false when no resource declares it.
func (s *snapshot) expandCategory(name string) ([]schema.GroupResource, bool) {
	grs, ok := s.resources().categories[name]
	return grs, ok
}
