package memserver

import (
	"sync"

	"k8s.io/kube-openapi/pkg/validation/spec"
)

// schemaFacts is what the schema walker reads of one schema's properties,
// gathered once: a pointer to each property's schema (a map of
// spec.Schema values hands out copies, each walked through a new
// allocation) and the properties that have a default (the walker would
// otherwise look at every property of every object for one).
type schemaFacts struct {
	props    map[string]*spec.Schema
	defaults []string
}

// factCache holds the facts of immutable schemas by address: the recorded
// schemas of one built-in kind and the models they reference, whose
// addresses do not change. Custom resources' schemas are rebuilt per
// request and are walked without it.
type factCache struct {
	m sync.Map // *spec.Schema → *schemaFacts
}

// of returns s's facts.
func (c *factCache) of(s *spec.Schema) *schemaFacts {
	if f, ok := c.m.Load(s); ok {
		return f.(*schemaFacts)
	}
	f := &schemaFacts{props: make(map[string]*spec.Schema, len(s.Properties))}
	for k, v := range s.Properties {
		f.props[k] = &v
		if v.Default != nil {
			f.defaults = append(f.defaults, k)
		}
	}
	actual, _ := c.m.LoadOrStore(s, f)
	return actual.(*schemaFacts)
}

// kindFacts is the fact cache of a built-in kind's schemas, nil for a
// custom resource.
func (s *Server) kindFacts(res *resource) *factCache {
	if res.crd != nil {
		return nil
	}
	s.kindSchema(res)
	if ks := res.schemas.Load(); ks != nil {
		return &ks.facts
	}
	return nil
}
