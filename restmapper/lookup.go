package restmapper

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// This file holds the pure lookups on one snapshot. They reproduce the
// answers of kubectl's mapper stack (client-go's shortcutExpander over
// PriorityRESTMapper over one DefaultRESTMapper per group-version) with
// map lookups instead of scans.

// expand replaces a short name by the resource it stands for, as client-go's
// shortcutExpander does: an exact (case-sensitive) resource or singular name
// is left alone; else the first short name in priority order wins (others
// are reported through warn); else, when a group is given, the first short
// name whose group starts with it.
func (s *snapshot) expand(r schema.GroupVersionResource, warn func(string)) schema.GroupVersionResource {
	for _, g := range s.resources().names[r.Resource] {
		if r.Group == "" || r.Group == g {
			return r
		}
	}
	cands := s.resources().shortcuts[r.Resource]
	found := false
	var out schema.GroupVersionResource
	for _, sc := range cands {
		if r.Group != "" && r.Group != sc.group {
			continue
		}
		if !found {
			out = schema.GroupVersionResource{Group: sc.long.Group, Resource: sc.long.Resource}
			found = true
			continue
		}
		if warn != nil {
			warn(sc.warning)
		}
	}
	if found || r.Group == "" {
		if found {
			return out
		}
		return r
	}
	for _, sc := range cands {
		if strings.HasPrefix(sc.group, r.Group) {
			r.Group, r.Resource = sc.long.Group, sc.long.Resource
			return r
		}
	}
	return r
}

func shortWarning(short string, other schema.GroupResource) string {
	return fmt.Sprintf("short name %q could also match lower priority resource %s", short, other.String())
}

func coerce(r schema.GroupVersionResource) schema.GroupVersionResource {
	r.Resource = strings.ToLower(r.Resource)
	if r.Version == runtime.APIVersionInternal {
		r.Version = ""
	}
	return r
}

// matchResource reports whether e answers the (coerced) partial resource r:
// group and version must equal when both are given; a group alone matches
// as a prefix (so "deployments.app" finds apps), as DefaultRESTMapper does.
func matchResource(e *entry, r schema.GroupVersionResource) bool {
	gvr := e.mapping.Resource
	switch {
	case r.Group != "" && r.Version != "":
		return gvr.Group == r.Group && gvr.Version == r.Version
	case r.Group != "":
		return strings.HasPrefix(gvr.Group, r.Group)
	case r.Version != "":
		return gvr.Version == r.Version
	}
	return true
}

// resourceFor returns the highest-priority entry for a (coerced) partial
// resource, or the candidates when the highest priority is shared.
func (s *snapshot) resourceFor(r schema.GroupVersionResource) (*entry, []*entry) {
	var best *entry
	for _, e := range s.resources().byResource[r.Resource] {
		if !matchResource(e, r) {
			continue
		}
		if best == nil {
			best = e
			continue
		}
		if e.rank == best.rank {
			return nil, s.resourcesFor(r)
		}
		break
	}
	return best, nil
}

// resourcesFor returns every entry for a (coerced) partial resource in
// priority order.
func (s *snapshot) resourcesFor(r schema.GroupVersionResource) []*entry {
	var out []*entry
	for _, e := range s.resources().byResource[r.Resource] {
		if matchResource(e, r) {
			out = append(out, e)
		}
	}
	return out
}

// restMapping picks the mapping for a kind as PriorityRESTMapper does: the
// first of versions the group serves the kind at, else the kind's group in
// version priority order. Kinds match exactly or all lowercase.
func (s *snapshot) restMapping(gk schema.GroupKind, versions []string) *entry {
	cands := s.kinds(gk)
	if !hasVersion(versions) {
		if len(cands) == 0 {
			return nil
		}
		return cands[0]
	}
	for _, v := range versions {
		for _, e := range cands {
			if e.mapping.GroupVersionKind.Version == v {
				return e
			}
		}
	}
	return nil
}

// restMappings returns every mapping of a kind: those at the given versions,
// or all versions in priority order when none is given.
func (s *snapshot) restMappings(gk schema.GroupKind, versions []string) []*entry {
	cands := s.kinds(gk)
	if !hasVersion(versions) {
		return cands
	}
	var out []*entry
	for _, e := range cands {
		for _, v := range versions {
			if e.mapping.GroupVersionKind.Version == v {
				out = append(out, e)
				break
			}
		}
	}
	return out
}

func hasVersion(versions []string) bool {
	for _, v := range versions {
		if v != "" && v != runtime.APIVersionInternal {
			return true
		}
	}
	return false
}

func gvrs(es []*entry) []schema.GroupVersionResource {
	out := make([]schema.GroupVersionResource, len(es))
	for i, e := range es {
		out[i] = e.mapping.Resource
	}
	return out
}

func gvks(es []*entry) []schema.GroupVersionKind {
	out := make([]schema.GroupVersionKind, 0, len(es))
	for _, e := range es {
		k := e.mapping.GroupVersionKind
		if !containsGVK(out, k) {
			out = append(out, k)
		}
	}
	return out
}

func containsGVK(list []schema.GroupVersionKind, k schema.GroupVersionKind) bool {
	for _, x := range list {
		if x == k {
			return true
		}
	}
	return false
}

func mappings(es []*entry) []*meta.RESTMapping {
	out := make([]*meta.RESTMapping, len(es))
	for i, e := range es {
		out[i] = e.mapping
	}
	return out
}
