package restmapper

import (
	"context"
	"fmt"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// withSyntheticCRDs returns src plus n CRDs in n/2 groups of two versions
// each, shaped like the recorded CRD lists (short names, a category).
func withSyntheticCRDs(src StaticSource, n int) StaticSource {
	out := StaticSource{Groups: append([]metav1.APIGroup(nil), src.Groups...), Resources: append([]*metav1.APIResourceList(nil), src.Resources...)}
	for gi := 0; gi < n/2; gi++ {
		group := fmt.Sprintf("g%03d.synthetic.example.com", gi)
		var versions []metav1.GroupVersionForDiscovery
		for _, v := range []string{"v1", "v1beta1"} {
			gv := group + "/" + v
			versions = append(versions, metav1.GroupVersionForDiscovery{GroupVersion: gv, Version: v})
			l := &metav1.APIResourceList{GroupVersion: gv}
			for k := 0; k < 2; k++ {
				i := gi*2 + k
				l.APIResources = append(l.APIResources, metav1.APIResource{
					Name: fmt.Sprintf("crd%03ds", i), SingularName: fmt.Sprintf("crd%03d", i), Kind: fmt.Sprintf("Crd%03d", i),
					Namespaced: true, ShortNames: []string{fmt.Sprintf("c%03d", i)}, Categories: []string{"synthetic"},
					Verbs: metav1.Verbs{"get", "list", "watch", "create", "update", "patch", "delete"},
				})
			}
			out.Resources = append(out.Resources, l)
		}
		out.Groups = append(out.Groups, metav1.APIGroup{Name: group, Versions: versions, PreferredVersion: versions[0]})
	}
	return out
}

func BenchmarkWarmLookup(b *testing.B) {
	src := withSyntheticCRDs(loadRecorded(b), 300)
	m := New(src, Options{})
	ctx := context.Background()
	if err := m.Refresh(ctx); err != nil {
		b.Fatal(err)
	}
	strs := []string{"pods", "po", "deploy", "deployments.apps", "deployments.v1.apps", "Deployment.v1.apps", "hpa.autoscal", "WIDGETS", "Widgets.rmtest.example.com", "Sprocket.rmtest.example.com", "crd250s", "c250", "crd250.v1beta1.g125.synthetic.example.com"}
	for _, s := range strs {
		b.Run("Resolve/"+s, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := m.Resolve(ctx, s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("KindFor/short", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := m.KindFor(schema.GroupVersionResource{Resource: "deploy"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("KindFor/crd", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := m.KindFor(schema.GroupVersionResource{Resource: "crd250s"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("RESTMapping/preferred", func(b *testing.B) {
		b.ReportAllocs()
		gk := schema.GroupKind{Group: "apps", Kind: "Deployment"}
		for b.Loop() {
			if _, err := m.RESTMapping(gk); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("RESTMapping/version", func(b *testing.B) {
		b.ReportAllocs()
		gk := schema.GroupKind{Group: "g125.synthetic.example.com", Kind: "Crd250"}
		for b.Loop() {
			if _, err := m.RESTMapping(gk, "v1beta1"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ResourceFor/group-prefix", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := m.ResourceFor(schema.GroupVersionResource{Group: "app", Resource: "deployments"}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestWarmLookupAllocs holds the allocation budget of warm lookups (at
// most 2 per call) over the +300-CRD set; BenchmarkWarmLookup has the time.
func TestWarmLookupAllocs(t *testing.T) {
	m := New(withSyntheticCRDs(loadRecorded(t), 300), Options{})
	ctx := context.Background()
	if err := m.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"po", "deploy", "deployments.v1.apps", "Deployment.v1.apps", "hpa.autoscal", "WIDGETS", "Widgets.rmtest.example.com", "Sprocket.rmtest.example.com", "c250", "crd250.v1beta1.g125.synthetic.example.com"} {
		allocs := testing.AllocsPerRun(100, func() {
			if _, err := m.Resolve(ctx, s); err != nil {
				t.Fatal(err)
			}
		})
		if allocs > 2 {
			t.Errorf("Resolve(%q) allocates %v times per call; want at most 2", s, allocs)
		}
	}
	allocs := testing.AllocsPerRun(100, func() {
		_, _ = m.RESTMapping(schema.GroupKind{Group: "g125.synthetic.example.com", Kind: "Crd250"}, "v1beta1")
		_, _ = m.KindFor(schema.GroupVersionResource{Resource: "deploy"})
	})
	if allocs > 2 {
		t.Errorf("RESTMapping+KindFor allocate %v times; want at most 2", allocs)
	}
	warned := 0
	mw := New(withSyntheticCRDs(loadRecorded(t), 300), Options{Warn: func(string) { warned++ }})
	allocs = testing.AllocsPerRun(100, func() { _, _ = mw.Resolve(ctx, "po") })
	if allocs > 2 || warned == 0 {
		t.Errorf("Resolve(po) with a Warn handler allocates %v times (warned %d); want at most 2", allocs, warned)
	}
}

// BenchmarkBuildIndex measures building the index of one discovery run
// (the recorded server plus 300 CRDs): the part of a cold start, and of
// every refresh, that is not I/O. "kinds" is what a snapshot builds at once
// (enough for RESTMapping); "all" adds the maps of resource names, short
// names and categories the first resource lookup builds.
func BenchmarkBuildIndex(b *testing.B) {
	src := withSyntheticCRDs(loadRecorded(b), 300)
	b.Run("kinds", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			NewIndex(src.Groups, src.Resources)
		}
	})
	b.Run("all", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			NewIndex(src.Groups, src.Resources).s.resources()
		}
	})
}
