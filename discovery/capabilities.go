package discovery

import (
	"slices"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Identity is what a resource is: the group-version that serves it, the
// kind of its objects and its plural name (the resource of its URLs). It
// says nothing about what the server lets one do with it; Capabilities does.
type Identity struct {
	Group   string // "" for the core group
	Version string // "v1"
	Kind    string // "Deployment"
	Plural  string // "deployments"
}

// GroupVersionResource returns the identity's group, version and plural.
func (id Identity) GroupVersionResource() schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: id.Group, Version: id.Version, Resource: id.Plural}
}

// GroupVersionKind returns the identity's group, version and kind.
func (id Identity) GroupVersionKind() schema.GroupVersionKind {
	return schema.GroupVersionKind{Group: id.Group, Version: id.Version, Kind: id.Kind}
}

// Capabilities is what the server lets one do with one resource, beside
// its Identity: its scope, verbs, subresources, short names and
// categories, as one discovery snapshot saw them. The slices are shared
// with the snapshot: read them, do not modify them.
type Capabilities struct {
	Identity
	// Singular is the singular name ("deployment"); some servers leave it empty.
	Singular string
	// Namespaced is true when objects live in namespaces, false when
	// they are cluster-scoped.
	Namespaced bool
	// Verbs are the verbs the resource takes, in the server's order
	// ("get", "list", "watch", "create", "update", "patch", "delete",
	// "deletecollection" for most).
	Verbs []string
	// ShortNames are the resource's abbreviations ("deploy").
	ShortNames []string
	// Categories are the groupings the resource belongs to ("all").
	Categories []string
	// Subresources are the resource's subresources, sorted by name.
	Subresources []Subresource
}

// Subresource is one subresource of a resource ("status", "scale",
// "eviction"): its name, the kind its requests and responses carry and
// the verbs it takes.
type Subresource struct {
	// Name is the subresource's name without its resource ("status").
	Name string
	// Kind is the kind of its bodies with its own group and version: the
	// resource's kind for "status", autoscaling/v1 Scale for "scale",
	// policy/v1 Eviction for "pods/eviction". It is zero when the server
	// names none.
	Kind schema.GroupVersionKind
	// Verbs are the verbs the subresource takes ("get", "patch", "update").
	Verbs []string
}

// Standard verbs, as the server names them in discovery.
const (
	VerbGet              = "get"
	VerbList             = "list"
	VerbWatch            = "watch"
	VerbCreate           = "create"
	VerbUpdate           = "update"
	VerbPatch            = "patch"
	VerbDelete           = "delete"
	VerbDeleteCollection = "deletecollection"
)

// Supports reports whether the resource takes verb ("watch", "patch").
func (c Capabilities) Supports(verb string) bool {
	return slices.Contains(c.Verbs, verb)
}

// Subresource returns the subresource named name ("status"), and whether
// the resource has one.
func (c Capabilities) Subresource(name string) (Subresource, bool) {
	for _, s := range c.Subresources {
		if s.Name == name {
			return s, true
		}
	}
	return Subresource{}, false
}

// Supports reports whether the subresource takes verb.
func (s Subresource) Supports(verb string) bool {
	return slices.Contains(s.Verbs, verb)
}

// Snapshot is the Capabilities of every resource of one discovery run,
// built once from the run's documents (the aggregated ones directly, the
// legacy resource lists otherwise) and immutable afterwards: it is safe
// for concurrent use. Client.Snapshot and Cached.Snapshot return one.
type Snapshot struct {
	all   []Capabilities                      // in server order
	index map[schema.GroupVersionResource]int // into all
	gvs   map[schema.GroupVersion]struct{}    // the group-versions discovered
}

// Resource returns the capabilities of gvr, and whether the snapshot's
// server serves it. It is one map lookup. A subresource is not a resource
// here: ask its resource's Subresource.
func (s *Snapshot) Resource(gvr schema.GroupVersionResource) (Capabilities, bool) {
	if s == nil {
		return Capabilities{}, false
	}
	i, ok := s.index[gvr]
	if !ok {
		return Capabilities{}, false
	}
	return s.all[i], true
}

// Resources returns every resource of the snapshot: groups in the
// server's order, their versions by preference, and the resources of each
// group-version sorted by plural name. The slice is shared: do not modify
// it.
func (s *Snapshot) Resources() []Capabilities {
	if s == nil {
		return nil
	}
	return s.all
}

// Covers reports whether the snapshot holds gv's resources: false for a
// group-version it does not know and for one whose discovery failed (a
// down APIService, a Stale aggregated version), about which it knows
// nothing.
func (s *Snapshot) Covers(gv schema.GroupVersion) bool {
	if s == nil {
		return false
	}
	_, ok := s.gvs[gv]
	return ok
}
