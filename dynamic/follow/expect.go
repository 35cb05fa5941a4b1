package follow

import (
	"fmt"
	"slices"
	"sort"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/restmapper"
)

// Reason says what happened to a group.
type Reason string

// The reasons a Change reports.
const (
	// CRDEstablished: a CustomResourceDefinition became Established, so its
	// resource is now served.
	CRDEstablished Reason = "CRDEstablished"
	// CRDChanged: an Established CRD changed what discovery shows: served
	// versions, names, scope or subresources.
	CRDChanged Reason = "CRDChanged"
	// CRDDeleted: an Established CRD was deleted; its resource is no longer
	// served.
	CRDDeleted Reason = "CRDDeleted"
	// APIServiceAvailable: an APIService was added or became Available.
	APIServiceAvailable Reason = "APIServiceAvailable"
	// APIServiceUnavailable: an APIService was added unavailable or stopped
	// being Available.
	APIServiceUnavailable Reason = "APIServiceUnavailable"
	// APIServiceChanged: an APIService's priorities or backend changed.
	APIServiceChanged Reason = "APIServiceChanged"
	// APIServiceDeleted: an APIService was deleted.
	APIServiceDeleted Reason = "APIServiceDeleted"
)

// expectation is what discovery must show once a change has reached it:
// resources that must resolve and must not, and group-versions that must be
// listed or not. The Follower refreshes a group until its expectation holds
// (or gives up), because the server updates discovery a little after it
// reports the change.
type expectation struct {
	present, absent     map[schema.GroupVersionResource]bool
	gvPresent, gvAbsent map[string]bool
}

func (e *expectation) want(gvr schema.GroupVersionResource, present bool) {
	flip(&e.present, &e.absent, gvr, present)
}

func (e *expectation) wantGV(gv string, present bool) { flip(&e.gvPresent, &e.gvAbsent, gv, present) }

// flip records k in yes (present) or no (absent), and out of the other.
func flip[K comparable](yes, no *map[K]bool, k K, present bool) {
	if *yes == nil {
		*yes, *no = map[K]bool{}, map[K]bool{}
	}
	if !present {
		yes, no = no, yes
	}
	(*yes)[k] = true
	delete(*no, k)
}

// merge adds o to e; o, the newer, wins where they disagree.
func (e *expectation) merge(o expectation) {
	for r := range o.present {
		e.want(r, true)
	}
	for r := range o.absent {
		e.want(r, false)
	}
	for gv := range o.gvPresent {
		e.wantGV(gv, true)
	}
	for gv := range o.gvAbsent {
		e.wantGV(gv, false)
	}
}

// clone returns a copy of e that shares no maps with it.
func (e expectation) clone() expectation {
	var c expectation
	c.merge(e)
	return c
}

func (e expectation) empty() bool {
	return len(e.present)+len(e.absent)+len(e.gvPresent)+len(e.gvAbsent) == 0
}

// unmet lists, sorted, what idx does not yet show as e wants it.
func (e expectation) unmet(idx *restmapper.Index) []string {
	listed := map[string]bool{}
	for _, g := range idx.Groups() {
		for _, v := range g.Versions {
			listed[v.GroupVersion] = true
		}
	}
	served := func(r schema.GroupVersionResource) bool { _, err := idx.Resolve(resourceString(r)); return err == nil }
	out := append(missing(e.present, e.absent, served, resourceString, "resource %s not served yet", "resource %s still served"),
		missing(e.gvPresent, e.gvAbsent, func(gv string) bool { return listed[gv] }, func(gv string) string { return gv },
			"group-version %s not listed yet", "group-version %s still listed")...)
	sort.Strings(out)
	return out
}

// missing lists what has does not show as present and absent want.
func missing[K comparable](present, absent map[K]bool, has func(K) bool, name func(K) string, notYet, still string) []string {
	var out []string
	for k := range present {
		if !has(k) {
			out = append(out, fmt.Sprintf(notYet, name(k)))
		}
	}
	for k := range absent {
		if has(k) {
			out = append(out, fmt.Sprintf(still, name(k)))
		}
	}
	return out
}

// resourceString is r as a fully qualified kubectl resource string,
// "widgets.v1.example.com".
func resourceString(r schema.GroupVersionResource) string {
	return r.Resource + "." + r.Version + "." + r.Group
}

// crdChange compares two states of one CRD (nil: absent) and says whether
// discovery changed, how, and what it must show afterwards.
func crdChange(old, cur *crdState) (reason Reason, exp expectation, changed bool) {
	var before, after []schema.GroupVersionResource
	wasEst, isEst := old != nil && old.Established, cur != nil && cur.Established
	if old != nil {
		before = old.served()
	}
	if cur != nil {
		after = cur.served()
	}
	switch {
	case !wasEst && !isEst:
		return "", exp, false // never visible in discovery
	case old != nil && cur != nil && old.equal(*cur):
		return "", exp, false
	case !wasEst:
		reason = CRDEstablished
	case cur == nil:
		reason = CRDDeleted
	default:
		reason = CRDChanged
	}
	for _, r := range before {
		if !slices.Contains(after, r) {
			exp.want(r, false)
		}
	}
	for _, r := range after {
		exp.want(r, true)
	}
	return reason, exp, true
}

// apiServiceChange compares two states of one APIService (nil: absent).
// An Available APIService's group-version must be listed; a deleted
// APIService with a backend (not a local one, which mirrors a built-in or
// CRD group that the CRD watch covers) must not be.
func apiServiceChange(old, cur *apiServiceState) (reason Reason, exp expectation, changed bool) {
	switch {
	case old == nil && cur == nil:
		return "", exp, false
	case old != nil && cur != nil && *old == *cur:
		return "", exp, false
	case cur == nil:
		if !old.Local {
			exp.wantGV(old.groupVersion(), false)
		}
		return APIServiceDeleted, exp, true
	case cur.Available == "True":
		exp.wantGV(cur.groupVersion(), true)
		if old == nil || old.Available != "True" {
			return APIServiceAvailable, exp, true
		}
		return APIServiceChanged, exp, true
	case old == nil || old.Available == "True":
		return APIServiceUnavailable, exp, true
	default:
		return APIServiceChanged, exp, true
	}
}

// describe names what changed, for Change.Object.
func describe(resource, name string) string { return fmt.Sprintf("%s/%s", resource, name) }
