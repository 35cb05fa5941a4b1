package discovery

import (
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// This file builds a Snapshot: directly from aggregated documents (a
// resource there already carries its subresources), and from legacy
// resource lists, where a subresource is a row "pods/status" that follows
// its resource, for the group-versions no aggregated document covers (a
// legacy-only server, a one-group refresh, a last good list served after a
// failure). It does no I/O.

// buildSnapshot builds the capabilities of the aggregated documents agg
// (Stale versions left out) and of every list in lists whose group-version
// agg does not cover. The first document to cover a group-version wins.
func buildSnapshot(agg []*groupDiscoveryList, lists []*metav1.APIResourceList) *Snapshot {
	n := 0
	for _, l := range agg {
		for i := range l.Items {
			for j := range l.Items[i].Versions {
				n += len(l.Items[i].Versions[j].Resources)
			}
		}
	}
	for _, l := range lists {
		n += len(l.APIResources)
	}
	s := &Snapshot{
		all:   make([]Capabilities, 0, n),
		index: make(map[schema.GroupVersionResource]int, n),
		gvs:   make(map[schema.GroupVersion]struct{}, len(lists)),
	}
	for _, l := range agg {
		for i := range l.Items {
			g := &l.Items[i]
			for j := range g.Versions {
				v := &g.Versions[j]
				gv := schema.GroupVersion{Group: g.Metadata.Name, Version: v.Version}
				if v.Freshness == freshnessStale || !s.claim(gv) {
					continue
				}
				start := len(s.all)
				for k := range v.Resources {
					s.add(fromAggregatedResource(gv, &v.Resources[k]))
				}
				s.sortFrom(start)
			}
		}
	}
	for _, l := range lists {
		gv, err := schema.ParseGroupVersion(l.GroupVersion)
		if err != nil || !s.claim(gv) {
			continue
		}
		start := len(s.all)
		s.addList(gv, l.APIResources)
		s.sortFrom(start)
	}
	return s
}

// sortFrom sorts the resources of one group-version, all[start:], by
// plural name and their subresources by name (the two formats list them
// in different orders), and indexes them again.
func (s *Snapshot) sortFrom(start int) {
	block := s.all[start:]
	slices.SortFunc(block, func(a, b Capabilities) int { return strings.Compare(a.Plural, b.Plural) })
	for i := range block {
		slices.SortFunc(block[i].Subresources, func(a, b Subresource) int { return strings.Compare(a.Name, b.Name) })
		s.index[block[i].GroupVersionResource()] = start + i
	}
}

// claim records gv as covered; false when it already was.
func (s *Snapshot) claim(gv schema.GroupVersion) bool {
	if _, ok := s.gvs[gv]; ok {
		return false
	}
	s.gvs[gv] = struct{}{}
	return true
}

// add appends c unless its resource is already there.
func (s *Snapshot) add(c Capabilities) {
	gvr := c.GroupVersionResource()
	if _, ok := s.index[gvr]; ok {
		return
	}
	s.index[gvr] = len(s.all)
	s.all = append(s.all, c)
}

// fromAggregatedResource converts one aggregated resource of gv.
func fromAggregatedResource(gv schema.GroupVersion, r *resourceDiscovery) Capabilities {
	c := Capabilities{
		Identity:   Identity{Group: gv.Group, Version: gv.Version, Plural: r.Resource},
		Singular:   r.SingularResource,
		Namespaced: r.Scope != scopeCluster,
		Verbs:      nonEmpty(r.Verbs),
		ShortNames: nonEmpty(r.ShortNames),
		Categories: nonEmpty(r.Categories),
	}
	if r.ResponseKind != nil {
		c.Kind = r.ResponseKind.Kind
	}
	if len(r.Subresources) > 0 {
		c.Subresources = make([]Subresource, len(r.Subresources))
		for i := range r.Subresources {
			sr := &r.Subresources[i]
			sub := Subresource{Name: sr.Subresource, Verbs: nonEmpty(sr.Verbs)}
			if k := sr.ResponseKind; k != nil {
				sub.Kind = bodyKind(k.Group, k.Version, k.Kind, gv)
			}
			c.Subresources[i] = sub
		}
	}
	return c
}

// addList adds the resources of one legacy list of gv: first the
// resources, then each subresource row ("pods/status") to its resource.
// A subresource whose resource is not listed is left out.
func (s *Snapshot) addList(gv schema.GroupVersion, rows []metav1.APIResource) {
	for i := range rows {
		r := &rows[i]
		if strings.Contains(r.Name, "/") {
			continue
		}
		s.add(Capabilities{
			Identity:   Identity{Group: gv.Group, Version: gv.Version, Kind: r.Kind, Plural: r.Name},
			Singular:   r.SingularName,
			Namespaced: r.Namespaced,
			Verbs:      nonEmpty(r.Verbs),
			ShortNames: nonEmpty(r.ShortNames),
			Categories: nonEmpty(r.Categories),
		})
	}
	for i := range rows {
		r := &rows[i]
		parent, name, ok := strings.Cut(r.Name, "/")
		if !ok {
			continue
		}
		j, ok := s.index[gv.WithResource(parent)]
		if !ok {
			continue
		}
		c := &s.all[j]
		c.Subresources = append(c.Subresources, Subresource{Name: name, Kind: bodyKind(r.Group, r.Version, r.Kind, gv), Verbs: nonEmpty(r.Verbs)})
	}
}

// bodyKind is the kind of a subresource's bodies: none when kind is
// empty, in gv when group and version are both empty (both formats say
// so for a kind of the resource's own group-version), else as given.
func bodyKind(group, version, kind string, gv schema.GroupVersion) schema.GroupVersionKind {
	switch {
	case kind == "":
		return schema.GroupVersionKind{}
	case group == "" && version == "":
		return gv.WithKind(kind)
	}
	return schema.GroupVersionKind{Group: group, Version: version, Kind: kind}
}

// nonEmpty returns s, or nil when it is empty, so both formats give the
// same value for "none".
func nonEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}
