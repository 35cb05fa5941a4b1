package restmapper

import (
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// The meta.RESTMapper methods. Each tries the current index without I/O and
// locks; only a miss goes through lookup, which may refresh once.

func (s *snapshot) kindForResult(r schema.GroupVersionResource, warn func(string)) (schema.GroupVersionKind, bool, error) {
	e, tie := s.kindFor(r, warn)
	switch {
	case e != nil:
		return e.mapping.GroupVersionKind, true, nil
	case tie != nil:
		return schema.GroupVersionKind{}, true, &meta.AmbiguousResourceError{PartialResource: r, MatchingKinds: gvks(tie)}
	}
	return schema.GroupVersionKind{}, false, &meta.NoResourceMatchError{PartialResource: r}
}

func (s *snapshot) resourceForResult(r schema.GroupVersionResource, warn func(string)) (schema.GroupVersionResource, bool, error) {
	e, tie := s.kindFor(r, warn)
	switch {
	case e != nil:
		return e.mapping.Resource, true, nil
	case tie != nil:
		return schema.GroupVersionResource{}, true, &meta.AmbiguousResourceError{PartialResource: r, MatchingResources: gvrs(tie)}
	}
	return schema.GroupVersionResource{}, false, &meta.NoResourceMatchError{PartialResource: r}
}

func (s *snapshot) resourcesForResult(r schema.GroupVersionResource, warn func(string)) ([]*entry, bool, error) {
	es := s.resourcesFor(coerce(s.expand(r, warn)))
	if len(es) == 0 {
		return nil, false, &meta.NoResourceMatchError{PartialResource: r}
	}
	return es, true, nil
}

func (s *snapshot) restMappingResult(gk schema.GroupKind, versions []string) (*meta.RESTMapping, bool, error) {
	if e := s.restMapping(gk, versions); e != nil {
		return e.mapping, true, nil
	}
	return nil, false, &meta.NoKindMatchError{GroupKind: gk, SearchedVersions: versions}
}

func (s *snapshot) restMappingsResult(gk schema.GroupKind, versions []string) ([]*entry, bool, error) {
	if es := s.restMappings(gk, versions); len(es) > 0 {
		return es, true, nil
	}
	return nil, false, &meta.NoKindMatchError{GroupKind: gk, SearchedVersions: versions}
}

func resourceMiss(r schema.GroupVersionResource) func() miss {
	return func() miss { return miss{key: "r:" + r.String(), group: r.Group, full: r.Group == ""} }
}

func kindMiss(gk schema.GroupKind, versions []string) func() miss {
	return func() miss {
		key := "k:" + gk.String()
		for _, v := range versions {
			key += "," + v
		}
		return miss{key: key, group: gk.Group, full: gk.Group == ""}
	}
}

// KindFor returns the kind of the highest-priority resource matching r.
// r may be a plural, singular or short name, with an optional version and
// group (a group prefix matches, as in kubectl). A tie at the highest
// priority is a *meta.AmbiguousResourceError; no match a
// *meta.NoResourceMatchError, after one refresh.
func (m *Mapper) KindFor(r schema.GroupVersionResource) (schema.GroupVersionKind, error) {
	warn := m.st.opts.Warn
	if s := m.st.fresh(); s != nil {
		if v, ok, err := s.kindForResult(r, warn); ok {
			return v, err
		}
	}
	return lookup(m.ctx, m.st, func(s *snapshot) (schema.GroupVersionKind, bool, error) {
		return s.kindForResult(r, warn)
	}, resourceMiss(r))
}

// KindsFor returns the kinds of every resource matching r, highest
// priority first.
func (m *Mapper) KindsFor(r schema.GroupVersionResource) ([]schema.GroupVersionKind, error) {
	es, err := m.resourcesFor(r)
	if err != nil {
		return nil, err
	}
	return gvks(es), nil
}

// ResourceFor returns the highest-priority resource matching r, with the
// same rules and errors as KindFor.
func (m *Mapper) ResourceFor(r schema.GroupVersionResource) (schema.GroupVersionResource, error) {
	warn := m.st.opts.Warn
	if s := m.st.fresh(); s != nil {
		if v, ok, err := s.resourceForResult(r, warn); ok {
			return v, err
		}
	}
	return lookup(m.ctx, m.st, func(s *snapshot) (schema.GroupVersionResource, bool, error) {
		return s.resourceForResult(r, warn)
	}, resourceMiss(r))
}

// ResourcesFor returns every resource matching r, highest priority first.
func (m *Mapper) ResourcesFor(r schema.GroupVersionResource) ([]schema.GroupVersionResource, error) {
	es, err := m.resourcesFor(r)
	if err != nil {
		return nil, err
	}
	return gvrs(es), nil
}

func (m *Mapper) resourcesFor(r schema.GroupVersionResource) ([]*entry, error) {
	warn := m.st.opts.Warn
	return lookup(m.ctx, m.st, func(s *snapshot) ([]*entry, bool, error) {
		return s.resourcesForResult(r, warn)
	}, resourceMiss(r))
}

// RESTMapping returns the mapping of a kind: at the first of versions the
// group serves it at, or, with no version, at the group's preferred version
// if it serves the kind there, else the next in the server's order. The
// kind matches exactly or in all lowercase. The result is shared: do not
// modify it.
func (m *Mapper) RESTMapping(gk schema.GroupKind, versions ...string) (*meta.RESTMapping, error) {
	if s := m.st.fresh(); s != nil {
		if v, ok, err := s.restMappingResult(gk, versions); ok {
			return v, err
		}
	}
	return lookup(m.ctx, m.st, func(s *snapshot) (*meta.RESTMapping, bool, error) {
		return s.restMappingResult(gk, versions)
	}, kindMiss(gk, versions))
}

// RESTMappings returns the mappings of a kind at the given versions, or at
// every version in priority order. The mappings are shared: do not modify
// them.
func (m *Mapper) RESTMappings(gk schema.GroupKind, versions ...string) ([]*meta.RESTMapping, error) {
	es, err := lookup(m.ctx, m.st, func(s *snapshot) ([]*entry, bool, error) {
		return s.restMappingsResult(gk, versions)
	}, kindMiss(gk, versions))
	if err != nil {
		return nil, err
	}
	return mappings(es), nil
}

// ResourceSingularizer returns the singular name of the highest-priority
// resource matching a plural, singular or short name.
func (m *Mapper) ResourceSingularizer(resource string) (string, error) {
	es, err := m.resourcesFor(schema.GroupVersionResource{Resource: resource})
	if err != nil {
		return resource, err
	}
	return es[0].singular, nil
}
