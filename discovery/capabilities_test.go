package discovery

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var (
	rwVerbs  = []string{"get", "patch", "update"}
	crdVerbs = []string{"delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"}
	recGroup = "rec.disctest.example.com"
	podsCaps = Capabilities{
		Identity: Identity{Version: "v1", Kind: "Pod", Plural: "pods"}, Singular: "pod", Namespaced: true,
		Verbs:      []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"},
		ShortNames: []string{"po"}, Categories: []string{"all"},
		Subresources: []Subresource{
			{Name: "attach", Kind: schema.GroupVersionKind{Version: "v1", Kind: "PodAttachOptions"}, Verbs: []string{"create", "get"}},
			{Name: "binding", Kind: schema.GroupVersionKind{Version: "v1", Kind: "Binding"}, Verbs: []string{"create"}},
			{Name: "ephemeralcontainers", Kind: schema.GroupVersionKind{Version: "v1", Kind: "Pod"}, Verbs: rwVerbs},
			{Name: "eviction", Kind: schema.GroupVersionKind{Group: "policy", Version: "v1", Kind: "Eviction"}, Verbs: []string{"create"}},
			{Name: "exec", Kind: schema.GroupVersionKind{Version: "v1", Kind: "PodExecOptions"}, Verbs: []string{"create", "get"}},
			{Name: "log", Kind: schema.GroupVersionKind{Version: "v1", Kind: "Pod"}, Verbs: []string{"get"}},
			{Name: "portforward", Kind: schema.GroupVersionKind{Version: "v1", Kind: "PodPortForwardOptions"}, Verbs: []string{"create", "get"}},
			{Name: "proxy", Kind: schema.GroupVersionKind{Version: "v1", Kind: "PodProxyOptions"}, Verbs: []string{"create", "delete", "get", "patch", "update"}},
			{Name: "resize", Kind: schema.GroupVersionKind{Version: "v1", Kind: "Pod"}, Verbs: rwVerbs},
			{Name: "status", Kind: schema.GroupVersionKind{Version: "v1", Kind: "Pod"}, Verbs: rwVerbs},
		},
	}
)

// TestSnapshotRecorded: the recorded server's snapshot, in both modes,
// holds what its documents say, and the two modes' snapshots are equal.
func TestSnapshotRecorded(t *testing.T) {
	rec := loadRecording(t)
	widgets := Capabilities{
		Identity: Identity{Group: recGroup, Version: "v1", Kind: "Widget", Plural: "widgets"}, Singular: "widget", Namespaced: true,
		Verbs: crdVerbs, ShortNames: []string{"wd"}, Categories: []string{"all", "disctest"},
		Subresources: []Subresource{
			{Name: "scale", Kind: schema.GroupVersionKind{Group: "autoscaling", Version: "v1", Kind: "Scale"}, Verbs: rwVerbs},
			{Name: "status", Kind: schema.GroupVersionKind{Group: recGroup, Version: "v1", Kind: "Widget"}, Verbs: rwVerbs},
		},
	}
	gadgets := Capabilities{
		Identity: Identity{Group: recGroup, Version: "v1alpha1", Kind: "Gadget", Plural: "gadgets"}, Singular: "gadget",
		Verbs: crdVerbs, ShortNames: []string{"gd"}, Categories: []string{"disctest"},
	}
	tests := []struct {
		name   string
		gvr    schema.GroupVersionResource
		want   Capabilities
		served bool
	}{
		{name: "pods", gvr: schema.GroupVersionResource{Version: "v1", Resource: "pods"}, want: podsCaps, served: true},
		{name: "CRD with status and scale", gvr: widgets.GroupVersionResource(), want: widgets, served: true},
		{name: "cluster-scoped CRD", gvr: gadgets.GroupVersionResource(), want: gadgets, served: true},
		{name: "unserved version", gvr: schema.GroupVersionResource{Group: recGroup, Version: "v2", Resource: "widgets"}},
		{name: "subresource is not a resource", gvr: schema.GroupVersionResource{Version: "v1", Resource: "pods/status"}},
	}
	snaps := map[Mode]*Snapshot{}
	for _, mode := range []Mode{Aggregated, Legacy} {
		s, err := New(newFake(t, &fakeServer{rec: rec}), Options{Mode: mode}).Snapshot(context.Background())
		if err != nil {
			t.Fatalf("%v: %v", mode, err)
		}
		snaps[mode] = s
		for _, tc := range tests {
			t.Run(mode.String()+"/"+tc.name, func(t *testing.T) {
				got, served := s.Resource(tc.gvr)
				if served != tc.served {
					t.Fatalf("served = %v, want %v", served, tc.served)
				}
				if d := cmp.Diff(tc.want, got); d != "" {
					t.Errorf("(-want +got):\n%s", d)
				}
			})
		}
	}
	if d := cmp.Diff(snaps[Legacy].Resources(), snaps[Aggregated].Resources()); d != "" {
		t.Errorf("snapshots differ (-legacy +aggregated):\n%s", d)
	}
	if n := len(snaps[Aggregated].Resources()); n < 50 {
		t.Errorf("%d resources in the snapshot", n)
	}
}

// TestBuildSnapshot covers the rules of building from each format.
func TestBuildSnapshot(t *testing.T) {
	gv := schema.GroupVersion{Group: "g", Version: "v1"}
	agg := &groupDiscoveryList{Items: []groupDiscovery{{
		Metadata: struct {
			Name string `json:"name"`
		}{Name: "g"},
		Versions: []versionDiscovery{
			{Version: "v1", Resources: []resourceDiscovery{{
				Resource: "rs", Scope: scopeCluster, Verbs: []string{}, ResponseKind: &metav1.GroupVersionKind{Group: "g", Version: "v1", Kind: "R"},
				Subresources: []subresourceDiscovery{{Subresource: "nokind"}, {Subresource: "s", ResponseKind: &metav1.GroupVersionKind{Kind: "S"}}},
			}}},
			{Version: "v2", Freshness: freshnessStale, Resources: []resourceDiscovery{{Resource: "rs"}}},
		},
	}}}
	legacy := []*metav1.APIResourceList{
		{GroupVersion: "g/v1", APIResources: []metav1.APIResource{{Name: "other"}}}, // agg covers g/v1 first
		{GroupVersion: "h/v1", APIResources: []metav1.APIResource{
			{Name: "xs/status", Kind: "X", Verbs: metav1.Verbs{"get"}}, // before its resource
			{Name: "orphans/status", Kind: "O"},
			{Name: "xs", Kind: "X", Namespaced: true, Verbs: metav1.Verbs{"list"}, ShortNames: []string{}},
			{Name: "xs/scale", Group: "autoscaling", Version: "v1", Kind: "Scale"},
		}},
		{GroupVersion: "not/a/gv", APIResources: []metav1.APIResource{{Name: "bad"}}},
	}
	s := buildSnapshot([]*groupDiscoveryList{agg}, legacy)
	tests := []struct {
		name   string
		gvr    schema.GroupVersionResource
		want   Capabilities
		served bool
	}{
		{name: "aggregated, empty verbs are nil, kinds default to the gv", gvr: gv.WithResource("rs"), served: true, want: Capabilities{
			Identity:     Identity{Group: "g", Version: "v1", Kind: "R", Plural: "rs"},
			Subresources: []Subresource{{Name: "nokind"}, {Name: "s", Kind: gv.WithKind("S")}},
		}},
		{name: "stale version left out", gvr: schema.GroupVersionResource{Group: "g", Version: "v2", Resource: "rs"}},
		{name: "legacy list of a covered gv left out", gvr: gv.WithResource("other")},
		{name: "legacy subresources in any order, sorted", gvr: schema.GroupVersionResource{Group: "h", Version: "v1", Resource: "xs"}, served: true, want: Capabilities{
			Identity: Identity{Group: "h", Version: "v1", Kind: "X", Plural: "xs"}, Namespaced: true, Verbs: []string{"list"},
			Subresources: []Subresource{
				{Name: "scale", Kind: schema.GroupVersionKind{Group: "autoscaling", Version: "v1", Kind: "Scale"}},
				{Name: "status", Kind: schema.GroupVersionKind{Group: "h", Version: "v1", Kind: "X"}, Verbs: []string{"get"}},
			},
		}},
		{name: "orphan subresource", gvr: schema.GroupVersionResource{Group: "h", Version: "v1", Resource: "orphans"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, served := s.Resource(tc.gvr)
			if served != tc.served {
				t.Fatalf("served = %v, want %v", served, tc.served)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
	covers := map[schema.GroupVersion]bool{gv: true, {Group: "g", Version: "v2"}: false, {Group: "h", Version: "v1"}: true, {Version: "v1"}: false}
	for gv, want := range covers {
		if got := s.Covers(gv); got != want {
			t.Errorf("Covers(%v) = %v, want %v", gv, got, want)
		}
	}
	if n := len(s.Resources()); n != 2 {
		t.Errorf("%d resources, want 2", n)
	}
}

func TestCapabilitiesHelpers(t *testing.T) {
	tests := []struct {
		name      string
		verb, sub string
		supports  bool
		hasSub    bool
		subVerb   bool
	}{
		{name: "watch and status patch", verb: "watch", sub: "status", supports: true, hasSub: true, subVerb: true},
		{name: "unknown verb, log", verb: "escalate", sub: "log", hasSub: true},
		{name: "no such subresource", verb: "list", sub: "scale", supports: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := podsCaps.Supports(tc.verb); got != tc.supports {
				t.Errorf("Supports(%q) = %v", tc.verb, got)
			}
			s, ok := podsCaps.Subresource(tc.sub)
			if ok != tc.hasSub {
				t.Fatalf("Subresource(%q) ok = %v", tc.sub, ok)
			}
			if got := s.Supports(VerbPatch); got != tc.subVerb {
				t.Errorf("Subresource(%q).Supports(patch) = %v", tc.sub, got)
			}
		})
	}
	var nilSnap *Snapshot
	if _, ok := nilSnap.Resource(podsCaps.GroupVersionResource()); ok || nilSnap.Resources() != nil || nilSnap.Covers(schema.GroupVersion{Version: "v1"}) {
		t.Error("a nil Snapshot holds something")
	}
}

// TestResourceCalls: Client.Resource reads one list; Cached.Resource
// answers from its run, and after Invalidate of the group reads one list.
func TestResourceCalls(t *testing.T) {
	rec := loadRecording(t)
	ctx := context.Background()
	pods := schema.GroupVersionResource{Version: "v1", Resource: "pods"}
	tests := []struct {
		name      string
		gvr       schema.GroupVersionResource
		served    bool
		wantErr   string
		wantPaths []string
	}{
		{name: "served", gvr: pods, served: true, wantPaths: []string{"/api/v1"}},
		{name: "not in its list", gvr: schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "nope"}, wantPaths: []string{"/apis/apps/v1"}},
		{name: "unserved group-version", gvr: schema.GroupVersionResource{Group: "x.example.com", Version: "v1", Resource: "xs"}, wantPaths: []string{"/apis/x.example.com/v1"}},
		{name: "no version", gvr: schema.GroupVersionResource{Resource: "pods"}, wantErr: "incomplete resource"},
		{name: "subresource", gvr: schema.GroupVersionResource{Version: "v1", Resource: "pods/status"}, wantErr: "names a subresource"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeServer{rec: rec}
			caps, served, err := New(newFake(t, f), Options{}).Resource(ctx, tc.gvr)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if served != tc.served || (served && caps.Plural != tc.gvr.Resource) {
				t.Errorf("served = %v (%+v), want %v", served, caps.Identity, tc.served)
			}
			if d := cmp.Diff(tc.wantPaths, f.takePaths()); d != "" {
				t.Errorf("requests (-want +got):\n%s", d)
			}
		})
	}
	// One list alone gives what a snapshot gives: subresources sorted.
	f := &fakeServer{rec: rec}
	f.setOverride("/apis/x.example.com/v1", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"kind":"APIResourceList","groupVersion":"x.example.com/v1","resources":[{"name":"xs/status","kind":"X"},{"name":"xs","kind":"X"},{"name":"xs/scale","kind":"Scale","group":"autoscaling","version":"v1"}]}`))
	})
	xs, served, err := New(newFake(t, f), Options{}).Resource(ctx, schema.GroupVersionResource{Group: "x.example.com", Version: "v1", Resource: "xs"})
	if err != nil || !served {
		t.Fatalf("Resource(xs) = %v, %v", served, err)
	}
	if d := cmp.Diff([]string{"scale", "status"}, []string{xs.Subresources[0].Name, xs.Subresources[1].Name}); d != "" {
		t.Errorf("subresources of one list (-want +got):\n%s", d)
	}
	f = &fakeServer{rec: rec}
	c := NewCached(New(newFake(t, f), Options{}), CacheOptions{})
	if _, err := c.Snapshot(ctx); err != nil {
		t.Fatal(err)
	}
	f.takePaths()
	if caps, served, err := c.Resource(ctx, pods); err != nil || !served || caps.Kind != "Pod" {
		t.Fatalf("Cached.Resource(pods) = %+v, %v, %v", caps.Identity, served, err)
	}
	if p := f.takePaths(); len(p) != 0 {
		t.Errorf("Cached.Resource after a run asked %v", p)
	}
	c.Invalidate("")
	if _, served, err := c.Resource(ctx, pods); err != nil || !served {
		t.Fatalf("Cached.Resource(pods) after Invalidate: %v, %v", served, err)
	}
	if d := cmp.Diff([]string{"/api/v1"}, f.takePaths()); d != "" {
		t.Errorf("requests after Invalidate of the core group (-want +got):\n%s", d)
	}
}
