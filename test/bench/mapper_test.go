package bench

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	kdrestmapper "github.com/kubedyn/kubedyn/restmapper"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
	cgdiscovery "k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	cgrestmapper "k8s.io/client-go/restmapper"
)

// Compile-time proof: our mapper is an apimachinery RESTMapper.
var (
	_ meta.RESTMapper           = (*kdrestmapper.Mapper)(nil)
	_ meta.ResettableRESTMapper = (*kdrestmapper.Mapper)(nil)
)

// clientGoMappers returns client-go's warm discovery mapper and kubectl's
// shortcut expander over it, for a server serving set.
func clientGoMappers(tb testing.TB, set *discoverySet) (meta.RESTMapper, meta.RESTMapper) {
	tb.Helper()
	fs := newFixtureServer(tb, set, true, nil)
	dc, err := cgdiscovery.NewDiscoveryClientForConfig(clientGoConfig(fs))
	if err != nil {
		tb.Fatal(err)
	}
	cached := memory.NewMemCacheClient(dc)
	gr, err := cgrestmapper.GetAPIGroupResources(cached)
	if err != nil {
		tb.Fatalf("client-go discovery of %s: %v", fs.URL, err)
	}
	m := cgrestmapper.NewDiscoveryRESTMapper(gr)
	return m, cgrestmapper.NewShortcutExpander(m, cached, func(string) {})
}

func kubedynMapper(set *discoverySet) *kdrestmapper.Mapper {
	return kdrestmapper.New(kdrestmapper.StaticSource{Groups: set.groups, Resources: set.lists}, kdrestmapper.Options{})
}

// TestInteropRESTMapper passes our mapper to apimachinery's and client-go's
// consumers of meta.RESTMapper and checks they answer as with client-go's.
func TestInteropRESTMapper(t *testing.T) {
	set := crdSet(t, 300)
	cgMapper, cgExpander := clientGoMappers(t, set)
	ours := kubedynMapper(set)
	fs := newFixtureServer(t, set, true, nil)
	dc, err := cgdiscovery.NewDiscoveryClientForConfig(clientGoConfig(fs))
	if err != nil {
		t.Fatal(err)
	}
	consumers := []struct {
		name   string
		ours   meta.RESTMapper
		theirs meta.RESTMapper
	}{
		{name: "client-go shortcut expander", ours: cgrestmapper.NewShortcutExpander(ours, memory.NewMemCacheClient(dc), func(string) {}), theirs: cgExpander},
		{name: "apimachinery MultiRESTMapper", ours: meta.MultiRESTMapper{ours}, theirs: meta.MultiRESTMapper{cgMapper}},
		{name: "apimachinery FirstHitRESTMapper", ours: meta.FirstHitRESTMapper{MultiRESTMapper: meta.MultiRESTMapper{ours}}, theirs: meta.FirstHitRESTMapper{MultiRESTMapper: meta.MultiRESTMapper{cgMapper}}},
	}
	lookups := []struct {
		name string
		gk   schema.GroupKind
		gvr  schema.GroupVersionResource
	}{
		{name: "deployments", gk: schema.GroupKind{Group: "apps", Kind: "Deployment"}, gvr: schema.GroupVersionResource{Resource: "deployments"}},
		{name: "pods", gk: schema.GroupKind{Kind: "Pod"}, gvr: schema.GroupVersionResource{Resource: "pods"}},
		{name: "crd", gk: schema.GroupKind{Group: "crd150.bench.example.com", Kind: "Widget150"}, gvr: schema.GroupVersionResource{Resource: "widget150s"}},
	}
	for _, c := range consumers {
		for _, l := range lookups {
			t.Run(c.name+"/"+l.name, func(t *testing.T) {
				want, err := c.theirs.RESTMapping(l.gk)
				if err != nil {
					t.Fatalf("client-go RESTMapping(%v): %v", l.gk, err)
				}
				got, err := c.ours.RESTMapping(l.gk)
				if err != nil {
					t.Fatalf("kubedyn RESTMapping(%v) through %s: %v", l.gk, c.name, err)
				}
				if diff := cmp.Diff(mappingView(want), mappingView(got)); diff != "" {
					t.Errorf("RESTMapping(%v) through %s (-client-go +kubedyn):\n%s", l.gk, c.name, diff)
				}
				wantK, err := c.theirs.KindFor(l.gvr)
				if err != nil {
					t.Fatalf("client-go KindFor(%v): %v", l.gvr, err)
				}
				gotK, err := c.ours.KindFor(l.gvr)
				if err != nil {
					t.Fatalf("kubedyn KindFor(%v) through %s: %v", l.gvr, c.name, err)
				}
				if diff := cmp.Diff(wantK, gotK); diff != "" {
					t.Errorf("KindFor(%v) through %s (-client-go +kubedyn):\n%s", l.gvr, c.name, diff)
				}
			})
		}
	}
}

// mappingViewT is a RESTMapping with its scope as a name (the scope types
// have unexported fields cmp cannot compare).
type mappingViewT struct {
	Resource schema.GroupVersionResource
	Kind     schema.GroupVersionKind
	Scope    meta.RESTScopeName
}

func mappingView(m *meta.RESTMapping) mappingViewT {
	return mappingViewT{Resource: m.Resource, Kind: m.GroupVersionKind, Scope: m.Scope.Name()}
}

// BenchmarkWarmMapper measures warm lookups over the +300-CRD set.
func BenchmarkWarmMapper(b *testing.B) {
	set := crdSet(b, 300)
	cgMapper, cgExpander := clientGoMappers(b, set)
	ours := kubedynMapper(set)
	gk := schema.GroupKind{Group: "crd150.bench.example.com", Kind: "Widget150"}
	short := schema.GroupVersionResource{Resource: "w150"}
	libs := []struct {
		name             string
		mapper, expander meta.RESTMapper
	}{
		{name: "client-go", mapper: cgMapper, expander: cgExpander},
		{name: "kubedyn", mapper: ours, expander: ours},
	}
	for _, lib := range libs {
		b.Run(fmt.Sprintf("op=RESTMapping/lib=%s", lib.name), func(b *testing.B) {
			b.ReportAllocs()
			if _, err := lib.mapper.RESTMapping(gk); err != nil {
				b.Fatalf("%s RESTMapping(%v): %v", lib.name, gk, err)
			}
			for b.Loop() {
				if _, err := lib.mapper.RESTMapping(gk); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("op=KindForShortName/lib=%s", lib.name), func(b *testing.B) {
			b.ReportAllocs()
			if _, err := lib.expander.KindFor(short); err != nil {
				b.Fatalf("%s KindFor(%v): %v", lib.name, short, err)
			}
			for b.Loop() {
				if _, err := lib.expander.KindFor(short); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
