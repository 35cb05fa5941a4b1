package memserver

import (
	"encoding/base64"
	"sort"
	"sync"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// registry is the set of resources one server serves: the recorded
// built-ins plus the versions of established CRDs.
type registry struct {
	surface *Surface

	mu sync.RWMutex // guards byGVR, crds, stale, gen
	// byGVR maps every served group-version-resource to its resource.
	byGVR map[schema.GroupVersionResource]*resource
	// crds maps a CRD's name (plural.group) to what it serves.
	crds map[string]*crdEntry
	// stale are group-versions marked stale in aggregated discovery.
	stale map[schema.GroupVersion]bool
	// gen counts changes, for discovery ETags.
	gen uint64
}

func newRegistry(s *Surface) *registry {
	r := &registry{
		surface: s,
		byGVR:   make(map[schema.GroupVersionResource]*resource, len(s.resources)),
		crds:    map[string]*crdEntry{},
		stale:   map[schema.GroupVersion]bool{},
	}
	for _, res := range s.resources {
		r.byGVR[res.gvr] = res
	}
	return r
}

// lookup returns the resource served at gvr, or nil.
func (r *registry) lookup(gvr schema.GroupVersionResource) *resource {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.byGVR[gvr]
}

// servesGroupVersion says whether any resource is served in gv.
func (r *registry) servesGroupVersion(gv schema.GroupVersion) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for gvr := range r.byGVR {
		if gvr.GroupVersion() == gv {
			return true
		}
	}
	return false
}

// byKind finds the resource serving a kind in gv (not its subresources).
func (r *registry) byKind(gvk schema.GroupVersionKind) *resource {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for gvr, res := range r.byGVR {
		if gvr.GroupVersion() == gvk.GroupVersion() && res.kind == gvk.Kind {
			return res
		}
	}
	return nil
}

// crdResources returns the resources of CRDs, sorted by group, version.
func (r *registry) crdResources() []*resource {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []*resource
	for _, e := range r.crds {
		out = append(out, e.versions...)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.gvr.Group != b.gvr.Group {
			return a.crd.order < b.crd.order
		}
		return a.crd.versionIndex < b.crd.versionIndex
	})
	return out
}

// generation is the registry's change counter.
func (r *registry) generation() uint64 {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.gen
}

// setStale marks gv stale (or current again) in aggregated discovery.
func (r *registry) setStale(gv schema.GroupVersion, stale bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if stale {
		r.stale[gv] = true
	} else {
		delete(r.stale, gv)
	}
	r.gen++
}

func (r *registry) isStale(gv schema.GroupVersion) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.stale[gv]
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// setCRD replaces what a CRD serves (nil: nothing).
func (r *registry) setCRD(name string, res []*resource) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.crds[name]; ok {
		for _, v := range old.versions {
			delete(r.byGVR, v.gvr)
		}
	}
	r.gen++
	if res == nil {
		delete(r.crds, name)
		return
	}
	r.crds[name] = &crdEntry{name: name, versions: res}
	for _, v := range res {
		r.byGVR[v.gvr] = v
	}
}

// conflictingCRD says whether another CRD already serves group/plural.
func (r *registry) conflictingCRD(group, plural, name string) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for n, e := range r.crds {
		if n != name && len(e.versions) > 0 && e.versions[0].gvr.Group == group && e.versions[0].gvr.Resource == plural {
			return true
		}
	}
	return false
}
