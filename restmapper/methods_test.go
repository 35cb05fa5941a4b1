package restmapper

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func gvk(g, v, k string) schema.GroupVersionKind {
	return schema.GroupVersionKind{Group: g, Version: v, Kind: k}
}

func TestKindForAndResourceFor(t *testing.T) {
	m := New(loadRecorded(t), fastOpts)
	tests := []struct {
		name     string
		in       schema.GroupVersionResource
		wantKind schema.GroupVersionKind
		wantRes  schema.GroupVersionResource
		noMatch  bool
	}{
		{name: "plural in apps", in: gvr("", "", "deployments"), wantKind: gvk("apps", "v1", "Deployment"), wantRes: gvr("apps", "v1", "deployments")},
		{name: "core before events.k8s.io", in: gvr("", "", "events"), wantKind: gvk("", "v1", "Event"), wantRes: gvr("", "v1", "events")},
		{name: "preferred version autoscaling/v2", in: gvr("", "", "hpa"), wantKind: gvk("autoscaling", "v2", "HorizontalPodAutoscaler"), wantRes: gvr("autoscaling", "v2", "horizontalpodautoscalers")},
		{name: "explicit non-preferred version", in: gvr("rmtest.example.com", "v1beta1", "widgets"), wantKind: gvk("rmtest.example.com", "v1beta1", "Widget"), wantRes: gvr("rmtest.example.com", "v1beta1", "widgets")},
		{name: "version only", in: gvr("", "v2alpha1", "widget"), wantKind: gvk("rmtest.example.com", "v2alpha1", "Widget"), wantRes: gvr("rmtest.example.com", "v2alpha1", "widgets")},
		{name: "preferred of a CRD group", in: gvr("rmtest.example.com", "", "gadget"), wantKind: gvk("rmtest.example.com", "v1beta1", "Gadget"), wantRes: gvr("rmtest.example.com", "v1beta1", "gadgets")},
		{name: "CRD groups by name", in: gvr("", "", "things"), wantKind: gvk("alpha.rmtest.example.com", "v1", "Thing"), wantRes: gvr("alpha.rmtest.example.com", "v1", "things")},
		{name: "group prefix", in: gvr("zeta", "", "things"), wantKind: gvk("zeta.rmtest.example.com", "v1", "Thing"), wantRes: gvr("zeta.rmtest.example.com", "v1", "things")},
		{name: "short name beats CRD", in: gvr("", "", "po"), wantKind: gvk("", "v1", "Pod"), wantRes: gvr("", "v1", "pods")},
		{name: "short name in group", in: gvr("rmtest.example.com", "", "po"), wantKind: gvk("rmtest.example.com", "v1", "Widget"), wantRes: gvr("rmtest.example.com", "v1", "widgets")},
		{name: "uppercase resource", in: gvr("", "", "SPROCK"), wantKind: gvk("rmtest.example.com", "v1", "Sprocket"), wantRes: gvr("rmtest.example.com", "v1", "sprocketz")},
		{name: "missing", in: gvr("", "", "nosuchthings"), noMatch: true},
		{name: "wrong version", in: gvr("apps", "v1beta9", "deployments"), noMatch: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, kerr := m.KindFor(tc.in)
			r, rerr := m.ResourceFor(tc.in)
			if tc.noMatch {
				if !meta.IsNoMatchError(kerr) || !meta.IsNoMatchError(rerr) {
					t.Fatalf("KindFor, ResourceFor(%v) errors = %v, %v; want no match", tc.in, kerr, rerr)
				}
				return
			}
			if kerr != nil || rerr != nil {
				t.Fatalf("KindFor, ResourceFor(%v): %v, %v", tc.in, kerr, rerr)
			}
			if diff := cmp.Diff(tc.wantKind, k); diff != "" {
				t.Errorf("KindFor(%v) (-want +got):\n%s", tc.in, diff)
			}
			if diff := cmp.Diff(tc.wantRes, r); diff != "" {
				t.Errorf("ResourceFor(%v) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestListsInPriorityOrder(t *testing.T) {
	m := New(loadRecorded(t), fastOpts)
	res, err := m.ResourcesFor(gvr("", "", "widgets"))
	if err != nil {
		t.Fatal(err)
	}
	want := []schema.GroupVersionResource{gvr("rmtest.example.com", "v1", "widgets"), gvr("rmtest.example.com", "v1beta1", "widgets"), gvr("rmtest.example.com", "v2alpha1", "widgets")}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("ResourcesFor(widgets) (-want +got):\n%s", diff)
	}
	kinds, err := m.KindsFor(gvr("", "", "things"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]schema.GroupVersionKind{gvk("alpha.rmtest.example.com", "v1", "Thing"), gvk("zeta.rmtest.example.com", "v1", "Thing")}, kinds); diff != "" {
		t.Errorf("KindsFor(things) (-want +got):\n%s", diff)
	}
	hpa, err := m.ResourcesFor(gvr("autoscaling", "", "horizontalpodautoscaler"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]schema.GroupVersionResource{gvr("autoscaling", "v2", "horizontalpodautoscalers"), gvr("autoscaling", "v1", "horizontalpodautoscalers")}, hpa); diff != "" {
		t.Errorf("ResourcesFor(hpa) (-want +got):\n%s", diff)
	}
}

func TestRESTMapping(t *testing.T) {
	m := New(loadRecorded(t), fastOpts)
	widget := schema.GroupKind{Group: "rmtest.example.com", Kind: "Widget"}
	tests := []struct {
		name     string
		gk       schema.GroupKind
		versions []string
		want     *meta.RESTMapping
		noMatch  bool
	}{
		{name: "preferred", gk: schema.GroupKind{Group: "apps", Kind: "Deployment"}, want: &meta.RESTMapping{Resource: gvr("apps", "v1", "deployments"), GroupVersionKind: gvk("apps", "v1", "Deployment"), Scope: meta.RESTScopeNamespace}},
		{name: "first served version wins", gk: widget, versions: []string{"v9", "v2alpha1", "v1beta1"}, want: &meta.RESTMapping{Resource: gvr("rmtest.example.com", "v2alpha1", "widgets"), GroupVersionKind: gvk("rmtest.example.com", "v2alpha1", "Widget"), Scope: meta.RESTScopeNamespace}},
		{name: "empty version means any", gk: widget, versions: []string{""}, want: &meta.RESTMapping{Resource: gvr("rmtest.example.com", "v1", "widgets"), GroupVersionKind: gvk("rmtest.example.com", "v1", "Widget"), Scope: meta.RESTScopeNamespace}},
		{name: "lowercase kind, cluster scope", gk: schema.GroupKind{Group: "rmtest.example.com", Kind: "gadget"}, want: &meta.RESTMapping{Resource: gvr("rmtest.example.com", "v1beta1", "gadgets"), GroupVersionKind: gvk("rmtest.example.com", "v1beta1", "Gadget"), Scope: meta.RESTScopeRoot}},
		{name: "unserved version", gk: widget, versions: []string{"v9"}, noMatch: true},
		{name: "kind in another group", gk: schema.GroupKind{Kind: "Widget"}, noMatch: true},
		{name: "mixed case kind", gk: schema.GroupKind{Group: "apps", Kind: "DEPLOYMENT"}, noMatch: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := m.RESTMapping(tc.gk, tc.versions...)
			if tc.noMatch {
				var nk *meta.NoKindMatchError
				if !errors.As(err, &nk) {
					t.Fatalf("RESTMapping(%v, %q) = %v, %v; want *meta.NoKindMatchError", tc.gk, tc.versions, got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got, scopeByName); diff != "" {
				t.Errorf("RESTMapping(%v, %q) (-want +got):\n%s", tc.gk, tc.versions, diff)
			}
		})
	}
	all, err := m.RESTMappings(widget)
	if err != nil {
		t.Fatal(err)
	}
	var versions []string
	for _, mp := range all {
		versions = append(versions, mp.GroupVersionKind.Version)
	}
	if diff := cmp.Diff([]string{"v1", "v1beta1", "v2alpha1"}, versions); diff != "" {
		t.Errorf("RESTMappings(Widget) versions (-want +got):\n%s", diff)
	}
}

func TestResourceSingularizer(t *testing.T) {
	m := New(loadRecorded(t), fastOpts)
	for in, want := range map[string]string{"sprocketz": "sprock", "po": "pod", "deployments": "deployment", "endpoints": "endpoints"} {
		got, err := m.ResourceSingularizer(in)
		if err != nil || got != want {
			t.Errorf("ResourceSingularizer(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := m.ResourceSingularizer("nosuch"); !meta.IsNoMatchError(err) {
		t.Errorf("ResourceSingularizer(nosuch) error = %v; want no match", err)
	}
}

// tieSource serves one group-version whose "foo" is both the plural of Foo
// and the singular of Bar: a tie kubectl cannot break.
func tieSource() StaticSource {
	return StaticSource{
		Groups: []metav1.APIGroup{{Name: "tie.example.com", Versions: []metav1.GroupVersionForDiscovery{{GroupVersion: "tie.example.com/v1", Version: "v1"}}, PreferredVersion: metav1.GroupVersionForDiscovery{GroupVersion: "tie.example.com/v1", Version: "v1"}}},
		Resources: []*metav1.APIResourceList{{GroupVersion: "tie.example.com/v1", APIResources: []metav1.APIResource{
			{Name: "foo", SingularName: "fooone", Kind: "Foo", Namespaced: true},
			{Name: "foos", SingularName: "foo", Kind: "Bar", Namespaced: true},
		}}},
	}
}

func TestAmbiguousListsEveryCandidate(t *testing.T) {
	m := New(tieSource(), Options{})
	_, err := m.KindFor(gvr("", "", "foo"))
	var amb *meta.AmbiguousResourceError
	if !errors.As(err, &amb) {
		t.Fatalf("KindFor(foo) error = %v; want *meta.AmbiguousResourceError", err)
	}
	if diff := cmp.Diff([]schema.GroupVersionKind{gvk("tie.example.com", "v1", "Bar"), gvk("tie.example.com", "v1", "Foo")}, amb.MatchingKinds, sortGVKs); diff != "" {
		t.Errorf("MatchingKinds (-want +got):\n%s", diff)
	}
	_, err = m.Resolve(context.Background(), "foo")
	if !meta.IsAmbiguousError(err) {
		t.Fatalf("Resolve(foo) error = %v; want ambiguous", err)
	}
	cands, err := m.Candidates(context.Background(), "foo")
	if err != nil || len(cands) != 2 {
		t.Fatalf("Candidates(foo) = %v, %v; want both", cands, err)
	}
}

var sortGVKs = cmp.Transformer("sort", func(in []schema.GroupVersionKind) []string {
	out := make([]string, len(in))
	for i, k := range in {
		out[i] = k.String()
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
})

func TestResolveAllCategoriesAndLists(t *testing.T) {
	m := New(loadRecorded(t), fastOpts)
	tests := []struct {
		args string
		want []schema.GroupVersionResource
	}{
		{args: "all", want: []schema.GroupVersionResource{gvr("", "v1", "pods"), gvr("", "v1", "replicationcontrollers"), gvr("", "v1", "services"), gvr("apps", "v1", "daemonsets"), gvr("apps", "v1", "deployments"), gvr("apps", "v1", "replicasets"), gvr("apps", "v1", "statefulsets"), gvr("autoscaling", "v2", "horizontalpodautoscalers"), gvr("batch", "v1", "cronjobs"), gvr("batch", "v1", "jobs"), gvr("rmtest.example.com", "v1", "widgets")}},
		{args: "rmtest", want: []schema.GroupVersionResource{gvr("rmtest.example.com", "v1", "widgets"), gvr("rmtest.example.com", "v1beta1", "gadgets")}},
		{args: "deploy,svc,deploy", want: []schema.GroupVersionResource{gvr("apps", "v1", "deployments"), gvr("", "v1", "services")}},
		{args: "rmtest,wd,crds", want: []schema.GroupVersionResource{gvr("rmtest.example.com", "v1", "widgets"), gvr("rmtest.example.com", "v1beta1", "gadgets"), gvr("apiextensions.k8s.io", "v1", "customresourcedefinitions")}},
	}
	for _, tc := range tests {
		t.Run(tc.args, func(t *testing.T) {
			ms, err := m.ResolveAll(context.Background(), tc.args)
			if err != nil {
				t.Fatal(err)
			}
			var got []schema.GroupVersionResource
			for _, mp := range ms {
				got = append(got, mp.Resource)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ResolveAll(%q) (-want +got):\n%s", tc.args, diff)
			}
		})
	}
	if _, err := m.ResolveAll(context.Background(), "ALL"); !meta.IsNoMatchError(err) {
		t.Errorf("ResolveAll(ALL) error = %v; want no match (categories are case-sensitive)", err)
	}
}

var scopeByName = cmp.Comparer(func(a, b meta.RESTScope) bool { return a.Name() == b.Name() })

func TestCandidatesListEveryOwnerOfAShortName(t *testing.T) {
	m := New(loadRecorded(t), fastOpts)
	ms, err := m.Candidates(context.Background(), "deploy")
	if err != nil {
		t.Fatal(err)
	}
	var got []schema.GroupVersionResource
	for _, mp := range ms {
		got = append(got, mp.Resource)
	}
	want := []schema.GroupVersionResource{gvr("apps", "v1", "deployments"), gvr("apps.rmtest.example.com", "v1", "deployments"), gvr("rmtest.example.com", "v1beta1", "gadgets"), gvr("rmtest.example.com", "v1alpha1", "gadgets")}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Candidates(deploy) (-want +got):\n%s", diff)
	}
}
