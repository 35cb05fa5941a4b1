package restmapper

import (
	"context"
	"regexp"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Resolve returns the mapping for one resource string as kubectl 1.36
// chooses it (see the package doc for the forms and the rules). A string
// that matches nothing, even after one refresh, is an error for which
// meta.IsNoMatchError is true; a tie kubectl cannot break is one for which
// meta.IsAmbiguousError is true, listing every candidate. The result is
// shared: do not modify it.
func (m *Mapper) Resolve(ctx context.Context, arg string) (*meta.RESTMapping, error) {
	rs, err := ParseResourceString(arg)
	if err != nil {
		return nil, err
	}
	warn := m.st.opts.Warn
	if s := m.st.fresh(); s != nil {
		if v, ok, err := s.resolveResult(arg, rs, warn); ok {
			return v, err
		}
	}
	return lookup(ctx, m.st, func(s *snapshot) (*meta.RESTMapping, bool, error) {
		return s.resolveResult(arg, rs, warn)
	}, stringMiss(arg, rs))
}

func (s *snapshot) resolveResult(arg string, rs ResourceString, warn func(string)) (*meta.RESTMapping, bool, error) {
	e, tie := s.resolve(rs, warn)
	switch {
	case e != nil:
		return e.mapping, true, nil
	case tie != nil:
		return nil, true, &resolveError{arg: arg, err: &meta.AmbiguousResourceError{PartialResource: rs.Partial, MatchingResources: gvrs(tie)}}
	}
	return nil, false, &resolveError{arg: arg, err: &meta.NoResourceMatchError{PartialResource: rs.Partial}}
}

var versionRE = regexp.MustCompile(`^v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$`)

// stringMiss reloads the group a resource string names: the part after the
// version in resource.version.group, else the part after the first dot.
func stringMiss(arg string, rs ResourceString) func() miss {
	return func() miss {
		g := rs.Partial.Group
		if rs.HasFull && versionRE.MatchString(rs.Full.Version) {
			g = rs.Full.Group
		}
		return miss{key: "s:" + arg, group: g, full: g == ""}
	}
}

// ResolveAll resolves a comma-separated list of resource strings and
// categories as kubectl get does ("deploy,svc", "all", "all,crds"): each
// category expands to its resources in priority order, and repeated
// mappings are dropped. Category names match exactly (case-sensitive), and
// a name that is a category is expanded even if a resource has that name,
// as kubectl does. The mappings are shared: do not modify them.
func (m *Mapper) ResolveAll(ctx context.Context, args string) ([]*meta.RESTMapping, error) {
	var out []*meta.RESTMapping
	seen := map[schema.GroupVersionKind]bool{}
	for _, arg := range strings.Split(args, ",") {
		if arg == "" {
			continue
		}
		ms, err := m.resolveOne(ctx, arg)
		if err != nil {
			return nil, err
		}
		for _, mp := range ms {
			if !seen[mp.GroupVersionKind] {
				seen[mp.GroupVersionKind] = true
				out = append(out, mp)
			}
		}
	}
	if len(out) == 0 {
		return nil, &resolveError{arg: args, err: &meta.NoResourceMatchError{PartialResource: schema.GroupVersionResource{Resource: args}}}
	}
	return out, nil
}

func (m *Mapper) resolveOne(ctx context.Context, arg string) ([]*meta.RESTMapping, error) {
	s, _, err := m.st.current(ctx)
	if err != nil {
		return nil, err
	}
	if grs, ok := s.resources().categories[arg]; ok {
		return m.resolveGroupResources(ctx, grs)
	}
	mp, err := m.Resolve(ctx, arg)
	if err == nil {
		return []*meta.RESTMapping{mp}, nil
	}
	// A category added since the last run: Resolve's miss refreshed.
	if grs, ok := m.st.snap.Load().resources().categories[arg]; ok && meta.IsNoMatchError(err) {
		return m.resolveGroupResources(ctx, grs)
	}
	return nil, err
}

func (m *Mapper) resolveGroupResources(ctx context.Context, grs []schema.GroupResource) ([]*meta.RESTMapping, error) {
	out := make([]*meta.RESTMapping, 0, len(grs))
	for _, gr := range grs {
		arg := gr.Resource
		if gr.Group != "" {
			arg += "." + gr.Group
		}
		mp, err := m.Resolve(ctx, arg)
		if err != nil {
			return nil, err
		}
		out = append(out, mp)
	}
	return out, nil
}

// Candidates returns every mapping a single resource string could mean,
// highest priority first: resources matching any reading of the string
// (a short name expands to every resource that declares it), then kinds. It is for tools that ask their user
// to choose; its first element need not be what Resolve picks when kubectl
// would pick by a later rule. No match, even after one refresh, is an
// error for which meta.IsNoMatchError is true.
func (m *Mapper) Candidates(ctx context.Context, arg string) ([]*meta.RESTMapping, error) {
	rs, err := ParseResourceString(arg)
	if err != nil {
		return nil, err
	}
	es, err := lookup(ctx, m.st, func(s *snapshot) ([]*entry, bool, error) {
		es := s.candidates(rs)
		if len(es) == 0 {
			return nil, false, &resolveError{arg: arg, err: &meta.NoResourceMatchError{PartialResource: rs.Partial}}
		}
		return es, true, nil
	}, stringMiss(arg, rs))
	if err != nil {
		return nil, err
	}
	return mappings(es), nil
}
